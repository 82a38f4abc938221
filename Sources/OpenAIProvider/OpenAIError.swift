import Foundation

/// What can go wrong talking to an OpenAI-compatible embeddings endpoint. Messages never
/// contain the API key: server text is passed through `OpenAIRedaction` first.
public enum OpenAIError: Error, Equatable, Sendable {
    case invalidConfiguration(String)
    case invalidTokenizerFile(String)
    /// The model's vector size is unknown and none was configured.
    case unknownDimensions(model: String)
    /// 400: the server rejected the request (e.g. an input or parameter it does not accept).
    case badRequest(endpoint: String, message: String)
    /// 401: no key, or a key the server does not accept.
    case unauthorized(endpoint: String, message: String)
    /// 403: the key is valid but may not use this model, project or region.
    case forbidden(endpoint: String, message: String)
    /// 404: no such model, deployment or path.
    case notFound(endpoint: String, model: String, message: String)
    /// Any other status that is not worth retrying.
    case httpStatus(endpoint: String, status: Int, message: String)
    /// 429 or 5xx on every attempt.
    case retriesExhausted(endpoint: String, attempts: Int, lastStatus: Int, message: String)
    /// No answer within the time-out on every attempt.
    case timedOut(endpoint: String, attempts: Int, seconds: Double)
    /// The connection failed on every attempt.
    case transport(endpoint: String, attempts: Int, message: String)
    /// The body is not the embeddings JSON expected.
    case malformedResponse(endpoint: String, detail: String)
}

extension OpenAIError: LocalizedError, CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidConfiguration(let what):
            return "invalid embeddings configuration: \(what)"
        case .invalidTokenizerFile(let what):
            return "cannot use the tokenizer file: \(what)"
        case .unknownDimensions(let model):
            return "the vector size of model '\(model)' is unknown; set the embedding dimensions in the configuration"
        case .badRequest(let endpoint, let message):
            return "\(endpoint) rejected the request (400): \(message); check the model name and dimensions"
        case .unauthorized(let endpoint, let message):
            return "\(endpoint) refused the API key (401): \(message); set a valid key in OPENAI_API_KEY (or the variable configured for it)"
        case .forbidden(let endpoint, let message):
            return "\(endpoint) denied access (403): \(message); check that the key may use this model, project or region"
        case .notFound(let endpoint, let model, let message):
            return "\(endpoint) has no model or deployment '\(model)' (404): \(message); check --model and --base-url"
        case .httpStatus(let endpoint, let status, let message):
            return "\(endpoint) answered HTTP \(status): \(message)"
        case .retriesExhausted(let endpoint, let attempts, let status, let message):
            return "\(endpoint) still answered HTTP \(status) after \(attempts) attempts: \(message); try again later (vectors already received are kept)"
        case .timedOut(let endpoint, let attempts, let seconds):
            return "\(endpoint) did not answer within \(Self.format(seconds)) s, \(attempts) attempts; try again later or raise request-timeout (--request-timeout, CODESEARCH_REQUEST_TIMEOUT)"
        case .transport(let endpoint, let attempts, let message):
            return "cannot reach \(endpoint) after \(attempts) attempts: \(message); check the base URL and the network"
        case .malformedResponse(let endpoint, let detail):
            return "\(endpoint) sent a response that is not an embeddings list: \(detail); check that the base URL is an OpenAI-compatible API (it usually ends in /v1)"
        }
    }

    public var errorDescription: String? { description }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// Keeps secrets out of anything shown to a user.
enum OpenAIRedaction {
    /// `text` with the key and any credential redacted, then cut to `limit` characters.
    /// Redaction must come first: a cut taken first can split the key so that the whole
    /// key no longer matches, and most of it would be shown.
    static func clean(_ text: String, key: String?, limit: Int = 300) -> String {
        var text = SecretRedaction.redact(text, secret: key)
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > limit { text = String(text.prefix(limit)) + "…" }
        return text.isEmpty ? "no details" : text
    }

    /// A URL as shown in messages: scheme, host, port and path, without user info or query.
    static func endpoint(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "the server" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? "the server"
    }
}
