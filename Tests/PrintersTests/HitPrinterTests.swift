import Printers
import Testing

/// Each printer's whole output for the same two hits, written to a string.
@Suite struct HitPrinterTests {
    static let hits = [
        PrintedHit(path: "src/cache.py", name: "load", qualifiedName: "Cache.load", kind: "method", language: "python",
                   signature: "def load(self, key):", line: 12, column: 5, lastLine: 20, score: 0.8312, blob: String(repeating: "a", count: 40),
                   context: ["    def load(self, key):", "        return self.items[key]"]),
        PrintedHit(path: "new\nline.go", name: "Run", qualifiedName: "Run", kind: "function", language: "go",
                   signature: "func Run() {\u{1B}[2J", line: 3, column: 1, lastLine: 9, score: 0.5, blob: String(repeating: "b", count: 40)),
    ]

    func render(_ printer: some HitPrinter) -> String {
        var printer = printer, sink = StringSink()
        printer.print(Self.hits, to: &sink)
        return sink.text
    }

    @Test func standardShowsPathLineNameScoreAndTheSourceDedented() {
        #expect(render(StandardHitPrinter(color: false, escapeText: true)) == """
            src/cache.py:12: Cache.load  0.831
                def load(self, key):
                    return self.items[key]
            "new\\nline.go":3: Run  0.500

            """)
    }

    @Test func standardPaintsOnlyWhenAskedTo() {
        let painted = render(StandardHitPrinter(color: true, escapeText: true))
        #expect(painted.hasPrefix("\u{1B}[35msrc/cache.py\u{1B}[0m:\u{1B}[32m12\u{1B}[0m: \u{1B}[1mCache.load\u{1B}[0m"))
    }

    @Test func vimgrepIsOneLinePerHitWhateverTheBytes() {
        #expect(render(VimgrepHitPrinter()) == """
            src/cache.py:12:5:def load(self, key):
            "new\\nline.go":3:1:func Run() {\\x1b[2J

            """)
    }

    @Test func jsonLinesCarryTypeVersionAndEveryField() {
        let lines = render(JSONHitPrinter()).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"type":"hit","version":1,"data":{"rank":1,"path":"src/cache.py","line":12,"column":5,"endLine":20,"name":"load","qualifiedName":"Cache.load","kind":"method","language":"python","signature":"def load(self, key):","score":0.831200,"blob":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}"#)
        #expect(lines[1].contains(#""rank":2,"path":"new\nline.go""#))
        #expect(lines[1].contains(#""signature":"func Run() {\u001b[2J""#))
        #expect(lines[2] == #"{"type":"summary","version":1,"data":{"hits":2}}"#)
    }

    @Test func fileListsArePathsOrFileMessages() {
        var plain = StringSink(), json = StringSink()
        FileListPrinter(json: false).print(Self.hits, to: &plain)
        FileListPrinter(json: true).print(Self.hits, to: &json)
        #expect(plain.text == "src/cache.py\n\"new\\nline.go\"\n")
        #expect(json.text.split(separator: "\n").first == #"{"type":"file","version":1,"data":{"rank":1,"path":"src/cache.py","line":12,"score":0.831200}}"#)
        #expect(json.text.hasSuffix(#"{"type":"summary","version":1,"data":{"files":2}}"# + "\n"))
    }
}
