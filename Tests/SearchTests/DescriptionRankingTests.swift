import Foundation
import Testing
import Git
import Scanning
import IndexStorage
@testable import Search

/// The rules for a question that reads like one unit's documentation (round four of the
/// retrieval issue): raw-cosine fusion, names in the prose pointing elsewhere, a call the
/// question opens with, an adverb before the verb, and statistics among callables.
extension RankingStackTests {
    @Test func aDescriptionFusesTheRawCosineSoWordsSettleANearTie() {
        // Cosines 0.80 / 0.78 / 0.76: min-max makes the 0.02 gap half the scale.
        let pool = [candidate("a.py", "alpha", dense: 0.80, lexical: 5, row: 0),
                    candidate("b.py", "beta", dense: 0.78, lexical: 10, row: 1),
                    candidate("c.py", "gamma", dense: 0.76, lexical: 0, row: 2)]
        #expect(RankingStack(query: "value words", weights: plain).rank(pool, limit: 3).first?.function.span.name == "alpha")
        #expect(RankingStack(query: "Return the value", weights: plain).rank(pool, limit: 3).first?.function.span.name == "beta")
        var minMax = plain
        minMax.descriptionRawFusion = 0
        #expect(RankingStack(query: "Return the value", weights: minMax).rank(pool, limit: 3).first?.function.span.name == "alpha")
        // A unit still waiting for its vector takes its words' share of the cosine range.
        let waiting = [candidate("a.py", "alpha", dense: 0.80, lexical: 1, row: 0),
                       candidate("b.py", "beta", dense: 0.60, lexical: 1, row: 1),
                       candidate("c.py", "waiting", dense: nil, lexical: 10, row: 2)]
        #expect(RankingStack(query: "Return the value", weights: plain).rank(waiting, limit: 3).first?.function.span.name == "waiting")
    }

    @Test func aNameInsideADescriptionPointsElsewhere() {
        let pool = [candidate("locale.py", "format", dense: 0.70, lexical: 5, row: 0),
                    candidate("locale.py", "format_string", dense: 0.69, lexical: 5, row: 1, line: 20)]
        var w = plain
        w.definition = 3
        // "use format_string instead" documents `format`, not `format_string`.
        #expect(RankingStack(query: "Deprecated, use format_string instead.", weights: w).rank(pool, limit: 2)
            .first?.function.span.name == "format")
        // A topic naming it asks for it.
        #expect(RankingStack(query: "where is format_string used", weights: w).rank(pool, limit: 2)
            .first?.function.span.name == "format_string")
        // A description that opens by calling a name is about that name.
        let called = [candidate("pty.py", "master_open", dense: 0.72, lexical: 5, row: 0),
                      candidate("pty.py", "slave_open", dense: 0.70, lexical: 5, row: 1, line: 30)]
        #expect(RankingStack(query: "slave_open(tty_name) -> slave_fd Open the pty slave.", weights: w)
            .rank(called, limit: 2).first?.function.span.name == "slave_open")
    }

    @Test func theCallAQuestionOpensWithIsFoundByShape() {
        #expect(QueryAnalysis.openingCall("slave_open(tty_name) -> slave_fd Open the pty") == "slave_open")
        #expect(QueryAnalysis.openingCall("real_value, coded_value = value_encode(VALUE) Called prior") == "value_encode")
        #expect(QueryAnalysis.openingCall(">>> import io >>> read_uint1(io.BytesIO(b'x')) 255") == "read_uint1")
        #expect(QueryAnalysis.openingCall("os.path.getsize(path) -> int") == "getsize")
        #expect(QueryAnalysis.openingCall("Normally, loads a grammar by doing pkgutil.get_data(package)") == nil)
        #expect(QueryAnalysis.openingCall("See foo(x) for details") == nil)
        #expect(QueryAnalysis.openingCall("sum (of the values)") == nil)
        #expect(QueryAnalysis.openingCall("no parenthesis here") == nil)
        #expect(QueryAnalysis("getrandbits(k) -> x.").calledName == "getrandbits")
        #expect(QueryAnalysis("getrandbits").calledName == nil)
    }

    @Test func anAdverbBeforeTheVerbStillOpensADescription() {
        for text in ["Explicitly set the Counter's offset using a byte sequence", "lazily creates the pool",
                     "Recursively removes the directory"] {
            #expect(QueryAnalysis(text).isDescription, "\(text)")
        }
        for text in ["family photos album", "friendly error messages", "only"] {
            #expect(!QueryAnalysis(text).isDescription, "\(text)")
        }
    }

    @Test func generatedCodeIsARoleOfItsOwn() throws {
        #expect(PathPrior.role(of: "Reference/google/protobuf/any.pb.swift") == .generated)
        #expect(PathPrior.role(of: "api/v1/service.pb.go") == .generated)
        #expect(PathPrior.role(of: "proto/msg_pb2.py") == .generated)
        #expect(PathPrior.role(of: "vendor/github.com/x/y.go") == .vendored)
        #expect(PathPrior.isSecondary("proto/msg_pb2.py"))
        // Milder than vendored code: it is this repository's own code, only written by a tool.
        let w = RankingWeights.default
        #expect(w.priors[.generated]! > w.priors[.vendored]!)
        #expect(try RankingWeights.parse("generated=1").priors[.generated] == 1)
    }
}

@Suite struct CallableStatisticsTests {
    /// `zebra` in one function and in three type units.
    let files: [String: [String]] = [
        "src/a.py": ["def feed_zebra", "def groom_horse", "def walk_dog", "def brush_cat", "def pet_goat", "def ride_mule"],
        "src/b.py": ["class ZebraStore zebra", "class ZebraPen zebra", "class ZebraTag zebra", "def other_thing"],
    ]

    @Test func aRankingAmongCallablesCountsItsStatisticsAmongThem() async throws {
        let (index, dir) = try await buildIndex(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ranker = LexicalRanker(index: index)
        let live = index.liveFiles()
        let row = try #require(live.flatMap { Array($0.functions) }.first { index.function(at: $0).span.name == "def feed_zebra" })
        let all = ranker.scores(query: "zebra", files: live)
        let callables = ranker.scores(query: "zebra", files: live, callablesOnly: true)
        // Among callables `zebra` is in one of seven units, not four of ten: rarer, so worth more.
        #expect(callables[row] > all[row] && all[row] > 0)
    }

    @Test func aDescriptionsCandidatesHoldNoContainer() async throws {
        let (index, dir) = try await buildIndex(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ranker = HybridRanker(index: index)
        let topic = try ranker.rank(text: "zebra pens", query: nil, mode: .lexical, options: RankOptions(limit: 5))
        #expect(topic.contains { $0.function.span.kind == .class })
        let description = try ranker.rank(text: "Finds the zebra to feed.", query: nil, mode: .lexical, options: RankOptions(limit: 5))
        #expect(description.first?.function.span.name == "def feed_zebra")
        #expect(!description.contains { $0.function.span.kind == .class })
    }
}
