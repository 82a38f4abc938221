import Printers
import Git
import Testing

/// `PrintableText`: paths quoted as git quotes them, control characters shown, not obeyed.
@Suite struct PrintableTextTests {
    @Test func ordinaryPathsAreUnquoted() {
        for path in ["a.py", "src/café.py", "with space.py", "日本.swift"] {
            #expect(PrintableText.path(path) == path)
        }
    }

    /// Regression (issue 12 item 7): these were printed raw.
    @Test func unusualPathsAreQuotedLikeGit() {
        #expect(PrintableText.path("new\nline.py") == #""new\nline.py""#)
        #expect(PrintableText.path("tab\there.py") == #""tab\there.py""#)
        #expect(PrintableText.path("q\"uote\\.py") == #""q\"uote\\.py""#)
        #expect(PrintableText.path("\u{1B}]0;PWNED\u{07}\u{1B}[2J.py") == #""\033]0;PWNED\a\033[2J.py""#)
        #expect(PrintableText.path("del\u{7F}.py") == #""del\177.py""#)
        let latin1 = GitPath.decode(Array("caf".utf8) + [0xE9] + Array(".py".utf8))
        #expect(PrintableText.path(latin1) == #""caf\351.py""#)
        // A direction override would make the name read differently than it is.
        #expect(PrintableText.path("a\u{202E}yp.b") == #""a\342\200\256yp.b""#)
    }

    @Test func controlCharactersInTextAreShown() {
        #expect(PrintableText.text("\"\"\"\u{1B}]0;PWNED\u{07}\u{1B}[2J\"\"\"") == #""""\x1b]0;PWNED\x07\x1b[2J""""#)
        #expect(PrintableText.text("\tindented\r") == "\tindented\\x0d")
        #expect(PrintableText.text("c1 \u{9B}31m") == "c1 \\u{9b}31m")
        #expect(PrintableText.text("plain é 日本") == "plain é 日本")
        #expect(PrintableText.text("\u{1B}[2J", escaping: false) == "\u{1B}[2J")
    }
}
