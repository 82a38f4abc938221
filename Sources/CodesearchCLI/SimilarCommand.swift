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

    @OptionGroup var output: HitOutputOptions

    func validate() throws {
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
        let indexLocation = workspace.indexLocation(override: indexOptions.directory)
        let embedder = try await embedderOptions.makeEmbedder(for: workspace, location: indexLocation)
        let request = SimilarRequest(location: parsed.withPath(relative), limit: output.limit,
                                     minScore: output.minScore, update: !output.noUpdate)
        let result = try await workspace.similar(request, embedder: embedder,
                                                 location: indexLocation)
        UpdateNotes.print(result.update)
        try output.print(result.hits, in: workspace)
    }
}
