#if MCP
import CodesearchKit
import MCP

/// `similar`: `codesearch similar` as a tool.
struct SimilarTool: CodesearchTool {
    let name = "similar"
    let title = "Functions like a given one"
    let description = """
        List the functions most like one function of the repository (its own embedding is the \
        query; it is left out), nearest first: its near-twins, other implementations of the same \
        idea, code to keep consistent with it.
        """

    let parameters: [Parameter] = [
        Parameter(name: "location", kind: .string(maxLength: 4096),
                  description: "path:line (any line inside the function) or path::QualifiedName; "
                      + "the path relative to the repository root.", required: true),
    ] + Paging.parameters()

    var outputSchema: Value {
        let target: Value = ["type": "object", "required": ["path", "line", "qualifiedName"], "properties": [
            "path": ["type": "string"], "line": ["type": "integer"], "qualifiedName": ["type": "string"],
        ]]
        return Paging.schema(item: ["type": "object", "properties": .object(HitRendering.unitProperties),
                                    "required": .array(HitRendering.unitRequired)],
                             extra: ["target": target], required: ["target"])
    }

    func call(_ arguments: ToolArguments, _ context: CallContext) async throws -> CallTool.Result {
        let paging = try Paging(arguments, fingerprint: context.fingerprint)
        let session = context.session
        let workspace = try await session.workspace()
        let text = arguments.string("location") ?? ""
        guard let parsed = FunctionLocation(text) else {
            throw ToolError.arguments("'location' must be path:line or path::QualifiedName, not '\(text)'")
        }
        let path = try workspace.rootRelative(parsed.path)
        let embedder = try await session.embedder(workspace)
        let location = await session.location(workspace)
        let request = SimilarRequest(location: parsed.withPath(path), limit: paging.wanted)
        let result = try await workspace.similar(request, embedder: embedder, location: location,
                                                 indexerOptions: try session.indexerOptions())
        session.updated(result.update, workspace, location)
        let notes = Paging.notes(result.update, coverage: nil)
        let rendering = HitRendering(workspace: workspace, contextLines: paging.contextLines)
        let items = result.hits.dropFirst(paging.offset).prefix(paging.limit + 1).map { rendering.item($0) }
        let span = result.target.span
        let target: Value = ["path": .string(result.targetPath), "line": .int(span.declarationLine),
                             "qualifiedName": .string(span.qualifiedName)]
        let header = "like \(HitRendering.visible(result.targetPath)):\(span.declarationLine): "
            + HitRendering.visible(span.qualifiedName) + "\n"
        return paging.page(Array(items.prefix(paging.limit)), more: items.count > paging.limit, notes: notes,
                           header: header, extra: ["target": target], fingerprint: context.fingerprint)
    }
}

extension Workspace {
    /// A path an agent gave: relative to the repository root, or absolute inside it.
    func rootRelative(_ path: String) throws -> String {
        let root = repository.workingDirectory ?? repository.gitDirectory
        guard let relative = repositoryRelative(path, currentDirectory: root) else {
            throw ToolError.arguments("\(path) is outside the repository")
        }
        return relative
    }
}
#endif
