import Foundation
import Search

/// `search -l`: the files of a ranking, each at the rank of its best unit, one path
/// per line as `rg -l` prints them, or JSON Lines `file` messages then a summary:
///
/// - `file`: `{"rank":1,"path":"a.py","line":12,"score":0.83}` (`line`: the best unit's)
/// - `summary`: `{"files":3}`
enum FileList {
    /// Units asked of the ranking per file wanted: a file's later units decay, so a few
    /// per file reach `limit` distinct files in all but the narrowest repositories.
    static let unitsPerFile = 4

    /// The first hit of each path, in ranking order, at most `limit`.
    static func bestPerFile(_ hits: [SearchHit], limit: Int) -> [SearchHit] {
        var seen = Set<String>()
        var out: [SearchHit] = []
        for hit in hits where out.count < limit && seen.insert(hit.path).inserted { out.append(hit) }
        return out
    }

    static func print(_ files: [SearchHit], json: Bool) {
        for (i, hit) in files.enumerated() {
            if json {
                Output.standard.line(JSONText.message(type: "file", version: JSONHitPrinter.version, data: [
                    ("rank", "\(i + 1)"), ("path", JSONText.quoted(hit.path)),
                    ("line", "\(hit.function.span.declarationLine)"), ("score", String(format: "%.6f", hit.score)),
                ]))
            } else {
                Output.standard.line(hit.path)
            }
        }
        if json {
            Output.standard.line(JSONText.message(type: "summary", version: JSONHitPrinter.version,
                                                  data: [("files", "\(files.count)")]))
        }
    }
}
