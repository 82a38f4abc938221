import Foundation
import Testing
import Git
import Scanning
@testable import IndexStorage
@testable import Indexing

@Suite struct IndexFileTests {
    @Test func roundTrip() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options = IndexerOptions(batchSize: 3)
        var snapshot = makeSnapshot([("a.py", pythonSource(["alpha", "beta"])),
                                     ("lib/b.py", pythonSource(["gamma"])),
                                     ("notes.txt", "def not_code(): pass\n")], source: f.source)
        snapshot.kind = .revision("main")
        snapshot.commitID = "0123456789abcdef0123456789abcdef01234567"
        let summary = try await f.run(snapshot)
        #expect(summary.outcome == .updated)
        #expect(summary.files == 2)
        #expect(summary.functions == 3)
        #expect(summary.embeddedFunctions == 3)

        let index = try f.open()
        try index.verify()
        #expect(index.identity == f.embedder.identity)
        #expect(index.grammarVersion == "test-1")
        #expect(index.encoding == .float16)
        #expect(index.snapshot.kind == .revision("main"))
        #expect(index.snapshot.commitID == snapshot.commitID)
        #expect(index.snapshot.complete)
        #expect(index.blobCount == 2)
        #expect(index.functionCount == 3)
        let live = index.liveFiles()
        #expect(live.map(\.path) == ["a.py", "lib/b.py"])
        #expect(live.map(\.language) == ["python", "python"])

        let bytes = Array(pythonSource(["alpha", "beta"]).utf8)
        let spans = f.extractor.units(in: bytes, language: "python")
        let a = live[0]
        #expect(a.functions.count == 2)
        for (row, span) in zip(a.functions, spans) {
            let record = index.function(at: row)
            #expect(record.span == span)
            #expect(record.language == "python")
            #expect(record.blobID == snapshot.entries.first { $0.path == "a.py" }!.blobID)
            let text = EmbeddingText.text(for: span, in: bytes)
            #expect(record.textHash == EmbeddingText.hash(text))
            let expected = CountingEmbedder.vector(for: text, dimensions: 40)
            for (x, y) in zip(index.vector(at: row), expected) { #expect(abs(x - y) < 1e-3) }
        }
    }

    @Test func float32EncodingRoundTrips() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options = IndexerOptions(encoding: .float32)
        let snapshot = makeSnapshot([("a.py", pythonSource(["alpha"]))], source: f.source)
        _ = try await f.run(snapshot)
        let index = try f.open()
        try index.verify()
        #expect(index.encoding == .float32)
        let text = EmbeddingText.text(for: index.function(at: 0).span, in: Array(pythonSource(["alpha"]).utf8))
        let expected = CountingEmbedder.vector(for: text, dimensions: 40)
        for (x, y) in zip(index.vector(at: 0), expected) { #expect(abs(x - y) < 1e-6) }
    }

    @Test func vectorsAreAlignedAndAbout1KBPerFunctionAt384() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.embedder.identity.dimensions = 384
        let names = (0..<200).map { "function_number_\($0)" }
        let snapshot = makeSnapshot([("big.py", pythonSource(names))], source: f.source)
        _ = try await f.run(snapshot)
        let index = try f.open()
        index.withVectorBytes { v in #expect(Int(bitPattern: v.baseAddress) % 64 == 0) }
        let perFunction = Double(index.fileSize) / 200
        #expect(perFunction < 1024, "\(perFunction) bytes per function")
    }

    @Test func missingIndexIsTyped() {
        #expect(throws: IndexError.missing(path: "/nonexistent/codesearch/index")) {
            try IndexFile.open(path: "/nonexistent/codesearch/index")
        }
    }
}

@Suite struct ReaderIsolationTests {
    @Test func anOpenReaderKeepsItsFileWhileAWriterReplacesIt() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        _ = try await f.run(makeSnapshot([("a.py", pythonSource(["one", "two"]))], source: f.source))
        let reader = try f.open()
        let before = reader.function(at: 1)
        _ = try await f.run(makeSnapshot([("b.py", pythonSource(["three"]))], source: f.source))
        try reader.verify()
        #expect(reader.function(at: 1) == before)
        #expect(reader.liveFiles().map(\.path) == ["a.py"])
        #expect(try f.open().liveFiles().map(\.path) == ["b.py"])
    }

    @Test func metadataReadAgreesWithTheMappedFile() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        _ = try await f.run(makeSnapshot([("a.py", pythonSource(["one", "two"])), ("b.py", pythonSource(["one", "two"]))],
                                         source: f.source))
        let metadata = try IndexMetadata.read(path: f.dir.location.indexPath)
        #expect(metadata == (try f.open()).metadata)
        #expect(metadata.liveFunctionCount == 4)
        #expect(metadata.functionCount == 2)
        #expect(metadata.formatVersion == IndexFormat.version)
    }
}
