/// Failures of the operations behind the commands; lower-case messages that say what to do.
public enum CodesearchError: Error, Equatable, CustomStringConvertible {
    case hookConflict(path: String)
    /// codesearch's lines in a hook were changed since install.
    case hookEdited(path: String)
    case io(path: String, reason: String)
    case usage(String)
    case noGrammar(path: String)

    public var description: String {
        switch self {
        case .hookConflict(let path):
            return "\(path) already exists; move it away, then run `codesearch hooks install` again"
        case .hookEdited(let path):
            return "\(path): codesearch's lines were changed since install; remove the lines from "
                + "'# codesearch-hook v1 begin' to '# codesearch-hook v1 end' (or the file), then run "
                + "`codesearch hooks install` again"
        case let .io(path, reason):
            return "cannot write \(path): \(reason)"
        case .usage(let message):
            return message
        case .noGrammar(let path):
            return "no grammar for \(path); add one with --grammars DIR or the `grammars` config key"
        }
    }
}
