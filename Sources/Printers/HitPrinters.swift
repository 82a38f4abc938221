import Foundation
import Git
import OrderedJSON

/// The one protocol between ranking and output: a printer gets hits, best first, writes
/// them to a sink, and never ranks; the ranker never formats.
public protocol HitPrinter {
    mutating func print<Sink: TextSink>(_ hit: PrintedHit, to sink: inout Sink)
    mutating func finish<Sink: TextSink>(hits: Int, to sink: inout Sink)
}

extension HitPrinter {
    /// Every hit, then the end of the list.
    public mutating func print<Sink: TextSink>(_ hits: [PrintedHit], to sink: inout Sink) {
        for hit in hits { print(hit, to: &sink) }
        finish(hits: hits.count, to: &sink)
    }
}

/// Default output, grep-like:
///
///     path:line: QualifiedName  0.830
///         line of the function
///         ...
///
/// `line` is the `def`/`func` line, 1-based; paths are relative to the repository root,
/// quoted as `PrintableText.path` says when they hold unusual bytes. The context lines
/// are shown with their common indentation removed.
public struct StandardHitPrinter: HitPrinter {
    public let color: Bool
    /// Whether names and source lines have their control characters escaped: on a
    /// terminal (or with colour forced on), where they would act rather than show.
    public var escapeText: Bool

    public init(color: Bool, escapeText: Bool) {
        self.color = color
        self.escapeText = escapeText
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public mutating func print<Sink: TextSink>(_ hit: PrintedHit, to sink: inout Sink) {
        var text = paint(PrintableText.path(hit.path), "35") + ":" + paint(String(hit.line), "32") + ": "
        text += paint(PrintableText.text(hit.qualifiedName, escaping: escapeText), "1")
        text += "  " + String(format: "%.3f", hit.score) + "\n"
        let indent = hit.context.filter { !$0.allSatisfy(\.isWhitespace) }
            .map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        for line in hit.context {
            let shown = String(line.dropFirst(min(indent, line.prefix { $0 == " " || $0 == "\t" }.count)))
            text += "    " + PrintableText.text(shown, escaping: escapeText) + "\n"
        }
        sink.write(text)
    }

    public mutating func finish<Sink: TextSink>(hits: Int, to sink: inout Sink) {}
}

/// `--vimgrep`: `path:line:column:signature`, one line per hit, for quickfix lists. The
/// path is quoted and the signature's control characters escaped, always, so one hit is
/// always one line.
public struct VimgrepHitPrinter: HitPrinter {
    public init() {}

    public mutating func print<Sink: TextSink>(_ hit: PrintedHit, to sink: inout Sink) {
        sink.line("\(PrintableText.path(hit.path)):\(hit.line):\(hit.column):\(PrintableText.text(hit.signature))")
    }

    public mutating func finish<Sink: TextSink>(hits: Int, to sink: inout Sink) {}
}

/// `--json`: JSON Lines. Every message is `{"type": T, "version": 1, "data": {...}}`;
/// consumers must ignore types and fields they do not know.
///
/// - `hit`: `{"rank":1,"path":"a.py","line":12,"column":5,"endLine":30,"name":"load",
///   "qualifiedName":"Cache.load","kind":"method","language":"python",
///   "signature":"def load(self, key):","score":0.83,"blob":"<40 hex>"}`
///   (`line` is the `def`/`func`/`class` line, a module unit's first code line, `column`
///   its 1-based byte column; `kind` is a callable's, a type's (`class`, `struct`, ...) or
///   `module`; a path that is not valid UTF-8 has U+FFFD in `path` and its exact bytes in
///   `"pathBytes":{"bytes":"<base64>"}` right after it)
/// - `summary`: `{"hits":10}`, last.
public struct JSONHitPrinter: HitPrinter {
    public static let version = 1
    private var rank = 0

    public init() {}

    public mutating func print<Sink: TextSink>(_ hit: PrintedHit, to sink: inout Sink) {
        rank += 1
        let data = HitData(rank: rank, path: GitPath.lossy(hit.path), pathBytes: PathBytes(path: hit.path), line: hit.line,
                           column: hit.column, endLine: hit.lastLine, name: hit.name, qualifiedName: hit.qualifiedName,
                           kind: hit.kind, language: hit.language, signature: hit.signature,
                           score: FixedDecimal(hit.score), blob: hit.blob)
        sink.line(JSONMessage(type: "hit", version: Self.version, data: data).line)
    }

    public mutating func finish<Sink: TextSink>(hits: Int, to sink: inout Sink) {
        sink.line(JSONMessage(type: "summary", version: Self.version, data: HitCount(hits: hits)).line)
    }
}

/// `search -l`: the files of a ranking, each at the rank of its best unit, one path per
/// line as `rg -l` prints them, or JSON Lines `file` messages then a summary:
///
/// - `file`: `{"rank":1,"path":"a.py","line":12,"score":0.83}` (`line`: the best unit's;
///   `pathBytes` as in `hit` messages when the path is not UTF-8); paths quoted as git does
/// - `summary`: `{"files":3}`
public struct FileListPrinter {
    public let json: Bool

    public init(json: Bool) { self.json = json }

    /// `files`: the best hit of each file, best first.
    public func print<Sink: TextSink>(_ files: [PrintedHit], to sink: inout Sink) {
        for (i, hit) in files.enumerated() {
            if json {
                let data = FileData(rank: i + 1, path: GitPath.lossy(hit.path), pathBytes: PathBytes(path: hit.path),
                                    line: hit.line, score: FixedDecimal(hit.score))
                sink.line(JSONMessage(type: "file", version: JSONHitPrinter.version, data: data).line)
            } else {
                sink.line(PrintableText.path(hit.path))
            }
        }
        if json {
            sink.line(JSONMessage(type: "summary", version: JSONHitPrinter.version, data: FileCount(files: files.count)).line)
        }
    }
}
