// Dense vs hybrid query latency and bytes per function; see scripts/eval/bench-hybrid.
import BenchSupport
import Foundation
import Git
import IndexStorage
import Indexing
import Scanning
import Search
import Hashing

/// A fixed pseudo-random vocabulary; word k is drawn with probability ~ 1/(k+1).
enum Words {
    static let syllables = ["pa", "re", "qu", "ti", "lo", "ne", "ha", "sh", "co", "mu", "fi", "da", "ve", "ro", "st", "ex"]
    static let vocabulary: [String] = (0..<20_000).map { k in
        var s = "", x = k &* 2654435761 &+ 7
        for _ in 0..<(2 + k % 3) { s += syllables[x % 16]; x /= 16; x = x &* 31 &+ k }
        return s
    }
    static func draw(_ state: inout UInt64) -> String {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let u = Double(state >> 11) / Double(1 << 53)
        return vocabulary[min(vocabulary.count - 1, Int(exp(u * log(Double(vocabulary.count)))) - 1)]
    }
}

/// Ten functions per file, each a line of camelCase and snake_case identifiers.
struct SyntheticCode: FunctionExtractor, BlobSource {
    let grammarVersion = "bench"
    func language(forPath path: String) -> String? { "python" }
    func contents(of entry: SnapshotEntry) throws -> [UInt8] {
        var state = XXHash64.hash(entry.blobID.hex) | 1
        var text = ""
        for _ in 0..<10 {
            text += "def " + Words.draw(&state) + "_" + Words.draw(&state) + "(self):"
            for _ in 0..<40 { text += " " + Words.draw(&state) + Words.draw(&state).capitalized + "_" + Words.draw(&state) }
            text += "\n"
        }
        return Array(text.utf8)
    }
    func units(in bytes: [UInt8], language: String) -> [FunctionSpan] {
        var spans: [FunctionSpan] = [], start = 0, line = 1
        for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            let name = String(decoding: bytes[(start + 4)..<(start + 20)], as: UTF8.self)
            spans.append(FunctionSpan(name: name, qualifiedName: "Service." + name, kind: .method, firstLine: line,
                                      declarationLine: line, declarationColumn: 1, lastLine: line, signature: "def",
                                      docFirstLine: nil, docLastLine: nil, byteStart: start, byteEnd: i))
            start = i + 1
            line += 1
        }
        return spans
    }
}

func ms(_ d: Duration) -> Double {
    let c = d.components
    return (Double(c.seconds) + Double(c.attoseconds) * 1e-18) * 1000
}

@main struct Bench {
    static func main() async throws {
        let counts = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let clock = ContinuousClock()
        for functions in counts.isEmpty ? [100_000] : counts {
            let dir = NSTemporaryDirectory() + "codesearch-bench-hybrid-\(functions)"
            try? FileManager.default.removeItem(atPath: dir)
            let location = IndexLocation(directory: dir)
            let code = SyntheticCode()
            let indexer = Indexer(location: location, extractor: code, embedder: HashEmbedder(),
                                  options: IndexerOptions(batchSize: 1024, garbageCollection: GarbageCollectionPolicy(maxBytes: 4 << 30)))
            let entries = (0..<(functions / 10)).map { i -> SnapshotEntry in
                var id = [UInt8](repeating: 0, count: 20)
                withUnsafeBytes(of: UInt64(i).bigEndian) { for (j, b) in $0.enumerated() { id[12 + j] = b } }
                return SnapshotEntry(path: "src/\(Words.vocabulary[i % 500])/\(Words.vocabulary[i % 7919])_\(i).py",
                                     blobID: BlobID(bytes: id)!, mode: 0o100644, size: 1000)
            }.sorted { $0.path < $1.path }
            _ = try await indexer.update(snapshot: Snapshot(kind: .workingTree, commitID: nil, entries: entries), source: code)
            let index = try IndexFile.open(path: location.indexPath)
            let lexiconBytes = index.withLexicon { $0?.byteCount ?? 0 }
            let n = index.functionCount
            var state: UInt64 = 42
            let queries = (0..<20).map { _ in (0..<6).map { _ in Words.draw(&state) }.joined(separator: " ") }
            var dense: [Double] = [], hybrid: [Double] = [], lexical: [Double] = []
            for (i, q) in queries.enumerated() {
                let vector = HashEmbedder().vector(q)
                // Per query as the CLI does it: a ranker over a freshly opened index.
                let d = try clock.measure {
                    let ranker = HybridRanker(index: try IndexFile.open(path: location.indexPath))
                    _ = try ranker.rank(text: q, query: vector, mode: .dense, options: RankOptions(limit: 10))
                }
                let h = try clock.measure {
                    let ranker = HybridRanker(index: try IndexFile.open(path: location.indexPath))
                    _ = try ranker.rank(text: q, query: vector, mode: .hybrid, options: RankOptions(limit: 10))
                }
                let l = try clock.measure {
                    let ranker = HybridRanker(index: try IndexFile.open(path: location.indexPath))
                    _ = try ranker.rank(text: q, query: vector, mode: .lexical, options: RankOptions(limit: 10))
                }
                if i >= 2 { dense.append(ms(d)); hybrid.append(ms(h)); lexical.append(ms(l)) }
            }
            print(String(format: """
                %d functions: file %.1f MB, %d B/function (%d B/function without the lexicon: +%.0f%%)
                  open + rank top-10, median of 18 queries: dense %.2f ms, hybrid %.2f ms (+%.2f ms), lexical %.2f ms
                """, n, Double(index.fileSize) / 1e6, index.fileSize / n, (index.fileSize - lexiconBytes) / n,
                Double(lexiconBytes) * 100 / Double(index.fileSize - lexiconBytes),
                median(dense), median(hybrid), median(hybrid) - median(dense), median(lexical)))
            try? FileManager.default.removeItem(atPath: dir)
        }
    }
}
