@testable import CodesearchKit
import Foundation
import Git
import TestSupport
import Testing

@Suite struct HookInstallerTests {
    private func installer(_ repo: TemporaryRepository) throws -> HookInstaller {
        let opened = try Repository.open(at: repo.path)
        return HookInstaller(hooksDirectory: try opened.hooksDirectory(), executable: "/usr/bin/true",
                             logPath: opened.commonDirectory + "/codesearch/hooks.log")
    }

    @Test func installChainsAndUninstallRestoresByteForByte() throws {
        let repo = try TemporaryRepository()
        let hooks = repo.path + "/.git/hooks"
        let original = "#!/bin/sh\n# someone's own hook, with odd bytes \u{1F600}\necho ran \"$@\" >> \"$(git rev-parse --git-dir)/original-ran\"\n"
        try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
        try Data(original.utf8).write(to: URL(fileURLWithPath: hooks + "/post-commit"))
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: hooks + "/post-commit")

        let installer = try installer(repo)
        let states = try installer.install()
        #expect(states.map(\.0) == HookInstaller.indexingHooks)
        #expect(installer.state(of: "post-commit") == .installedChaining)
        #expect(installer.state(of: "post-merge") == .installed)
        // Installing twice changes nothing.
        try installer.install()
        #expect(installer.state(of: "post-commit") == .installedChaining)

        // The chained hook still runs, with git's arguments.
        try repo.write("a.py", "x = 1\n")
        try repo.commitAll()
        let ran = try String(contentsOfFile: repo.path + "/.git/original-ran", encoding: .utf8)
        #expect(ran == "ran\n")

        try installer.uninstall()
        #expect(FileManager.default.contents(atPath: hooks + "/post-commit") == Data(original.utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: hooks + "/post-commit")[.posixPermissions] as? Int
        #expect(mode == 0o750)
        #expect(!FileManager.default.fileExists(atPath: hooks + "/post-merge"))
        #expect(!FileManager.default.fileExists(atPath: hooks + "/post-commit.codesearch-chained"))
    }

    @Test func honoursCoreHooksPath() throws {
        let repo = try TemporaryRepository()
        try repo.git(["config", "core.hooksPath", "githooks"])
        let opened = try Repository.open(at: repo.path + "/")
        let dir = try opened.hooksDirectory()
        #expect(dir.hasSuffix("/githooks"))
        #expect(try opened.hooksDirectory() == (try Repository.open(at: repo.path).hooksDirectory()))
        let installer = try installer(repo)
        try installer.install()
        #expect(FileManager.default.fileExists(atPath: repo.path + "/githooks/post-checkout"))
    }

    @Test func linkedWorktreeUsesCommonHooks() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "x = 1\n")
        try repo.commitAll()
        let worktree = repo.path + "-wt"
        try repo.git(["worktree", "add", "-q", "-b", "side", worktree])
        defer { try? FileManager.default.removeItem(atPath: worktree) }
        let linked = try Repository.open(at: worktree)
        let main = try Repository.open(at: repo.path)
        #expect(try linked.hooksDirectory() == (try main.hooksDirectory()))
    }

    @Test func quotesPathsForTheShell() {
        #expect(HookInstaller.quote("/a b/it's") == "'/a b/it'\\''s'")
    }

    /// Lines a user adds around codesearch's block survive a refresh and an uninstall;
    /// an edit inside the block stops install rather than being overwritten.
    @Test func userLinesSurviveInstallAndUninstall() throws {
        let repo = try TemporaryRepository()
        let installer = try installer(repo)
        try installer.install()
        let hook = installer.hooksDirectory + "/post-commit"
        let ours = try String(contentsOfFile: hook, encoding: .utf8)
        #expect(ours == installer.script(name: "post-commit"))
        #expect(installer.ownership(of: "post-commit") == .ours)
        let withUser = ours.replacingOccurrences(of: "#!/bin/sh\n", with: "#!/bin/sh\n# mine before\n") + "# mine after\n"
        try Data(withUser.utf8).write(to: URL(fileURLWithPath: hook))

        try installer.install()
        #expect(try String(contentsOfFile: hook, encoding: .utf8) == withUser)
        let outcomes = try installer.uninstall()
        #expect(outcomes.first { $0.name == "post-commit" }?.refused == false)
        #expect(try String(contentsOfFile: hook, encoding: .utf8) == "#!/bin/sh\n# mine before\n# mine after\n")

        try Data(ours.replacingOccurrences(of: "status=0", with: "status=1").utf8).write(to: URL(fileURLWithPath: hook))
        #expect(installer.ownership(of: "post-commit") == .edited)
        #expect(throws: CodesearchError.hookEdited(path: hook)) { try installer.install(["post-commit"]) }
    }

    /// Hooks written before the block had markers are still recognised and removed.
    @Test func legacyHookIsRemovedWhenUnchanged() throws {
        let repo = try TemporaryRepository()
        let installer = try installer(repo)
        try FileManager.default.createDirectory(atPath: installer.hooksDirectory, withIntermediateDirectories: true)
        let hook = installer.hooksDirectory + "/post-merge"
        try Data(installer.legacyScript(name: "post-merge").utf8).write(to: URL(fileURLWithPath: hook))
        #expect(installer.state(of: "post-merge") == .installed)
        try installer.uninstall()
        #expect(!FileManager.default.fileExists(atPath: hook))
    }

    /// A block stamped with the digest codesearch used before XXH64 (FNV-1a) is still ours:
    /// uninstall removes it instead of refusing it as edited.
    @Test func aBlockStampedWithTheEarlierDigestIsStillOurs() throws {
        let repo = try TemporaryRepository()
        let installer = try installer(repo)
        try installer.install(["post-commit"])
        let hook = installer.hooksDirectory + "/post-commit"
        let current = try String(contentsOfFile: hook, encoding: .utf8)
        let lines = current.split(separator: "\n", omittingEmptySubsequences: false)
        let begin = try #require(lines.firstIndex { $0.hasPrefix(HookInstaller.beginMarker) })
        let end = try #require(lines.firstIndex { $0 == HookInstaller.endMarker })
        let body = lines[(begin + 1)..<end].joined(separator: "\n")
        var earlier = lines
        earlier[begin] = Substring(HookInstaller.beginMarker + HookInstaller.earlierDigest(body))
        #expect(earlier != lines)
        try Data(earlier.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: hook))
        #expect(installer.ownership(of: "post-commit") == .ours)
        let outcomes = try installer.uninstall()
        #expect(outcomes.first { $0.name == "post-commit" }?.refused == false)
        #expect(!FileManager.default.fileExists(atPath: hook))
    }
}
