import Foundation
@testable import OpenAIProvider
import TestSupport
import Testing

/// Token ids from real tiktoken 0.14.0 (scripts/make-tiktoken-fixture.sh).
struct TiktokenParityFixture: Decodable {
    struct Case: Decodable {
        var text: String
        var tokens: [Int]
    }
    var tiktoken: String
    var cases: [Case]

    static func load() throws -> TiktokenParityFixture {
        let data = try Data(contentsOf: try openAIFixtureURL("cl100k_parity.json"))
        return try JSONDecoder().decode(TiktokenParityFixture.self, from: data)
    }
}

/// A file of `Fixtures/openai/`.
func openAIFixtureURL(_ name: String) throws -> URL {
    try fixtureURL("openai/\(name)")
}

/// The real cl100k_base ranks of every token the fixture's texts form (see the script).
func subsetEncoding() throws -> TiktokenEncoding {
    try TiktokenEncoding(rankFile: Data(contentsOf: try openAIFixtureURL("cl100k_subset.tiktoken")))
}

/// The full cl100k_base file, when tiktoken's cache on this machine has it.
let fullCL100k: TiktokenEncoding? = try? TiktokenEncoding.cl100kBase()

@Suite struct TiktokenEncodingTests {
    @Test func matchesTiktokenOnTheFixtureWithTheRankSubset() throws {
        let fixture = try TiktokenParityFixture.load()
        let encoding = try subsetEncoding()
        #expect(fixture.cases.count >= 50)
        for item in fixture.cases {
            #expect(encoding.encode(item.text) == item.tokens, "\(item.text.debugDescription)")
            #expect(encoding.count(item.text) == item.tokens.count)
        }
    }

    @Test(.enabled(if: fullCL100k != nil, "cl100k_base is not in tiktoken's cache; run scripts/make-tiktoken-fixture.sh"))
    func matchesTiktokenOnTheFixtureWithTheFullFile() throws {
        let encoding = try #require(fullCL100k)
        #expect(encoding.vocabularySize == 100_256)
        for item in try TiktokenParityFixture.load().cases {
            #expect(encoding.encode(item.text) == item.tokens, "\(item.text.debugDescription)")
        }
    }

    @Test func decodingTheTokensGivesTheTextBack() throws {
        let encoding = try subsetEncoding()
        for item in try TiktokenParityFixture.load().cases {
            #expect(encoding.decodeBytes(item.tokens) == Array(item.text.utf8))
        }
    }

    @Test func truncateKeepsAPrefixWithinTheLimit() throws {
        let encoding = try subsetEncoding()
        for item in try TiktokenParityFixture.load().cases where item.tokens.count > 3 {
            for limit in [1, 2, item.tokens.count / 2, item.tokens.count - 1] {
                let cut = encoding.truncate(item.text, maxTokens: limit)
                #expect(item.text.hasPrefix(cut) || item.text.utf8.starts(with: cut.utf8))
                #expect(encoding.count(cut) <= limit, "\(item.text.debugDescription) cut to \(limit)")
            }
            #expect(encoding.truncate(item.text, maxTokens: item.tokens.count) == item.text)
        }
    }

    @Test func truncateNeverSplitsACharacter() throws {
        let encoding = try subsetEncoding()
        let text = "emoji 😀🚀 family 👨‍👩‍👧"
        for limit in 0...encoding.count(text) {
            let cut = encoding.truncate(text, maxTokens: limit)
            #expect(!cut.unicodeScalars.contains("\u{FFFD}"))
            #expect(text.unicodeScalars.starts(with: cut.unicodeScalars))
        }
    }

    @Test func preTokenizerSplitsLikeTheCl100kPattern() {
        func pieces(_ text: String) -> [String] {
            let bytes = Array(text.utf8)
            return TiktokenPreTokenizer.pieces(of: text).map { String(decoding: bytes[$0], as: UTF8.self) }
        }
        #expect(pieces("I'm here, it'S 12345!") == ["I", "'m", " here", ",", " it", "'S", " ", "123", "45", "!"])
        #expect(pieces("a  b\r\n\r\n  c") == ["a", " ", " b", "\r\n\r\n", " ", " c"])
        #expect(pieces("x\n   ") == ["x", "\n   "])
        #expect(pieces("f(x) -> y;\n") == ["f", "(x", ")", " ->", " y", ";\n"])
        #expect(pieces("") == [])
    }

    @Test func byteBoundNeverUndercountsAndCutsOnCharacters() throws {
        let bound = UTF8ByteTokenBound()
        for item in try TiktokenParityFixture.load().cases {
            #expect(bound.count(item.text) >= item.tokens.count)
        }
        let text = "né😀x"  // 1 + 2 + 4 + 1 bytes
        #expect(bound.truncate(text, maxTokens: 4) == "né")
        #expect(bound.truncate(text, maxTokens: 6) == "né")
        #expect(bound.truncate(text, maxTokens: 7) == "né😀")
        #expect(bound.truncate(text, maxTokens: 100) == text)
    }

    @Test func theCacheKeyIsTheSHA1OfTheDownloadURL() throws {
        // Python's hashlib as the oracle: the key is a constant, not computed at run time.
        let output = try TemporaryRepository.run("/usr/bin/env", [
            "python3", "-c", "import hashlib, sys; print(hashlib.sha1(sys.argv[1].encode()).hexdigest())",
            TiktokenEncoding.cl100kBaseURL,
        ], in: FileManager.default.temporaryDirectory.path)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == TiktokenEncoding.cl100kBaseCacheKey)
    }

    @Test func findsTheFileWhereTiktokenCachesIt() {
        let name = TiktokenEncoding.cl100kBaseCacheKey
        #expect(TiktokenEncoding.cl100kBaseCachePaths(environment: [:]) == ["/tmp/data-gym-cache/\(name)"])
        #expect(TiktokenEncoding.cl100kBaseCachePaths(environment: ["TMPDIR": "/t"]) == ["/t/data-gym-cache/\(name)"])
        #expect(TiktokenEncoding.cl100kBaseCachePaths(environment: ["DATA_GYM_CACHE_DIR": "/d", "TMPDIR": "/t"])
            == ["/d/\(name)"])
        #expect(TiktokenEncoding.cl100kBaseCachePaths(
            environment: ["TIKTOKEN_CACHE_DIR": "/k", "DATA_GYM_CACHE_DIR": "/d"]) == ["/k/\(name)"])
        #expect(TiktokenEncoding.cl100kBaseCachePaths(environment: ["TIKTOKEN_CACHE_DIR": ""]) == [])
    }

    @Test func refusesAFileThatIsNotCl100kBase() throws {
        let subset = try openAIFixtureURL("cl100k_subset.tiktoken").path
        #expect(throws: OpenAIError.self) { try TiktokenEncoding.cl100kBase(path: subset) }
        #expect(throws: OpenAIError.self) { try TiktokenEncoding.cl100kBase(path: "/nonexistent/cl100k") }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("codesearch-\(UUID())")
        #expect(try TiktokenEncoding.cl100kBase(environment: ["TIKTOKEN_CACHE_DIR": empty.path]) == nil)
        #expect(throws: OpenAIError.self) { try TiktokenEncoding(rankFile: Data("IQ== 0\nnot a line\n".utf8)) }
    }
}
