import Foundation

/// Everything that can go wrong loading or running an embedding model. Messages are
/// lower-case, name the file, and say what to do.
public enum EmbeddingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A required file of the model folder is absent.
    case missingFile(path: String, hint: String)
    /// A file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// A JSON file does not parse or lacks a field.
    case badJSON(path: String, reason: String)
    /// The weights file is truncated or malformed.
    case corruptWeights(path: String, reason: String)
    /// A tensor is missing or has the wrong shape or type.
    case badTensor(path: String, tensor: String, reason: String)
    /// The model is not a BERT-family encoder this engine runs.
    case unsupportedModel(path: String, reason: String)
    /// No model folder could be found.
    case modelNotFound(name: String, searched: [String])
    /// A download or install failed.
    case installFailed(source: String, reason: String)
    /// OpenBLAS, which batches of texts need, cannot be loaded (the reason says what to install).
    case blasUnavailable(reason: String)
    /// The precision asked for has no kernel on this CPU (the message says what to use).
    case unsupportedPrecision(String)

    public var description: String {
        switch self {
        case .missingFile(let path, let hint):
            return "\(path): file is missing; \(hint)"
        case .unreadable(let path, let reason):
            return "\(path): cannot read file: \(reason)"
        case .badJSON(let path, let reason):
            return "\(path): invalid JSON: \(reason); restore the file, e.g. with `codesearch model install`"
        case .corruptWeights(let path, let reason):
            return "\(path): corrupt weights file: \(reason); reinstall the model with `codesearch model install`"
        case .badTensor(let path, let tensor, let reason):
            return "\(path): tensor `\(tensor)`: \(reason); the weights do not match config.json"
        case .unsupportedModel(let path, let reason):
            return "\(path): unsupported model: \(reason); use a BERT-family sentence-transformers model"
        case .modelNotFound(let name, let searched):
            return "model `\(name)` not found (looked in: \(searched.joined(separator: ", "))); "
                + "install it with \(Self.installCommand(for: name)), or pass --model DIR; "
                + "`codesearch search --mode lexical` needs no model"
        case .installFailed(let source, let reason):
            return "\(source): install failed: \(reason)"
        case .blasUnavailable(let reason):
            return reason
        case .unsupportedPrecision(let message):
            return message
        }
    }

    /// The command that puts a missing model in the cache: a download for the default
    /// model or a Hugging Face `owner/name`, else a copy of a folder the user has.
    static func installCommand(for name: String) -> String {
        if name == DefaultModel.name {
            return "`codesearch model install sentence-transformers/\(name)` (downloads it from Hugging Face)"
        }
        if name.contains("/") && !name.hasPrefix("/") && !name.hasPrefix(".") && !name.hasPrefix("~") {
            return "`codesearch model install \(name)` (downloads it from Hugging Face)"
        }
        return "`codesearch model install DIR --name \(name)` (copies a model folder you have) "
            + "or `codesearch model install OWNER/NAME` (downloads one)"
    }

    public var errorDescription: String? { description }
}
