import ArgumentParser
import CodesearchKit
import Foundation
import Search

/// `codesearch similar LOCATION`: the functions nearest to one function.
struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Find the functions most like a given one.",
        discussion: """
            LOCATION is path:line (any line of the function; the innermost function \
            containing it is taken) or path::QualifiedName, the path relative to the \
            current directory. The function's own vector is the query, so its nearest \
            twins come first; the function itself is left out. Output is as for \
            `codesearch search` (--vimgrep, --json). Exits 0 when something was \
            printed, 1 when nothing was, 2 on error (e.g. no function at LOCATION).
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var indexOptions: IndexOptions

    @Argument(help: ArgumentHelp("path:line or path::QualifiedName.", valueName: "location"))
    var location: String

    @Option(name: [.customShort("n"), .long], help: "How many functions.")
    var limit = 10

    @Option(name: .customLong("min-score"), help: "Only functions scoring at least this (cosine, -1 to 1).")
    var minScore: Float = -1

    @Flag(name: .long, help: "Print JSON Lines.")
    var json = false

    @Flag(name: .long, help: "Print path:line:column:signature, one line per function.")
    var vimgrep = false

    @Flag(name: .customLong("no-update"), help: "Use the index as it is, without updating it first.")
    var noUpdate = false

    @Option(name: .long, help: ArgumentHelp("Colour: never, auto or always.", valueName: "when"))
    var color: String = "auto"

    @Option(name: .long, help: "Lines of each function shown under it (default output only).")
    var context = 3

    func validate() throws {
        if json && vimgrep { throw ValidationError("--json and --vimgrep cannot be used together") }
        if limit < 1 { throw ValidationError("-n must be at least 1") }
        if ColorChoice(rawValue: color) == nil { throw ValidationError("--color must be never, auto or always") }
        if FunctionLocation(location) == nil {
            throw ValidationError("'\(location)' is not path:line or path::QualifiedName")
        }
    }

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace(extraFlags: embedderOptions.configurationFlags)
        guard let parsed = FunctionLocation(location) else { throw ExitCode(2) }
        guard let relative = workspace.repositoryRelative(parsed.path) else {
            throw ValidationError("\(parsed.path) is outside the repository")
        }
        let embedder = try await embedderOptions.choice.makeEmbedder(for: workspace)
        let request = SimilarRequest(location: parsed.withPath(relative), limit: limit, minScore: minScore,
                                     update: !noUpdate)
        let result = try await workspace.similar(request, embedder: embedder,
                                                 location: workspace.indexLocation(override: indexOptions.directory))
        if let update = result.update {
            for failure in update.failures { Output.diagnostic("codesearch: \(failure.path): \(failure.message)") }
        }
        var printer: HitPrinter
        if json {
            printer = JSONHitPrinter()
        } else if vimgrep {
            printer = VimgrepHitPrinter()
        } else {
            printer = StandardHitPrinter(color: ColorChoice(rawValue: color)?.enabled() ?? false, contextLines: context)
        }
        for hit in result.hits { printer.print(hit, in: workspace) }
        printer.finish(hits: result.hits.count, in: workspace)
        if result.hits.isEmpty { throw ExitCode(1) }
    }
}
