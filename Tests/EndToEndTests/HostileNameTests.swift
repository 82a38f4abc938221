import Foundation
import TestSupport
import Testing

/// Committed file names and contents are untrusted (issue 12 item 7): a name holding
/// terminal escapes, a name with a newline, and a name that is not UTF-8, in a real
/// repository, through every output format.
@Suite struct HostileNameTests {
    static let escapes = "\u{1B}]0;PWNED\u{07}\u{1B}[2J"
    static let latin1Name: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".py".utf8)

    /// Writes a file whose name is raw bytes (Foundation would want UTF-8).
    private func write(_ repo: TemporaryRepository, name: [UInt8], _ contents: String) throws {
        let path = Array((repo.path + "/").utf8) + name
        let fd = (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
            open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        #expect(bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count)
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write(Self.escapes + ".py", "def pwned_title():\n    \"\"\"\(Self.escapes)\"\"\"\n    return 1\n")
        try repo.write("new\nline.py", "def split_line_name():\n    return 2\n")
        try write(repo, name: Self.latin1Name, "def latin_cafe_name():\n    return 3\n")
        try repo.commitAll()
        return repo
    }

    private func codesearch(_ arguments: [String], in repo: TemporaryRepository) throws -> CodesearchBinary.Result {
        try CodesearchBinary.run(arguments, in: repo.path)
    }

    private static let quotedEscapes = #""\033]0;PWNED\a\033[2J.py""#

    @Test func functionsQuotesPathsInEverySnapshot() throws {
        let repo = try makeRepository()
        for selection in [[], ["--staged"], ["--rev", "HEAD"]] {
            let result = try codesearch(["functions"] + selection, in: repo)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == """
                \(Self.quotedEscapes):1-3: pwned_title
                "caf\\351.py":1-2: latin_cafe_name
                "new\\nline.py":1-2: split_line_name

                """, "\(selection)")
        }
    }

    @Test func functionsJSONGivesNonUTF8PathsAsBytes() throws {
        let repo = try makeRepository()
        let result = try codesearch(["functions", "--json"], in: repo)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.contains { $0.hasPrefix(#"{"type":"function","version":1,"data":{"path":"caf\#u{FFFD}.py","pathBytes":{"bytes":"Y2Fm6S5weQ=="},"language":"python","name":"latin_cafe_name""#) })
        #expect(lines.contains { $0.hasPrefix(#"{"type":"function","version":1,"data":{"path":"new\nline.py","language""#) })
        #expect(lines.contains { $0.hasPrefix(#"{"type":"function","version":1,"data":{"path":"\u001b]0;PWNED\u0007\u001b[2J.py","language""#) })
    }

    /// A non-UTF-8 name that git has not stored yet, and one whose content changed, are read
    /// through their own bytes (they used to be missed, or read under a name no file has).
    @Test func workingTreeFilesWithNonUTF8NamesAreRead() throws {
        let repo = try makeRepository()
        try write(repo, name: Self.latin1Name, "def latin_cafe_name():\n    return 3\n\ndef second():\n    return 4\n")
        try write(repo, name: Array("na".utf8) + [0xEF] + Array("ve.py".utf8), "def untracked_latin():\n    return 5\n")
        let result = try codesearch(["functions"], in: repo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"caf\\351.py\":1-2: latin_cafe_name\n\"caf\\351.py\":4-5: second\n"))
        #expect(result.stdout.contains("\"na\\357ve.py\":1-2: untracked_latin\n"))
    }

    @Test func searchOutputIsSafeInEveryFormat() throws {
        let repo = try makeRepository()
        let index = try codesearch(["index"], in: repo)
        #expect(index.status == 0, "\(index.stderr)")

        let vimgrep = try codesearch(["search", "--no-update", "--vimgrep", "title name", "-n", "10"], in: repo)
        #expect(vimgrep.status == 0, "\(vimgrep.stderr)")
        let lines = vimgrep.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 3, "\(vimgrep.stdout)")
        #expect(lines.contains(#""caf\351.py":1:1:def latin_cafe_name():"#))
        #expect(lines.contains(#""new\nline.py":1:1:def split_line_name():"#))
        #expect(lines.contains(Self.quotedEscapes + ":1:1:def pwned_title():"))

        // With colour on (as on a terminal) the docstring's escapes are shown, not obeyed.
        let shown = try codesearch(["search", "--no-update", "--color", "always", "title name", "-n", "10"], in: repo)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains(#"\x1b]0;PWNED\x07\x1b[2J"#))
        #expect(!shown.stdout.contains("\u{07}") && !shown.stdout.contains("\u{1B}]") && !shown.stdout.contains("\u{1B}[2J"))
        #expect(shown.stdout.contains("\u{1B}[35m\"caf\\351.py\"\u{1B}[0m:"))

        let json = try codesearch(["search", "--no-update", "--json", "title name", "-n", "10"], in: repo)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains(#""path":"caf\#u{FFFD}.py","pathBytes":{"bytes":"Y2Fm6S5weQ=="},"line":1"#))
        #expect(json.stdout.contains(#""path":"new\nline.py","line":1"#))
    }
}
