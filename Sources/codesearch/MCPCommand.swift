import ArgumentParser
import CodesearchKit
import Foundation
#if MCP
import MCPServer
#endif

/// `codesearch mcp`: the index as tools for coding agents (Model Context Protocol, stdio).
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the index to coding agents as MCP tools over standard input and output.",
        discussion: """
            Speaks the Model Context Protocol (JSON-RPC, one message per line) on standard input \
            and output until standard input ends; diagnostics go to standard error. Tools: search, \
            similar, outline, find_existing, status; tools/list gives each one's JSON Schema. \
            Every call that reads the index brings it up to date with the working tree first, \
            embedding for at most the foreground budget (CODESEARCH_EMBED_BUDGET, 0.2 s by \
            default), so an edit is found by the next call. Results are paged within a token \
            budget (max_tokens, default 2000, estimated as UTF-8 bytes / 3) with a cursor for \
            the next page. A failed call (bad arguments, no repository, no model, a damaged \
            index) is a tool result with isError set and a message saying what to do. Register \
            it with an agent as `codesearch mcp --repo PATH` (see the README).
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var indexOptions: IndexOptions

    func run() async throws {
        #if MCP
        // Fillers started by calls are never waited for: let the kernel reap them.
        signal(SIGCHLD, SIG_IGN)
        let flags = repositoryOptions.configurationFlags + embedderOptions.configurationFlags
        let options = ServerOptions(
            repository: repositoryOptions.repository, indexDirectory: indexOptions.directory,
            configurationFlags: flags, version: Codesearch.configuration.version,
            log: { Output.diagnostic($0) },
            startFiller: { workspace, location in
                // Settings given as flags would not reach the filler, which would index other files.
                guard flags.isEmpty, BackgroundFiller.allowed(background: workspace.settings.background) else { return }
                let root = workspace.repository.workingDirectory ?? workspace.repository.gitDirectory
                BackgroundFiller.launch(repository: root, indexDirectory: location.directory)
            })
        try await CodesearchServer.run(options)
        #else
        throw CodesearchError.usage("this codesearch was built without the MCP trait; rebuild with default traits")
        #endif
    }
}
