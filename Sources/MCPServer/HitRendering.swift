#if MCP
import CodesearchKit
import Foundation
import MCP
import Scanning
import Search

/// Ranked units as page entries: structured fields and a grep-like text,
///
///     path:line: QualifiedName  0.584
///         first lines of the unit
///
/// `line` is the declaration line, 1-based; paths are relative to the repository root.
struct HitRendering {
    let workspace: Workspace
    /// Lines of source shown under each unit.
    let contextLines: Int
    /// Longer snippet lines are cut here (minified code would otherwise fill a page).
    static let maxLineCharacters = 160

    /// The fields every unit entry carries, and which of them are always there.
    static let unitProperties: [String: Value] = [
        "path": ["type": "string"], "line": ["type": "integer"], "endLine": ["type": "integer"],
        "name": ["type": "string"], "qualifiedName": ["type": "string"], "kind": ["type": "string"],
        "language": ["type": "string"], "score": ["type": "number"], "snippet": ["type": "string"],
    ]
    static let unitRequired: [Value] = ["path", "line", "endLine", "name", "qualifiedName", "kind", "language", "score"]

    func item(_ hit: SearchHit, extra: [String: Value] = [:], note: String = "") -> PageItem {
        let span = hit.function.span
        var fields: [String: Value] = [
            "path": .string(hit.path), "line": .int(span.declarationLine), "endLine": .int(span.lastLine),
            "name": .string(span.name), "qualifiedName": .string(span.qualifiedName),
            "kind": .string(span.kind.rawValue), "language": .string(hit.function.language),
            "score": .double(Self.rounded(hit.score)),
        ]
        fields.merge(extra) { _, new in new }
        let heading = "\(Self.visible(hit.path)):\(span.declarationLine): \(Self.visible(span.qualifiedName))  "
            + String(format: "%.3f", hit.score) + note + "\n"
        let lines = snippet(hit)
        guard !lines.isEmpty else { return PageItem(structured: .object(fields), text: heading) }
        var full = fields
        full["snippet"] = .string(lines.joined(separator: "\n"))
        let text = heading + lines.map { "    " + Self.visible($0) + "\n" }.joined()
        return PageItem(structured: .object(full), text: text, shortStructured: .object(fields), shortText: heading)
    }

    /// A file of a files-only ranking: its path, its best unit's line and score.
    func fileItem(_ hit: SearchHit) -> PageItem {
        let line = hit.function.span.declarationLine
        return PageItem(structured: ["path": .string(hit.path), "line": .int(line), "score": .double(Self.rounded(hit.score))],
                        text: "\(Self.visible(hit.path)):\(line)  " + String(format: "%.3f", hit.score) + "\n")
    }

    /// The unit's first lines from its declaration, their common indentation removed.
    func snippet(_ hit: SearchHit) -> [String] {
        let span = hit.function.span
        guard contextLines > 0 else { return [] }
        let last = min(span.lastLine, span.declarationLine + contextLines - 1)
        let lines = workspace.lines(of: hit, from: span.declarationLine, through: last)
        let indent = lines.filter { !$0.allSatisfy(\.isWhitespace) }
            .map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        return lines.map { line in
            Self.clipped(line.dropFirst(min(indent, line.prefix { $0 == " " || $0 == "\t" }.count)))
        }
    }

    /// At most `maxLineCharacters` characters, an ellipsis after a cut.
    static func clipped(_ text: Substring) -> String {
        text.count > maxLineCharacters ? text.prefix(maxLineCharacters) + "…" : String(text)
    }

    /// Scores to three decimals: as precise as a ranking needs, and short in JSON.
    static func rounded(_ score: Float) -> Double { (Double(score) * 1000).rounded() / 1000 }

    /// Text with control characters shown as `\xNN` (tab kept): a repository's bytes must not
    /// act on a terminal that shows a tool's output.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) { out += String(format: "\\x%02X", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "\t" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
    }
}
#endif
