@testable import EmbeddingCore
import Foundation
import Git
import Hashing
@testable import IndexStorage
@testable import Indexing
import Scanning

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "codesearch-index-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    var location: IndexLocation { IndexLocation(directory: path + "/codesearch") }
}

/// Thread-safe counters shared by the test doubles.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Int] = [:]
    func add(_ key: String, _ n: Int = 1) { lock.lock(); values[key, default: 0] += n; lock.unlock() }
    subscript(_ key: String) -> Int { lock.lock(); defer { lock.unlock() }; return values[key] ?? 0 }
    func reset() { lock.lock(); values = [:]; lock.unlock() }
}

/// Deterministic unit vectors from the text; counts texts and calls.
struct CountingEmbedder: Embedder {
    var identity = EmbedderIdentity(provider: "test", model: "hash", fingerprint: "", dimensions: 40,
                                    pooling: "mean", maxTokens: 256)
    let counter: Counter
    /// Throws after this many calls (simulates a crash mid-run).
    var failAfterCalls: Int? = nil

    struct Failure: Error {}

    func embed(documents: [String]) async throws -> [[Float]] {
        if let limit = failAfterCalls, counter["calls"] >= limit { throw Failure() }
        counter.add("calls")
        counter.add("texts", documents.count)
        return documents.map { Self.vector(for: $0, dimensions: identity.dimensions) }
    }

    func embed(query: String) async throws -> [Float] { Self.vector(for: query, dimensions: identity.dimensions) }

    static func vector(for text: String, dimensions: Int) -> [Float] {
        var state = XXHash64.hash(text)
        let raw = (0..<dimensions).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
        }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }
}

/// `.py` files; a function starts at each line beginning with `def ` and runs
/// to the line before the next one. Counts scans.
struct LineExtractor: FunctionExtractor {
    let counter: Counter
    var grammarVersion = "test-1"

    func language(forPath path: String) -> String? {
        if path.hasSuffix(".py") { return "python" }
        if path.hasSuffix(".rb") { return "ruby" }
        return nil
    }

    func units(in bytes: [UInt8], language: String) -> [FunctionSpan] {
        counter.add("scans")
        var lineStarts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") && i + 1 < bytes.count { lineStarts.append(i + 1) }
        let def = Array("def ".utf8)
        let starts = lineStarts.enumerated().filter { Array(bytes[$0.element...].prefix(4)) == def }
        return starts.enumerated().map { k, start in
            let endLine = k + 1 < starts.count ? starts[k + 1].offset - 1 : lineStarts.count - 1
            let byteEnd = k + 1 < starts.count ? starts[k + 1].element : bytes.count
            let header = bytes[start.element...].prefix { $0 != UInt8(ascii: "\n") }
            let name = String(decoding: header.dropFirst(4).prefix { $0 != UInt8(ascii: "(") }, as: UTF8.self)
            return FunctionSpan(name: name, qualifiedName: name, kind: .function, firstLine: start.offset + 1,
                                declarationLine: start.offset + 1, declarationColumn: 1, lastLine: endLine + 1,
                                signature: String(decoding: header, as: UTF8.self), docFirstLine: nil, docLastLine: nil,
                                byteStart: start.element, byteEnd: byteEnd)
        }
    }
}

/// Blobs in memory, keyed by id; counts reads.
final class MemoryBlobSource: BlobSource, @unchecked Sendable {
    private let lock = NSLock()
    private var blobs: [BlobID: [UInt8]] = [:]
    let counter: Counter
    var failing: Set<BlobID> = []

    init(counter: Counter) { self.counter = counter }

    struct Unreadable: Error {}

    /// Stores content and returns its (test) blob id.
    func add(_ text: String) -> BlobID { add(Array(text.utf8)) }

    func add(_ bytes: [UInt8]) -> BlobID {
        var id = [UInt8]()
        for seed in 0..<3 { withUnsafeBytes(of: XXHash64.hash(bytes, seed: UInt64(seed)).littleEndian) { id += $0 } }
        let blob = BlobID(bytes: Array(id.prefix(20)))!
        lock.lock(); blobs[blob] = bytes; lock.unlock()
        return blob
    }

    func contents(of entry: SnapshotEntry) throws -> [UInt8] {
        counter.add("reads")
        lock.lock(); defer { lock.unlock() }
        if failing.contains(entry.blobID) { throw Unreadable() }
        guard let bytes = blobs[entry.blobID] else { throw Unreadable() }
        return bytes
    }
}

/// A snapshot from (path, content) pairs, adding the contents to `source`.
func makeSnapshot(_ files: [(String, String)], source: MemoryBlobSource,
                  kind: SnapshotKind = .workingTree) -> Snapshot {
    let entries = files.map { path, text in
        SnapshotEntry(path: path, blobID: source.add(text), mode: 0o100644, size: text.utf8.count)
    }.sorted { $0.path < $1.path }
    return Snapshot(kind: kind, commitID: nil, entries: entries)
}

/// Python source with `count` functions, each body mentioning `tag`.
func pythonSource(_ names: [String], tag: String = "") -> String {
    names.map { "def \($0)(x):\n    return x + \"\($0)\(tag)\"\n" }.joined()
}

/// Everything a test needs to run the indexer repeatedly.
struct Fixture {
    let dir: TempDirectory
    let counter = Counter()
    let source: MemoryBlobSource
    var embedder: CountingEmbedder
    var extractor: LineExtractor
    var options = IndexerOptions(batchSize: 4)

    init() throws {
        dir = try TempDirectory()
        source = MemoryBlobSource(counter: counter)
        embedder = CountingEmbedder(counter: counter)
        extractor = LineExtractor(counter: counter)
    }

    var indexer: Indexer { Indexer(location: dir.location, extractor: extractor, embedder: embedder, options: options) }

    func run(_ snapshot: Snapshot) async throws -> IndexSummary {
        counter.reset()
        return try await indexer.update(snapshot: snapshot, source: source)
    }

    func open() throws -> IndexFile { try IndexFile.open(path: dir.location.indexPath) }
}
