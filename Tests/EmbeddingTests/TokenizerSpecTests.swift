@testable import BertEngine
import Foundation
import Hashing
import Testing

@Suite struct TokenizerSpecTests {
    @Test(.enabled(if: installedModel != nil))
    func cacheRoundTripsTheRealTokenizer() throws {
        let model = try #require(installedModel)
        let json = model.appending(path: "tokenizer.json")
        let parsed = try TokenizerSpec(tokenizerJSON: json)
        let cache = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let key = try #require(TokenizerSpec.cacheKey(for: json))
        #expect(TokenizerSpec.load(from: cache, key: key) == nil)
        parsed.save(to: cache, key: key)
        #expect(TokenizerSpec.load(from: cache, key: key) == parsed)

        // A tokenizer built through the cache gives the same ids as one built without it.
        let cold = try BertTokenizer(directory: model, maxLength: 256, cache: nil)
        let warm = try BertTokenizer(directory: model, maxLength: 256, cache: cache)
        for text in ["def parse_http_header(raw):", "Ünïcödé 日本語 [MASK] tokens", ""] {
            #expect(cold.encode(text) == warm.encode(text))
        }
    }

    @Test func aTornOrForeignCacheFileIsAMiss() throws {
        let cache = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        var spec = TokenizerSpec()
        spec.vocab = ["[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "tab\there": 3, "new\nline": 4, "日本": 5]
        spec.special = ["[CLS]": 1, "[SEP]": 2]
        spec.normalizer.stripAccents = false
        spec.maxChars = 42
        spec.save(to: cache, key: "k")
        let loaded = try #require(TokenizerSpec.load(from: cache, key: "k"))
        #expect(loaded == spec)
        #expect(loaded.vocab["new\nline"] == 4 && loaded.vocab["日本"] == 5 && loaded.vocab["日"] == nil)
        let file = cache.appending(path: "k.vocab")
        let data = try Data(contentsOf: file)
        try data.prefix(data.count - 5).write(to: file)  // torn
        #expect(TokenizerSpec.load(from: cache, key: "k") == nil)
        var flipped = data
        flipped[flipped.count / 2] ^= 0x40  // one damaged byte
        try flipped.write(to: file)
        #expect(TokenizerSpec.load(from: cache, key: "k") == nil)
        try Data("not a cache\nx\t1\n".utf8).write(to: file)
        #expect(TokenizerSpec.load(from: cache, key: "k") == nil)
    }

    /// The cache file's exact bytes for a fixed tokenizer: a change is a new magic, never a
    /// side effect of a refactor.
    @Test func theCacheBytesAreUnchanged() throws {
        let cache = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        var spec = TokenizerSpec()
        spec.vocab = ["[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "load": 3, "##ing": 4, "日本": 5]
        spec.special = ["[CLS]": 1, "[SEP]": 2, "[UNK]": 0]
        spec.normalizer.stripAccents = false
        spec.maxChars = 42
        spec.save(to: cache, key: "k")
        let bytes = [UInt8](try Data(contentsOf: cache.appending(path: "k.vocab")))
        let hash = XXHash64.hash(bytes)
        #expect(bytes.count == 314 && hash == 0xe698_150f_7f77_1eb9, "0x\(String(hash, radix: 16))")
    }

    @Test func theKeyChangesWithTheFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appending(path: "tokenizer.json")
        try Data("{}".utf8).write(to: file)
        let before = TokenizerSpec.cacheKey(for: file)
        try Data("{ }".utf8).write(to: file)
        #expect(before != nil && TokenizerSpec.cacheKey(for: file) != before)
    }
}

@Suite struct VocabularyTests {
    @Test func findsEveryTokenAndNothingElse() {
        var tokens: [String: Int32] = [:]
        for i in 0..<5_000 { tokens["t\(i)"] = Int32(i) }
        tokens["##ing"] = 5_000
        tokens["é"] = 5_001
        let vocab = Vocabulary(tokens)
        #expect(vocab.count == tokens.count)
        for (token, id) in tokens { #expect(vocab[token] == id) }
        for missing in ["", "t", "t5000", "##in", "ing", "e", "t1 "] { #expect(vocab[missing] == nil) }
        #expect(vocab.longestPiece == 5)
        #expect(vocab.dictionary == tokens)
        // A prefix and a piece are looked up as one token.
        #expect(Array("ing".utf8).withUnsafeBytes { vocab.id(prefix: Array("##".utf8), $0) } == 5_000)
    }

    @Test func aTableThatDoesNotHoldTogetherIsRejected() {
        let vocab: Vocabulary = ["a": 0, "b": 1]
        #expect(Vocabulary(slots: vocab.slots, bytes: vocab.bytes, count: 2, longestPiece: 1) == vocab)
        #expect(Vocabulary(slots: vocab.slots, bytes: vocab.bytes, count: 3, longestPiece: 1) == nil)
        #expect(Vocabulary(slots: vocab.slots, bytes: [], count: 2, longestPiece: 1) == nil)
        #expect(Vocabulary(slots: Array(vocab.slots.dropLast()), bytes: vocab.bytes, count: 2, longestPiece: 1) == nil)
    }
}
