import Git
@testable import Printers
import Scanning
import Testing

@Suite struct FunctionPrinterTests {
    static let spans: [FunctionSpan] = [
        FunctionSpan(name: "load", qualifiedName: "Cache.load", kind: .method, firstLine: 3, declarationLine: 4,
                     declarationColumn: 5, lastLine: 9, signature: "def load(self, key):", docFirstLine: 5, docLastLine: 5,
                     byteStart: 20, byteEnd: 160),
        FunctionSpan(name: "q\"b\\s\u{1b}]0;x\u{7}\u{7f}", qualifiedName: "é.\u{2028}</script>", kind: .class,
                     firstLine: 1, declarationLine: 1, declarationColumn: 1, lastLine: 1,
                     signature: "class X:\t# \r\n\u{0}", docFirstLine: nil, docLastLine: nil, byteStart: 0, byteEnd: 0),
    ]

    /// The hand-written `function` lines are byte for byte what `OrderedJSONEncoder` writes
    /// for `FunctionData`, for ordinary, hostile and non-UTF-8 paths alike.
    @Test(arguments: ["src/a.py", "new\nline.py", "\u{1b}]0;x\u{7}.py", GitPath.decode([0x63, 0xE9, 0x2E, 0x70, 0x79] as [UInt8])])
    func theFastPathWritesWhatTheEncoderWrites(path: String) {
        let text = FunctionPrinter(format: .json).render(path: path, language: "python", functions: Self.spans)
        let expected = Self.spans.map { FunctionPrinter.encodedLine(path: path, language: "python", function: $0) + "\n" }.joined()
        #expect(text == expected)
        #expect(text.hasPrefix(#"{"type":"function","version":1,"data":{"path":"#))
    }
}
