import Testing
@testable import IndexStorage
@testable import Indexing
import Scanning
import TestSupport

@Suite struct IdentifierWordsTests {
    @Test(arguments: [
        ("parseHTTPHeader", ["parse", "http", "header"]),
        ("max_retry_count", ["max", "retry", "count"]),
        ("HTTPServer", ["http", "server"]),
        ("URLSession2", ["url", "session", "2"]),
        ("__init__", ["init"]),
        ("ABc", ["a", "bc"]),
        ("x", ["x"]),
    ])
    func splitsLikeAReader(identifier: String, words: [String]) {
        #expect(IdentifierWords.split(Array(identifier.utf8)) == words)
    }

    @Test func splitsIdentifiersInTextAndKeepsTheRest() {
        #expect(IdentifierWords.splitIdentifiers(in: "func readURLs(from path: String) -> [URL] { é }")
                == "func read ur ls(from path: String) -> [URL] { é }")
        #expect(IdentifierWords.splitIdentifiers(in: "x = max_retry_count + 3abcDef")
                == "x = max retry count + 3abc def")
    }
}

@Suite struct LexicalTermsTests {
    @Test func termsDropStopWordsAndFoldPlurals() {
        #expect(LexicalTerms.terms("Return the parsed HTTP headers of a request") ==
                ["parsed", "http", "header", "request"])
        #expect(LexicalTerms.terms("def read_bytes(self, n=8): pass") == ["def", "read", "byte", "self", "pass"])
    }
}

@Suite struct LexicalBagOfBytesTests {
    /// Random bytes (identifier pieces, punctuation, a valid two-byte letter and bytes that are
    /// not valid UTF-8) and a unit named `qualified` over a random range of them.
    static func randomUnit(_ qualified: String, using random: inout SplitMix) -> ([UInt8], FunctionSpan) {
        let alphabet = Array("abcXYHTTPZ_09 (){}.:é\n".utf8) + [0xff, 0xc3, 0x80, 0xe2, 0x82]
        let bytes = (0..<Int.random(in: 0...120, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        let start = Int.random(in: 0...bytes.count, using: &random)
        let end = Int.random(in: start...bytes.count, using: &random)
        let span = FunctionSpan(name: "f", qualifiedName: qualified, kind: .function, firstLine: 1,
                                declarationLine: 1, declarationColumn: 1, lastLine: 1, signature: "",
                                docFirstLine: nil, docLastLine: nil, byteStart: start, byteEnd: end)
        return (bytes, span)
    }

    /// The bag reads a unit's terms straight from its bytes; it must count what the terms
    /// of its decoded source count, also for bytes that are not valid UTF-8.
    @Test func aBagOfRawBytesCountsWhatTheDecodedSourceCounts() {
        var random = SplitMix(state: 14)
        for _ in 0..<300 {
            let (bytes, span) = Self.randomUnit("Type.readBytes", using: &random)
            var expected: [String: Int] = [:]
            for t in LexicalTerms.terms(span.qualifiedName) { expected[t, default: 0] += LexicalTerms.nameWeight }
            for t in LexicalTerms.terms(EmbeddingText.source(of: span, in: bytes)) { expected[t, default: 0] += 1 }
            #expect(LexicalTerms.bag(for: span, in: bytes) == LexicalBag(expected))
        }
    }
}

extension LexicalBagOfBytesTests {
    /// The embedded text is split from the bytes and decoded once; it must equal splitting
    /// the decoded name and source, also for bytes that are not valid UTF-8 (its hash keys
    /// the stored vectors, so a changed text would re-embed every unit).
    @Test func theEmbeddedTextOfRawBytesEqualsThatOfTheDecodedSource() {
        var random = SplitMix(state: 15)
        for _ in 0..<300 {
            let (bytes, span) = Self.randomUnit("HTTPClient.readBytes", using: &random)
            let decoded = IdentifierWords.splitIdentifiers(in: span.qualifiedName + "\n" + EmbeddingText.source(of: span, in: bytes))
            #expect(Array(EmbeddingText.text(for: span, in: bytes).utf8) == Array(decoded.utf8))
        }
    }
}

extension LexicalBagOfBytesTests {
    /// The unit texts cut in Characters; the byte shortcut must cut exactly there.
    @Test func characterPrefixesAgreeWithStringsOwn() {
        var random = SplitMix(state: 16)
        let pieces = ["a", "Z", " ", "_", "\r\n", "\r", "\n", "é", "e\u{301}", "👍🏽", "x"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...30, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let n = Int.random(in: 0...35, using: &random)
            #expect(Array(Characters.prefix(text, n).utf8) == Array(String(text.prefix(n)).utf8), "\(text.debugDescription) \(n)")
            #expect(Characters.count(text) == text.count)
        }
    }
}
