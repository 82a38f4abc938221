import Foundation
import TestSupport
import Testing

/// `codesearch index` and `status`, run as a user runs them: the embedder is called only
/// for blobs the index has never seen (DESIGN.md decision 3). Counting uses the summary
/// line's `N functions embedded`, with a tiny generated model so a run takes milliseconds.
@Suite struct IndexCommandTests: TinyModelSuite {
    /// fp32 pinned: `status`'s expected text names the precision, and `auto` differs by CPU
    /// (mixed on AVX-512 VNNI with AVX512_BF16, else fp32; PrecisionFallbackTests covers it).
    var env: [String: String] { ["CODESEARCH_MODEL": model, "CODESEARCH_PRECISION": "fp32"] }

    static let store = """
        def load(path):
            return open(path).read()

        def save(path, text):
            open(path, "w").write(text)

        def size(path):
            return len(load(path))

        """

    static let util = """
        def clamp(x, low, high):
            return max(low, min(x, high))

        def mean(values):
            return sum(values) / len(values)

        """

    let model: String

    init() throws {
        model = try IndexTestSupport.tinyModel()
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("store.py", Self.store)
        try repo.write("lib/util.py", Self.util)
        try repo.write("README.md", "# not code\n")
        try repo.commitAll()
        return repo
    }

    private func index(_ repo: TemporaryRepository, in directory: String? = nil) throws -> IndexTestSupport.Summary {
        let (summary, result) = try IndexTestSupport.index(directory ?? repo.path, environment: env)
        #expect(result.status == 0, "index failed: \(result.stderr)")
        #expect(result.stderr == "")
        return summary
    }

    @Test func firstRunEmbedsEveryFunctionAndSecondRunNothing() throws {
        let repo = try makeRepository()
        let first = try index(repo)
        #expect(first.files == 2)
        #expect(first.functions == 7)  // five functions and two module units
        #expect(first.newBlobs == 2)
        #expect(first.embedded == 7)
        let second = try index(repo)
        #expect(second.upToDate)
        #expect(second.embedded == 0)
        #expect(second.functions == 7)
    }

    /// Issue 12 item 10: a revision naming a tree (`HEAD:lib`) would index its paths
    /// without their folder (`util.py` for `lib/util.py`); it is refused, and the index
    /// made before is kept.
    @Test func revisionNamingATreeIsRefused() throws {
        let repo = try makeRepository()
        _ = try index(repo)
        let refused = try CodesearchBinary.run(["index", "--rev", "HEAD:lib"], in: repo.path, environment: env)
        #expect(refused.status == 2)
        #expect(refused.stdout == "")
        #expect(refused.stderr.hasPrefix("codesearch: error: HEAD:lib names a tree, not a commit"), "\(refused.stderr)")
        let listing = try CodesearchBinary.run(["functions", "--rev", "HEAD:lib"], in: repo.path)
        #expect(listing.status == 2)
        #expect(listing.stderr.hasPrefix("codesearch: error: HEAD:lib names a tree, not a commit"))
        let again = try index(repo)
        #expect(again.upToDate)
        #expect(again.embedded == 0)
        let head = try IndexTestSupport.index(repo.path, ["--rev", "HEAD"], environment: env)
        #expect(head.1.status == 0, "\(head.1.stderr)")
    }

    @Test func editingOneFunctionEmbedsOnlyThatFunction() throws {
        let repo = try makeRepository()
        _ = try index(repo)
        try repo.write("store.py", Self.store.replacingOccurrences(of: "len(load(path))", with: "len(load(path)) + 1"))
        let after = try index(repo)
        #expect(after.newBlobs == 1)
        #expect(after.embedded == 1)
        #expect(after.functions == 7)
    }

    @Test func movingAFunctionDownAFileEmbedsNothing() throws {
        let repo = try makeRepository()
        _ = try index(repo)
        // Same function texts at other lines: new blob, new spans, no new vectors.
        try repo.write("store.py", "# a header comment\n\n" + Self.store)
        let after = try index(repo)
        #expect(after.newBlobs == 1)
        #expect(after.embedded == 1)  // the module unit only: the header comment is its doc
        let listing = try CodesearchBinary.run(["functions", "store.py"], in: repo.path)
        #expect(listing.stdout.hasPrefix("store.py:3-4: load\n"))
    }

    @Test func renameEmbedsNothing() throws {
        let repo = try makeRepository()
        _ = try index(repo)
        try repo.git(["mv", "store.py", "storage.py"])
        try repo.git(["mv", "lib", "helpers"])
        let after = try index(repo)
        #expect(after.newBlobs == 0)
        #expect(after.embedded == 0)
        #expect(after.functions == 7)
    }

    @Test func branchSwitchAndBackEmbedsNothingTheSecondTime() throws {
        let repo = try makeRepository()
        _ = try index(repo)
        try repo.git(["checkout", "-q", "-b", "feature"])
        try repo.write("feature.py", "def feature_flag(name):\n    return name in FLAGS\n")
        try repo.commitAll("feature")
        #expect(try index(repo).embedded == 2)  // the function and the new file's module unit
        try repo.git(["checkout", "-q", "main"])
        let back = try index(repo)
        #expect(back.embedded == 0)
        #expect(back.functions == 7)
        try repo.git(["checkout", "-q", "feature"])
        let again = try index(repo)
        #expect(again.embedded == 0)
        #expect(again.newBlobs == 0)
        #expect(again.functions == 9)
    }

    @Test func revertCostsNothing() throws {
        let repo = try makeRepository()
        _ = try index(repo)
        try repo.write("lib/util.py", Self.util + "def median(values):\n    return sorted(values)[len(values) // 2]\n")
        try repo.commitAll("median")
        #expect(try index(repo).embedded == 2)  // the function and the module unit, which names it
        try repo.git(["revert", "--no-edit", "HEAD"])
        let reverted = try index(repo)
        #expect(reverted.embedded == 0)
        #expect(reverted.newBlobs == 0)
        #expect(reverted.functions == 7)
    }

    @Test func secondLinkedWorktreeCostsNothing() throws {
        let repo = try makeRepository()
        _ = try index(repo)
        let other = repo.path + "-worktree"
        try repo.git(["worktree", "add", "-q", other])
        defer { try? FileManager.default.removeItem(atPath: other) }
        let there = try index(repo, in: other)
        #expect(there.embedded == 0)
        #expect(there.newBlobs == 0)
        #expect(there.functions == 7)
        // One index, in the common git dir, shared by both.
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/" + URL(fileURLWithPath: other).lastPathComponent + "/codesearch"))
        #expect(try index(repo).embedded == 0)
    }

    @Test func statusReportsWhatTheIndexHolds() throws {
        let repo = try makeRepository()
        let missing = try CodesearchBinary.run(["status"], in: repo.path, environment: env)
        let indexPath = repo.root.resolvingSymlinksInPath().path + "/.git/codesearch/index"
        #expect(missing.stdout == "index: \(indexPath)\nstate: no index yet; run `codesearch index`\n")
        #expect(missing.status == 2)

        _ = try index(repo)
        let head = try repo.git(["rev-parse", "HEAD"]).prefix(12)
        let current = try CodesearchBinary.run(["status", "--verify"], in: repo.path, environment: env)
        var lines = current.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let size = lines.firstIndex { $0.hasPrefix("size: ") }
        #expect(size != nil)
        if let size { lines.remove(at: size) }
        // The precision line names this CPU's kernels: checked apart from the rest.
        let precision = lines.firstIndex { $0.hasPrefix("precision: ") }
        #expect(precision.map { lines[$0].hasPrefix("precision: fp32 on OpenBLAS sgemm") } == true)
        if let precision { lines.remove(at: precision) }
        #expect(lines.joined(separator: "\n") == """
            index: \(indexPath)
            snapshot: working tree at \(head)
            state: current
            embedder: native tiny-bert, 8 dimensions, mean pooling, max 12 tokens, fp32
            files: 2
            functions: 7 live, 7 stored in 2 blobs
            vectors: fp16
            verify: ok

            """)
        #expect(current.status == 0)

        try repo.write("new.py", "def added():\n    pass\n")
        let stale = try CodesearchBinary.run(["status"], in: repo.path, environment: env)
        #expect(stale.stdout.contains("\nstate: stale (the working tree has changed; run `codesearch index`)\n"))
        #expect(stale.status == 0)
    }

    @Test func anotherModelIsNeverMixedIn() throws {
        let repo = try makeRepository()
        #expect(try index(repo).embedded == 7)
        // Same folder name, other weights: another embedder identity.
        let other = try IndexTestSupport.tinyModel(seed: 999)
        let otherEnv = ["CODESEARCH_MODEL": other]

        let stale = try CodesearchBinary.run(["search", "--no-update", "open a file"], in: repo.path, environment: otherEnv)
        #expect(stale.status == 2)
        #expect(stale.stdout == "")
        #expect(stale.stderr.contains("the index was made by native model tiny-bert"))
        #expect(stale.stderr.contains("run `codesearch index` to rebuild it"))

        let (rebuilt, result) = try IndexTestSupport.index(repo.path, environment: otherEnv)
        #expect(result.status == 0)
        #expect(result.stderr.contains("the old index was rebuilt: made by another embedder"))
        #expect(rebuilt.embedded == 7)
        #expect(rebuilt.functions == 7)

        // Back to the first model: everything again, nothing of the other model kept.
        let (back, backResult) = try IndexTestSupport.index(repo.path, environment: env)
        #expect(backResult.status == 0)
        #expect(back.embedded == 7)
        let search = try CodesearchBinary.run(["search", "--no-update", "open a file"], in: repo.path, environment: env)
        #expect(search.status == 0)
    }
}
