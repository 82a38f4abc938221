import ArgumentParser
import CodesearchKit
import Settings
import Foundation
import IndexStorage
import Indexing
import Printers
import Search

/// Whether to colour output: `--color never|auto|always`; auto means a terminal and no `NO_COLOR`.
enum ColorChoice: String, CaseIterable, ExpressibleByArgument {
    case never, auto, always

    func enabled(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        switch self {
        case .never: return false
        case .always: return true
        case .auto: return Output.isTerminal(1) && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        }
    }
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

    @Option(name: .long, help: ArgumentHelp("When to colour the output (auto: on a terminal, unless NO_COLOR is set).", valueName: "when"))
    var color: ColorChoice = .auto

    @Option(name: .long, parsing: .unconditional, help: "Lines of each function shown under it (default output only).")
    var context = 3

    func validate() throws {
        if json && vimgrep { throw ValidationError("--json and --vimgrep cannot be used together") }
        if limit < 1 { throw ValidationError("-n must be at least 1") }
        if !minScore.isFinite { throw ValidationError("--min-score must be a finite number, such as 0.3") }
        if context < 0 { throw ValidationError("--context must be 0 or more") }
    }

    func makePrinter() -> HitPrinter {
        if json { return JSONHitPrinter() }
        if vimgrep { return VimgrepHitPrinter() }
        let colored = color.enabled()
        return StandardHitPrinter(color: colored, escapeText: colored || Output.isTerminal(1))
    }

    /// Prints the hits best first; exit status 1 when there are none.
    func print(_ hits: [SearchHit], in workspace: Workspace) throws {
        var printer = makePrinter()
        var sink = Output.standard
        printer.print(workspace.printed(hits, contextLines: json || vimgrep ? 0 : context), to: &sink)
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
