import Settings
import EmbeddingCore
import IndexStorage

/// `search --mode lexical` ranks by BM25 alone and embeds nothing, so it must work
/// when the native model is not installed. The index still needs an embedder's
/// identity and a vector per function; without a model it gets one of these.
public struct LexicalSearchEmbedder: Sendable {
    public var embedder: Embedder
    /// Whether the index may be brought up to date first (false: searched as it is).
    public var mayUpdate: Bool
    /// What to tell the user, when anything.
    public var note: String?

    /// The configured embedder when it can be made; without the native model, an index
    /// of another model is searched as it is (updating it would need that model, and
    /// replacing it would throw its vectors away), and otherwise an index with no
    /// meaning in its vectors (`LexicalOnlyEmbedder`) is built or updated.
    public static func choose(settings: Settings, existingIndex: @autoclosure () -> IndexMetadata?,
                              choice: EmbedderChoice = EmbedderChoice()) async throws -> LexicalSearchEmbedder {
        do {
            return LexicalSearchEmbedder(embedder: try await choice.makeEmbedder(settings: settings, existingIndex: existingIndex()),
                                         mayUpdate: true)
        } catch let error as EmbeddingError where settings.provider == .native {
            let lexicalOnly = LexicalOnlyEmbedder()
            if let index = existingIndex(), index.identity != lexicalOnly.identity {
                return LexicalSearchEmbedder(
                    embedder: IdentityOnlyEmbedder(identity: index.identity, reason: error), mayUpdate: false,
                    note: "the index was searched as it is, without bringing it up to date: \(error)")
            }
            return LexicalSearchEmbedder(embedder: lexicalOnly, mayUpdate: true)
        }
    }

    init(embedder: Embedder, mayUpdate: Bool, note: String? = nil) {
        self.embedder = embedder
        self.mayUpdate = mayUpdate
        self.note = note
    }
}

/// Stands in for a missing model in an index that only lexical search will read: one
/// zero component per function. Its own identity keeps these vectors apart from any
/// model's (DESIGN.md 6): the first run with a model rebuilds the index.
public struct LexicalOnlyEmbedder: Embedder {
    public let identity = EmbedderIdentity(provider: "none", model: "lexical-only", fingerprint: "",
                                           dimensions: 1, pooling: "none", maxTokens: 0)

    public init() {}

    public func embed(documents: [String]) async throws -> [[Float]] {
        documents.map { _ in [0] }
    }

    public func embed(query: String) async throws -> [Float] {
        throw CodesearchError.usage("this index holds no embeddings (no model was installed when it was made); use --mode lexical")
    }
}

/// An index's embedder, known by identity only because its model is missing: enough to
/// open the index for lexical search, and an error if anything would be embedded.
struct IdentityOnlyEmbedder: Embedder {
    let identity: EmbedderIdentity
    let reason: any Error

    func embed(documents: [String]) async throws -> [[Float]] { throw reason }
    func embed(query: String) async throws -> [Float] { throw reason }
}
