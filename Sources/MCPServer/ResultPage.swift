#if MCP
import Foundation
import Hashing
import MCP

/// Token budgets: a result's size is estimated as one token per `bytesPerToken` bytes
/// of UTF-8, counting both what an agent may read: the text content and the structured
/// content as JSON (sorted keys, unescaped slashes, as the SDK sends it).
enum TokenBudget {
    static let bytesPerToken = 3
    static let defaultTokens = 2000
    static let tokens: ClosedRange<Int> = 256...20_000

    static func tokens(bytes: Int) -> Int { (bytes + bytesPerToken - 1) / bytesPerToken }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func jsonBytes(_ value: Value) -> Int { (try? encoder.encode(value).count) ?? 0 }
}

extension Tool.Content {
    /// Text content with no annotations.
    static func plain(_ text: String) -> Self { .text(text: text, annotations: nil, _meta: nil) }
}

/// One entry of a paged list: its structured form and its lines of text, and a shorter
/// form of both (without the source snippet) for when the whole would pass the budget.
struct PageItem: Sendable {
    var structured: Value
    var text: String
    var shortStructured: Value? = nil
    var shortText: String? = nil

    /// The bytes this entry adds to a page: its JSON, a separating comma, its text.
    var cost: Int { TokenBudget.jsonBytes(structured) + 1 + text.utf8.count }

    var short: PageItem? {
        guard let shortStructured, let shortText else { return nil }
        return PageItem(structured: shortStructured, text: shortText)
    }
}

/// Where a paged list resumes: an offset, bound to the tool and the arguments that chose
/// the list, so a cursor is never applied to another question. `c1:<offset>:<hex>`.
struct Cursor: Equatable {
    static let maxOffset = 1000
    let offset: Int
    let fingerprint: UInt64

    init(offset: Int, fingerprint: UInt64) {
        self.offset = offset
        self.fingerprint = fingerprint
    }

    init(token: String, expected fingerprint: UInt64) throws {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "c1", let offset = Int(parts[1]), (0...Self.maxOffset).contains(offset),
              let value = UInt64(parts[2], radix: 16) else {
            throw ToolError.arguments("'cursor' is not a cursor this server returned")
        }
        guard value == fingerprint else {
            throw ToolError.arguments("'cursor' belongs to another call; repeat that call's arguments with it, or leave it out")
        }
        self.init(offset: offset, fingerprint: value)
    }

    var token: String { "c1:\(offset):" + String(fingerprint, radix: 16) }

    /// The fingerprint of a call: its tool and every argument except those that only
    /// shape the page (`cursor`, `limit`, `max_tokens`, `context_lines`).
    static func fingerprint(tool: String, arguments: [String: Value]?) -> UInt64 {
        let paging: Set<String> = ["cursor", "limit", "max_tokens", "context_lines"]
        let chosen = (arguments ?? [:]).filter { !paging.contains($0.key) }
        let json = (try? TokenBudget.encoder.encode(Value.object(chosen))) ?? Data()
        return XXHash64.hash(Array(tool.utf8) + [0] + Array(json))
    }
}

/// A page of a ranked list, cut where the next entry would pass `limit` entries or the
/// token budget; `nextCursor` is set when entries remain.
struct ResultPage {
    var envelope: [String: Value]
    var header: String
    var items: [PageItem]
    /// Entries beyond `items` exist (the ranking was asked for one more than the page).
    var more: Bool
    var offset: Int
    var limit: Int
    var budget: Int
    var fingerprint: UInt64

    /// The result, within the budget whatever the entries hold: an entry that would pass
    /// it goes in its short form if that fits, else ends the page (a note says so when
    /// it is the first).
    func result() -> CallTool.Result {
        let probe = Cursor(offset: Cursor.maxOffset, fingerprint: UInt64.max).token
        var fixed = envelope
        fixed["results"] = .array([])
        fixed["nextCursor"] = .string(probe)
        let footerRoom = Self.footer(cursor: probe, stalled: true).utf8.count
        var used = TokenBudget.jsonBytes(.object(fixed)) + header.utf8.count + footerRoom
        let room = budget * TokenBudget.bytesPerToken
        var taken: [PageItem] = []
        for item in items.prefix(limit) {
            guard let fitting = [item, item.short].compactMap({ $0 }).first(where: { used + $0.cost <= room }) else { break }
            used += fitting.cost
            taken.append(fitting)
        }
        let remaining = taken.count < items.count || more
        let next = offset + taken.count
        var structured = envelope
        structured["results"] = .array(taken.map(\.structured))
        var text = header + taken.map(\.text).joined()
        if remaining && next <= Cursor.maxOffset {
            let cursor = Cursor(offset: next, fingerprint: fingerprint).token
            structured["nextCursor"] = .string(cursor)
            text += Self.footer(cursor: cursor, stalled: taken.isEmpty && !items.isEmpty)
        }
        return CallTool.Result(content: [.plain(text)], structuredContent: .object(structured), isError: false)
    }

    static func footer(cursor: String, stalled: Bool) -> String {
        stalled ? "the next result alone is over max_tokens; raise max_tokens or lower context_lines, "
                  + "then call again with cursor \(cursor)\n"
                : "more: call again with the same arguments and cursor \(cursor)\n"
    }
}
#endif
