import ArgumentParser
import CodesearchKit
import Foundation
import Platform

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

    /// Runs `codesearch-mcp` from this executable's folder with the options spelled out
    /// (`Sources/CodesearchMCP/main.swift`), replacing this process: the server's SDK links
    /// Foundation's networking, which this binary leaves out so no other command loads it.
    func run() async throws {
        let (this, server) = try SiblingExecutable.locate("codesearch-mcp")
        var arguments = [server, "--codesearch", this, "--version-string", Codesearch.configuration.version]
        if let repository = repositoryOptions.repository { arguments += ["--repo", repository] }
        if let directory = indexOptions.directory { arguments += ["--index", directory] }
        for (key, value) in repositoryOptions.configurationFlags + embedderOptions.configurationFlags {
            arguments += ["--setting", "\(key)=\(value)"]
        }
        try SiblingExecutable.replaceProcess(server, arguments: arguments)
    }
}
