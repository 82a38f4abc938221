import ArgumentParser
import CodesearchKit
import Foundation
import Index

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

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace()
        let embedder = try embedderOptions.choice.makeEmbedder(for: workspace)
        Interruption.install()
        let progress = ProgressLine(enabled: !quiet && Output.isTerminal(2))
        let options = IndexerOptions(ifIdle: ifIdle, progress: { p in
            progress.update(p.phase == .embedding ? "embedding" : "scanning", done: p.blobsDone, total: p.blobsTotal)
        }, shouldCancel: { Interruption.requested })
        let summary = try await workspace.updateIndex(selection.kind, embedder: embedder,
                                                      location: workspace.indexLocation(override: indexOptions.directory),
                                                      options: options)
        progress.finish()
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
            Output.diagnostic("codesearch: warning: the old index was unusable and was rebuilt: \(reason)")
        }
        for failure in s.failures {
            Output.diagnostic("codesearch: \(failure.path): \(failure.message)")
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
        case .updated, .cancelled:
            var text = s.outcome == .cancelled ? "interrupted; kept for the next run: " : "indexed "
            text += "\(s.files) files, \(s.functions) functions: \(s.newBlobs) new blobs, "
            text += "\(s.embeddedFunctions) functions embedded"
            if s.reusedVectors > 0 { text += ", \(s.reusedVectors) reused" }
            if s.recoveredBlobs > 0 { text += ", \(s.recoveredBlobs) blobs recovered from an interrupted run" }
            return text + " (\(seconds))"
        }
    }
}
