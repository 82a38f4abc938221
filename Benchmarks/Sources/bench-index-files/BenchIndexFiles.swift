// End-to-end release benchmark over real index files: builds indexes of
// N functions through `Indexer` (a hash "embedder", 10 functions per file),
// times a no-op run, then `DenseRanker.rank` over the memory-mapped file.
// Usage: bench-index-files [N ...] (default 10k 100k 1M).
import BenchSupport
import Foundation
import Git
import IndexStorage
import Indexing
import Scanning
import Search

/// Ten functions per file, fixed spans: measures the indexer, not a scanner.
struct TenFunctions: FunctionExtractor {
    let grammarVersion = "bench"
    func language(forPath path: String) -> String? { path.hasSuffix(".go") ? "go" : "python" }
    func units(in bytes: [UInt8], language: String) -> [FunctionSpan] {
        let step = max(1, bytes.count / 10)
        return (0..<10).map { i in
            FunctionSpan(name: "handler\(i)", qualifiedName: "Service.handler\(i)", kind: .method, firstLine: i * 5 + 1,
                         declarationLine: i * 5 + 1, declarationColumn: 5, lastLine: i * 5 + 5,
                         signature: "def handler\(i)(self, request, context):", docFirstLine: nil, docLastLine: nil,
                         byteStart: i * step, byteEnd: min(bytes.count, (i + 1) * step))
        }
    }
}

/// Content is generated from the blob id: file i has id i.
struct GeneratedSource: BlobSource {
    func contents(of entry: SnapshotEntry) throws -> [UInt8] {
        Array("\(entry.blobID.hex) ".utf8).flatMap { Array(repeating: $0, count: 3) } + Array(entry.path.utf8)
    }
}

func snapshot(files: Int) -> Snapshot {
    let entries = (0..<files).map { i -> SnapshotEntry in
        var id = [UInt8](repeating: 0, count: 20)
        withUnsafeBytes(of: UInt64(i).bigEndian) { for (j, b) in $0.enumerated() { id[12 + j] = b } }
        let ext = i % 4 == 0 ? "go" : "py"
        return SnapshotEntry(path: "src/pkg\(i / 200)/file\(i).\(ext)", blobID: BlobID(bytes: id)!, mode: 0o100644, size: 1000)
    }
    return Snapshot(kind: .workingTree, commitID: nil, entries: entries.sorted { $0.path < $1.path })
}

func seconds(_ d: Duration) -> String {
    let c = d.components
    return String(format: "%.2f ms", (Double(c.seconds) + Double(c.attoseconds) * 1e-18) * 1000)
}

@main struct Bench {
    static func main() async throws {
        let counts = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let clock = ContinuousClock()
        for functions in counts.isEmpty ? [10_000, 100_000, 1_000_000] : counts {
            let dir = NSTemporaryDirectory() + "codesearch-bench-\(functions)"
            try? FileManager.default.removeItem(atPath: dir)
            let location = IndexLocation(directory: dir)
            let indexer = Indexer(location: location, extractor: TenFunctions(), embedder: HashEmbedder(),
                                  options: IndexerOptions(batchSize: 256, garbageCollection: GarbageCollectionPolicy(maxBytes: 4 << 30)))
            let snap = snapshot(files: functions / 10)
            var summary = IndexSummary(outcome: .busy)
            let build = try await clock.measure { summary = try await indexer.update(snapshot: snap, source: GeneratedSource()) }
            var noop = Duration.seconds(1000)
            for _ in 0..<5 { noop = min(noop, try await clock.measure { _ = try await indexer.update(snapshot: snap, source: GeneratedSource()) }) }
            let openTime = try clock.measure { _ = try IndexFile.open(path: location.indexPath) }
            let index = try IndexFile.open(path: location.indexPath)
            let verify = try clock.measure { try index.verify() }
            let rankerInit = clock.measure { _ = DenseRanker(index: index) }
            let ranker = DenseRanker(index: index)
            let query = HashEmbedder().vector("def handler3(self, request, context): parse the request")
            var best = Duration.seconds(1000), filtered = Duration.seconds(1000)
            for _ in 0..<7 {
                best = min(best, try clock.measure { _ = try ranker.rank(query: query, options: RankOptions(limit: 10)) })
                filtered = min(filtered, try clock.measure {
                    _ = try ranker.rank(query: query, options: RankOptions(limit: 10, languages: ["python"], pathFilter: { $0.hasPrefix("src/") && $0.hasSuffix(".py") }))
                })
            }
            print("""
                \(summary.functions) functions (\(snap.entries.count) files), 384-d fp16: file \(index.fileSize / 1_000_000) MB, \(index.fileSize / max(1, index.functionCount)) B/function
                  build \(seconds(build)) (hash embedder), no-op update \(seconds(noop)), open \(seconds(openTime)), verify \(seconds(verify)), ranker init \(seconds(rankerInit))
                  rank top-10 \(seconds(best)); with language + glob filters \(seconds(filtered)) (best of 7, warm page cache)
                """)
            try? FileManager.default.removeItem(atPath: dir)
        }
    }
}
