/// What made a set of vectors. The index keys its cache on `key`, so two
/// embedders' vectors are never mixed.
public struct EmbedderIdentity: Codable, Hashable, Sendable {
    /// `native` or `openai`.
    public var provider: String
    /// Model name, e.g. `all-MiniLM-L6-v2` or `text-embedding-3-small`.
    public var model: String
    /// What tells two embedders of the same name apart: the SHA-256 of the weights file for
    /// a native model, of the endpoint's settings for an API model (`OpenAIEmbedder`), empty
    /// for none. Stored in the index as it is; only its name in Swift changed.
    public var fingerprint: String
    public var dimensions: Int
    /// `mean`, `cls`, or `remote`.
    public var pooling: String
    public var maxTokens: Int

    // The encoded name stays what it was, so anything encoded before the rename still decodes.
    private enum CodingKeys: String, CodingKey {
        case provider, model, fingerprint = "weightsSHA256", dimensions, pooling, maxTokens
    }

    public init(provider: String, model: String, fingerprint: String,
                dimensions: Int, pooling: String, maxTokens: Int) {
        self.provider = provider
        self.model = model
        self.fingerprint = fingerprint
        self.dimensions = dimensions
        self.pooling = pooling
        self.maxTokens = maxTokens
    }

    /// One stable string naming these vectors.
    public var key: String {
        "\(provider):\(model):\(fingerprint):\(dimensions):\(pooling):\(maxTokens)"
    }
}

/// Turns texts into L2-normalised vectors of `identity.dimensions` floats.
public protocol Embedder: Sendable {
    var identity: EmbedderIdentity { get }
    /// Vectors for documents (function texts), in input order.
    func embed(documents: [String]) async throws -> [[Float]]
    /// The vector for a search query (a model may want a query prefix).
    func embed(query: String) async throws -> [Float]
}
