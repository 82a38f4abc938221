import Foundation
import TestSupport
import Testing

/// The two tiers of one index file (issue 14): past its embedding budget a run writes the
/// remaining units without vectors, searches rank them by words, and a later run fills
/// them in, embedding each exactly once and never taking a waiting row for a vector.
@Suite struct VectorTierTests: TinyModelSuite {
    let model: String

    init() throws {
        model = try IndexTestSupport.tinyModel()
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("net/upload.py", """
            def retry_upload(client, data, attempts):
                for _ in range(attempts):
                    if client.upload(data):
                        return True
                return False

            class Uploader:
                def push(self, blob):
                    return blob
            """ + "\n")
        try repo.write("text/words.py", "def count_words(text):\n    return len(text.split())\n")
        try repo.write("Sources/Color.swift", "struct Color {\n    var red: Double\n    func mixed(with other: Color) -> Color { self }\n}\n")
        try repo.commitAll()
        return repo
    }

    private func run(_ arguments: [String], in repo: TemporaryRepository,
                     budget: String? = nil) throws -> CodesearchBinary.Result {
        var environment = env
        if let budget { environment["CODESEARCH_EMBED_BUDGET"] = budget }
        return try CodesearchBinary.run(arguments, in: repo.path, environment: environment)
    }

    @Test func aBudgetOfZeroWritesTheLexicalTierAndALaterRunFillsItIn() throws {
        let repo = try makeRepository()
        let first = try run(["index"], in: repo, budget: "0")
        #expect(first.status == 0, "\(first.stderr)")
        let units = try #require(first.stdout.firstMatch(of: #/, (\d+) functions: /#).map { Int($0.1)! })
        #expect(first.stdout.contains("0 functions embedded, \(units) waiting for vectors"), "\(first.stdout)")

        let status = try run(["status"], in: repo)
        #expect(status.stdout.contains("vectors: fp16, 0% of \(units) units"), "\(status.stdout)")
        #expect(status.stdout.contains("some units wait for their vectors"))

        // Ranked by words meanwhile, and said so.
        let early = try run(["search", "--no-update", "--vimgrep", "retry upload attempts"], in: repo)
        #expect(early.status == 0, "\(early.stderr)")
        #expect(early.stdout.hasPrefix("net/upload.py:1:1:def retry_upload(client, data, attempts)"), "\(early.stdout)")
        #expect(early.stderr.contains("vectors for 0% of \(units) units; the rest ranked by words"))

        // The next run embeds every unit once (a waiting row is never reused as a vector).
        let fill = try run(["index"], in: repo)
        #expect(fill.stdout.contains("\(units) functions embedded"), "\(fill.stdout)")
        #expect(!fill.stdout.contains("reused") && !fill.stdout.contains("waiting"), "\(fill.stdout)")
        #expect(try run(["status"], in: repo).stdout.contains("state: current"))
        #expect(try run(["index"], in: repo).stdout.hasPrefix("index up to date"))

        // Filled in, the index ranks exactly as one built in a single run.
        let late = try run(["search", "--no-update", "--json", "retry upload attempts"], in: repo)
        #expect(!late.stderr.contains("vectors for"))
        let fresh = try makeRepository()
        _ = try run(["index"], in: fresh)
        let direct = try run(["search", "--no-update", "--json", "retry upload attempts"], in: fresh)
        #expect(late.stdout == direct.stdout)
    }

    @Test func aSearchWithABudgetAnswersAndLeavesTheRestWaiting() throws {
        let repo = try makeRepository()
        let search = try run(["search", "--vimgrep", "count the words of a text"], in: repo, budget: "0")
        #expect(search.status == 0, "\(search.stderr)")
        #expect(search.stdout.hasPrefix("text/words.py:1:1:def count_words(text)"), "\(search.stdout)")
        #expect(search.stderr.contains("vectors for 0% of"))
        // Without a budget the update embeds what waits, and the note goes.
        let again = try run(["search", "--vimgrep", "count the words of a text"], in: repo)
        #expect(!again.stderr.contains("vectors for"), "\(again.stderr)")
    }

    @Test func aBudgetThatIsNotANumberIsAClearError() throws {
        let repo = try makeRepository()
        for bad in ["abc", "-1", "nan"] {
            let result = try run(["index"], in: repo, budget: bad)
            #expect(result.status == 2)
            #expect(result.stderr.contains("codesearch: error: CODESEARCH_EMBED_BUDGET=\(bad): not a number of seconds (0 or more) or none"))
        }
    }

    private func run(_ arguments: [String], in repo: TemporaryRepository,
                     environment extra: [String: String]) throws -> CodesearchBinary.Result {
        try CodesearchBinary.run(arguments, in: repo.path, environment: env.merging(extra) { $1 })
    }

    private func fillerLog(_ repo: TemporaryRepository) -> String? {
        try? String(contentsOfFile: repo.path + "/.git/codesearch/filler.log", encoding: .utf8)
    }

    @Test func aSearchThatLeavesUnitsWaitingStartsAFillerThatCompletesTheIndex() throws {
        let repo = try makeRepository()
        let search = try run(["search", "--vimgrep", "count the words of a text"], in: repo,
                             environment: ["CODESEARCH_EMBED_BUDGET": "0", "CI": ""])
        #expect(search.status == 0, "\(search.stderr)")
        // The filler runs detached; wait (generously: a loaded machine) for it to finish.
        var log = ""
        for _ in 0..<600 where !log.contains("done") {
            Thread.sleep(forTimeInterval: 0.1)
            log = fillerLog(repo) ?? ""
        }
        #expect(log.contains("nice 19, io class idle"), "\(log)")
        #expect(log.contains("functions embedded") && log.contains("done"), "\(log)")
        let status = try run(["status"], in: repo)
        #expect(status.stdout.contains("state: current") && status.stdout.contains("vectors: fp16\n"), "\(status.stdout)")
    }

    @Test func similarOnAUnitWaitingForItsVectorSaysSoInsteadOfComparingZeros() throws {
        let repo = try makeRepository()
        #expect(try run(["index"], in: repo, budget: "0").status == 0)
        let waiting = try run(["similar", "--no-update", "text/words.py::count_words"], in: repo)
        #expect(waiting.status != 0 && waiting.stdout.isEmpty, "\(waiting.stdout)")
        #expect(waiting.stderr.contains("has no vector yet (vectors for 0% of"), "\(waiting.stderr)")
        // Once embedded, the same question is answered.
        #expect(try run(["index"], in: repo).status == 0)
        let filled = try run(["similar", "--no-update", "text/words.py::count_words"], in: repo)
        #expect(filled.status == 0 && !filled.stdout.isEmpty, "\(filled.stderr)")
    }

    @Test func noFillerStartsInCIWhenSwitchedOffOrWithoutAnUpdate() throws {
        // The search starts the filler before it exits, so a log that is absent when it has
        // exited means none was started.
        for extra in [["CI": "true"], ["CODESEARCH_BACKGROUND": "0"], ["CODESEARCH_BACKGROUND": "false"]] {
            let repo = try makeRepository()
            let search = try run(["search", "--vimgrep", "count words"], in: repo,
                                 environment: extra.merging(["CODESEARCH_EMBED_BUDGET": "0"]) { $1 })
            #expect(search.status == 0 && search.stderr.contains("vectors for 0%"), "\(search.stderr)")
            #expect(fillerLog(repo) == nil, "\(extra)")
        }
        // Switched off in the user's git config (`codesearch.background = false`).
        let home = NSTemporaryDirectory() + "codesearch-home-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "[codesearch]\n\tbackground = false\n".write(toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
        let configured = try makeRepository()
        let off = try run(["search", "--vimgrep", "count words"], in: configured,
                          environment: ["HOME": home, "CODESEARCH_EMBED_BUDGET": "0", "CI": ""])
        #expect(off.status == 0 && off.stderr.contains("vectors for 0%"), "\(off.stderr)")
        #expect(fillerLog(configured) == nil, "codesearch.background = false")
        let repo = try makeRepository()
        _ = try run(["index"], in: repo, budget: "0")
        let search = try run(["search", "--no-update", "count words"], in: repo, environment: ["CI": ""])
        #expect(search.status == 0)
        #expect(fillerLog(repo) == nil)
        // Nor for a search whose settings came as flags (the filler would index other files).
        let other = try makeRepository()
        let flagged = try run(["search", "--include", "*.py", "count words"], in: other,
                              environment: ["CODESEARCH_EMBED_BUDGET": "0", "CI": ""])
        #expect(flagged.status == 0, "\(flagged.stderr)")
        #expect(fillerLog(other) == nil)
    }
}

