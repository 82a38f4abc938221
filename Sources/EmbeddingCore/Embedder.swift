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
    /// The arithmetic that made the vectors (`EncoderPrecision`): `fp32` (every remote model
    /// too), `int8` or `bf16`. Never `auto`: the resolved one.
    public var precision: String

    public init(provider: String, model: String, fingerprint: String,
                dimensions: Int, pooling: String, maxTokens: Int, precision: String = "fp32") {
        self.provider = provider
        self.model = model
        self.fingerprint = fingerprint
        self.dimensions = dimensions
        self.pooling = pooling
        self.maxTokens = maxTokens
        self.precision = precision
    }

    /// One stable string naming these vectors; fp32's is the one every earlier index has.
    public var key: String {
        "\(provider):\(model):\(fingerprint):\(dimensions):\(pooling):\(maxTokens)"
            + (precision == "fp32" ? "" : ":\(precision)")
    }

    /// The model name as an index stores it: `name` for fp32, `name@int8` otherwise. A
    /// reader that predates precisions then sees another model and re-embeds, never mixes.
    public var storedModel: String { precision == "fp32" ? model : "\(model)@\(precision)" }

    /// `storedModel` taken apart: (model, precision).
    /// The precisions other than fp32 a stored model name may carry (BertEngine's
    /// `EncoderPrecision.identityName`s, but for `auto`, which never reaches an identity),
    /// and those of retired schemes (`int8`, before outlier channels), so that an index made
    /// by one reads back as what it is and is re-embedded, never mixed.
    public static let storedPrecisions = ["int8", "int8v2", "bf16", "mixed"]

    public static func parseStoredModel(_ stored: String) -> (model: String, precision: String) {
        for precision in storedPrecisions where stored.hasSuffix("@" + precision) {
            return (String(stored.dropLast(precision.count + 1)), precision)
        }
        return (stored, "fp32")
    }
}

extension EmbedderIdentity {
    // `fingerprint` keeps the encoded name it had before the rename, so anything encoded
    // earlier still decodes.
    private enum CodingKeys: String, CodingKey {
        case provider, model, fingerprint = "weightsSHA256", dimensions, pooling, maxTokens, precision
    }

    /// Decodes identities written before `precision` existed as fp32.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(provider: try c.decode(String.self, forKey: .provider), model: try c.decode(String.self, forKey: .model),
                  fingerprint: try c.decode(String.self, forKey: .fingerprint),
                  dimensions: try c.decode(Int.self, forKey: .dimensions), pooling: try c.decode(String.self, forKey: .pooling),
                  maxTokens: try c.decode(Int.self, forKey: .maxTokens),
                  precision: try c.decodeIfPresent(String.self, forKey: .precision) ?? "fp32")
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
