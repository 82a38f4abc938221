import Foundation
import Git
import TestSupport
import Testing

/// Parses `git ls-files -s` into path → blob id.
private func lsFiles(_ repo: TemporaryRepository) throws -> [String: String] {
    var out: [String: String] = [:]
    for line in try repo.git(["ls-files", "-s"]).split(separator: "\n") {
        // "100644 <id> 0\tpath"
        let parts = line.split(separator: "\t", maxSplits: 1)
        let meta = parts[0].split(separator: " ")
        out[String(parts[1])] = String(meta[1])
    }
    return out
}

private func ids(_ snapshot: Snapshot) -> [String: String] {
    Dictionary(uniqueKeysWithValues: snapshot.entries.map { ($0.path, $0.blobID.hex) })
}

@Suite struct SnapshotTests {
    @Test func workingTreeMatchesGitHashObject() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def a():\n    return 1\n")
        try repo.write("pkg/b.swift", "func b() {}\n")
        try repo.write("deleted.py", "x = 1\n")
        try repo.commitAll()
        try repo.write("a.py", "def a():\n    return 2\n")      // modified, unstaged
        try repo.remove("deleted.py")                             // deleted
        try repo.write("new/untracked.py", "def u(): pass\n")    // untracked
        try repo.write(".gitignore", "*.log\nbuild/\n")
        try repo.write("debug.log", "ignored\n")
        try repo.write("build/out.py", "def ignored(): pass\n")

        let snapshot = try Repository.open(at: repo.path).snapshot(.workingTree)
        let got = ids(snapshot)
        #expect(Set(got.keys) == ["a.py", "pkg/b.swift", "new/untracked.py", ".gitignore"])
        for (path, id) in got {
            let expected = try repo.git(["hash-object", path]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(id == expected, "\(path)")
        }
        #expect(snapshot.commitID == (try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .newlines)))
    }

    @Test func stagedMatchesLsFiles() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def a(): pass\n")
        try repo.write("b.py", "def b(): pass\n")
        try repo.commitAll()
        try repo.write("a.py", "def a(): return 3\n")
        try repo.write("c.py", "def c(): pass\n")
        try repo.git(["add", "a.py", "c.py"])
        try repo.write("a.py", "def a(): return 4\n")  // working tree differs from the stage

        let snapshot = try Repository.open(at: repo.path).snapshot(.staged)
        #expect(ids(snapshot) == (try lsFiles(repo)))
    }

    @Test func revisionMatchesLsTree() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def a(): pass\n")
        try repo.write("deep/er/b.py", "def b(): pass\n")
        try repo.commitAll("one")
        try repo.write("a.py", "def a(): return 1\n")
        try repo.commitAll("two")

        let opened = try Repository.open(at: repo.path)
        let snapshot = try opened.snapshot(.revision("HEAD~1"))
        var expected: [String: String] = [:]
        for line in try repo.git(["ls-tree", "-r", "HEAD~1"]).split(separator: "\n") {
            let parts = line.split(separator: "\t")
            expected[String(parts[1])] = String(parts[0].split(separator: " ")[2])
        }
        #expect(ids(snapshot) == expected)
        #expect(snapshot.commitID == (try repo.git(["rev-parse", "HEAD~1"]).trimmingCharacters(in: .newlines)))
        #expect(throws: GitError.self) { try opened.snapshot(.revision("no-such-branch")) }
    }

    /// Issue 12 item 10: `HEAD:src` names a tree, whose paths would lose their `src/`; only
    /// a commit (or a tag of one) is a snapshot of the repository.
    @Test func revisionMustNameACommit() throws {
        let repo = try TemporaryRepository()
        try repo.write("src/net.py", "def send(): pass\n")
        try repo.commitAll("one")
        try repo.git(["tag", "-a", "v1", "-m", "release"])
        try repo.git(["tag", "tree-tag", "HEAD:src"])
        let opened = try Repository.open(at: repo.path)
        #expect(throws: GitError.notACommit("HEAD:src", objectType: "tree")) { try opened.snapshot(.revision("HEAD:src")) }
        #expect(throws: GitError.notACommit("HEAD:src/net.py", objectType: "blob")) {
            try opened.snapshot(.revision("HEAD:src/net.py"))
        }
        #expect(throws: GitError.notACommit("tree-tag", objectType: "tree")) { try opened.snapshot(.revision("tree-tag")) }
        #expect(throws: GitError.notACommit("HEAD^{tree}", objectType: "tree")) { try opened.resolveCommit("HEAD^{tree}") }
        let head = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .newlines)
        let tagged = try opened.snapshot(.revision("v1"))
        #expect(tagged.entries.map(\.path) == ["src/net.py"])
        #expect(tagged.commitID == head)
        #expect(try opened.resolveCommit("v1") == head)
        #expect(GitError.notACommit("HEAD:src", objectType: "tree").description.hasPrefix("HEAD:src names a tree, not a commit"))
    }

    @Test func skipsSymlinksSubmodulesAndLargeFiles() throws {
        let repo = try TemporaryRepository()
        try repo.write("small.py", "def s(): pass\n")
        try repo.write("large.py", String(repeating: "# padding\n", count: 300))
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/link.py", withDestinationPath: "small.py")
        try repo.commitAll()
        let sub = try TemporaryRepository()
        try sub.write("s.py", "def inner(): pass\n")
        try sub.commitAll()
        try repo.git(["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.path, "vendor/sub"])
        try repo.commitAll("submodule")

        let opened = try Repository.open(at: repo.path)
        for kind in [SnapshotKind.workingTree, .staged, .revision("HEAD")] {
            let snapshot = try opened.snapshot(kind, options: SnapshotOptions(maxFileSize: 1000))
            #expect(Set(snapshot.entries.map(\.path)) == ["small.py", ".gitmodules"], "\(kind)")
            #expect(snapshot.skipped.map(\.path) == ["large.py"], "\(kind)")
        }
    }

    @Test func contentsComeFromObjectsOrWorkingTree() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "committed\n")
        try repo.commitAll()
        try repo.write("a.py", "edited on disk\n")
        let opened = try Repository.open(at: repo.path)
        let worktree = try opened.snapshot(.workingTree)
        let head = try opened.snapshot(.revision("HEAD"))
        #expect(try opened.contents(of: worktree.entries[0]) == Array("edited on disk\n".utf8))
        #expect(try opened.contents(of: head.entries[0]) == Array("committed\n".utf8))
        // The file changes after the snapshot was taken: reading it must not return the wrong bytes.
        try repo.write("a.py", "edited again\n")
        #expect(throws: GitError.fileChanged(path: "a.py")) { try opened.contents(of: worktree.entries[0]) }
    }

    @Test func crlfFilterMatchesGit() throws {
        let repo = try TemporaryRepository()
        try repo.write(".gitattributes", "*.py text eol=lf\n")
        try repo.commitAll()
        try repo.write("win.py", "def a():\r\n    pass\r\n")
        let opened = try Repository.open(at: repo.path)
        let snapshot = try opened.snapshot(.workingTree)
        let entry = try #require(snapshot.entries.first { $0.path == "win.py" })
        let expected = try repo.git(["hash-object", "win.py"]).trimmingCharacters(in: .newlines)
        #expect(entry.blobID.hex == expected)
        #expect(try opened.contents(of: entry) == Array("def a():\n    pass\n".utf8))
    }
}

@Suite struct OpeningTests {
    @Test func opensFromSubdirectory() throws {
        let repo = try TemporaryRepository()
        try repo.write("src/deep/a.py", "def a(): pass\n")
        try repo.commitAll()
        let opened = try Repository.open(at: repo.path + "/src/deep")
        #expect(opened.workingDirectory == URL(fileURLWithPath: repo.path).resolvingSymlinksInPath().path
                || opened.workingDirectory == repo.path)
        #expect(try opened.snapshot(.workingTree).entries.map(\.path) == ["src/deep/a.py"])
    }

    @Test func bareRepositorySnapshotsHead() throws {
        let source = try TemporaryRepository()
        try source.write("a.py", "def a(): pass\n")
        try source.commitAll()
        let bare = try TemporaryRepository(bare: true)
        try source.git(["push", "-q", bare.path, "main"])
        let opened = try Repository.open(at: bare.path)
        #expect(opened.isBare)
        #expect(try opened.snapshot(.workingTree).entries.map(\.path) == ["a.py"])
        #expect(try opened.snapshot(.revision("main")).entries.map(\.path) == ["a.py"])
    }

    @Test func linkedWorktreeSharesCommonDirectory() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def a(): pass\n")
        try repo.commitAll()
        let worktreePath = repo.path + "-wt"
        try repo.git(["worktree", "add", "-q", "-b", "side", worktreePath])
        defer { try? FileManager.default.removeItem(atPath: worktreePath) }
        try String("def side(): pass\n").write(toFile: worktreePath + "/side.py", atomically: true, encoding: .utf8)

        let main = try Repository.open(at: repo.path)
        let linked = try Repository.open(at: worktreePath)
        #expect(linked.commonDirectory == main.commonDirectory)
        #expect(linked.gitDirectory != main.gitDirectory)
        #expect(try linked.snapshot(.workingTree).entries.map(\.path) == ["a.py", "side.py"])
    }

    @Test func notARepository() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-repo-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: GitError.notARepository(path: dir.path)) { try Repository.open(at: dir.path) }
    }

    @Test func blobIDOfBytesMatchesGit() throws {
        let repo = try TemporaryRepository()
        let bytes: [UInt8] = [0, 1, 2, 0xff, 0xfe, 10]
        try repo.write("bin", bytes: bytes)
        let expected = try repo.git(["hash-object", "bin"]).trimmingCharacters(in: .newlines)
        #expect(Repository.blobID(of: bytes).hex == expected)
        #expect(BlobID(hex: expected)?.hex == expected)
        #expect(BlobID(hex: "xyz") == nil)
    }
}
