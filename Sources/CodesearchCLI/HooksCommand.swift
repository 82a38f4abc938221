import Printers
import ArgumentParser
import CodesearchKit
import Foundation
import Platform

/// `codesearch hooks install | uninstall | status | run`: git hooks that keep the index current.
struct HooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Install git hooks that keep the index current.",
        discussion: """
            post-commit, post-checkout, post-merge and post-rewrite start indexing \
            detached and return at once; the indexer's output goes to \
            .git/codesearch/hooks.log. The hooks go where git really looks for them \
            (core.hooksPath, the common git dir of a linked worktree). A hook that was \
            already there is renamed NAME.codesearch-chained and still runs first; \
            uninstall puts it back byte for byte. Lines you add to a hook outside \
            codesearch's begin and end markers are kept by uninstall and install.
            """,
        subcommands: [Install.self, Uninstall.self, Status.self, Run.self])

    /// Where the hooks go and what they run.
    static func installer(_ options: RepositoryOptions) throws -> (HookInstaller, HookRun) {
        let workspace = try options.openWorkspace()
        let run = HookRun(workspace: workspace, location: workspace.indexLocation())
        let installer = HookInstaller(hooksDirectory: try workspace.repository.hooksDirectory(),
                                      executable: runningExecutable(), logPath: run.logPath)
        return (installer, run)
    }

    /// The absolute path of this binary, recorded in the hooks.
    static func runningExecutable() -> String {
        if let resolved = CurrentProcess.executablePath() {
            return resolved
        }
        let argument = CommandLine.arguments.first ?? "codesearch"
        let absolute = argument.hasPrefix("/") ? argument : FileManager.default.currentDirectoryPath + "/" + argument
        return URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
    }

    static func report(_ installer: HookInstaller, _ states: [(String, HookInstaller.HookState)]) {
        var text = "hooks: \(installer.hooksDirectory)\n"
        for (name, state) in states { text += "\(name): \(state.rawValue)\n" }
        Output.standard.write(text)
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install (or refresh) the hooks.",
            discussion: """
                --pre-commit also installs a pre-commit hook that runs \
                `codesearch check --staged` and stops a commit that adds a close copy \
                of an existing function (`git commit --no-verify` skips it).
                """)
        @OptionGroup var repositoryOptions: RepositoryOptions

        @Flag(name: .customLong("pre-commit"), help: "Also install the duplicate check as a pre-commit hook.")
        var preCommit = false

        func run() async throws {
            let (installer, run) = try HooksCommand.installer(repositoryOptions)
            try FileManager.default.createDirectory(atPath: run.location.directory, withIntermediateDirectories: true)
            let names = HookInstaller.indexingHooks + (preCommit ? [HookInstaller.preCommitHook] : [])
            HooksCommand.report(installer, try installer.install(names))
        }
    }

    struct Uninstall: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the hooks and restore any hook they chained.")
        @OptionGroup var repositoryOptions: RepositoryOptions

        /// Each hook's state, with a note under it when lines were kept or a file left
        /// behind; exits 2 when a hook was left in place because its codesearch lines
        /// were edited (the note says what to do).
        func run() async throws {
            let (installer, _) = try HooksCommand.installer(repositoryOptions)
            let outcomes = try installer.uninstall()
            var text = "hooks: \(installer.hooksDirectory)\n"
            for outcome in outcomes {
                text += "\(outcome.name): \(outcome.state.rawValue)\n"
                for note in outcome.notes { text += "  note: \(note)\n" }
            }
            Output.standard.write(text)
            let refused = outcomes.filter(\.refused).map(\.name)
            if !refused.isEmpty {
                Output.standard.flush()
                Output.diagnostic("codesearch: error: left in place, see the notes above: " + refused.joined(separator: ", "))
                throw ExitCode(2)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show which hooks are installed.")
        @OptionGroup var repositoryOptions: RepositoryOptions

        func run() async throws {
            let (installer, run) = try HooksCommand.installer(repositoryOptions)
            let names = HookInstaller.indexingHooks + [HookInstaller.preCommitHook]
            HooksCommand.report(installer, names.map { ($0, installer.state(of: $0)) })
            Output.standard.line("log: \(run.logPath)")
        }
    }

    /// What the installed hooks run; not meant to be typed.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the index up to date for a hook (what the hooks run, detached).",
            shouldDisplay: false)
        @OptionGroup var repositoryOptions: RepositoryOptions
        @OptionGroup var embedderOptions: EmbedderOptions

        func run() async throws {
            // Behind the user's back, as the background filler: the lowest CPU and I/O priority.
            _ = BackgroundFiller.lowerPriority()
            let workspace = try repositoryOptions.openWorkspace(extraFlags: embedderOptions.configurationFlags)
            let hook = ProcessInfo.processInfo.environment["CODESEARCH_HOOK"] ?? "hooks run"
            let choice = embedderOptions.choice
            let location = workspace.indexLocation()
            let run = HookRun(workspace: workspace, location: location)
            let summaries = try await run.perform(makeEmbedder: { try await choice.makeEmbedder(for: workspace, location: location) }) { summary in
                let stamp = ISO8601DateFormatter().string(from: Date())
                Output.standard.line("\(stamp) \(hook): \(IndexSummaryReport.line(summary))")
                for failure in summary.failures { Output.diagnostic("codesearch: \(PrintableText.path(failure.path)): \(failure.message)") }
            }
            if summaries.contains(where: { !$0.failures.isEmpty }) { throw ExitCode(2) }
        }
    }
}
