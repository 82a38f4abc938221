import Testing
import Index

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
