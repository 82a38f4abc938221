import ByteCoding
import Git
import Scanning

/// Stable numeric codes for enums stored on disk (never reorder).
package enum FunctionKindCode {
    package static let order: [FunctionSpan.Kind] = [.function, .method, .initializer, .deinitializer, .subscript, .operator,
                                              .class, .struct, .enum, .protocol, .actor, .extension, .interface, .module]

    package static func code(_ kind: FunctionSpan.Kind) -> UInt8 { UInt8(order.firstIndex(of: kind) ?? 0) }

    package static func kind(_ code: UInt8) -> FunctionSpan.Kind? {
        Int(code) < order.count ? order[Int(code)] : nil
    }
}

package enum SnapshotKindCode {
    package static func write(_ kind: SnapshotKind, into writer: inout ByteWriter) {
        switch kind {
        case .workingTree: writer.u8(0); writer.string("")
        case .staged: writer.u8(1); writer.string("")
        case .revision(let rev): writer.u8(2); writer.string(rev)
        }
    }

    package static func read(_ reader: inout ByteReader) throws -> SnapshotKind {
        let code = try reader.u8()
        let rev = try reader.string()
        switch code {
        case 0: return .workingTree
        case 1: return .staged
        case 2: return .revision(rev)
        default: throw reader.failure
        }
    }
}
