/// Which units a listing shows (`functions --kind`, `scan --kind`).
public enum UnitFilter: String, CaseIterable, Sendable {
    /// Functions, methods, initializers and the other callables.
    case function
    /// Type declarations: class, struct, enum, protocol, actor, extension, interface.
    case type
    /// The one unit per file.
    case module
    case all

    public func accepts(_ kind: FunctionSpan.Kind) -> Bool {
        switch self {
        case .function: return kind.isCallable
        case .type: return kind.isType
        case .module: return kind == .module
        case .all: return true
        }
    }

    /// The units of `bytes` this filter accepts, in the scanner's order.
    public func units(of scanner: FunctionScanner, in bytes: UnsafeRawBufferPointer) -> [FunctionSpan] {
        self == .function ? scanner.functions(in: bytes) : scanner.units(in: bytes).filter { accepts($0.kind) }
    }
}
