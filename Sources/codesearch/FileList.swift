import Foundation
import Search

/// `search -l`: the files of a ranking (`FileRanking`), each at the rank of its best unit,
/// one path per line as `rg -l` prints them, or JSON Lines `file` messages then a summary:
///
/// - `file`: `{"rank":1,"path":"a.py","line":12,"score":0.83}` (`line`: the best unit's;
///   `pathBytes` as in `hit` messages when the path is not UTF-8); paths quoted as git does
/// - `summary`: `{"files":3}`
enum FileList {
    static func print(_ files: [SearchHit], json: Bool) {
        for (i, hit) in files.enumerated() {
            if json {
                let data = [("rank", "\(i + 1)")] + JSONPath.fields(hit.path)
                    + [("line", "\(hit.function.span.declarationLine)"), ("score", String(format: "%.6f", hit.score))]
                Output.standard.line(JSONText.message(type: "file", version: JSONHitPrinter.version, data: data))
            } else {
                Output.standard.line(PrintableText.path(hit.path))
            }
        }
        if json {
            Output.standard.line(JSONText.message(type: "summary", version: JSONHitPrinter.version,
                                                  data: [("files", "\(files.count)")]))
        }
    }
}
