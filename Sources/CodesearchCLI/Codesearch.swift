import ArgumentParser
import CodesearchKit
import Foundation
import Git
import Platform

/// The command tree, which both executables run: `codesearch` (no network stack) and
/// `codesearch-net` (`NetworkLink.features` set), each from its `main.swift`.
public struct Codesearch: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "codesearch",
        abstract: "Semantic code search for git repositories.",
        discussion: """
            Indexes every function and method of a repository's Python and Swift \
            files (and any language with a grammar file), embeds them with a local \
            sentence-embedding model, and answers natural-language questions with \
            path:line hits. The index lives in .git/codesearch/ and is keyed by git \
            blob id, so unchanged or renamed files are never embedded twice.

            Exit status: 0 when something was found or done, 1 when nothing matched, \
            2 on error.
            """,
        version: "0.1.0",
        subcommands: [
            SearchCommand.self,
            IndexCommand.self,
            StatusCommand.self,
            FunctionsCommand.self,
            ScanCommand.self,
            EmbedCommand.self,
            ModelCommand.self,
            ServeCommand.self,
            HooksCommand.self,
            SimilarCommand.self,
            CheckCommand.self,
            ClustersCommand.self,
            MapCommand.self,
            MCPCommand.self,
        ]
    )

    /// The commands hooks, editors and agents run many times a day, parsed without building the whole
    /// command tree (ArgumentParser reflects on every subcommand): a start-up shortcut worth
    /// about 2 ms of CPU a `status` or `search` (README, Development).
    static let frequent: [String: ParsableCommand.Type] = [
        "search": SearchCommand.self, "index": IndexCommand.self, "status": StatusCommand.self,
        "mcp": MCPCommand.self,
    ]

    /// `parseAsRoot`, with a shortcut for a frequent subcommand: help requests and anything
    /// that does not parse take the full path, so every message stays the same.
    static func parseCommand(_ arguments: [String]) throws -> ParsableCommand {
        if let name = arguments.first, let type = frequent[name],
           !arguments.contains(where: { $0 == "-h" || $0.hasPrefix("--help") || $0 == "--version" || $0 == "--generate-completion-script" }),
           let command = try? type.parseAsRoot(Array(arguments.dropFirst())) {
            return command
        }
        return try parseAsRoot(arguments)
    }

    public init() {}

    /// Runs the command line and maps every failure to exit status 2 (ripgrep's convention),
    /// keeping 0 for help and version, and explicit `ExitCode`s as they are. Named apart from
    /// ArgumentParser's `main()`, which a `main.swift` would otherwise call instead.
    public static func runCommandLine() async -> Never {
        Output.ignoreBrokenPipe()
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "index", let request = IndexRequest.quickParse(arguments.dropFirst()) {
                try await request.run()
            } else {
                var command = try parseCommand(arguments)
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            }
            Output.standard.flush()
            terminate(0)
        } catch let code as ExitCode {
            Output.standard.flush()
            terminate(code.rawValue)
        } catch let needed as NetworkRequired where NetworkLink.features == nil {
            Output.standard.flush()
            NetworkExecutable.replaceProcess(needed)
        } catch {
            Output.standard.flush()
            if exitCode(for: error) == .success {
                Output.standard.line(fullMessage(for: error))
                Output.standard.flush()
                terminate(0)
            }
            var message = fullMessage(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            if message.hasPrefix("Error: ") { message = String(message.dropFirst(7)) }
            Output.diagnostic("codesearch: error: " + message)
            terminate(2)
        }
    }
}

/// Ends the process with `status`: standard output and error flushed, then `_exit`. The
/// libraries' exit handlers are skipped: they only free state the process is about to lose
/// (OpenSSL, libgit2, the Swift runtime), and they would free it under any task still
/// running on another thread (a model load or an index check a failed search leaves
/// behind), as they crashed `codesearch-mcp` (SIGSEGV in OpenSSL's locks). Not a speed
/// shortcut: `exit` measured within 2 ms of `_exit`. Index and model files are written,
/// synced and renamed by then.
func terminate(_ status: Int32) -> Never {
    CurrentProcess.exitImmediately(status)
}
