import Testing
import Git
import IndexStorage
import Scanning
@testable import Search

/// Each rule of the ranking stack, on a hand-made pool: what it must do alone.
@Suite struct RankingStackTests {
    /// A candidate named `name` in `path` with the given cosine and BM25.
    func candidate(_ path: String, _ name: String, dense: Float?, lexical: Float, row: Int,
                   qualified: String? = nil, kind: FunctionSpan.Kind = .function, line: Int? = nil) -> RankCandidate {
        let line = line ?? row + 1
        let span = FunctionSpan(name: name, qualifiedName: qualified ?? name, kind: kind, firstLine: line,
                                declarationLine: line, declarationColumn: 1, lastLine: line + 1, signature: "def \(name)()",
                                docFirstLine: nil, docLastLine: nil, byteStart: 0, byteEnd: 10)
        let record = FunctionRecord(blobID: blobID(Array(path.utf8)), language: "python", span: span, textHash: UInt64(row))
        return RankCandidate(hit: SearchHit(path: path, function: record, score: 0, row: row), dense: dense, lexical: lexical)
    }

    /// No rule but fusion.
    var plain: RankingWeights {
        var w = RankingWeights()
        w.definition = 0; w.path = 0; w.coherence = 0; w.diversityDecay = 1
        for role in PathRole.allCases { w.priors[role] = 1 }
        return w
    }

    @Test func questionsAreClassifiedByShape() {
        for symbol in ["HTTPAdapter", "field_validator", "Session.send", "Sinatra::Base", "_private", "URL"] {
            #expect(QueryAnalysis(symbol).kind == .symbol, "\(symbol)")
        }
        for words in ["session", "retry failed uploads", "how does SessionManager retry"] {
            #expect(QueryAnalysis(words).kind == .language, "\(words)")
        }
        #expect(QueryAnalysis("how does SessionManager retry a read_timeout").names == ["SessionManager", "read_timeout"])
        #expect(QueryAnalysis("Session.send").names == ["Session.send", "send"])
        #expect(QueryAnalysis("where are the tests for parsing").asksForSecondaryCode)
        #expect(!QueryAnalysis("parse the header").asksForSecondaryCode)
        #expect(QueryAnalysis("HTTP exception types").pathWords == ["exception", "http", "types"])
    }

    @Test func fusionWeighsTheHalvesByTheQuestionsKind() {
        let pool = [candidate("a.py", "alpha", dense: 0.9, lexical: 1, row: 0),
                    candidate("b.py", "beta", dense: 0.5, lexical: 10, row: 1)]
        var w = plain
        w.alphaLanguage = 0.9
        #expect(RankingStack(query: "some words", weights: w).rank(pool, limit: 2).first?.path == "a.py")
        w.alphaLanguage = 0.1
        #expect(RankingStack(query: "some words", weights: w).rank(pool, limit: 2).first?.path == "b.py")
    }

    @Test func anExactDefinitionComesFirst() {
        let pool = [candidate("src/client.py", "send_all", dense: 0.8, lexical: 9, row: 0),
                    candidate("src/session.py", "send", dense: 0.5, lexical: 2, row: 1, qualified: "Session.send")]
        #expect(RankingStack(query: "Session.send", weights: plain).rank(pool, limit: 2).first?.path == "src/client.py")
        var w = plain
        w.definition = 3
        #expect(RankingStack(query: "Session.send", weights: w).rank(pool, limit: 2).first?.path == "src/session.py")
        // Inside a sentence, a compound identifier names a definition too.
        let named = [candidate("a.py", "other", dense: 0.8, lexical: 5, row: 0),
                     candidate("b.py", "read_timeout", dense: 0.6, lexical: 4, row: 1)]
        #expect(RankingStack(query: "where is read_timeout handled", weights: w).rank(named, limit: 2).first?.path == "b.py")
    }

    @Test func questionWordsInTheFileNameLiftItsUnits() {
        // A weak third candidate sets the bottom of the min-max normalisation.
        let pool = [candidate("aiohttp/client.py", "raise_for_status", dense: 0.7, lexical: 5, row: 0),
                    candidate("aiohttp/web_exceptions.py", "HTTPNotFound", dense: 0.68, lexical: 4.8, row: 1),
                    candidate("aiohttp/helpers.py", "noise", dense: 0.3, lexical: 0.5, row: 2)]
        #expect(RankingStack(query: "HTTP exception types", weights: plain).rank(pool, limit: 2).first?.path == "aiohttp/client.py")
        var w = plain
        w.path = 1
        #expect(RankingStack(query: "HTTP exception types", weights: w).rank(pool, limit: 2).first?.path == "aiohttp/web_exceptions.py")
        #expect(PathWords.sameWord("dependencies", "dependency") && PathWords.sameWord("middlewares", "middleware"))
        #expect(!PathWords.sameWord("set", "settings") && !PathWords.sameWord("read", "thread"))
    }

    @Test func aFileWithManyMatchesLiftsItsBestUnit() {
        var pool = [candidate("one.py", "single", dense: 0.62, lexical: 5, row: 0),
                    candidate("weak.py", "noise", dense: 0.3, lexical: 0.5, row: 9)]
        for i in 1...5 { pool.append(candidate("many.py", "part\(i)", dense: 0.6, lexical: 4.8, row: i)) }
        #expect(RankingStack(query: "some words", weights: plain).rank(pool, limit: 1).first?.path == "one.py")
        var w = plain
        w.coherence = 0.2
        #expect(RankingStack(query: "some words", weights: w).rank(pool, limit: 1).first?.path == "many.py")
    }

    @Test func testsStepBackUnlessAskedFor() {
        let pool = [candidate("tests/test_parser.py", "test_parse", dense: 0.8, lexical: 6, row: 0),
                    candidate("parser/core_test.go", "TestParse", dense: 0.79, lexical: 6, row: 1),
                    candidate("src/parser.py", "parse", dense: 0.7, lexical: 5, row: 2)]
        var w = plain
        w.priors[.test] = 0.3
        #expect(RankingStack(query: "parse the input", weights: w).rank(pool, limit: 3).first?.path == "src/parser.py")
        #expect(RankingStack(query: "tests of parsing", weights: w).rank(pool, limit: 3).first?.path == "tests/test_parser.py")
        #expect(PathPrior.role(of: "_examples/basic/main.go") == .example && PathPrior.role(of: "docs/conf.py") == .docs)
        #expect(PathPrior.role(of: "Sources/App/Latest.swift") == nil && PathPrior.role(of: "gin_test.go") == .test)
    }

    @Test func aFilesLaterUnitsDecaySoMoreFilesShow() {
        var pool: [RankCandidate] = []
        for i in 0..<4 { pool.append(candidate("big.py", "f\(i)", dense: 0.9 - Float(i) * 0.01, lexical: 5, row: i)) }
        pool.append(candidate("other.py", "g", dense: 0.88, lexical: 5, row: 9))
        #expect(RankingStack(query: "words", weights: plain).rank(pool, limit: 3).map(\.path) == ["big.py", "big.py", "big.py"])
        var w = plain
        w.diversityDecay = 0.5
        w.diversityFree = 1
        #expect(RankingStack(query: "words", weights: w).rank(pool, limit: 3).map(\.path) == ["big.py", "other.py", "big.py"])
    }

    @Test func theBestHitCarriesTheBestCosineSoMinScoreMeansTheSame() {
        let pool = [candidate("a.py", "a", dense: 0.42, lexical: 3, row: 0),
                    candidate("b.py", "b", dense: 0.30, lexical: 1, row: 1)]
        let hits = RankingStack(query: "words", weights: plain).rank(pool, limit: 2)
        #expect(abs(hits[0].score - 0.42) < 1e-6 && hits[1].score < hits[0].score)
        #expect(RankingStack(query: "words", weights: plain).rank(pool, limit: 2, minScore: 0.5).isEmpty)
        let lexicalOnly = pool.map { RankCandidate(hit: $0.hit, dense: nil, lexical: $0.lexical) }
        #expect(RankingStack(query: "words", weights: plain).rank(lexicalOnly, limit: 2).first?.score == 1)
    }

    @Test func oneResultPerLine() {
        // A module unit starting on a function's line: the better of the two stays.
        let pool = [candidate("a.py", "<module>", dense: 0.5, lexical: 1, row: 0, kind: .module, line: 1),
                    candidate("a.py", "alpha", dense: 0.6, lexical: 1, row: 1, line: 1),
                    candidate("b.py", "beta", dense: 0.4, lexical: 1, row: 2, line: 1)]
        let hits = RankingStack(query: "words", weights: plain).rank(pool, limit: 3)
        #expect(hits.map(\.function.span.name) == ["alpha", "beta"])
        // A module unit these weights set aside (a description) never hides the function at its line.
        var ahead = pool
        ahead[0].dense = 0.7
        #expect(RankingStack(query: "words", weights: plain).rank(ahead, limit: 3).map(\.function.span.name) == ["<module>", "beta"])
        #expect(RankingStack(query: "Return the alpha value", weights: plain).rank(ahead, limit: 3)
            .map(\.function.span.name) == ["alpha", "beta"])
    }

    @Test func weightsParseAndRejectNonsense() throws {
        let w = try RankingWeights.parse("definition=2, test=0.5,alphaLanguage=0.7")
        #expect(w.definition == 2 && w.priors[.test] == 0.5 && w.alphaLanguage == 0.7)
        #expect(throws: RankingWeightsError.unknownName("bogus")) { try RankingWeights.parse("bogus=1") }
        #expect(throws: RankingWeightsError.badPair("test=-1")) { try RankingWeights.parse("test=-1") }
        #expect(throws: RankingWeightsError.badPair("path")) { try RankingWeights.parse("path") }
    }

    @Test func questionsThatReadLikeDocumentationAreDescriptions() {
        for text in ["Return the size of a file", "parses the header and retries", "Creates a new buffer",
                     "The count of words a hash table of this scale needs.", "copies the bytes"] {
            #expect(QueryAnalysis(text).isDescription, "\(text)")
        }
        for text in ["multipart form and file upload handling", "how are routes registered?", "request throttling",
                     "generating model cards for publication", "distill", "HTTPAdapter", "format of the log",
                     "where do we retry failed uploads", "the retry policy"] {
            #expect(!QueryAnalysis(text).isDescription, "\(text)")
        }
        #expect(ActionVerbs.contains("returns") && ActionVerbs.contains("copies") && ActionVerbs.contains("pushes"))
        #expect(!ActionVerbs.contains("requests") && !ActionVerbs.contains("returning"))
    }

    @Test func aContainerStepsBackForItsOwnUnitThatMatchesNearlyAsWell() {
        let type = candidate("a.py", "Runner", dense: 0.8, lexical: 5, row: 0, kind: .class, line: 1)
        func member(_ dense: Float) -> RankCandidate {
            var c = candidate("a.py", "run", dense: dense, lexical: 4.5, row: 1, qualified: "Runner.run", kind: .method, line: 1)
            c.hit.function.span.firstLine = 3; c.hit.function.span.declarationLine = 3; c.hit.function.span.lastLine = 4
            return c
        }
        var typeSpan = type
        typeSpan.hit.function.span.lastLine = 20
        let other = candidate("b.py", "noise", dense: 0.3, lexical: 0.5, row: 2)
        var w = plain
        w.stepBack = 0
        #expect(RankingStack(query: "some words", weights: w).rank([typeSpan, member(0.75), other], limit: 3)
            .map(\.function.span.name) == ["Runner", "run", "noise"])
        w.stepBack = 0.8
        #expect(RankingStack(query: "some words", weights: w).rank([typeSpan, member(0.75), other], limit: 3)
            .map(\.function.span.name) == ["run", "Runner", "noise"])
        // A member that matches much worse leaves the container where it was.
        #expect(RankingStack(query: "some words", weights: w).rank([typeSpan, member(0.35), other], limit: 3)
            .first?.function.span.name == "Runner")
    }

    @Test func aDescriptionAsksForOneUnitNotItsFile() {
        var module = candidate("a.py", "<module>", dense: 0.95, lexical: 9, row: 0, kind: .module, line: 1)
        module.hit.function.span.lastLine = 100
        let pool = [module,
                    candidate("a.py", "first", dense: 0.9, lexical: 6, row: 1, line: 10),
                    candidate("a.py", "second", dense: 0.88, lexical: 6, row: 2, line: 20),
                    candidate("b.py", "elsewhere", dense: 0.6, lexical: 3, row: 3, line: 1),
                    candidate("c.py", "noise", dense: 0.2, lexical: 0.5, row: 4, line: 1)]
        var w = plain
        w.diversityDecay = 0.5
        // A topic: the file's later units decay, so another file shows second.
        #expect(RankingStack(query: "first second handling", weights: w).rank(pool, limit: 3).map(\.path)
            == ["a.py", "b.py", "a.py"])
        // A description: the file's own units, no module unit, no decay.
        #expect(RankingStack(query: "Return the second value", weights: w).rank(pool, limit: 2)
            .map(\.function.span.name) == ["first", "second"])
    }

    @Test func aFunctionDefinedInInitPyIsRealCode() {
        var module = candidate("pkg/__init__.py", "<module>", dense: 0.85, lexical: 6, row: 0, kind: .module, line: 1)
        module.hit.function.span.lastLine = 40
        let pool = [module,
                    candidate("pkg/__init__.py", "dumps", dense: 0.8, lexical: 6, row: 1, line: 10),
                    candidate("pkg/encoder.py", "encode", dense: 0.75, lexical: 6, row: 2, line: 1),
                    candidate("pkg/other.py", "noise", dense: 0.2, lexical: 0.5, row: 3, line: 1)]
        var w = plain
        w.priors[.reexport] = 0.5
        w.stepBack = 0
        let names = RankingStack(query: "text serialization", weights: w).rank(pool, limit: 3).map(\.function.span.name)
        #expect(names == ["dumps", "encode", "<module>"])
    }

    @Test func aUnitWaitingForItsVectorIsRankedByItsWordsNotBuried() {
        // Units with cosines, and one without (its vector not embedded yet) whose words match best.
        let pool = [candidate("a.py", "alpha", dense: 0.6, lexical: 2, row: 0),
                    candidate("b.py", "beta", dense: 0.5, lexical: 1, row: 1),
                    candidate("c.py", "waiting", dense: nil, lexical: 9, row: 2),
                    candidate("d.py", "noise", dense: 0.1, lexical: 0.5, row: 3)]
        let hits = RankingStack(query: "some words", weights: plain).rank(pool, limit: 4)
        #expect(hits.first?.function.span.name == "waiting")
        // A waiting unit that matches no word stays below those that match.
        let weak = [candidate("a.py", "alpha", dense: 0.6, lexical: 2, row: 0),
                    candidate("c.py", "waiting", dense: nil, lexical: 0, row: 2)]
        #expect(RankingStack(query: "some words", weights: plain).rank(weak, limit: 2).last?.function.span.name == "waiting")
    }
}

