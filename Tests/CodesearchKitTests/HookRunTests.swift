@testable import CodesearchKit
@testable import EmbeddingCore
import Foundation
import IndexStorage
import TestSupport
import Testing

/// A hook that fires while another hook's run is indexing leaves a request and
/// returns; the run under way takes it.
@Suite struct HookRunTests {
    /// Counts texts; vectors are fixed, the test is about who runs.
    struct CountingEmbedder: Embedder {
        let identity = EmbedderIdentity(provider: "test", model: "counting", fingerprint: "",
                                        dimensions: 4, pooling: "mean", maxTokens: 128)
        func embed(documents: [String]) async throws -> [[Float]] { documents.map { _ in [1, 0, 0, 0] } }
        func embed(query: String) async throws -> [Float] { [1, 0, 0, 0] }
    }

    private func makeRun() throws -> (TemporaryRepository, HookRun) {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def a():\n    return 1\n")
        try repo.commitAll()
        let workspace = try Workspace.open(path: repo.path, environment: ["HOME": CodesearchBinary.isolatedHome])
        return (repo, HookRun(workspace: workspace, location: workspace.indexLocation()))
    }

    @Test func aBusyRunnerIsLeftARequestAndTakesIt() async throws {
        let (repo, run) = try makeRun()
        try FileManager.default.createDirectory(atPath: run.location.directory, withIntermediateDirectories: true)
        var holder = try IndexLock.tryAcquire(path: run.runnerLockPath)
        #expect(holder != nil)
        let whileBusy = try await run.perform(makeEmbedder: { CountingEmbedder() })
        #expect(whileBusy.isEmpty)
        #expect(FileManager.default.fileExists(atPath: run.requestPath))

        // The holder goes away; the next run answers the request and clears it.
        holder = nil
        try repo.write("b.py", "def b():\n    return 2\n")
        let summaries = try await run.perform(makeEmbedder: { CountingEmbedder() })
        #expect(summaries.map(\.outcome) == [.updated])
        #expect(summaries.first?.files == 2)
        #expect(!FileManager.default.fileExists(atPath: run.requestPath))
    }

    @Test func aRequestArrivingDuringARunIsAnsweredByThatRun() async throws {
        let (repo, run) = try makeRun()
        final class Once: @unchecked Sendable { var fired = false }
        let once = Once()
        let summaries = try await run.perform(makeEmbedder: { CountingEmbedder() }) { _ in
            // A second hook fires while this run is indexing.
            if !once.fired {
                once.fired = true
                try? repo.write("c.py", "def c():\n    return 3\n")
                FileManager.default.createFile(atPath: run.requestPath, contents: nil)
            }
        }
        #expect(summaries.count == 2)
        #expect(summaries.last?.files == 2)
    }
}
