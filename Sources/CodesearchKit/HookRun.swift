import EmbeddingCore
import Foundation
import IndexStorage
import Indexing
import Platform

/// What the git hooks run, detached: bring the index up to the working tree, and
/// make sure that a hook fired while indexing is already under way is not lost.
///
/// A hook that finds another hook's run under way does nothing but leave a
/// request (`hooks.pending`) and exit; the run under way sees the request when it
/// finishes and goes round once more with a fresh snapshot. So a rebase, which
/// fires post-checkout at its start and post-rewrite at its end, still leaves the
/// index holding the final tree, and at most one hook run ever indexes at a time.
public struct HookRun: Sendable {
    public let workspace: Workspace
    public let location: IndexLocation

    public init(workspace: Workspace, location: IndexLocation) {
        self.workspace = workspace
        self.location = location
    }

    public var requestPath: String { location.directory + "/hooks.pending" }
    public var runnerLockPath: String { location.directory + "/hooks.lock" }
    public var logPath: String { location.directory + "/hooks.log" }
    /// The log is emptied when it grows past this, so it never fills a disk.
    public static let logLimit = 1 << 20

    /// Requests a run, then performs requested runs until none is left, unless
    /// another hook run holds the runner lock (it will see the request). Returns
    /// the summaries of the updates this process made (empty when it left the work
    /// to another). `report` is called after each update.
    public func perform(makeEmbedder: @Sendable () async throws -> Embedder,
                        report: (IndexSummary) -> Void = { _ in }) async throws -> [IndexSummary] {
        try FileManager.default.createDirectory(atPath: location.directory, withIntermediateDirectories: true)
        trimLog()
        try request()
        var summaries: [IndexSummary] = []
        var embedder: Embedder?
        while FileSystem.exists(requestPath) {
            guard let runner = try IndexLock.tryAcquire(path: runnerLockPath) else { return summaries }
            defer { withExtendedLifetime(runner) {} }
            // Each round takes its snapshot after clearing the request it answers.
            while FileSystem.exists(requestPath) {
                FileSystem.removeQuietly(requestPath)
                let chosen: Embedder
                if let embedder { chosen = embedder } else { chosen = try await makeEmbedder() }
                embedder = chosen
                let summary = try await workspace.updateIndex(.workingTree, embedder: chosen, location: location,
                                                              options: IndexerOptions())
                summaries.append(summary)
                report(summary)
            }
            // A request written after the last check but before the unlock is picked up here.
        }
        return summaries
    }

    private func request() throws {
        do {
            _ = try OpenFile.open(requestPath, .writing)
        } catch let error as SystemCallError {
            throw CodesearchError.io(path: requestPath, reason: SystemCallError.message(error.code))
        }
    }

    private func trimLog() {
        if let size = FileSystem.fileSize(logPath), size > Self.logLimit { try? FileSystem.truncate(logPath, to: 0) }
    }
}
