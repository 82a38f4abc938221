import Printers
import ArgumentParser
import BertEngine
import CodesearchKit
import Settings
import EmbeddingCore
import Foundation
import Git
import IndexStorage
import Indexing
import Platform

/// `codesearch index`: brings the index up to date with a snapshot.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Bring the index up to date with the working tree, the staging area or a revision.",
        discussion: """
            Only blobs the index has never seen are scanned and embedded: an unchanged \
            file, a rename, a revert or a branch switch costs no embedding. The index \
            lives in the repository's common git dir (.git/codesearch/), shared by every \
            worktree. A second indexer waits for the first, or with --if-idle exits at \
            once. Ctrl-C keeps what was embedded; the next run goes on from there.

            Prints one summary line; a progress bar on standard error when it is a terminal.
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var selection: SnapshotSelection
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var indexOptions: IndexOptions

    @Flag(name: .customLong("if-idle"), help: "Exit at once if another indexer is running.")
    var ifIdle = false

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .customLong("background"), help: ArgumentHelp(
        "Fill in the vectors an earlier run left waiting, at the lowest CPU and I/O priority, in rounds that each write the index; exit when none wait or another indexer runs (what a search starts after CODESEARCH_EMBED_BUDGET ran out).",
        visibility: .default))
    var background = false

    @Flag(name: .customLong("dry-run"), help: ArgumentHelp(
        "Report how many functions and tokens would be embedded (and, for API models, the estimated cost); send and write nothing."))
    var dryRun = false

    func run() async throws {
        try await IndexRequest(self).run()
    }
}

/// What `codesearch index` was asked to do, as plain values: built from the parsed
/// command, or straight from the command line by `IndexRequest.quickParse`.
struct IndexRequest: Equatable {
    var repository: String?
    /// The repository and embedder flags as configuration entries (the highest layer).
    var configurationFlags: [ConfigurationFlag] = []
    var kind: SnapshotKind = .workingTree
    var indexDirectory: String?
    var ifIdle = false
    var quiet = false
    var dryRun = false
    var background = false

    /// A configuration entry that can be compared (`ConfigurationLoader.Entry` is a tuple).
    struct ConfigurationFlag: Equatable {
        var key: String
        var value: String
    }

    init() {}

    init(_ command: IndexCommand) {
        repository = command.repositoryOptions.repository
        configurationFlags = (command.repositoryOptions.configurationFlags + command.embedderOptions.configurationFlags)
            .map { ConfigurationFlag(key: $0.0, value: $0.1) }
        kind = command.selection.kind
        indexDirectory = command.indexOptions.directory
        ifIdle = command.ifIdle
        quiet = command.quiet
        dryRun = command.dryRun
        background = command.background
    }

    /// The arguments after `index` when they are only the flags scripts and hooks pass
    /// (`--quiet`, `--if-idle`, `--dry-run`, `--background`, `--staged`, `--repo`, `--rev`, `--index`), each
    /// at most once and well formed; nil for anything else, which ArgumentParser then
    /// parses (and explains). ArgumentParser reflects on the command's types to parse
    /// them, 2–3 ms of a no-op run that takes about 20.
    static func quickParse(_ arguments: ArraySlice<String>) -> IndexRequest? {
        var request = IndexRequest()
        var seen: [String] = []  // (an Array: a first Set<String> costs a runtime conformance scan)
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            var name = argument
            var value: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            let key = name == "-q" ? "--quiet" : name
            guard !seen.contains(key) else { return nil }
            seen.append(key)
            let takesValue = ["--repo", "--rev", "--index"].contains(name)
            if takesValue && value == nil {
                // ArgumentParser takes the next argument unless it looks like an option.
                guard let next = rest.popFirst(), !next.hasPrefix("-") else { return nil }
                value = next
            }
            guard takesValue == (value != nil) else { return nil }
            if let value, value.isEmpty { return nil }
            switch name {
            case "-q", "--quiet": request.quiet = true
            case "--if-idle": request.ifIdle = true
            case "--dry-run": request.dryRun = true
            case "--background": request.background = true
            case "--staged": request.kind = .staged
            case "--repo": request.repository = value
            case "--rev": request.kind = .revision(value!)
            case "--index": request.indexDirectory = value
            default: return nil
            }
        }
        // --staged with --rev is a usage error: ArgumentParser reports it.
        if seen.contains("--staged") && seen.contains("--rev") { return nil }
        return request
    }

    /// `--background`: rounds of `BackgroundFiller.round`, each written, until no unit
    /// waits, another indexer holds the lock, or the run is interrupted.
    private func fill(workspace: Workspace, embedder: Embedder, location: IndexLocation,
                      options: IndexerOptions) async throws {
        // One filler per index, for its whole life (the writer lock is taken per round);
        // it follows a run that wrote the index, so the folder is there.
        guard let held = try IndexLock.tryAcquire(path: location.directory + "/" + BackgroundFiller.lockName) else {
            Output.standard.line("filler: pid \(CurrentProcess.id): another filler is running; nothing done")
            return
        }
        defer { withExtendedLifetime(held) {} }
        Output.standard.line("filler: pid \(CurrentProcess.id), \(BackgroundFiller.lowerPriority()), started \(Date())")
        var options = options
        options.ifIdle = true
        options.progress = nil
        options.embedBudget = BackgroundFiller.round()
        while true {
            let summary = try await workspace.updateIndex(kind, embedder: embedder, location: location, options: options)
            IndexSummaryReport.print(summary, quiet: false)
            if summary.outcome != .updated || summary.deferredFunctions == 0 { break }
        }
        Output.standard.line("filler: pid \(CurrentProcess.id) done \(Date())")
    }

    func run() async throws {
        let workspace = try RepositoryOptions.openWorkspace(
            repository: repository, flags: configurationFlags.map { ($0.key, $0.value) })
        let location = workspace.indexLocation(override: indexDirectory)
        let embedder = try await EmbedderChoice().makeEmbedder(
            settings: workspace.settings, offline: dryRun, existingIndex: try? IndexMetadata.read(path: location.indexPath))
        Interruption.install()
        let progress = ProgressLine(enabled: !quiet && Output.isTerminal(2))
        var options = IndexerOptions(ifIdle: ifIdle, progress: { p in
            progress.update(p.phase == .embedding ? "embedding" : "scanning", done: p.blobsDone, total: p.blobsTotal)
        }, shouldCancel: { Interruption.requested })
        if let size = NetworkLink.features?.batchSize(for: embedder) { options.batchSize = size }
        options.dryRun = dryRun
        options.embedBudget = try EmbedBudget.fromEnvironment()
        if background {
            try await fill(workspace: workspace, embedder: embedder, location: location, options: options)
            return
        }
        let summary = try await workspace.updateIndex(kind, embedder: embedder, location: location, options: options)
        progress.finish()
        if dryRun {
            Output.standard.line(DryRunReport.line(summary, embedder: embedder))
            return
        }
        IndexSummaryReport.print(summary, quiet: quiet)
        if summary.outcome == .cancelled { throw ExitCode(130) }
        if !summary.failures.isEmpty { throw ExitCode(2) }
    }
}

/// How an index run is reported: failures and a replaced index as warnings on
/// standard error, the one summary line on standard output.
enum IndexSummaryReport {
    static func print(_ s: IndexSummary, quiet: Bool) {
        if let reason = s.discardedIndex {
            Output.diagnostic("codesearch: warning: the old index was rebuilt: \(reason)")
        }
        for failure in s.failures {
            Output.diagnostic("codesearch: \(PrintableText.path(failure.path)): \(failure.message)")
        }
        guard !quiet else { return }
        Output.standard.line(line(s))
    }

    static func line(_ s: IndexSummary) -> String {
        let seconds = String(format: "%.2fs", s.seconds)
        switch s.outcome {
        case .upToDate:
            return "index up to date: \(s.files) files, \(s.functions) functions (\(seconds))"
        case .busy:
            return "another indexer is running; nothing done"
        case .planned:
            return "dry run: \(s.plannedTexts.count) functions would be embedded"
        case .failed:
            return "not updated: \(s.updateFailure ?? "the update failed")"
        case .updated, .cancelled:
            var text = s.outcome == .cancelled ? "interrupted; kept for the next run: " : "indexed "
            text += "\(s.files) files, \(s.functions) functions: \(s.newBlobs) new blobs, "
            text += "\(s.embeddedFunctions) functions embedded"
            if s.reusedVectors > 0 { text += ", \(s.reusedVectors) reused" }
            if s.recoveredBlobs > 0 { text += ", \(s.recoveredBlobs) blobs recovered from an interrupted run" }
            if s.deferredFunctions > 0 { text += ", \(s.deferredFunctions) waiting for vectors" }
            return text + " (\(seconds))"
        }
    }
}

/// `index --dry-run`: what would be sent, in tokens and (for API models) dollars.
enum DryRunReport {
    static func line(_ s: IndexSummary, embedder: Embedder) -> String {
        var text = "dry run: \(s.files) files, \(s.newBlobs) new blobs, \(s.plannedTexts.count) functions to embed"
        if let estimate = NetworkLink.features?.dryRunEstimate(embedder: embedder, texts: s.plannedTexts) {
            text += estimate
        } else if let native = (try? (embedder as? LazyEmbedder)?.embedder()) as? BertEmbedder {
            let tokens = s.plannedTexts.reduce(0) { $0 + native.tokenCount($1) }
            text += ", \(tokens) tokens for the local model \(native.identity.model) (no cost)"
        }
        return text + "; nothing was sent or written"
    }
}
