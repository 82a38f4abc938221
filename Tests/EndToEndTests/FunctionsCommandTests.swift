import Foundation
import TestSupport
import Testing

/// `codesearch functions`, run as a user runs it, on real temporary repositories.
@Suite struct FunctionsCommandTests {
    static let python = """
        import os

        class Store:
            @property
            def size(self):
                return 1

            async def fetch(self, key):
                def inner():
                    return key
                return inner()

        def top():
            pass

        """

    static let swift = """
        struct Box {
            init?(value: Int) {
                return nil
            }

            func open() -> Int {
                1
            }
        }

        """

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("store.py", Self.python)
        try repo.write("Sources/Box.swift", Self.swift)
        try repo.write("README.md", "# not code\n")
        try repo.commitAll()
        return repo
    }

    static let expected = """
        Sources/Box.swift:2-4: Box.init
        Sources/Box.swift:6-8: Box.open
        store.py:4-6: Store.size
        store.py:8-11: Store.fetch
        store.py:9-10: Store.fetch.inner
        store.py:13-14: top

        """

    @Test func listsWorkingTree() throws {
        let repo = try makeRepository()
        let result = try CodesearchBinary.run(["functions"], in: repo.path)
        #expect(result.stdout == Self.expected)
        #expect(result.stderr == "")
        #expect(result.status == 0)
    }

    @Test func fromSubdirectoryPathsStayRelativeToRoot() throws {
        let repo = try makeRepository()
        let result = try CodesearchBinary.run(["functions", "."], in: repo.path + "/Sources")
        #expect(result.stdout == "Sources/Box.swift:2-4: Box.init\nSources/Box.swift:6-8: Box.open\n")
        #expect(result.status == 0)
    }

    @Test func stagedAndRevisionSnapshots() throws {
        let repo = try makeRepository()
        try repo.write("new.py", "def staged_only():\n    pass\n")
        try repo.git(["add", "new.py"])
        try repo.write("unstaged.py", "def not_staged():\n    pass\n")

        let staged = try CodesearchBinary.run(["functions", "--staged", "new.py", "unstaged.py"], in: repo.path)
        #expect(staged.stdout == "new.py:1-2: staged_only\n")
        let head = try CodesearchBinary.run(["functions", "--rev", "HEAD", "new.py"], in: repo.path)
        #expect(head.stdout == "")
        #expect(head.status == 1)
        let worktree = try CodesearchBinary.run(["functions", "new.py", "unstaged.py"], in: repo.path)
        #expect(worktree.stdout == "new.py:1-2: staged_only\nunstaged.py:1-2: not_staged\n")
    }

    @Test func bareRepositoryAndLinkedWorktree() throws {
        let repo = try makeRepository()
        let bare = try TemporaryRepository(bare: true)
        try repo.git(["push", "-q", bare.path, "main"])
        let fromBare = try CodesearchBinary.run(["functions", "--repo", bare.path], in: "/")
        #expect(fromBare.stdout == Self.expected)

        let worktree = repo.path + "-linked"
        try repo.git(["worktree", "add", "-q", "-b", "side", worktree])
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        try "def side():\n    pass\n".write(toFile: worktree + "/side.py", atomically: true, encoding: .utf8)
        let linked = try CodesearchBinary.run(["functions", "side.py"], in: worktree)
        #expect(linked.stdout == "side.py:1-2: side\n")
    }

    @Test func jsonLinesCarryEveryField() throws {
        let repo = try makeRepository()
        let result = try CodesearchBinary.run(["functions", "--json", "store.py"], in: repo.path)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["type"] as? String == "function")
        #expect(first["version"] as? Int == 1)
        let data = try #require(first["data"] as? [String: Any])
        #expect(data["path"] as? String == "store.py")
        #expect(data["qualifiedName"] as? String == "Store.size")
        #expect(data["firstLine"] as? Int == 4)
        #expect(data["declarationLine"] as? Int == 5)
        #expect(data["lastLine"] as? Int == 6)
        #expect(data["kind"] as? String == "method")
        #expect(data["signature"] as? String == "def size(self):")
    }

    @Test func ignoredAndExcludedFilesAreLeftOut() throws {
        let repo = try makeRepository()
        try repo.write(".gitignore", "generated/\n")
        try repo.write("generated/gen.py", "def gen():\n    pass\n")
        try repo.write("vendor/lib.py", "def vendored():\n    pass\n")
        try repo.write(".codesearch", "[codesearch]\n\texclude = vendor/**\n\tmodel = /tmp/not-allowed\n")
        let result = try CodesearchBinary.run(["functions", "--languages", "python"], in: repo.path)
        #expect(result.stdout == """
            store.py:4-6: Store.size
            store.py:8-11: Store.fetch
            store.py:9-10: Store.fetch.inner
            store.py:13-14: top

            """)
        #expect(result.stderr.contains("warning: .codesearch: 'model' refused"))
    }

    @Test func kindListsTypesModulesOrAll() throws {
        let repo = try makeRepository()
        let types = try CodesearchBinary.run(["functions", "--kind", "type"], in: repo.path)
        #expect(types.stdout == "Sources/Box.swift:1-9: Box\nstore.py:3-11: Store\n")
        #expect(types.status == 0)
        let modules = try CodesearchBinary.run(["functions", "--kind", "module"], in: repo.path)
        #expect(modules.stdout == "Sources/Box.swift:1-9: <module>\nstore.py:1-14: <module>\n")
        let all = try CodesearchBinary.run(["functions", "--kind", "all", "--json", "store.py"], in: repo.path)
        let kinds = try all.stdout.split(separator: "\n").map { line -> String in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let data = try #require(object["data"] as? [String: Any])
            return "\(data["kind"] as? String ?? "?") \(data["qualifiedName"] as? String ?? "?")"
        }
        #expect(kinds == ["module <module>", "class Store", "method Store.size", "method Store.fetch",
                          "function Store.fetch.inner", "function top"])
        let bad = try CodesearchBinary.run(["functions", "--kind", "variable"], in: repo.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("variable"))
        #expect(bad.stdout == "")
    }

    @Test func errorsExitTwo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("no-repo-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try CodesearchBinary.run(["functions"], in: dir)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("codesearch: error: not a git repository"))
        let repo = try makeRepository()
        let badRev = try CodesearchBinary.run(["functions", "--rev", "nope"], in: repo.path)
        #expect(badRev.status == 2)
        #expect(badRev.stderr.contains("cannot resolve revision 'nope'"))
    }
}
