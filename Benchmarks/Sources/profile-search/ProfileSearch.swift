// Usage: profile-search DIR [QUERY]
//
// Where the time of one `codesearch search` goes, phase by phase, in the order the
// command runs them: open the workspace (repository, configuration, grammars), load the
// model, the update check (working-tree snapshot and its hash against the index's),
// open the index, embed the query, rank. Each phase is run 7 times in this process;
// the median is printed (warm page cache, like a search run right after another).
import BenchSupport
import CodesearchKit
import EmbeddingCore
import Foundation
import Git
import IndexStorage
import Indexing
import Search

func milliseconds(_ d: Duration) -> Double {
    let c = d.components
    return (Double(c.seconds) + Double(c.attoseconds) * 1e-18) * 1000
}

@main struct ProfileSearch {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: profile-search DIR [QUERY]\n".utf8))
            exit(2)
        }
        let directory = arguments[1]
        let query = arguments.count > 2 ? arguments[2] : "parse the request and retry on failure"
        let clock = ContinuousClock()
        var phases: [(String, [Double])] = []
        func record(_ name: String, _ d: Duration) {
            if let i = phases.firstIndex(where: { $0.0 == name }) { phases[i].1.append(milliseconds(d)) }
            else { phases.append((name, [milliseconds(d)])) }
        }
        for _ in 0..<7 {
            var workspace: Workspace!
            record("open workspace", try clock.measure { workspace = try Workspace.open(path: directory) })
            var embedder: Embedder!
            let loadStart = clock.now
            embedder = try await EmbedderChoice().makeEmbedder(for: workspace)
            _ = try (embedder as? LazyEmbedder)?.embedder()  // the model loads on first use
            record("load model", loadStart.duration(to: clock.now))
            let location = workspace.indexLocation()
            var snapshot: Snapshot!
            record("snapshot (working tree)", try clock.measure { snapshot = try workspace.snapshot(.workingTree) })
            var current = false
            record("update check", clock.measure {
                current = Indexer(location: location, extractor: ScannerExtractor(grammars: workspace.grammars),
                                  embedder: embedder).isCurrent(snapshot: snapshot)
            })
            guard current else {
                FileHandle.standardError.write(Data("the index at \(location.indexPath) is not current\n".utf8))
                exit(2)
            }
            var index: IndexFile!
            record("open index", try clock.measure { index = try IndexFile.open(path: location.indexPath) })
            var vector: [Float] = []
            let embedStart = clock.now
            vector = try await embedder.embed(query: query)
            record("embed query", embedStart.duration(to: clock.now))
            var hits: [SearchHit] = []
            record("rank", try clock.measure { hits = try DenseRanker(index: index).rank(query: vector) })
            precondition(!hits.isEmpty)
        }
        let total = phases.reduce(0.0) { $0 + median($1.1) }
        print(String(format: "%-26@ %9@", "phase" as NSString, "median ms" as NSString))
        for (name, values) in phases {
            print(String(format: "%-26@ %9.2f", name as NSString, median(values)))
        }
        print(String(format: "%-26@ %9.2f", "sum" as NSString, total))
    }
}
