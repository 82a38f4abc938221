import BertEngine
import CodesearchKit
import Foundation
import LoopbackHTTP

/// The native model behind an OpenAI-compatible `/v1/embeddings` endpoint on loopback,
/// so tools (and other codesearch runs with `--provider openai`) can share one model.
///
/// Accepts `POST /v1/embeddings` (or `/embeddings`) with `{"input": "text" | ["text", ...],
/// "model": "..."}` and answers as OpenAI does: `{"object":"list","data":[{"object":
/// "embedding","index":0,"embedding":[...]}],"model":...,"usage":{"prompt_tokens":N,
/// "total_tokens":N}}`. `GET /v1/models` lists the one model. Errors use OpenAI's shape,
/// `{"error":{"message":...,"type":...}}`.
public final class EmbeddingService: @unchecked Sendable {
    private let embedder: BertEmbedder
    /// Requests are answered one at a time: the embedder already uses every core.
    private let lock = NSLock()
    /// Most texts one request may hold (`codesearch serve --max-inputs`); the work of one
    /// request holds the lock, so this bounds how long one client keeps the others waiting.
    public let maxInputs: Int
    public init(embedder: BertEmbedder, maxInputs: Int = ServeLimits.defaultMaxInputs) {
        self.embedder = embedder
        self.maxInputs = max(1, maxInputs)
    }

    public var modelName: String { embedder.identity.model }

    public func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        switch (request.method, request.path) {
        case ("GET", "/v1/models"), ("GET", "/models"):
            return .json(["object": "list", "data": [["id": modelName, "object": "model", "owned_by": "codesearch"]]])
        case ("POST", "/v1/embeddings"), ("POST", "/embeddings"):
            return embeddings(request)
        case (_, "/v1/embeddings"), (_, "/embeddings"):
            return Self.error(405, "use POST", type: "invalid_request_error")
        default:
            return Self.error(404, "no route for \(request.method) \(request.path); this server answers POST /v1/embeddings",
                              type: "invalid_request_error")
        }
    }

    private func embeddings(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        guard let body = request.json else {
            return Self.error(400, "the body is not a JSON object", type: "invalid_request_error")
        }
        let inputs: [String]
        switch body["input"] {
        case let text as String: inputs = [text]
        case let texts as [String]: inputs = texts
        default:
            return Self.error(400, "'input' must be a string or an array of strings (token arrays are not supported)",
                              type: "invalid_request_error")
        }
        guard !inputs.isEmpty, inputs.count <= maxInputs else {
            return Self.error(400, "'input' holds \(inputs.count) texts; this server takes 1 to \(maxInputs) per request"
                              + " (codesearch serve --max-inputs)", type: "invalid_request_error")
        }
        lock.lock()
        let result = Result { try embedder.embedSynchronously(inputs) }
        let tokens = inputs.reduce(0) { $0 + embedder.tokenCount($1) }
        lock.unlock()
        let vectors: [[Float]]
        switch result {
        case .success(let v): vectors = v
        case .failure(let error): return Self.error(500, "\(error)", type: "server_error")
        }
        let data: [[String: Any]] = vectors.enumerated().map { index, vector in
            ["object": "embedding", "index": index, "embedding": vector.map(Double.init)]
        }
        return .json(["object": "list", "data": data, "model": (body["model"] as? String) ?? modelName,
                      "usage": ["prompt_tokens": tokens, "total_tokens": tokens]])
    }

    /// A request the server's limits refused (too large, too slow, malformed), in OpenAI's error shape.
    @Sendable public static func rejection(_ refusal: LoopbackHTTPError) -> LoopbackHTTPServer.Response {
        error(refusal.status ?? 400, refusal.description, type: "invalid_request_error")
    }

    static func error(_ status: Int, _ message: String, type: String) -> LoopbackHTTPServer.Response {
        .json(["error": ["message": message, "type": type]], status: status)
    }
}
