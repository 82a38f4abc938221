import Foundation

/// An embedder that knows its identity at once but loads its model on first use.
///
/// A command that finds the index already current (a no-op `index`, a hook run after a
/// checkout that changed nothing) never pays for the tokenizer and the weights.
public final class LazyEmbedder: Embedder, @unchecked Sendable {
    public let identity: EmbedderIdentity
    private let load: @Sendable () throws -> Embedder
    private let lock = NSLock()
    private var loaded: Result<Embedder, Error>?

    public init(identity: EmbedderIdentity, load: @escaping @Sendable () throws -> Embedder) {
        self.identity = identity
        self.load = load
    }

    /// The underlying embedder, loading it if this is the first use.
    public func embedder() throws -> Embedder {
        lock.lock(); defer { lock.unlock() }
        if loaded == nil { loaded = Result { try load() } }
        guard let loaded else { throw EmbeddingError.unsupportedModel(path: identity.model, reason: "not loaded") }
        let embedder = try loaded.get()
        guard embedder.identity == identity else {
            throw EmbeddingError.unsupportedModel(path: identity.model, reason: "the model changed while codesearch was running")
        }
        return embedder
    }

    public func embed(documents: [String]) async throws -> [[Float]] {
        try await embedder().embed(documents: documents)
    }

    public func embed(query: String) async throws -> [Float] {
        try await embedder().embed(query: query)
    }
}
