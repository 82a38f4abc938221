import ByteCoding
import Foundation
import Testing
import Git
import Scanning
@testable import IndexStorage
@testable import Indexing
import Hashing

@Suite struct IndexerTests {
    let files: [(String, String)] = [
        ("a.py", pythonSource(["alpha", "beta", "gamma"])),
        ("b.py", pythonSource(["delta"])),
        ("c.py", "x = 1\n"),
        ("d.rb", pythonSource(["epsilon"])),
    ]

    @Test func firstRunEmbedsEverythingOnce() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let s = try await f.run(makeSnapshot(files, source: f.source))
        #expect(s.outcome == .updated)
        #expect(s.newBlobs == 4)
        #expect(s.scannedBlobs == 4)
        #expect(s.embeddedFunctions == 5)
        #expect(s.functions == 5)
        #expect(f.counter["texts"] == 5)
    }

    @Test func noOpRunTouchesNothing() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot(files, source: f.source)
        _ = try await f.run(snapshot)
        let before = try FileManager.default.attributesOfItem(atPath: f.dir.location.indexPath)
        let s = try await f.run(snapshot)
        #expect(s.outcome == .upToDate)
        #expect(s.functions == 5)
        #expect(f.counter["reads"] == 0 && f.counter["scans"] == 0 && f.counter["texts"] == 0)
        let after = try FileManager.default.attributesOfItem(atPath: f.dir.location.indexPath)
        #expect(before[.systemFileNumber] as? Int == after[.systemFileNumber] as? Int)
        #expect(before[.modificationDate] as? Date == after[.modificationDate] as? Date)
    }

    @Test func editingOneBlobScansOnlyItAndEmbedsOnlyChangedFunctions() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        _ = try await f.run(makeSnapshot(files, source: f.source))
        var edited = files
        edited[0].1 = pythonSource(["alpha", "beta"]) + pythonSource(["gamma"], tag: "changed")
        let s = try await f.run(makeSnapshot(edited, source: f.source))
        #expect(s.newBlobs == 1)
        #expect(s.scannedBlobs == 1)
        #expect(f.counter["reads"] == 1)
        #expect(s.embeddedFunctions == 1)
        #expect(s.reusedVectors == 2)
        #expect(try f.open().liveFunctionCount == 5)
    }

    @Test func renameCostsNoScanOrEmbedding() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        _ = try await f.run(makeSnapshot(files, source: f.source))
        var renamed = files
        renamed[0].0 = "moved/a_renamed.py"
        let s = try await f.run(makeSnapshot(renamed, source: f.source))
        #expect(s.outcome == .updated)
        #expect(f.counter["reads"] == 0 && f.counter["scans"] == 0 && f.counter["texts"] == 0)
        #expect(try f.open().liveFiles().map(\.path).contains("moved/a_renamed.py"))
    }

    @Test func sameBlobAtTwoPathsIsEmbeddedOnce() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let text = pythonSource(["same"])
        let s = try await f.run(makeSnapshot([("x/one.py", text), ("y/two.py", text)], source: f.source))
        #expect(s.newBlobs == 1)
        #expect(f.counter["reads"] == 1)
        #expect(f.counter["texts"] == 1)
        #expect(s.functions == 2)
        #expect(try f.open().liveFiles().count == 2)
    }

    @Test func switchingSnapshotsAndBackEmbedsNothingTheSecondTime() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let a = makeSnapshot(files, source: f.source, kind: .revision("main"))
        let b = makeSnapshot([("a.py", pythonSource(["other"])), ("z.py", pythonSource(["zeta"]))],
                             source: f.source, kind: .revision("topic"))
        _ = try await f.run(a)
        _ = try await f.run(b)
        #expect(f.counter["texts"] == 2)
        let back = try await f.run(a)
        #expect(back.outcome == .updated)
        #expect(f.counter["reads"] == 0 && f.counter["texts"] == 0)
        let again = try await f.run(b)
        #expect(again.outcome == .updated)
        #expect(f.counter["reads"] == 0 && f.counter["texts"] == 0)
        #expect(try f.open().snapshot.kind == .revision("topic"))
    }

    @Test func zeroFunctionBlobsAreRemembered() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        _ = try await f.run(makeSnapshot([("c.py", "x = 1\n")], source: f.source))
        let s = try await f.run(makeSnapshot([("renamed.py", "x = 1\n")], source: f.source))
        #expect(s.scannedBlobs == 0)
        #expect(f.counter["scans"] == 0)
    }

    @Test func binaryAndInvalidUTF8DoNotCrash() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let binary: [UInt8] = [0x64, 0x65, 0x66, 0x20, 0x00, 0xff, 0xfe, 0x0a]
        let invalid: [UInt8] = Array("def bad(x):\n    return \"".utf8) + [0xc3, 0x28, 0xa0, 0xa1, 0xff] + Array("\"\n".utf8)
        let entries = [SnapshotEntry(path: "bin.py", blobID: f.source.add(binary), mode: 0o100644, size: binary.count),
                       SnapshotEntry(path: "bad.py", blobID: f.source.add(invalid), mode: 0o100644, size: invalid.count)]
        let s = try await f.run(Snapshot(kind: .workingTree, commitID: nil, entries: entries))
        #expect(s.scannedBlobs == 2)
        #expect(s.functions == 1)
        #expect(f.counter["scans"] == 1)
    }

    @Test func unreadableFileIsReportedAndRetried() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot(files, source: f.source)
        f.source.failing = [snapshot.entries[0].blobID]
        let s = try await f.run(snapshot)
        #expect(s.failures.map(\.path) == [snapshot.entries[0].path])
        #expect(try f.open().snapshot.complete == false)
        f.source.failing = []
        let retry = try await f.run(snapshot)
        #expect(retry.outcome == .updated)
        #expect(retry.scannedBlobs == 1)
        #expect(try f.open().snapshot.complete)
    }

    @Test func anotherEmbedderStartsFresh() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot(files, source: f.source)
        _ = try await f.run(snapshot)
        f.embedder.identity.model = "another-model"
        let s = try await f.run(snapshot)
        #expect(s.discardedIndex != nil)
        #expect(s.embeddedFunctions == 5)
        #expect(try f.open().identity.model == "another-model")
    }

    @Test func anotherGrammarRescansButReusesVectors() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot(files, source: f.source)
        _ = try await f.run(snapshot)
        f.extractor.grammarVersion = "test-2"
        let s = try await f.run(snapshot)
        #expect(s.scannedBlobs == 4)
        #expect(s.embeddedFunctions == 0)
        #expect(s.reusedVectors == 5)
        #expect(try f.open().grammarVersion == "test-2")
    }

    @Test func progressIsReported() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        let seen = Counter()
        f.options.progress = { p in seen.add("\(p.phase)") }
        _ = try await f.run(makeSnapshot(files, source: f.source))
        #expect(seen["scanning"] == 4)
        #expect(seen["writing"] == 1)
    }
}

@Suite struct FormatUpgradeTests {
    /// Rewrites the header's format version (and the header checksum), so the file reads
    /// as an older format: its lexicon section is then not read.
    func setFormatVersion(_ version: UInt32, of path: String) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        withUnsafeBytes(of: version.littleEndian) { bytes.replaceSubrange(8..<12, with: $0) }
        let sections = Int(bytes.withUnsafeBytes { $0.u32(at: 16) })
        let end = IndexFormat.headerSize(sections: sections) - 8
        withUnsafeBytes(of: XXHash64.hash(Array(bytes[..<end])).littleEndian) { bytes.replaceSubrange(end..<(end + 8), with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func anOlderFormatIsRewrittenWithoutEmbeddingAgain() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot([("a.py", pythonSource(["alpha", "beta"])), ("b.py", pythonSource(["gamma"]))],
                                    source: f.source)
        _ = try await f.run(snapshot)
        let vectors = try (0..<3).map { try f.open().vector(at: $0) }
        try setFormatVersion(2, of: f.dir.location.indexPath)
        let old = try f.open()
        #expect(old.metadata.formatVersion == 2 && !old.hasLexicon)
        #expect(!f.indexer.isCurrent(snapshot: snapshot))

        let s = try await f.run(snapshot)
        #expect(s.discardedIndex == "made by an older codesearch (index format 2); vectors are reused")
        #expect(f.counter["texts"] == 0)
        let new = try f.open()
        #expect(new.metadata.formatVersion == IndexFormat.version && new.hasLexicon)
        #expect(try (0..<3).map { new.vector(at: $0) } == vectors)
        #expect(f.indexer.isCurrent(snapshot: snapshot))
    }
}
