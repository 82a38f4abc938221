import Foundation
import Testing
import Git
@testable import IndexStorage
@testable import Indexing

/// Opt-in (`CODESEARCH_BENCH=1`, see scripts/bench-index): times a no-op run
/// over 5,000 files and reports bytes per function at 384 dimensions.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CODESEARCH_BENCH"] != nil))
struct IndexerBenchmark {
    @Test func noOpAndSizeAt5000Files() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.embedder.identity.dimensions = 384
        f.options = IndexerOptions(batchSize: 256)
        let files = (0..<5000).map { i in
            ("src/module\(i / 100)/file_\(i).py",
             pythonSource((0..<10).map { "handle_request_\(i)_\($0)" }, tag: " value \(i)"))
        }
        let snapshot = makeSnapshot(files, source: f.source)
        let clock = ContinuousClock()
        var first = IndexSummary(outcome: .busy)
        let full = try await clock.measure { first = try await f.run(snapshot) }
        let noop = try await clock.measure { _ = try await f.run(snapshot) }
        var edited = files
        edited[42].1 += "def added(y):\n    return y\n"
        let oneEdit = try await clock.measure { _ = try await f.run(makeSnapshot(edited, source: f.source)) }
        let index = try f.open()
        let verify = try clock.measure { try index.verify() }
        print("""
            indexer benchmark (debug build): 5000 files, \(first.functions) functions, 384 dims fp16
              first run \(full) (embedding is a hash: measures scan + write)
              no-op run \(noop)
              one file edited \(oneEdit)
              file \(index.fileSize) bytes = \(index.fileSize / max(1, index.functionCount)) bytes per function
              verify() \(verify)
            """)
    }
}
