#if MCP
import CodesearchKit
import MCP
import Scanning

/// `outline`: the units of one file of the working tree, as `codesearch functions` lists
/// them, with its types.
struct OutlineTool: CodesearchTool {
    let name = "outline"
    let title = "Outline of a file"
    let description = """
        List the functions, methods and types of one file of the working tree, in file order, \
        with their line ranges and signatures: a map of a file before reading it.
        """

    let parameters: [Parameter] = [
        Parameter(name: "path", kind: .string(maxLength: 4096),
                  description: "The file, relative to the repository root.", required: true),
    ] + Paging.parameters(limit: 200, maxLimit: 1000, context: false)

    var outputSchema: Value {
        let unit: Value = ["type": "object", "required": ["name", "qualifiedName", "kind", "firstLine", "line", "endLine"],
                           "properties": [
                               "name": ["type": "string"], "qualifiedName": ["type": "string"], "kind": ["type": "string"],
                               "firstLine": ["type": "integer"], "line": ["type": "integer"], "endLine": ["type": "integer"],
                               "signature": ["type": "string"],
                           ]]
        return Paging.schema(item: unit, extra: ["path": ["type": "string"], "language": ["type": "string"]],
                             required: ["path", "language"])
    }

    func call(_ arguments: ToolArguments, _ context: CallContext) async throws -> CallTool.Result {
        let paging = try Paging(arguments, fingerprint: context.fingerprint)
        let workspace = try await context.session.workspace()
        let path = try workspace.rootRelative(arguments.string("path") ?? "")
        let snapshot = Workspace.restrict(try workspace.snapshot(.workingTree), to: [path])
        let (files, failures) = workspace.functions(in: snapshot, filter: .all)
        if let failure = failures.first { throw ToolError.failed("\(failure.path): \(failure.message)") }
        guard let file = files.first(where: { $0.entry.path == path }) else {
            throw ToolError.failed("\(path) is not a source file codesearch reads: missing, ignored, a folder, "
                                   + "or of a language with no grammar (\(workspace.grammars.languages.joined(separator: ", ")))")
        }
        let units = file.functions.filter { $0.kind != .module }
        let items = units.dropFirst(paging.offset).prefix(paging.limit + 1).map(Self.item)
        let header = "\(HitRendering.visible(path)) (\(file.language), \(units.count) units)\n"
        return paging.page(Array(items.prefix(paging.limit)), more: items.count > paging.limit, notes: [],
                           header: header, extra: ["path": .string(path), "language": .string(file.language)],
                           fingerprint: context.fingerprint)
    }

    /// `first-last: QualifiedName (kind)  signature`, lines 1-based, the first line the first attribute's.
    static func item(_ span: FunctionSpan) -> PageItem {
        let signature = HitRendering.clipped(span.signature[...])
        let fields: [String: Value] = [
            "name": .string(span.name), "qualifiedName": .string(span.qualifiedName), "kind": .string(span.kind.rawValue),
            "firstLine": .int(span.firstLine), "line": .int(span.declarationLine), "endLine": .int(span.lastLine),
            "signature": .string(signature),
        ]
        let text = "\(span.firstLine)-\(span.lastLine): \(HitRendering.visible(span.qualifiedName)) (\(span.kind.rawValue))  "
            + HitRendering.visible(signature) + "\n"
        return PageItem(structured: .object(fields), text: text)
    }
}
#endif
