import Foundation
import Testing
import Git
@testable import IndexStorage
@testable import Indexing

@Suite struct CrashSafetyTests {
    let names = (0..<12).map { "f\($0)" }

    func files() -> [(String, String)] {
        (0..<6).map { i in ("m\(i).py", pythonSource(Array(names[(2 * i)..<(2 * i + 2)]))) }
    }

    @Test func crashedRunIsRecoveredFromTheJournal() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options = IndexerOptions(batchSize: 2)
        let snapshot = makeSnapshot(files(), source: f.source)
        f.embedder.failAfterCalls = 3
        await #expect(throws: CountingEmbedder.Failure.self) { try await f.run(snapshot) }
        #expect(f.counter["texts"] == 6)
        #expect(FileManager.default.fileExists(atPath: f.dir.location.journalPath))
        #expect(!FileManager.default.fileExists(atPath: f.dir.location.indexPath))

        f.embedder.failAfterCalls = nil
        let s = try await f.run(snapshot)
        #expect(s.recoveredBlobs == 3)
        #expect(s.embeddedFunctions == 6)
        #expect(s.functions == 12)
        #expect(!FileManager.default.fileExists(atPath: f.dir.location.journalPath))
    }

    @Test func tornJournalTailIsIgnored() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options = IndexerOptions(batchSize: 2)
        let snapshot = makeSnapshot(files(), source: f.source)
        f.embedder.failAfterCalls = 3
        await #expect(throws: CountingEmbedder.Failure.self) { try await f.run(snapshot) }
        // Tear the last record: drop its final bytes, then add garbage.
        let url = URL(fileURLWithPath: f.dir.location.journalPath)
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes.removeLast(5)
        bytes += [0x10, 0, 0, 0, 1, 2, 3]
        try Data(bytes).write(to: url)

        f.embedder.failAfterCalls = nil
        let s = try await f.run(snapshot)
        #expect(s.recoveredBlobs == 2)
        #expect(s.embeddedFunctions == 8)
        #expect(s.functions == 12)
        try f.open().verify()
    }

    @Test func journalOfAnotherEmbedderIsDiscarded() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options = IndexerOptions(batchSize: 2)
        let snapshot = makeSnapshot(files(), source: f.source)
        f.embedder.failAfterCalls = 2
        await #expect(throws: CountingEmbedder.Failure.self) { try await f.run(snapshot) }
        f.embedder.failAfterCalls = nil
        f.embedder.identity.model = "other"
        let s = try await f.run(snapshot)
        #expect(s.recoveredBlobs == 0)
        #expect(s.embeddedFunctions == 12)
    }

    @Test func cancellationKeepsWorkForTheNextRun() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        let calls = Counter()
        let counter = f.counter
        f.options = IndexerOptions(batchSize: 2, shouldCancel: {
            calls.add("polls")
            return counter["calls"] >= 2
        })
        let snapshot = makeSnapshot(files(), source: f.source)
        let s = try await f.run(snapshot)
        #expect(s.outcome == .cancelled)
        #expect(s.embeddedFunctions == 4)
        #expect(!FileManager.default.fileExists(atPath: f.dir.location.indexPath))

        f.options.shouldCancel = nil
        let resumed = try await f.run(snapshot)
        #expect(resumed.outcome == .updated)
        #expect(resumed.recoveredBlobs == 2)
        #expect(resumed.embeddedFunctions == 8)
    }

    @Test func noTemporaryFilesAreLeftBehind() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        // As if a writer had been killed before its rename (it writes the header first).
        try FileManager.default.createDirectory(atPath: f.dir.location.directory, withIntermediateDirectories: true)
        try Data(IndexFormat.magic + [1, 2, 3]).write(to: URL(fileURLWithPath: f.dir.location.indexPath + ".tmp-99999"))
        _ = try await f.run(makeSnapshot(files(), source: f.source))
        let names = try FileManager.default.contentsOfDirectory(atPath: f.dir.location.directory).sorted()
        #expect(names == ["index", "index.lock", "index.verified"])
    }
}

@Suite struct LockTests {
    @Test func secondWriterWithIfIdleReturnsBusy() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        try FileManager.default.createDirectory(atPath: f.dir.location.directory, withIntermediateDirectories: true)
        let held = try #require(try IndexLock.tryAcquire(path: f.dir.location.lockPath))
        #expect(try IndexLock.tryAcquire(path: f.dir.location.lockPath) == nil)
        f.options.ifIdle = true
        let s = try await f.run(makeSnapshot([("a.py", pythonSource(["a"]))], source: f.source))
        #expect(s.outcome == .busy)
        #expect(f.counter["reads"] == 0)
        withExtendedLifetime(held) {}
    }

    @Test func secondWriterWaitsForTheFirst() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        try FileManager.default.createDirectory(atPath: f.dir.location.directory, withIntermediateDirectories: true)
        var held: IndexLock? = try IndexLock.tryAcquire(path: f.dir.location.lockPath)
        #expect(held != nil)
        let snapshot = makeSnapshot([("a.py", pythonSource(["a"]))], source: f.source)
        let indexer = f.indexer, source = f.source
        let task = Task { try await indexer.update(snapshot: snapshot, source: source) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!FileManager.default.fileExists(atPath: f.dir.location.indexPath))
        held = nil
        let s = try await task.value
        #expect(s.outcome == .updated)
        #expect(held == nil)
    }
}
