/// Errors of the Scanning module; messages are lower-case and say what to do.
public enum ScanningError: Error, CustomStringConvertible, Equatable {
    case invalidGrammar(file: String, reason: String)
    case unreadableGrammarFolder(path: String, reason: String)
    case unknownLanguage(String)
    case noGrammarForFile(String)

    public var description: String {
        switch self {
        case let .invalidGrammar(file, reason):
            return "invalid grammar \(file): \(reason); fix the JSON or remove the file"
        case let .unreadableGrammarFolder(path, reason):
            return "cannot read grammar folder \(path): \(reason)"
        case let .unknownLanguage(name):
            return "no grammar named '\(name)'; see the Grammars/ folder or pass --grammars DIR"
        case let .noGrammarForFile(path):
            return "no grammar for \(path); pass --language NAME or add a grammar for its extension"
        }
    }
}
