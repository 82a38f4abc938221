import ArgumentParser
import CodesearchKit
import Settings
import EmbeddingCore
import Foundation
import IndexStorage
import Indexing
import Printers
import Search

/// `codesearch search`: a natural-language question in, the nearest functions out.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find the functions, types and files that best answer a question.",
        discussion: """
            Brings the index up to date with the working tree first (a fast no-op when \
            nothing changed; --no-update skips it), embeds the question, ranks every \
            unit (functions, types, and one module unit per file) and prints the best, \
            best first. --mode hybrid (the default) fuses cosine similarity with BM25 over \
            identifier words and path components, weighted by whether the question is one \
            identifier or words, then: a unit named what the question names comes first; \
            question words in a file's or folder's name lift its units; a file with many \
            matches lifts its best unit; tests, examples, docs, benchmarks and vendored code \
            step back unless the question asks for them; a file's later units decay so the \
            first results cover more files; a type or module unit steps back for its own \
            unit that matches nearly as well. A question that reads like one function's \
            documentation ("return the size of a file", or a whole sentence ending in a \
            full stop) asks for that function: types, modules and the file-level rules \
            step back for it. dense is cosine only; lexical is BM25 with the \
            same rules (no embedding, no model needed). A hit's score is scaled so the best \
            carries the best cosine, so --min-score means the same for every question. \
            CODESEARCH_RANKING="name=value,..." changes the weights (see RankingWeights). \
            The update embeds for at most 0.2 s before answering (nothing for a first index) \
            (CODESEARCH_EMBED_BUDGET=SECONDS, or none to wait for every vector): units \
            left without vectors are ranked by their words (a note says how many) and a \
            background `codesearch index --background` fills them in at the lowest \
            priority (never in CI, with codesearch.background = false or CODESEARCH_BACKGROUND=0). \
            Each hit prints as:

              path:line: QualifiedName  score      (then a few lines of the function)

            line is the def/func line, 1-based; paths are relative to the repository root. \
            --vimgrep prints path:line:column:signature, one line per hit; --json prints \
            JSON Lines, each {"type":...,"version":1,"data":{...}}; -l prints the files \
            only, each once, at the rank of its best result, as rg -l does.

            Exits 0 when something was printed, 1 when nothing matched, 2 on error.
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var output: HitOutputOptions

    @Argument(help: "The question, e.g. where do we retry failed uploads.")
    var query: [String] = []

    @Option(name: .long, help: ArgumentHelp("How to rank: by embeddings (dense), by words (lexical, needs no model) or both fused (hybrid).", valueName: "mode"))
    var mode: SearchMode = .default

    @Option(name: .long, help: ArgumentHelp("Answer each line of FILE as a question; JSON Lines, a summary after each (for scripts/eval).",
                                            valueName: "file", visibility: .hidden))
    var queries: String?

    @Flag(name: [.customShort("l"), .customLong("files-with-matches")], help: ArgumentHelp(
        "Print the files, ranked by their best result, one per line (with --json: file messages)."))
    var filesWithMatches = false

    @Option(name: .customLong("lang"), help: ArgumentHelp(
        "Only results in this language (repeatable); the index is not narrowed (see --languages).", valueName: "language"))
    var languages: [String] = []

    @Option(name: .customLong("path"), help: ArgumentHelp(
        "Only results whose path matches this gitignore-style pattern (repeatable); the index is not narrowed (see --include).",
        valueName: "glob"))
    var paths: [String] = []

    func validate() throws {
        if filesWithMatches && output.vimgrep { throw ValidationError("-l and --vimgrep cannot be used together") }
        if queries != nil && !query.isEmpty { throw ValidationError("give a question or --queries, not both") }
        if queries == nil && query.joined().trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("the question is empty") }
    }

    /// The ranking stack's weights: the defaults, or `CODESEARCH_RANKING="name=value,…"` over them.
    static func rankingWeights() throws -> RankingWeights {
        guard let text = ProcessInfo.processInfo.environment["CODESEARCH_RANKING"], !text.isEmpty else { return .default }
        do {
            return try RankingWeights.parse(text)
        } catch {
            throw ValidationError("CODESEARCH_RANKING: \(error)")
        }
    }

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace(extraFlags: embedderOptions.configurationFlags)
        let location = workspace.indexLocation(override: indexOptions.directory)
        let searchMode = mode
        var embedder: Embedder
        var mayUpdate = true
        if searchMode == .lexical {
            // BM25 embeds nothing, so a missing model must not stop it.
            let chosen = try await LexicalSearchEmbedder.choose(
                settings: workspace.settings, existingIndex: try? IndexMetadata.read(path: location.indexPath))
            (embedder, mayUpdate) = (chosen.embedder, chosen.mayUpdate)
            if let note = chosen.note { Output.diagnostic("codesearch: note: \(note)") }
            ProcessLifetime.keep(embedder)
        } else {
            embedder = try await embedderOptions.makeEmbedder(for: workspace, location: location)
        }
        let patterns = paths.map(PathPattern.init)
        var pathFilter: (@Sendable (String) -> Bool)? = nil
        if !patterns.isEmpty {
            pathFilter = { path in patterns.contains { $0.matches(path) } }
        }
        let languageSet = try workspace.resultLanguages(languages, source: "--lang")
        let questions = try queries.map(Self.readQuestions) ?? [query.joined(separator: " ")]
        let weights = try Self.rankingWeights()
        let requests = questions.map {
            SearchRequest(query: $0, limit: filesWithMatches ? output.limit * FileRanking.unitsPerFile : output.limit,
                          languages: languageSet, pathFilter: pathFilter, minScore: output.minScore,
                          update: mayUpdate && !output.noUpdate, mode: searchMode, weights: weights)
        }
        var indexerOptions = IndexerOptions()
        indexerOptions.embedBudget = try EmbedBudget.forSearch(indexPath: location.indexPath)
        let results = try await workspace.search(batch: requests, embedder: embedder, location: location,
                                                 indexerOptions: indexerOptions)
        ProcessLifetime.keep(results)
        if queries != nil {
            for result in results {
                var printer = JSONHitPrinter(), sink = Output.standard
                printer.print(workspace.printed(result.hits), to: &sink)
            }
            return
        }
        UpdateNotes.print(results[0].update)
        if searchMode != .lexical { UpdateNotes.printCoverage(results[0].index) }
        startFillerIfNeeded(results[0], workspace: workspace, location: location)
        if results[0].hits.isEmpty { UpdateNotes.printNothingToSearch(results[0].index, in: workspace) }
        if filesWithMatches {
            let files = FileRanking.bestPerFile(results[0].hits, limit: output.limit)
            var sink = Output.standard
            FileListPrinter(json: output.json).print(workspace.printed(files), to: &sink)
            if files.isEmpty { throw ExitCode(1) }
            return
        }
        try output.print(results[0].hits, in: workspace)
    }

    static func readQuestions(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read --queries file \(path)")
        }
        return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

extension SearchCommand {
    /// Starts the background filler when this search's update left units waiting for
    /// vectors (`BackgroundFiller` says when it may not).
    func startFillerIfNeeded(_ result: SearchResult, workspace: Workspace, location: IndexLocation) {
        guard let update = result.update, update.deferredFunctions > 0 else { return }
        let flags = !repositoryOptions.configurationFlags.isEmpty || !embedderOptions.configurationFlags.isEmpty
        BackgroundFiller.startIfAllowed(workspace: workspace, location: location, settingsAsFlags: flags)
    }
}

extension SearchMode: ExpressibleByArgument {}
