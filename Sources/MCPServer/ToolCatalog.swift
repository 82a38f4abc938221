#if MCP
import CodesearchKit
import Foundation
import IndexStorage
import Indexing
import MCP

/// One tool: its arguments, the shape of its structured result, and the call itself.
protocol CodesearchTool: Sendable {
    var name: String { get }
    var title: String { get }
    var description: String { get }
    var parameters: [Parameter] { get }
    /// The JSON Schema of `structuredContent` on success.
    var outputSchema: Value { get }
    func call(_ arguments: ToolArguments, _ context: CallContext) async throws -> CallTool.Result
}

/// What a call gets beside its arguments.
struct CallContext: Sendable {
    let session: Session
    /// Binds cursors to this tool and these arguments (`Cursor.fingerprint`).
    let fingerprint: UInt64
}

enum ToolCatalog {
    static let tools: [any CodesearchTool] = [SearchTool(), SimilarTool(), OutlineTool(), FindExistingTool(), StatusTool()]

    static var definitions: [Tool] {
        tools.map { tool in
            var properties: [String: Value] = [:]
            for parameter in tool.parameters { properties[parameter.name] = parameter.schema }
            let required = tool.parameters.filter(\.required).map { Value.string($0.name) }
            let input: Value = ["type": "object", "properties": .object(properties),
                                "required": .array(required), "additionalProperties": false]
            return Tool(name: tool.name, title: tool.title, description: tool.description, inputSchema: input,
                        annotations: .init(readOnlyHint: true, openWorldHint: false), outputSchema: tool.outputSchema)
        }
    }

    /// Runs a call. An unknown tool is a protocol error (invalid params); every failure of
    /// a known tool, its arguments included, is a result with `isError`, whose text says
    /// what went wrong and what to do, so the agent can correct itself.
    static func call(_ parameters: CallTool.Parameters, session: Session) async throws -> CallTool.Result {
        guard let tool = tools.first(where: { $0.name == parameters.name }) else {
            throw MCPError.invalidParams("unknown tool '\(parameters.name)'; the tools are "
                                         + tools.map(\.name).joined(separator: ", "))
        }
        do {
            let arguments = try ToolArguments(parameters.arguments, parameters: tool.parameters)
            let context = CallContext(session: session,
                                      fingerprint: Cursor.fingerprint(tool: tool.name, arguments: parameters.arguments))
            return try await tool.call(arguments, context)
        } catch let error as CancellationError {
            throw error
        } catch {
            let message = "\(error)"
            session.options.log("codesearch: mcp: \(tool.name): \(message)")
            return CallTool.Result(content: [.plain("error: \(message)")], isError: true)
        }
    }
}

/// The arguments every paged tool takes, and the page they ask for.
struct Paging: Sendable {
    var offset: Int
    var limit: Int
    var budget: Int
    var contextLines: Int

    static func parameters(limit: Int = 10, maxLimit: Int = 50, context: Bool = true) -> [Parameter] {
        var list = [
            Parameter(name: "limit", kind: .integer(1...maxLimit), description: "At most this many results on a page.",
                      defaultValue: .int(limit)),
            Parameter(name: "max_tokens", kind: .integer(TokenBudget.tokens),
                      description: "Token budget of the whole result (text and structured content), estimated as "
                          + "UTF-8 bytes / \(TokenBudget.bytesPerToken); a page ends before it would pass it.",
                      defaultValue: .int(TokenBudget.defaultTokens)),
            Parameter(name: "cursor", kind: .string(maxLength: 100),
                      description: "nextCursor of the previous page, with the same other arguments."),
        ]
        if context {
            list.insert(Parameter(name: "context_lines", kind: .integer(0...20),
                                  description: "Lines of source shown under each result.", defaultValue: 3), at: 1)
        }
        return list
    }

    init(_ arguments: ToolArguments, fingerprint: UInt64) throws {
        offset = try arguments.string("cursor").map { try Cursor(token: $0, expected: fingerprint).offset } ?? 0
        limit = arguments.int("limit") ?? 10
        budget = arguments.int("max_tokens") ?? TokenBudget.defaultTokens
        contextLines = arguments.int("context_lines") ?? 0
    }

    /// How many ranked entries to ask for: this page and the previous ones, and one more
    /// to know whether another page follows.
    var wanted: Int { offset + limit + 1 }

    /// The structured result's schema: `results` of `item`, a `nextCursor` while more
    /// remain, `notes` on what the answer rests on, and `extra` fields.
    static func schema(item: Value, extra: [String: Value] = [:], required: [Value] = []) -> Value {
        var properties: [String: Value] = [
            "results": ["type": "array", "items": item],
            "nextCursor": ["type": "string"],
            "notes": ["type": "array", "items": ["type": "string"]],
        ]
        properties.merge(extra) { _, new in new }
        return ["type": "object", "properties": .object(properties), "required": .array(["results"] + required)]
    }

    /// What an answer rests on: the update's notes and unreadable files, and the vector
    /// coverage of `index` when its ranking used vectors.
    static func notes(_ update: IndexSummary?, coverage index: IndexFile?) -> [String] {
        QueryNotes.update(update) + (update?.failures ?? []).map { "\($0.path): \($0.message)" }
            + [QueryNotes.coverage(index)].compactMap { $0 }
    }

    /// A page of `items` (entries from `offset` on) with notes, ready to return.
    func page(_ items: [PageItem], more: Bool, notes: [String], header: String,
              extra: [String: Value] = [:], fingerprint: UInt64) -> CallTool.Result {
        var envelope = extra
        if !notes.isEmpty { envelope["notes"] = .array(notes.map { .string($0) }) }
        let noteLines = notes.map { "note: \(HitRendering.visible($0))\n" }.joined()
        let empty = items.isEmpty && offset == 0 ? "no results\n" : ""
        return ResultPage(envelope: envelope, header: noteLines + header + empty, items: items, more: more,
                          offset: offset, limit: limit, budget: budget, fingerprint: fingerprint).result()
    }
}
#endif
