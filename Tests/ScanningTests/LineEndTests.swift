import Foundation
import Testing
@testable import Scanning

/// Lines end at LF, CRLF and a lone CR everywhere (issue 12 item 9): Python's `ast` and
/// swiftc count a file saved with classic Mac line ends line by line, and so must we.
@Suite("Line ends")
struct LineEndTests {
    static let python = """
        ⟦def first(a):
            return a⟧

        class C:
            ⟦@property
            def second(self):
                return 2⟧

        ⟦def third():
            pass⟧
        """

    /// The same marked sample saved with `ending`: the same lines must come out.
    func expectSameLines(_ language: String, _ marked: String, _ names: [String], ending: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        let sample = MarkedSample(marked)
        let bytes = Array(sample.source.replacingOccurrences(of: "\n", with: ending).utf8)
        let found = scanner(language).functions(in: bytes)
        let got = found.map { "\($0.qualifiedName) \($0.firstLine)-\($0.lastLine)" }
        let want = zip(names, sample.expected).map { "\($0) \($1.0)-\($1.1)" }
        #expect(got == want, sourceLocation: sourceLocation)
        // Byte ranges cover the lines and stop before the line end.
        for span in found {
            let text = String(decoding: bytes[span.byteStart..<span.byteEnd], as: UTF8.self)
            let lines = sample.source.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(text == lines[(span.firstLine - 1)..<span.lastLine].joined(separator: ending), sourceLocation: sourceLocation)
        }
    }

    @Test func pythonFileWithLoneCarriageReturns() {
        expectSameLines("python", Self.python, ["first", "C.second", "third"], ending: "\r")
    }

    @Test func pythonFileWithCRLF() {
        expectSameLines("python", Self.python, ["first", "C.second", "third"], ending: "\r\n")
    }

    @Test func swiftFileWithLoneCarriageReturns() {
        expectSameLines("swift", """
            struct S {
                /// Doc.
                ⟦func a() {
                    print(1)
                }⟧
            }
            ⟦func b() {}⟧
            """, ["S.a", "b"], ending: "\r")
    }

    /// Python's own parser agrees on the CR-only sample (the oracle of scripts/agreement).
    @Test func pythonAstAgrees() throws {
        let sample = MarkedSample(Self.python)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cr-\(UUID()).py")
        try Data(sample.source.replacingOccurrences(of: "\n", with: "\r").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import ast, sys
            tree = ast.parse(open(sys.argv[1], "rb").read())
            for n in ast.walk(tree):
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    print(n.name, min([d.lineno for d in n.decorator_list] + [n.lineno]), n.end_lineno)
            """, file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let oracle = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
        let bytes = Array(sample.source.replacingOccurrences(of: "\n", with: "\r").utf8)
        let ours = scanner("python").functions(in: bytes).map { "\($0.name) \($0.firstLine) \($0.lastLine)" }.sorted()
        #expect(oracle.count == 3)
        #expect(ours == oracle)
    }

    @Test func linesSplitAtEveryKindOfLineEnd() {
        let bytes = Array("a\rb\r\nc\nd\r\re".utf8)
        #expect(LineEnds.lines(of: bytes, from: 1, through: 7) == ["a", "b", "c", "d", "", "e"])
        #expect(LineEnds.lines(of: bytes, from: 2, through: 3) == ["b", "c"])
        #expect(LineEnds.lines(of: bytes, from: 3, through: 2) == [])
        #expect(Array("x\r\r\n".utf8).withUnsafeBufferPointer(LineEnds.loneCRsAsLF) == Array("x\n\r\n".utf8))
        #expect(Array("x\r\ny".utf8).withUnsafeBufferPointer(LineEnds.loneCRsAsLF) == nil)
    }
}
