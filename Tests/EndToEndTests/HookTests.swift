import Foundation
import TestSupport
import Testing

/// `codesearch hooks`, installed in real repositories and fired by real git commands.
/// The hooks index detached, so each test polls `codesearch status` (bounded) until
/// the index holds the working tree; nothing is timed.
@Suite(.serialized) struct HookTests {
    static let parser = """
        def parse_header(line):
            name, _, value = line.partition(":")
            return name.strip().lower(), value.strip()

        """

    static let mailer = """
        def send_mail(server, message):
            server.connect()
            server.send(message)
            server.quit()

        """

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("parser.py", Self.parser)
        try repo.commitAll("first")
        return repo
    }

    @discardableResult
    private func codesearch(_ arguments: [String], in repo: TemporaryRepository) throws -> CodesearchBinary.Result {
        try CodesearchBinary.run(arguments, in: repo.path)
    }

    /// Polls until the index holds the working tree (at most `seconds`); true when it does.
    private func waitUntilCurrent(_ repo: TemporaryRepository, seconds: Double = 60) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let status = try codesearch(["status"], in: repo)
            if status.stdout.contains("state: current") && !FileManager.default.fileExists(atPath: repo.path + "/.git/codesearch/hooks.pending") {
                return true
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    private func indexedFunctions(_ repo: TemporaryRepository) throws -> String {
        try codesearch(["status"], in: repo).stdout.split(separator: "\n")
            .first { $0.hasPrefix("functions:") }.map(String.init) ?? ""
    }

    @Test func installReportsEveryHook() throws {
        let repo = try makeRepository()
        let result = try codesearch(["hooks", "install"], in: repo)
        #expect(result.status == 0)
        #expect(result.stdout == """
            hooks: \(repo.path)/.git/hooks
            post-commit: installed
            post-checkout: installed
            post-merge: installed
            post-rewrite: installed

            """)
        let status = try codesearch(["hooks", "status"], in: repo)
        #expect(status.stdout == """
            hooks: \(repo.path)/.git/hooks
            post-commit: installed
            post-checkout: installed
            post-merge: installed
            post-rewrite: installed
            pre-commit: not installed
            log: \(repo.path)/.git/codesearch/hooks.log

            """)
    }

    @Test func commitLeavesTheIndexCurrent() throws {
        let repo = try makeRepository()
        try codesearch(["hooks", "install"], in: repo)
        try repo.write("mailer.py", Self.mailer)
        try repo.commitAll("add mailer")
        #expect(try waitUntilCurrent(repo))
        #expect(try indexedFunctions(repo).hasPrefix("functions: 4 live"))  // two functions, two module units
        let log = try String(contentsOfFile: repo.path + "/.git/codesearch/hooks.log", encoding: .utf8)
        #expect(log.contains("post-commit: indexed 2 files"))
    }

    @Test func checkoutMergeAndRebaseLeaveTheIndexCurrent() throws {
        let repo = try makeRepository()
        try codesearch(["hooks", "install"], in: repo)
        try repo.git(["checkout", "-q", "-b", "side"])
        try repo.write("mailer.py", Self.mailer)
        try repo.commitAll("add mailer")
        #expect(try waitUntilCurrent(repo))

        try repo.git(["checkout", "-q", "main"])
        #expect(try waitUntilCurrent(repo))
        #expect(try indexedFunctions(repo).hasPrefix("functions: 2 live"))  // with module units

        try repo.write("more.py", "def more():\n    return 2\n")
        try repo.commitAll("more on main")
        #expect(try waitUntilCurrent(repo))
        try repo.git(["merge", "-q", "--no-edit", "side"])
        #expect(try waitUntilCurrent(repo))
        #expect(try indexedFunctions(repo).hasPrefix("functions: 6 live"))

        // Rebase a branch with two commits onto main: post-checkout at the start,
        // post-rewrite at the end.
        try repo.git(["checkout", "-q", "-b", "topic", "HEAD~1"])
        try repo.write("topic.py", "def topic_one():\n    return 1\n")
        try repo.commitAll("topic one")
        try repo.write("topic2.py", "def topic_two():\n    return 2\n")
        try repo.commitAll("topic two")
        try repo.git(["rebase", "-q", "main"])
        #expect(try waitUntilCurrent(repo))
        #expect(try indexedFunctions(repo).hasPrefix("functions: 10 live"))
    }

    @Test func earlierHookStillRunsAndUninstallRestoresIt() throws {
        let repo = try makeRepository()
        let hook = repo.path + "/.git/hooks/post-commit"
        let original = "#!/bin/sh\necho \"earlier hook ran $*\" >> .git/earlier-ran\nexit 3\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: hook))
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: hook)

        let install = try codesearch(["hooks", "install"], in: repo)
        #expect(install.stdout.contains("post-commit: installed, chaining an earlier hook\n"))
        try repo.write("mailer.py", Self.mailer)
        try repo.commitAll("add mailer")
        #expect(try waitUntilCurrent(repo))
        #expect(try String(contentsOfFile: repo.path + "/.git/earlier-ran", encoding: .utf8) == "earlier hook ran \n")

        let uninstall = try codesearch(["hooks", "uninstall"], in: repo)
        #expect(uninstall.stdout == """
            hooks: \(repo.path)/.git/hooks
            post-commit: not installed (another hook is there)
            post-checkout: not installed
            post-merge: not installed
            post-rewrite: not installed
            pre-commit: not installed

            """)
        #expect(FileManager.default.contents(atPath: hook) == Data(original.utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: hook)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        let left = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/hooks")
        #expect(!left.contains { $0.contains("codesearch") })
    }

    @Test func hooksGoWhereCoreHooksPathPointsFromASubdirectory() throws {
        let repo = try makeRepository()
        try repo.git(["config", "core.hooksPath", "tools/githooks"])
        try FileManager.default.createDirectory(atPath: repo.path + "/src/deep", withIntermediateDirectories: true)
        let result = try CodesearchBinary.run(["hooks", "install"], in: repo.path + "/src/deep")
        #expect(result.stdout.hasPrefix("hooks: \(repo.path)/tools/githooks\n"))
        try repo.write("mailer.py", Self.mailer)
        try repo.commitAll("add mailer")
        #expect(try waitUntilCurrent(repo))
    }

    @Test func aBrokenIndexerNeverFailsTheCommit() throws {
        let repo = try makeRepository()
        try codesearch(["hooks", "install"], in: repo)
        // The index folder is a file: every indexer run fails, the commit must not.
        try FileManager.default.removeItem(atPath: repo.path + "/.git/codesearch")
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: repo.path + "/.git/codesearch"))
        try repo.write("mailer.py", Self.mailer)
        try repo.commitAll("add mailer")
        #expect(try repo.git(["log", "--format=%s", "-1"]) == "add mailer\n")
    }

    @Test func installedFromALinkedWorktreeTheHooksServeIt() throws {
        let repo = try makeRepository()
        let worktree = repo.path + "-linked"
        try repo.git(["worktree", "add", "-q", "-b", "side", worktree])
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        let install = try CodesearchBinary.run(["hooks", "install"], in: worktree)
        #expect(install.stdout.hasPrefix("hooks: \(repo.path)/.git/hooks\n"))
        try Data(Self.mailer.utf8).write(to: URL(fileURLWithPath: worktree + "/mailer.py"))
        try repo.git(["add", "mailer.py"], in: worktree)
        try repo.git(["commit", "-q", "-m", "mailer"], in: worktree)
        let deadline = Date().addingTimeInterval(60)
        var current = false
        while !current && Date() < deadline {
            current = try CodesearchBinary.run(["status"], in: worktree).stdout.contains("state: current")
            if !current { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(current)
    }

    /// Regression (issue 12 item 6): a line the user appended to an installed hook was
    /// deleted with it.
    @Test func uninstallKeepsLinesTheUserAdded() throws {
        let repo = try makeRepository()
        try codesearch(["hooks", "install"], in: repo)
        let hook = repo.path + "/.git/hooks/post-checkout"
        let installed = try String(contentsOfFile: hook, encoding: .utf8)
        let userLine = "echo \"user hook ran\" >> .git/user-ran\n"
        try Data((installed + userLine).utf8).write(to: URL(fileURLWithPath: hook))

        let uninstall = try codesearch(["hooks", "uninstall"], in: repo)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        #expect(uninstall.stdout.contains("""
            post-checkout: not installed (another hook is there)
              note: removed codesearch's lines and kept yours

            """))
        #expect(FileManager.default.contents(atPath: hook) == Data(("#!/bin/sh\n" + userLine).utf8))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/post-commit"))
        // What is left is a working hook.
        try repo.git(["checkout", "-q", "-b", "other"])
        #expect(try String(contentsOfFile: repo.path + "/.git/user-ran", encoding: .utf8) == "user hook ran\n")
    }

    /// Regression (issue 12 item 6): an edit inside codesearch's own lines cannot be told
    /// from codesearch's; the hook is left as it is and the command says so.
    @Test func uninstallRefusesAHookWhoseCodesearchLinesWereEdited() throws {
        let repo = try makeRepository()
        try codesearch(["hooks", "install"], in: repo)
        let hook = repo.path + "/.git/hooks/post-merge"
        let edited = try String(contentsOfFile: hook, encoding: .utf8)
            .replacingOccurrences(of: "status=0\n", with: "status=0\necho mine\n")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: hook))

        let uninstall = try codesearch(["hooks", "uninstall"], in: repo)
        #expect(uninstall.status == 2)
        #expect(uninstall.stdout.contains("post-merge: installed\n  note: left in place: the lines between"))
        #expect(uninstall.stderr == "codesearch: error: left in place, see the notes above: post-merge\n")
        #expect(FileManager.default.contents(atPath: hook) == Data(edited.utf8))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/post-commit"))
    }

    /// Regression (issue 12 item 6): when another tool replaced a hook that chained an
    /// earlier one, uninstall left NAME.codesearch-chained behind without a word.
    @Test func uninstallReportsAChainedHookItCannotPutBack() throws {
        let repo = try makeRepository()
        let hook = repo.path + "/.git/hooks/post-commit"
        let original = "#!/bin/sh\necho original\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: hook))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        try codesearch(["hooks", "install"], in: repo)
        let replacement = "#!/bin/sh\necho another tool\n"
        try Data(replacement.utf8).write(to: URL(fileURLWithPath: hook))

        let uninstall = try codesearch(["hooks", "uninstall"], in: repo)
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        let chained = repo.path + "/.git/hooks/post-commit.codesearch-chained"
        #expect(uninstall.stdout.contains("""
            post-commit: not installed (another hook is there)
              note: left \(chained): the hook codesearch chained; another program has replaced post-commit \
            since, so it no longer runs; merge it into post-commit or delete it

            """))
        #expect(FileManager.default.contents(atPath: hook) == Data(replacement.utf8))
        #expect(FileManager.default.contents(atPath: chained) == Data(original.utf8))
    }
}
