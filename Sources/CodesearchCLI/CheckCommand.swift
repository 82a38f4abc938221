import Printers
import ArgumentParser
import CodesearchKit
import Foundation

/// `codesearch check --staged`: does a staged function copy one that already exists?
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Warn when a staged function closely resembles an existing one.",
        discussion: """
            Compares every function added or changed in the staging area with the \
            functions of HEAD at other locations (HEAD's functions that are still staged \
            unchanged: moving a function is not copying it), and prints each pair at \
            least --threshold similar (cosine of the embeddings) or at least \
            --structure-threshold alike in code shape (tokens with every name and literal \
            blanked out, so a copy with renamed names still counts), best first:

              path:line: staged function X closely resembles path:line Y (0.96, structure 1.00)

            The structure score is shown for functions of at least --structure-min-tokens \
            tokens, and only they are compared by it.

            Lines are the def/func lines, 1-based; paths are relative to the repository \
            root. The working-tree index serves as the embedding cache and is brought \
            up to date as by a search; the index still holds the working tree afterwards. \
            Exits 1 when a pair was found (0 with --warn-only), 0 when none was, 2 on \
            error. `codesearch hooks install --pre-commit` runs it before every commit.
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var indexOptions: IndexOptions

    @Flag(name: .customLong("staged"), help: "Check the staging area (the only mode, for now).")
    var staged = false

    @Option(name: .long, help: ArgumentHelp(
        "Report pairs at least this similar, 0 to 1 (default \(DuplicateCheckRequest.defaultThreshold)).",
        valueName: "t"))
    var threshold: Float = DuplicateCheckRequest.defaultThreshold

    @Option(name: .customLong("structure-threshold"), help: ArgumentHelp(
        "Also report pairs whose code shape is at least this similar, 0 to 1 "
            + "(default \(DuplicateCheckRequest.defaultStructureThreshold)).",
        valueName: "t"))
    var structureThreshold: Float = DuplicateCheckRequest.defaultStructureThreshold

    @Option(name: .customLong("structure-min-tokens"), help: ArgumentHelp(
        "Compare code shape only for functions of at least this many tokens "
            + "(default \(DuplicateCheckRequest.defaultStructureMinimumTokens)).",
        valueName: "n"))
    var structureMinimumTokens: Int = DuplicateCheckRequest.defaultStructureMinimumTokens

    @Flag(name: .customLong("warn-only"), help: "Print what was found but exit 0.")
    var warnOnly = false

    @Flag(name: .customLong("no-update"), help: "Use the index as it is, without updating it first.")
    var noUpdate = false

    func validate() throws {
        if !staged { throw ValidationError("say what to check: --staged") }
        if !(threshold > 0 && threshold <= 1) { throw ValidationError("--threshold must be above 0 and at most 1") }
        if !(structureThreshold > 0 && structureThreshold <= 1) {
            throw ValidationError("--structure-threshold must be above 0 and at most 1")
        }
        if structureMinimumTokens < 1 { throw ValidationError("--structure-min-tokens must be at least 1") }
    }

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace(extraFlags: embedderOptions.configurationFlags)
        let location = workspace.indexLocation(override: indexOptions.directory)
        let embedder = try await embedderOptions.makeEmbedder(for: workspace, location: location)
        // In a pre-commit hook of `git commit -a` or `git commit PATH`, git stages into a
        // temporary index and names it here (relative to the top level, where hooks run).
        let indexFile = ProcessInfo.processInfo.environment["GIT_INDEX_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            .map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
        let result = try await workspace.checkStaged(
            DuplicateCheckRequest(threshold: threshold, update: !noUpdate, indexFile: indexFile,
                                  structureThreshold: structureThreshold, structureMinimumTokens: structureMinimumTokens),
            embedder: embedder,
            location: location)
        for failure in (result.update?.failures ?? []) + result.failures {
            Output.diagnostic("codesearch: \(PrintableText.path(failure.path)): \(failure.message)")
        }
        let escape = Output.isTerminal(1)
        for f in result.findings {
            let stagedName = PrintableText.text(f.staged.qualifiedName, escaping: escape)
            let existingName = PrintableText.text(f.existing.qualifiedName, escaping: escape)
            Output.standard.line("\(PrintableText.path(f.stagedPath)):\(f.staged.declarationLine): staged function "
                                 + "\(stagedName) closely resembles \(PrintableText.path(f.existingPath)):"
                                 + "\(f.existing.declarationLine) \(existingName) (\(Self.scores(f)))")
        }
        if !result.findings.isEmpty && !warnOnly { throw ExitCode(1) }
    }

    /// `0.96` or `0.96, structure 1.00`.
    static func scores(_ f: DuplicateFinding) -> String {
        let cosine = String(format: "%.2f", f.score)
        return f.structure.map { cosine + ", structure " + String(format: "%.2f", $0) } ?? cosine
    }
}
