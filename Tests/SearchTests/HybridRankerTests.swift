import Foundation
import Testing
import Git
import IndexStorage
import Indexing
import Search

@Suite struct HybridRankerTests {
    let files: [String: [String]] = [
        "src/net/http.py": ["def parseHTTPHeader", "def send_request", "def close"],
        "src/store/cache.py": ["def load_cache_entry", "def evict_oldest"],
        "tests/test_http.py": ["def test_parseHTTPHeader"],
    ]

    @Test func lexicalFindsSplitIdentifierWords() async throws {
        let (index, dir) = try await buildIndex(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(index.hasLexicon)
        let ranker = HybridRanker(index: index)
        let hits = try ranker.rank(text: "parse the http headers", query: nil, mode: .lexical)
        #expect(hits.first?.function.span.name == "def parseHTTPHeader")
        #expect(hits.map(\.path).contains("tests/test_http.py"))
        #expect(try ranker.rank(text: "zebra", query: nil, mode: .lexical).isEmpty)
    }

    @Test func pathComponentsCountAtQueryTime() async throws {
        let (index, dir) = try await buildIndex(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hits = try HybridRanker(index: index).rank(text: "store", query: nil, mode: .lexical)
        #expect(Set(hits.map(\.path)) == ["src/store/cache.py"])
    }

    @Test func hybridPrefersTheExactMatchAndDemotesTests() async throws {
        let (index, dir) = try await buildIndex(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ranker = HybridRanker(index: index)
        let hits = try ranker.rank(text: "parse http header", query: embedded("def parseHTTPHeader"), mode: .hybrid,
                                   options: RankOptions(limit: 3))
        #expect(hits.first?.path == "src/net/http.py")
        #expect(hits.first?.function.span.name == "def parseHTTPHeader")
        let dense = try ranker.rank(text: "", query: embedded("def parseHTTPHeader"), mode: .dense, options: RankOptions(limit: 3))
        #expect(dense.first?.row == hits.first?.row)
        #expect(PathPrior.isSecondary("tests/test_http.py") && PathPrior.isSecondary("Tests/CoreTests/AppTests.swift"))
        #expect(!PathPrior.isSecondary("src/net/http.py") && !PathPrior.isSecondary("Sources/App/Latest.swift"))
    }

    @Test func aQuestionWhoseEveryWordIsCommonStillFindsSomething() async throws {
        // `job` is in every function: skipped when a rarer word ranks, scored when it is all there is.
        let (index, dir) = try await buildIndex(["a.py": ["def run_job", "def stop_job", "def job_status_job"]])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ranker = HybridRanker(index: index)
        let hits = try ranker.rank(text: "job", query: nil, mode: .lexical)
        #expect(hits.first?.function.span.name == "def job_status_job")
        #expect(try ranker.rank(text: "stop job", query: nil, mode: .lexical).first?.function.span.name == "def stop_job")
    }

    @Test func lexiconSurvivesARewrite() async throws {
        let dir = NSTemporaryDirectory() + "codesearch-hybrid-tests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let location = IndexLocation(directory: dir)
        let indexer = Indexer(location: location, extractor: DefExtractor(), embedder: HashEmbedder())
        var blobs: [BlobID: [UInt8]] = [:]
        func snapshot(_ files: [String: [String]]) -> Snapshot {
            let entries = files.map { path, lines -> SnapshotEntry in
                let bytes = Array(lines.joined(separator: "\n").utf8)
                blobs[blobID(bytes)] = bytes
                return SnapshotEntry(path: path, blobID: blobID(bytes), mode: 0o100644, size: bytes.count)
            }
            return Snapshot(kind: .workingTree, commitID: nil, entries: entries.sorted { $0.path < $1.path })
        }
        let before = snapshot(files)
        _ = try await indexer.update(snapshot: before, source: DictSource(blobs: blobs))
        var more = files
        more["src/extra.py"] = ["def unrelated_thing"]
        let after = snapshot(more)
        let summary = try await indexer.update(snapshot: after, source: DictSource(blobs: blobs))
        #expect(summary.newBlobs == 1)
        let hits = try HybridRanker(index: try IndexFile.open(path: location.indexPath))
            .rank(text: "evict oldest", query: nil, mode: .lexical)
        #expect(hits.first?.function.span.name == "def evict_oldest")
    }
}
