/// What can stop a clustering or a map; lower-case messages that say what to do.
public enum AtlasError: Error, CustomStringConvertible, Equatable {
    /// OpenBLAS could not be loaded (the loader's reason).
    case blas(String)
    /// Fewer units with vectors than the work needs.
    case tooFewUnits(have: Int, need: Int)

    public var description: String {
        switch self {
        case .blas(let reason): return reason
        case let .tooFewUnits(have, need):
            return "\(have) unit\(have == 1 ? "" : "s") with a vector, and at least \(need) are needed; "
                + "run `codesearch index` to embed the rest, or widen --path, --lang or --include-tests"
        }
    }
}
