@testable import EmbeddingCore
import Foundation
import Git
import Hashing
import IndexStorage
import Indexing
import Scanning
import Search
import Testing

/// Random-ish unit vectors keyed by text, so a query equal to a function's text scores ~1.
struct HashEmbedder: Embedder {
    var identity = EmbedderIdentity(provider: "test", model: "hash", fingerprint: "", dimensions: 40,
                                    pooling: "mean", maxTokens: 256)

    func embed(documents: [String]) async throws -> [[Float]] { documents.map(vector) }
    func embed(query: String) async throws -> [Float] { vector(query) }

    func vector(_ text: String) -> [Float] {
        var state = XXHash64.hash(text) | 1
        let raw = (0..<identity.dimensions).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
        }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }
}

/// The query vector that matches the one-line function `line` exactly (its embedded text).
func embedded(_ line: String) -> [Float] {
    let bytes = Array(line.utf8)
    let span = FunctionSpan(name: line, qualifiedName: line, kind: .function, firstLine: 1, declarationLine: 1,
                            declarationColumn: 1, lastLine: 1, signature: line, docFirstLine: nil, docLastLine: nil,
                            byteStart: 0, byteEnd: bytes.count)
    return HashEmbedder().vector(EmbeddingText.text(for: span, in: bytes))
}

/// Every line `def name` is a one-line function.
struct DefExtractor: FunctionExtractor {
    let grammarVersion = "t"
    func language(forPath path: String) -> String? {
        path.hasSuffix(".py") ? "python" : path.hasSuffix(".go") ? "go" : nil
    }
    func units(in bytes: [UInt8], language: String) -> [FunctionSpan] {
        var spans: [FunctionSpan] = []
        var start = 0, line = 1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "\n") {
            if i > start {
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                // A line `class …` is a type unit.
                let kind: FunctionSpan.Kind = text.hasPrefix("class ") ? .class : .function
                spans.append(FunctionSpan(name: text, qualifiedName: text, kind: kind, firstLine: line,
                                          declarationLine: line, declarationColumn: 1, lastLine: line, signature: text,
                                          docFirstLine: nil, docLastLine: nil, byteStart: start, byteEnd: i))
            }
            start = i + 1
            line += 1
        }
        return spans
    }
}

struct DictSource: BlobSource {
    let blobs: [BlobID: [UInt8]]
    struct Missing: Error {}
    func contents(of entry: SnapshotEntry) throws -> [UInt8] {
        guard let b = blobs[entry.blobID] else { throw Missing() }
        return b
    }
}

func blobID(_ bytes: [UInt8]) -> BlobID {
    var id = [UInt8]()
    for seed in 0..<3 { withUnsafeBytes(of: XXHash64.hash(bytes, seed: UInt64(seed))) { id += $0 } }
    return BlobID(bytes: Array(id.prefix(20)))!
}

/// Builds an index of `files` (path → lines) in a temp dir.
func buildIndex(_ files: [String: [String]], encoding: VectorEncoding = .float16) async throws -> (IndexFile, String) {
    let dir = NSTemporaryDirectory() + "codesearch-search-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var blobs: [BlobID: [UInt8]] = [:]
    var entries: [SnapshotEntry] = []
    for (path, lines) in files {
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let id = blobID(bytes)
        blobs[id] = bytes
        entries.append(SnapshotEntry(path: path, blobID: id, mode: 0o100644, size: bytes.count))
    }
    entries.sort { $0.path < $1.path }
    let location = IndexLocation(directory: dir + "/codesearch")
    let indexer = Indexer(location: location, extractor: DefExtractor(), embedder: HashEmbedder(),
                          options: IndexerOptions(batchSize: 64, encoding: encoding))
    _ = try await indexer.update(snapshot: Snapshot(kind: .workingTree, commitID: nil, entries: entries),
                                 source: DictSource(blobs: blobs))
    return (try IndexFile.open(path: location.indexPath), dir)
}

@Suite struct DenseRankerTests {
    func corpus() -> [String: [String]] {
        var files: [String: [String]] = [:]
        for f in 0..<60 {
            let ext = f % 3 == 0 ? "go" : "py"
            let dir = f % 2 == 0 ? "src" : "tests/unit"
            files["\(dir)/file\(f).\(ext)"] = (0..<(f % 7 + 1)).map { "def fn_\(f)_\($0)" }
        }
        files["dup/copy.py"] = files["tests/unit/file1.py"]
        return files
    }

    /// Brute force over decoded vectors: (path, row, score) best first.
    func bruteForce(_ index: IndexFile, _ query: [Float], keep: (LiveFile) -> Bool) -> [(String, Int, Float)] {
        var all: [(String, Int, Float)] = []
        for file in index.liveFiles() where keep(file) {
            for row in file.functions {
                let v = index.vector(at: row)
                all.append((file.path, row, zip(v, query).reduce(0) { $0 + $1.0 * $1.1 }))
            }
        }
        return all.sorted { $0.2 > $1.2 }
    }

    @Test(arguments: [VectorEncoding.float16, .float32])
    func topKAgreesWithBruteForce(encoding: VectorEncoding) async throws {
        let (index, dir) = try await buildIndex(corpus(), encoding: encoding)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ranker = DenseRanker(index: index)
        for q in ["def fn_4_2", "something else", "def fn_1_0"] {
            let query = embedded(q)
            let hits = try ranker.rank(query: query, options: RankOptions(limit: 15))
            let expected = bruteForce(index, query) { _ in true }
            #expect(hits.count == 15)
            for (hit, want) in zip(hits, expected) {
                #expect(abs(hit.score - want.2) < 1e-4)
            }
            #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(Set(hits.map { "\($0.path):\($0.function.span.name)" }).count == 15)
        }
        let exact = try ranker.rank(query: embedded("def fn_4_2"), options: RankOptions(limit: 1))
        #expect(exact.first?.path == "src/file4.py")
        #expect(exact.first?.function.span.name == "def fn_4_2")
        #expect(abs((exact.first?.score ?? 0) - 1) < 2e-3)
    }

    @Test func duplicateBlobIsFoundAtBothPaths() async throws {
        let (index, dir) = try await buildIndex(corpus())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hits = try DenseRanker(index: index).rank(query: embedded("def fn_1_0"), options: RankOptions(limit: 2))
        #expect(Set(hits.map(\.path)) == ["dup/copy.py", "tests/unit/file1.py"])
    }

    @Test func filters() async throws {
        let (index, dir) = try await buildIndex(corpus())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ranker = DenseRanker(index: index)
        let query = embedded("def fn_3_0")
        let go = try ranker.rank(query: query, options: RankOptions(limit: 1000, languages: ["go"]))
        #expect(!go.isEmpty && go.allSatisfy { $0.path.hasSuffix(".go") && $0.function.language == "go" })
        #expect(go.count == bruteForce(index, query) { $0.language == "go" }.count)

        let tests = try ranker.rank(query: query, options: RankOptions(limit: 1000, pathFilter: { $0.hasPrefix("tests/") }))
        #expect(!tests.isEmpty && tests.allSatisfy { $0.path.hasPrefix("tests/") })

        let high = try ranker.rank(query: query, options: RankOptions(limit: 1000, minScore: 0.3))
        #expect(high.allSatisfy { $0.score >= 0.3 })
        #expect(high.count == bruteForce(index, query) { _ in true }.filter { $0.2 >= 0.3 }.count)

        #expect(try ranker.rank(query: query, options: RankOptions(limit: 0)).isEmpty)
        #expect(throws: SearchError.dimensionMismatch(query: 3, index: 40)) { try ranker.rank(query: [1, 0, 0]) }
    }

    @Test func largeIndexUsesBothChunksAndStillAgrees() async throws {
        var files: [String: [String]] = [:]
        for f in 0..<340 { files["m/f\(f).py"] = (0..<100).map { "def g_\(f)_\($0)" } }
        let (index, dir) = try await buildIndex(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(index.functionCount == 34_000)
        let query = embedded("def g_123_45")
        let hits = try DenseRanker(index: index).rank(query: query, options: RankOptions(limit: 20))
        let expected = bruteForce(index, query) { _ in true }.prefix(20)
        #expect(hits.first?.function.span.name == "def g_123_45")
        for (hit, want) in zip(hits, expected) { #expect(abs(hit.score - want.2) < 1e-4) }
    }
}

@Suite struct DotProductKernelTests {
    @Test(arguments: [16, 40, 384, 7])
    func float16KernelMatchesScalarDecoding(dims: Int) {
        var state: UInt64 = 99
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
        }
        let rows = 9
        let halves = (0..<(rows * dims)).map { _ in HalfFloat.bits(next() * 0.3) }
        let query = (0..<dims).map { _ in next() }
        let prepared = DotProductKernel.prepareFloat16Query(query, scale: HalfFloat.widenScale)
        var scores = [Float](repeating: 0, count: rows)
        halves.withUnsafeBytes { m in
            prepared.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { out in
                    DotProductKernel.scoresFloat16(preparedQuery: q.baseAddress!, matrix: m.baseAddress!, dims: dims,
                                                   rows: 0..<rows, scores: out.baseAddress!)
                }
            }
        }
        for r in 0..<rows {
            let expected = (0..<dims).reduce(Float(0)) { $0 + HalfFloat.value(halves[r * dims + $1]) * query[$1] }
            #expect(abs(scores[r] - expected) < 1e-4, "row \(r)")
        }
    }
}
