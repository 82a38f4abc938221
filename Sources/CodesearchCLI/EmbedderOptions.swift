import BertEngine
import ArgumentParser
import CodesearchKit
import Settings
import EmbeddingCore
import Foundation
import IndexStorage

/// Options of every command that embeds text. Each is also a configuration key
/// (see .codesearch.example), settable in the environment or the user's config,
/// never in a repository's committed `.codesearch`.
struct EmbedderOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "native (default: a local BERT model) or openai (any OpenAI-compatible /v1/embeddings endpoint).",
        valueName: "name"))
    var provider: EmbeddingProvider?

    @Option(name: .long, help: ArgumentHelp(
        "native: a model folder or a name in the model cache (default all-MiniLM-L6-v2); openai: the model name (default text-embedding-3-small).",
        valueName: "model"))
    var model: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp(
        "openai: the API base URL with its version prefix (default https://api.openai.com/v1; env OPENAI_BASE_URL).",
        valueName: "url"))
    var baseURL: String?

    @Option(name: .long, help: ArgumentHelp("openai: the vector size to ask for (text-embedding-3 models).", valueName: "n"))
    var dimensions: Int?

    @Option(name: .customLong("api-key-env"), help: ArgumentHelp(
        "openai: the environment variable that holds the API key (default OPENAI_API_KEY).", valueName: "name"))
    var apiKeyVariable: String?

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp(
        "openai: seconds one request may take before it is tried again (default 60).", valueName: "seconds"))
    var requestTimeout: Double?

    @Option(name: .long, help: ArgumentHelp(
        "native: the encoder's arithmetic: " + EncoderPrecision.choices + " Part of the index's identity: changing it re-embeds.",
        valueName: "precision"))
    var precision: EncoderPrecision?

    var configurationFlags: [ConfigurationLoader.Entry] {
        var entries: [ConfigurationLoader.Entry] = []
        if let provider { entries.append(("provider", provider.rawValue)) }
        if let model { entries.append(("model", model)) }
        if let baseURL { entries.append(("base-url", baseURL)) }
        if let dimensions { entries.append(("dimensions", String(dimensions))) }
        if let apiKeyVariable { entries.append(("api-key-env", apiKeyVariable)) }
        if let requestTimeout { entries.append(("request-timeout", String(requestTimeout))) }
        if let precision { entries.append(("precision", precision.rawValue)) }
        return entries
    }

    func validate() throws {
        if let dimensions, dimensions < 1 { throw ValidationError("--dimensions must be positive") }
        if let requestTimeout, !(requestTimeout.isFinite && requestTimeout > 0) {
            throw ValidationError("--request-timeout must be a positive number of seconds")
        }
    }

    var choice: EmbedderChoice { EmbedderChoice() }

    /// The embedder the settings choose, kept alive until the process exits: unmapping
    /// and freeing a model's weights at exit costs milliseconds a search would pay for nothing.
    func makeEmbedder(for workspace: Workspace, location: IndexLocation) async throws -> Embedder {
        let embedder = try await choice.makeEmbedder(for: workspace, location: location)
        ProcessLifetime.keep(embedder)
        return embedder
    }
}

extension EncoderPrecision: ExpressibleByArgument {
    /// The values `--precision` takes, for its help (`embed`, `index`, `search`, `serve`).
    static let choices = "auto (default: the fastest within the quality bar on this CPU), fp32 (the reference), "
        + "bf16, int8 or mixed (int8 and bf16 products)."
}

/// Objects left for the operating system to reclaim at exit.
enum ProcessLifetime {
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    static func keep(_ object: Any) {
        lock.lock(); defer { lock.unlock() }
        kept.append(object)
    }
}

/// `--index DIR`: where the index lives, instead of `<git common dir>/codesearch`.
struct IndexOptions: ParsableArguments {
    @Option(name: .customLong("index"), help: ArgumentHelp(
        "The index folder (default: .git/codesearch in the repository's common git dir).", valueName: "dir"))
    var directory: String?
}

extension EmbeddingProvider: ExpressibleByArgument {
    /// Any case, as the configuration key takes it (`--provider OpenAI`).
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
