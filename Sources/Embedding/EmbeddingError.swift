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
                + "run scripts/install-model or `codesearch model install DIR|NAME`, or pass --model DIR"
        case .installFailed(let source, let reason):
            return "\(source): install failed: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
