#if MCP
import CodesearchKit
import Settings
import MCP
import Search

/// `search`: `codesearch search` as a tool, paged within a token budget.
struct SearchTool: CodesearchTool {
    let name = "search"
    let title = "Search code by meaning"
    let description = """
        Find the functions, types and files that answer a question in words ("where do we retry \
        failed uploads") or name a symbol, ranked by meaning and words together. Brings the index \
        up to date with the working tree first, so an edit made since the last call is found. \
        Each result: path (relative to the repository root), line (1-based declaration line), \
        qualified name, score, and the first lines of the unit.
        """

    let parameters: [Parameter] = [
        Parameter(name: "query", kind: .string(maxLength: 2000),
                  description: "A question in words, or an identifier.", required: true),
        Parameter(name: "path", kind: .strings(maxCount: 20, maxLength: 500),
                  description: "Only results whose path matches one of these gitignore-style globs, e.g. src/**."),
        Parameter(name: "language", kind: .strings(maxCount: 20, maxLength: 50),
                  description: "Only results in these languages, e.g. python, swift, go."),
        Parameter(name: "mode", kind: .choice(SearchMode.allCases.map(\.rawValue)),
                  description: "hybrid (meaning and words), dense (meaning only) or lexical (words only; needs no model).",
                  defaultValue: .string(SearchMode.default.rawValue)),
        Parameter(name: "files_only", kind: .boolean,
                  description: "List files, each at the rank of its best unit, instead of units.", defaultValue: false),
    ] + Paging.parameters()

    var outputSchema: Value {
        // A files-only entry carries path, line and score alone.
        Paging.schema(item: ["type": "object", "properties": .object(HitRendering.unitProperties),
                             "required": ["path", "line", "score"]])
    }

    func call(_ arguments: ToolArguments, _ context: CallContext) async throws -> CallTool.Result {
        let paging = try Paging(arguments, fingerprint: context.fingerprint)
        let session = context.session
        let workspace = try await session.workspace()
        let query = arguments.string("query") ?? ""
        let mode = SearchMode(rawValue: arguments.string("mode") ?? "") ?? .default
        let filesOnly = arguments.bool("files_only")
        let languages = try workspace.resultLanguages(arguments.strings("language"), source: "language")
        let patterns = arguments.strings("path").map(PathPattern.init)
        var pathFilter: (@Sendable (String) -> Bool)?
        if !patterns.isEmpty {
            pathFilter = { @Sendable path in patterns.contains { $0.matches(path) } }
        }
        let (embedder, mayUpdate, embedderNote) = try await session.embedder(for: mode, workspace)
        let location = await session.location(workspace)
        let request = SearchRequest(query: query, limit: paging.wanted * (filesOnly ? FileRanking.unitsPerFile : 1),
                                    languages: languages, pathFilter: pathFilter, update: mayUpdate, mode: mode)
        let result = try await workspace.search(request, embedder: embedder, location: location,
                                                indexerOptions: try session.indexerOptions())
        session.updated(result.update, workspace, location)

        let notes = [embedderNote].compactMap { $0 } + Paging.notes(result.update, coverage: mode == .lexical ? nil : result.index)
        let rendering = HitRendering(workspace: workspace, contextLines: paging.contextLines)
        let hits = filesOnly ? FileRanking.bestPerFile(result.hits, limit: paging.wanted) : result.hits
        let items = hits.dropFirst(paging.offset).prefix(paging.limit + 1)
            .map { filesOnly ? rendering.fileItem($0) : rendering.item($0) }
        return paging.page(Array(items.prefix(paging.limit)), more: items.count > paging.limit, notes: notes,
                           header: "", fingerprint: context.fingerprint)
    }
}
#endif
