/// Every setting codesearch reads, after the layers are merged.
/// `.codesearch.example` documents each key; keep the two in step.
public struct Settings: Sendable, Equatable {
    /// Index only paths matching one of these (empty: everything).
    public var include: [PathPattern] = []
    /// Includes from the repository's `.codesearch`, applied on top of `include`
    /// (a path must pass both), so a repository can only narrow the user's choice.
    public var repositoryInclude: [PathPattern] = []
    /// Never index paths matching one of these.
    public var exclude: [PathPattern] = []
    /// Index only these languages (nil: every language with a grammar).
    public var languages: Set<String>? = nil
    /// Skip files larger than this many bytes.
    public var maxFileSize: Int = 1 << 20
    /// Extra folders of grammar files, searched before the built-in grammars.
    public var grammarDirectories: [String] = []
    /// Model folder or name for the native embedder, or the API model's name (nil: the default).
    public var model: String? = nil
    /// `native` (default) or `openai` (any OpenAI-compatible /v1/embeddings endpoint).
    public var provider: EmbeddingProvider = .native
    /// The API's base URL, with its version prefix (default https://api.openai.com/v1).
    public var baseURL: String? = nil
    /// The environment variable holding the API key (default OPENAI_API_KEY). The key itself
    /// is only ever read from the environment.
    public var apiKeyVariable: String = "OPENAI_API_KEY"
    /// Requested vector size (text-embedding-3 models only).
    public var dimensions: Int? = nil
    /// Azure OpenAI: the deployment name and api-version (both or neither).
    public var azureDeployment: String? = nil
    public var azureAPIVersion: String? = nil
    /// A cl100k_base.tiktoken file for exact token counts (default: tiktoken's cache).
    public var tiktokenFile: String? = nil
    /// USD per 1,000 tokens for `index --dry-run` (default: the model's list price).
    public var pricePer1K: String? = nil
    /// Most tokens per input the API accepts (default 8191).
    public var maxInputTokens: Int? = nil
    /// Seconds one API request may take before it is retried (default 60).
    public var requestTimeout: Double? = nil
    /// Whether a search that left units without vectors may start the background filler.
    public var background: Bool = true
    /// The native encoder's arithmetic: `auto`, `fp32`, `bf16` or `int8` (the loader takes no
    /// other value; Embedding's `EncoderPrecision` gives them their meaning).
    public var precision: String = "auto"

    public init() {}

    /// Whether a repository path passes the include/exclude and language filters.
    public func admits(path: String, language: String?) -> Bool {
        if !include.isEmpty && !include.contains(where: { $0.matches(path) }) { return false }
        if !repositoryInclude.isEmpty && !repositoryInclude.contains(where: { $0.matches(path) }) { return false }
        if exclude.contains(where: { $0.matches(path) }) { return false }
        if let languages, let language, !languages.contains(language) { return false }
        return true
    }
}

/// Where a setting came from, highest precedence first.
public enum ConfigurationLayer: String, Sendable, CaseIterable {
    case flag, environment, user, repository
}

/// Which engine makes the vectors.
public enum EmbeddingProvider: String, CaseIterable, Sendable {
    /// A local BERT-family model run by the native engine.
    case native
    /// Any OpenAI-compatible `/v1/embeddings` endpoint.
    case openai
}
