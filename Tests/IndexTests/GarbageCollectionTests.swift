import Testing
import Git
import Scanning
@testable import IndexStorage
@testable import Indexing

@Suite struct GarbageCollectionTests {
    @Test func blobsOutsideTheLastGenerationsAreDropped() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options = IndexerOptions(garbageCollection: GarbageCollectionPolicy(keepGenerations: 2))
        let v1 = makeSnapshot([("a.py", pythonSource(["one"]))], source: f.source)
        let v2 = makeSnapshot([("a.py", pythonSource(["two"]))], source: f.source)
        let v3 = makeSnapshot([("a.py", pythonSource(["three"]))], source: f.source)
        _ = try await f.run(v1)
        _ = try await f.run(v2)
        #expect(try f.open().blobCount == 2)
        let s = try await f.run(v3)
        #expect(s.droppedBlobs == 1)
        #expect(try f.open().blobCount == 2)
        // v2 is still cached, v1 is not.
        _ = try await f.run(v2)
        #expect(f.counter["texts"] == 0)
        _ = try await f.run(v1)
        #expect(f.counter["texts"] == 1)
    }

    @Test func sizeCapDropsOldestButNeverLiveBlobs() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options = IndexerOptions(garbageCollection: GarbageCollectionPolicy(keepGenerations: 100, maxBytes: 1))
        let v1 = makeSnapshot([("a.py", pythonSource(["one"]))], source: f.source)
        let v2 = makeSnapshot([("a.py", pythonSource(["two"])), ("b.py", pythonSource(["bee"]))], source: f.source)
        _ = try await f.run(v1)
        let s = try await f.run(v2)
        #expect(s.droppedBlobs == 1)
        let index = try f.open()
        #expect(index.blobCount == 2)
        #expect(index.liveFunctionCount == 2)
    }

    @Test func collectorKeepsMostRecentFirst() {
        let gc = GarbageCollector(policy: GarbageCollectionPolicy(keepGenerations: 10, maxBytes: 10_000), rowBytes: 100)
        func blob(_ n: UInt8, seen: UInt32) -> StoredBlob {
            let id = BlobID(bytes: [UInt8](repeating: n, count: 20))!
            let span = FunctionSpan(name: "f", qualifiedName: "f", kind: .function, firstLine: 1, declarationLine: 1,
                                    declarationColumn: 1, lastLine: 1, signature: "", docFirstLine: nil,
                                    docLastLine: nil, byteStart: 0, byteEnd: 0)
            return StoredBlob(key: BlobKey(id: id, language: "python"),
                              functions: Array(repeating: StoredFunction(span: span, textHash: 0), count: 20),
                              vectorBytes: [], lastSeen: seen)
        }
        // Each blob costs ~3.5 KB: the live one plus one recent fit.
        let blobs = [blob(1, seen: 5), blob(2, seen: 9), blob(3, seen: 10), blob(4, seen: 1)]
        let kept = gc.select(blobs, live: [blobs[2].key], generation: 10)
        #expect(Set(kept.map(\.key.id.bytes[0])) == [2, 3])
    }
}
