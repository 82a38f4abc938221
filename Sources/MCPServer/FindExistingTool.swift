#if MCP
import CodesearchKit
import MCP

/// `find_existing`: before writing code, the existing functions that already do it.
struct FindExistingTool: CodesearchTool {
    let name = "find_existing"
    let title = "Find existing code before writing it"
    let description = """
        Before writing a function, give its code (a draft is enough) or a description of what it \
        will do, and get the existing functions nearest to it with their similarity, so you can \
        reuse or extend one instead of writing a duplicate. likelyDuplicate marks a pair that \
        codesearch's pre-commit duplicate check would report (cosine at least 0.90, or code shape \
        at least 0.80 alike with names and literals aside).
        """

    let parameters: [Parameter] = [
        Parameter(name: "code", kind: .string(maxLength: 100_000),
                  description: "Source of the function(s) about to be written. Give this or description."),
        Parameter(name: "description", kind: .string(maxLength: 2000),
                  description: "What the code about to be written does, in words. Give this or code."),
        Parameter(name: "language", kind: .string(maxLength: 50),
                  description: "The language of code, e.g. python (default: the grammar that finds the most functions in it)."),
    ] + Paging.parameters()

    var outputSchema: Value {
        var properties = HitRendering.unitProperties
        properties["structure"] = ["type": "number"]
        properties["likelyDuplicate"] = ["type": "boolean"]
        properties["snippetFunction"] = ["type": "string"]
        return Paging.schema(item: ["type": "object", "properties": .object(properties),
                                    "required": .array(HitRendering.unitRequired + ["likelyDuplicate"])],
                             extra: ["language": ["type": "string"]])
    }

    func call(_ arguments: ToolArguments, _ context: CallContext) async throws -> CallTool.Result {
        let paging = try Paging(arguments, fingerprint: context.fingerprint)
        let query: ExistingCodeQuery
        switch (arguments.string("code"), arguments.string("description")) {
        case let (code?, nil): query = .code(code, language: arguments.string("language"))
        case let (nil, text?): query = .description(text)
        default: throw ToolError.arguments("give either 'code' or 'description', not both or neither")
        }
        if case .code(let code, _) = query, code.allSatisfy(\.isWhitespace) { throw ToolError.arguments("'code' is empty") }
        if case .description(let text) = query, text.allSatisfy(\.isWhitespace) {
            throw ToolError.arguments("'description' is empty")
        }
        let session = context.session
        let workspace = try await session.workspace()
        let embedder = try await session.embedder(workspace)
        let location = await session.location(workspace)
        let request = ExistingCodeRequest(query: query, limit: paging.wanted, indexerOptions: try session.indexerOptions())
        let result = try await workspace.findExisting(request, embedder: embedder, location: location)
        session.updated(result.update, workspace, location)
        let notes = Paging.notes(result.update, coverage: result.index)
        let rendering = HitRendering(workspace: workspace, contextLines: paging.contextLines)
        let items = result.matches.dropFirst(paging.offset).prefix(paging.limit + 1).map { match in
            var extra: [String: Value] = ["likelyDuplicate": .bool(match.likelyDuplicate)]
            if let structure = match.structure { extra["structure"] = .double(HitRendering.rounded(structure)) }
            if let name = match.snippetFunction { extra["snippetFunction"] = .string(name) }
            let note = (match.structure.map { String(format: ", structure %.2f", $0) } ?? "")
                + (match.snippetFunction.map { " (like your \(HitRendering.visible($0)))" } ?? "")
                + (match.likelyDuplicate ? "  likely duplicate" : "")
            return rendering.item(match.hit, extra: extra, note: note)
        }
        var extra: [String: Value] = [:]
        if let language = result.language { extra["language"] = .string(language) }
        return paging.page(Array(items.prefix(paging.limit)), more: items.count > paging.limit, notes: notes,
                           header: "", extra: extra, fingerprint: context.fingerprint)
    }
}
#endif
