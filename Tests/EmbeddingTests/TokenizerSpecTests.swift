import Foundation
import Testing
@testable import Embedding

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
        spec.vocab = ["[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "tab\there": 3]
        spec.save(to: cache, key: "k")
        #expect(TokenizerSpec.load(from: cache, key: "k") == spec)
        let file = cache.appending(path: "k.tsv")
        let data = try Data(contentsOf: file)
        try data.prefix(data.count - 5).write(to: file)  // torn
        #expect(TokenizerSpec.load(from: cache, key: "k") == nil)
        try Data("not json\nx\t1\n".utf8).write(to: file)
        #expect(TokenizerSpec.load(from: cache, key: "k") == nil)
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
