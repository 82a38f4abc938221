import ArgumentParser
import CodesearchKit
import Configuration
import Foundation
import IndexStorage
import Indexing
import Search

/// The one protocol between ranking and output: a printer gets hits, best first,
/// and never ranks; the ranker never formats.
protocol HitPrinter {
    mutating func print(_ hit: SearchHit, in workspace: Workspace)
    mutating func finish(hits: Int, in workspace: Workspace)
}

/// Whether to colour output: `--color never|auto|always`; auto means a terminal and no `NO_COLOR`.
enum ColorChoice: String, CaseIterable {
    case never, auto, always

    func enabled(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        switch self {
        case .never: return false
        case .always: return true
        case .auto: return Output.isTerminal(1) && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
    }
}

/// Default output, grep-like:
///
///     path:line: QualifiedName  0.83
///       line of the function
///       ...
///
/// `line` is the `def`/`func` line, 1-based; paths are relative to the repository root,
/// quoted as `PrintableText.path` says when they hold unusual bytes.
struct StandardHitPrinter: HitPrinter {
    let color: Bool
    /// Whether names and source lines have their control characters escaped: on a
    /// terminal (or with colour forced on), where they would act rather than show.
    var escapeText = false
    /// Lines of source shown under each hit.
    let contextLines: Int

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    mutating func print(_ hit: SearchHit, in workspace: Workspace) {
        let span = hit.function.span
        var text = paint(PrintableText.path(hit.path), "35") + ":" + paint(String(span.declarationLine), "32") + ": "
        text += paint(PrintableText.text(span.qualifiedName, escaping: escapeText), "1")
        text += "  " + String(format: "%.3f", hit.score) + "\n"
        if contextLines > 0 {
            let last = min(span.lastLine, span.declarationLine + contextLines - 1)
            let lines = workspace.lines(of: hit, from: span.declarationLine, through: last)
            // Shown under the hit with their common indentation removed.
            let indent = lines.filter { !$0.allSatisfy(\.isWhitespace) }
                .map { $0.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
            for line in lines {
                let shown = String(line.dropFirst(min(indent, line.prefix { $0 == " " || $0 == "\t" }.count)))
                text += "    " + PrintableText.text(shown, escaping: escapeText) + "\n"
            }
        }
        Output.standard.write(text)
    }

    mutating func finish(hits: Int, in workspace: Workspace) {}
}

/// `--vimgrep`: `path:line:column:signature`, one line per hit, for quickfix lists. The
/// path is quoted and the signature's control characters escaped, always, so one hit is
/// always one line.
struct VimgrepHitPrinter: HitPrinter {
    mutating func print(_ hit: SearchHit, in workspace: Workspace) {
        let span = hit.function.span
        let path = PrintableText.path(hit.path), signature = PrintableText.text(span.signature)
        Output.standard.line("\(path):\(span.declarationLine):\(span.declarationColumn):\(signature)")
    }

    mutating func finish(hits: Int, in workspace: Workspace) {}
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
struct JSONHitPrinter: HitPrinter {
    static let version = 1
    private var rank = 0

    mutating func print(_ hit: SearchHit, in workspace: Workspace) {
        rank += 1
        let s = hit.function.span
        var data: [(String, String)] = [("rank", "\(rank)")]
        data += JSONPath.fields(hit.path)
        data.append(("line", "\(s.declarationLine)"))
        data.append(("column", "\(s.declarationColumn)"))
        data.append(("endLine", "\(s.lastLine)"))
        data.append(("name", JSONText.quoted(s.name)))
        data.append(("qualifiedName", JSONText.quoted(s.qualifiedName)))
        data.append(("kind", JSONText.quoted(s.kind.rawValue)))
        data.append(("language", JSONText.quoted(hit.function.language)))
        data.append(("signature", JSONText.quoted(s.signature)))
        data.append(("score", String(format: "%.6f", hit.score)))
        data.append(("blob", JSONText.quoted(hit.function.blobID.hex)))
        Output.standard.line(JSONText.message(type: "hit", version: Self.version, data: data))
    }

    mutating func finish(hits: Int, in workspace: Workspace) {
        Output.standard.line(JSONText.message(type: "summary", version: Self.version, data: [("hits", "\(hits)")]))
    }
}

/// Hand-written JSON so keys come out in the documented order.
enum JSONText {
    static func message(type: String, version: Int, data: [(String, String)]) -> String {
        let body = data.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",")
        return #"{"type":"# + quoted(type) + #","version":\#(version),"data":{"# + body + "}}"
    }

    static func quoted(_ s: String) -> String { String(decoding: FunctionPrinter.quoted(s), as: UTF8.self) }
}

/// Output options shared by the commands that print ranked functions (`search`, `similar`).
struct HitOutputOptions: ParsableArguments {
    // `.unconditional`: `-n -1` and `--min-score -0.2` take the value that follows, so a
    // negative number is judged by `validate()` instead of being read as another option.
    @Option(name: [.customShort("n"), .long], parsing: .unconditional, help: "How many results.")
    var limit = 10

    @Option(name: .customLong("min-score"), parsing: .unconditional, help: "Only results scoring at least this.")
    var minScore: Float = -1

    @Flag(name: .long, help: "Print JSON Lines.")
    var json = false

    @Flag(name: .long, help: "Print path:line:column:signature, one line per result.")
    var vimgrep = false

    @Flag(name: .customLong("no-update"), help: "Use the index as it is, without updating it first.")
    var noUpdate = false

    @Option(name: .long, help: ArgumentHelp("Colour: never, auto or always.", valueName: "when"))
    var color: String = "auto"

    @Option(name: .long, parsing: .unconditional, help: "Lines of each function shown under it (default output only).")
    var context = 3

    func validate() throws {
        if json && vimgrep { throw ValidationError("--json and --vimgrep cannot be used together") }
        if limit < 1 { throw ValidationError("-n must be at least 1") }
        if !minScore.isFinite { throw ValidationError("--min-score must be a finite number, such as 0.3") }
        if context < 0 { throw ValidationError("--context must be 0 or more") }
        if ColorChoice(rawValue: color) == nil { throw ValidationError("--color must be never, auto or always") }
    }

    func makePrinter() -> HitPrinter {
        if json { return JSONHitPrinter() }
        if vimgrep { return VimgrepHitPrinter() }
        let colored = ColorChoice(rawValue: color)?.enabled() ?? false
        return StandardHitPrinter(color: colored, escapeText: colored || Output.isTerminal(1), contextLines: context)
    }

    /// Prints the hits best first; exit status 1 when there are none.
    func print(_ hits: [SearchHit], in workspace: Workspace) throws {
        var printer = makePrinter()
        for hit in hits { printer.print(hit, in: workspace) }
        printer.finish(hits: hits.count, in: workspace)
        if hits.isEmpty { throw ExitCode(1) }
    }
}

/// Notes about the index update that ran before a search, on standard error.
enum UpdateNotes {
    static func print(_ update: IndexSummary?) {
        for note in QueryNotes.update(update) { Output.diagnostic("codesearch: note: \(note)") }
        for failure in update?.failures ?? [] {
            Output.diagnostic("codesearch: \(PrintableText.path(failure.path)): \(failure.message)")
        }
    }

    /// One line while some units wait for their vectors: what the ranking rests on.
    static func printCoverage(_ index: IndexFile?) {
        if let note = QueryNotes.coverage(index) { Output.diagnostic("codesearch: note: \(note)") }
    }

    /// Says why a search found nothing when the index holds no file at all (exit 1 alone
    /// would leave the user guessing): `codesearch: no Python, Swift or Go files in /repo`.
    static func printNothingToSearch(_ index: IndexFile?, in workspace: Workspace) {
        guard let index, index.liveFileCount == 0 else { return }
        let selection = FileSelection(settings: workspace.settings)
        let names = selection.languageNames(known: workspace.grammars.languages)
        let root = workspace.repository.workingDirectory ?? workspace.repository.gitDirectory
        Output.diagnostic("codesearch: no \(names) files in \(root)"
                          + (selection.hasPatterns ? " that the --include/--exclude settings admit" : ""))
    }
}
