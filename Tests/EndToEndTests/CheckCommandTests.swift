import Foundation
import TestSupport
import Testing

/// `codesearch check --staged` on real repositories: staged copies of an existing
/// function are reported, an unrelated new function is not.
@Suite struct CheckCommandTests {
    static let existing = """
        def parse_duration(text):
            units = {"s": 1, "m": 60, "h": 3600}
            total = 0
            number = ""
            for char in text:
                if char.isdigit():
                    number += char
                else:
                    total += int(number) * units[char]
                    number = ""
            return total


        def send_mail(server, message):
            server.connect()
            server.send(message)
            server.quit()

        """

    /// parse_duration, pasted verbatim.
    static let exactCopy = """
        def parse_duration(text):
            units = {"s": 1, "m": 60, "h": 3600}
            total = 0
            number = ""
            for char in text:
                if char.isdigit():
                    number += char
                else:
                    total += int(number) * units[char]
                    number = ""
            return total

        """

    /// parse_duration renamed, with one variable renamed.
    static let lightlyEdited = """
        def parse_duration_text(text):
            units = {"s": 1, "m": 60, "h": 3600}
            seconds = 0
            number = ""
            for char in text:
                if char.isdigit():
                    number += char
                else:
                    seconds += int(number) * units[char]
                    number = ""
            return seconds

        """

    static let unrelated = """
        def render_table(rows):
            width = max(len(r) for r in rows)
            return "\\n".join(r.ljust(width) for r in rows)

        """

    /// parse_duration with its name, parameter, every local and every literal changed:
    /// the embedding sees new names (cosine 0.89 in issue 12), the code's shape is the same.
    static let renamedCopy = """
        def to_seconds(spec):
            table = {"x": 7, "y": 70, "z": 7000}
            acc = 1
            digits = "0"
            for c in spec:
                if c.isdigit():
                    digits += c
                else:
                    acc += int(digits) * table[c]
                    digits = "?"
            return acc

        """

    /// New code of about the same length and the same kind of statements.
    static let unrelatedLoop = """
        def render_rows(rows, padding):
            width = max(len(r) for r in rows) + padding
            lines = []
            for row in rows:
                if not row:
                    continue
                lines.append(row.ljust(width))
            return "\\n".join(lines)

        """

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("timeutil.py", Self.existing)
        try repo.commitAll()
        return repo
    }

    @Test func reportsAnExactAndALightlyEditedCopy() throws {
        let repo = try makeRepository()
        try repo.write("copy.py", Self.exactCopy)
        try repo.write("pkg/edited.py", Self.lightlyEdited)
        try repo.write("table.py", Self.unrelated)
        try repo.git(["add", "-A"])
        // fp32 pinned: the similarity printed to two places is the reference model's (auto's
        // mixed path makes this pair 0.97 on a CPU that runs it).
        let result = try CodesearchBinary.run(["check", "--staged"], in: repo.path, environment: ["CODESEARCH_PRECISION": "fp32"])
        #expect(result.stdout == """
            copy.py:1: staged function parse_duration closely resembles timeutil.py:1 parse_duration (1.00, structure 1.00)
            pkg/edited.py:1: staged function parse_duration_text closely resembles timeutil.py:1 parse_duration (0.96, structure 1.00)

            """)
        #expect(result.status == 1)
        #expect(result.stderr == "")

        let warned = try CodesearchBinary.run(["check", "--staged", "--warn-only"], in: repo.path,
                                              environment: ["CODESEARCH_PRECISION": "fp32"])
        #expect(warned.status == 0)
        #expect(warned.stdout == result.stdout)
    }

    /// Regression: the embedded text starts with the qualified name, so a short method
    /// pasted into another class used to score 0.80 against its original and pass unseen.
    @Test func aMethodCopiedIntoAnotherClassIsReported() throws {
        let repo = try TemporaryRepository()
        try repo.write("manager.py", """
            class ContentManager:
                def get_content(self, msg, *args, **kw):
                    content_type = msg.get_content_type()
                    if content_type in self.get_handlers:
                        return self.get_handlers[content_type](msg, *args, **kw)
                    maintype = msg.get_content_maintype()
                    if maintype in self.get_handlers:
                        return self.get_handlers[maintype](msg, *args, **kw)
                    raise KeyError(content_type)

            """)
        try repo.commitAll()
        try repo.write("copy.py", """
            class Copy:
                def get_content(self, msg, *args, **kw):
                    content_type = msg.get_content_type()
                    if content_type in self.get_handlers:
                        return self.get_handlers[content_type](msg, *args, **kw)
                    maintype = msg.get_content_maintype()
                    if maintype in self.get_handlers:
                        return self.get_handlers[maintype](msg, *args, **kw)
                    raise KeyError(content_type)

            """)
        try repo.git(["add", "copy.py"])
        let result = try CodesearchBinary.run(["check", "--staged"], in: repo.path)
        #expect(result.stdout == "copy.py:2: staged function Copy.get_content closely resembles manager.py:2 ContentManager.get_content (1.00, structure 1.00)\n")
        #expect(result.status == 1)
    }

    /// Regression (issue 12 item 8): a copy with every name and literal changed scored
    /// 0.89 by cosine and passed; its code shape is the original's.
    @Test func aCopyWithEveryNameAndLiteralChangedIsReported() throws {
        let repo = try makeRepository()
        try repo.write("seconds.py", Self.renamedCopy)
        try repo.write("rows.py", Self.unrelatedLoop)
        try repo.git(["add", "-A"])
        let result = try CodesearchBinary.run(["check", "--staged"], in: repo.path)
        #expect(result.stdout.hasPrefix("seconds.py:1: staged function to_seconds closely resembles timeutil.py:1 parse_duration ("))
        #expect(result.stdout.hasSuffix(", structure 1.00)\n"))
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.status == 1)

        // The structure signal alone found it, and its own threshold governs it.
        let strict = try CodesearchBinary.run(["check", "--staged", "--structure-threshold", "1", "--threshold", "0.999"],
                                              in: repo.path)
        #expect(strict.stdout == result.stdout)
        let off = try CodesearchBinary.run(["check", "--staged", "--structure-min-tokens", "1000", "--threshold", "0.999"],
                                           in: repo.path)
        #expect(off.stdout == "")
        #expect(off.status == 0)
    }

    @Test func badStructureOptionsAreUsageErrors() throws {
        let repo = try makeRepository()
        for args in [["--structure-threshold", "0"], ["--structure-threshold", "1.5"], ["--structure-min-tokens", "0"]] {
            let result = try CodesearchBinary.run(["check", "--staged"] + args, in: repo.path)
            #expect(result.status == 2)
            #expect(result.stderr.contains("--structure-"))
        }
    }

    @Test func silentOnAnUnrelatedFunction() throws {
        let repo = try makeRepository()
        try repo.write("table.py", Self.unrelated)
        try repo.git(["add", "table.py"])
        let result = try CodesearchBinary.run(["check", "--staged"], in: repo.path)
        #expect(result.status == 0)
        #expect(result.stdout == "")
    }

    @Test func onlyStagedChangesCountAndMovingIsNotCopying() throws {
        let repo = try makeRepository()
        // Unstaged: not checked.
        try repo.write("copy.py", Self.exactCopy)
        // Moved: timeutil.py loses parse_duration, moved.py gains it.
        try repo.write("timeutil.py", String(Self.existing.split(separator: "\n\n\n")[1]))
        try repo.write("moved.py", Self.exactCopy)
        try repo.git(["add", "timeutil.py", "moved.py"])
        let result = try CodesearchBinary.run(["check", "--staged"], in: repo.path)
        #expect(result.stdout == "")
        #expect(result.status == 0)
    }

    @Test func thresholdIsHonoured() throws {
        let repo = try makeRepository()
        try repo.write("pkg/edited.py", Self.lightlyEdited)
        try repo.git(["add", "-A"])
        // The copy's shape is the original's: only a cosine threshold with the structure
        // signal out of reach lets it pass.
        let strict = try CodesearchBinary.run(["check", "--staged", "--threshold", "0.999", "--structure-min-tokens", "1000"],
                                              in: repo.path)
        #expect(strict.stdout == "")
        #expect(strict.status == 0)
    }

    @Test func theIndexStillHoldsTheWorkingTreeAfterwards() throws {
        let repo = try makeRepository()
        try repo.write("copy.py", Self.exactCopy)
        try repo.git(["add", "-A"])
        try repo.write("copy.py", Self.lightlyEdited)
        _ = try CodesearchBinary.run(["check", "--staged"], in: repo.path)
        let status = try CodesearchBinary.run(["status"], in: repo.path)
        #expect(status.stdout.contains("snapshot: working tree"))
        #expect(status.stdout.contains("state: current"))
    }

    @Test func preCommitHookBlocksACopy() throws {
        let repo = try makeRepository()
        let install = try CodesearchBinary.run(["hooks", "install", "--pre-commit"], in: repo.path)
        #expect(install.stdout.contains("pre-commit: installed\n"))
        try repo.write("copy.py", Self.exactCopy)
        try repo.git(["add", "-A"])
        let commit = try TemporaryRepository.runCapturing("/usr/bin/git", ["commit", "-q", "-m", "copy"], in: repo.path)
        #expect(commit.status != 0)
        // git sends a hook's output to its standard error.
        #expect((commit.stdout + commit.stderr).contains("copy.py:1: staged function parse_duration closely resembles timeutil.py:1"))
        #expect(commit.stderr.contains("codesearch: commit stopped; 'git commit --no-verify' commits anyway\n"))
        try repo.git(["commit", "-q", "--no-verify", "-m", "copy anyway"])
    }

    /// Regression: `git commit -a` stages into a temporary index (GIT_INDEX_FILE); the
    /// check must read that one, not .git/index.
    @Test func preCommitHookSeesWhatCommitAllStages() throws {
        let repo = try makeRepository()
        try repo.write("helpers.py", Self.unrelated)
        try repo.commitAll()
        try CodesearchBinary.run(["hooks", "install", "--pre-commit"], in: repo.path)
        try repo.write("helpers.py", Self.unrelated + "\n" + Self.exactCopy)
        let commit = try TemporaryRepository.runCapturing("/usr/bin/git", ["commit", "-q", "-a", "-m", "copy"], in: repo.path)
        #expect(commit.status != 0)
        #expect((commit.stdout + commit.stderr).contains("helpers.py:5: staged function parse_duration closely resembles timeutil.py:1"))
    }

    @Test func aFailingCheckNeverStopsTheCommit() throws {
        let repo = try makeRepository()
        try CodesearchBinary.run(["hooks", "install", "--pre-commit"], in: repo.path)
        try repo.write("copy.py", Self.exactCopy)
        try repo.git(["add", "-A"])
        // No model where the hook looks: the check fails with status 2.
        let commit = try TemporaryRepository.runCapturing("/usr/bin/git", ["commit", "-q", "-m", "copy"], in: repo.path,
                                                          environment: ["XDG_CACHE_HOME": repo.path + "/no-cache",
                                                                        "HOME": CodesearchBinary.isolatedHome])
        #expect(commit.status == 0)
        #expect(commit.stderr.contains("codesearch: the duplicate check failed; committing anyway\n"))
    }
}
