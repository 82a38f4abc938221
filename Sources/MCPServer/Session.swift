import EmbeddingCore
#if MCP
import CodesearchKit
import Settings
import IndexStorage
import Indexing
import Search

/// How `codesearch mcp` was started: which repository, which settings given as flags, and
/// what the front does for the server (it prints; this module does not).
public struct ServerOptions: Sendable {
    public var repository: String?
    public var indexDirectory: String?
    /// Settings given as flags, the highest configuration layer.
    public var configurationFlags: [(key: String, value: String)]
    public var version: String
    /// Writes one line of diagnostics to standard error.
    public var log: @Sendable (String) -> Void
    /// Starts the background filler when an update left units waiting for their vectors.
    public var startFiller: @Sendable (Workspace, IndexLocation) -> Void

    public init(repository: String?, indexDirectory: String?, configurationFlags: [(key: String, value: String)],
                version: String, log: @escaping @Sendable (String) -> Void,
                startFiller: @escaping @Sendable (Workspace, IndexLocation) -> Void) {
        self.repository = repository
        self.indexDirectory = indexDirectory
        self.configurationFlags = configurationFlags
        self.version = version
        self.log = log
        self.startFiller = startFiller
    }
}

/// What the tool calls of one server share: the workspace and the embedder, each made on
/// the first call that succeeds in making it and kept for the server's life (a failure,
/// say no repository or no model, is reported to that call and tried again by the next).
actor Session {
    let options: ServerOptions
    private var openedWorkspace: Workspace?
    private var madeEmbedder: Embedder?

    init(options: ServerOptions) {
        self.options = options
    }

    func workspace() throws -> Workspace {
        if let openedWorkspace { return openedWorkspace }
        let workspace = try Workspace.open(path: options.repository, flags: options.configurationFlags.map { ($0.key, $0.value) })
        for warning in workspace.warnings { options.log("codesearch: warning: \(warning)") }
        openedWorkspace = workspace
        return workspace
    }

    func location(_ workspace: Workspace) -> IndexLocation {
        workspace.indexLocation(override: options.indexDirectory)
    }

    /// The configured embedder (the model is loaded on its first embedding).
    func embedder(_ workspace: Workspace) async throws -> Embedder {
        if let madeEmbedder { return madeEmbedder }
        let embedder = try await EmbedderChoice().makeEmbedder(for: workspace, location: location(workspace))
        madeEmbedder = embedder
        return embedder
    }

    /// Opens the workspace and loads the model before the first call asks for them, so that
    /// call waits for neither. A failure is left for the calls to meet and report.
    nonisolated func prepare() async {
        guard let workspace = try? await workspace(), let embedder = try? await embedder(workspace) else { return }
        // Outside the actor: the load takes milliseconds that other calls need not wait for.
        _ = try? (embedder as? LazyEmbedder)?.embedder()
    }

    /// The embedder for a ranking mode, whether the index may be updated first, and a note:
    /// lexical ranking embeds no question, so it works without the model (`LexicalSearchEmbedder`).
    func embedder(for mode: SearchMode, _ workspace: Workspace) async throws -> (Embedder, mayUpdate: Bool, note: String?) {
        guard mode == .lexical else { return (try await embedder(workspace), true, nil) }
        if let embedder = try? await embedder(workspace) { return (embedder, true, nil) }
        let location = location(workspace)
        let chosen = try await LexicalSearchEmbedder.choose(
            settings: workspace.settings, existingIndex: try? IndexMetadata.read(path: location.indexPath))
        return (chosen.embedder, chosen.mayUpdate, chosen.note)
    }

    /// The update a call runs first: as `search`'s, embedding for at most the foreground budget.
    nonisolated func indexerOptions() throws -> IndexerOptions {
        var options = IndexerOptions()
        options.embedBudget = try EmbedBudget.fromEnvironment(default: EmbedBudget.searchDefault)
        return options
    }

    /// After a call's update: starts the filler when units were left waiting for vectors.
    nonisolated func updated(_ summary: IndexSummary?, _ workspace: Workspace, _ location: IndexLocation) {
        guard let summary, summary.deferredFunctions > 0 else { return }
        options.startFiller(workspace, location)
    }
}
#endif
