import Foundation
import TestSupport
import Testing

/// `codesearch search`, run as a user runs it, with the installed default model
/// (scripts/install-model): output formats, filters, exit codes, colour and pipes.
@Suite struct SearchCommandTests {
    static let parser = """
        import functools
        import json

        @functools.lru_cache(maxsize=None)
        def parse_json(text):
            \"\"\"Parse a JSON document into Python objects.\"\"\"
            return json.loads(text)


        def retry_upload(client, data, attempts=3):
            for _ in range(attempts):
                if client.upload(data):
                    return True
            return False

        """

    static let geometry = """
        import Foundation

        struct Point { var x, y: Double }

        /// The straight-line distance between two points.
        @inlinable
        func distance(from a: Point, to b: Point) -> Double {
            ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
        }

        """

    static let words = """
        def reverse_words(sentence):
            return " ".join(reversed(sentence.split()))

        """

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("pkg/parser.py", Self.parser)
        try repo.write("Sources/Geometry.swift", Self.geometry)
        try repo.write("lib/words.py", Self.words)
        try repo.commitAll()
        return repo
    }

    private func search(_ arguments: [String], in repo: TemporaryRepository,
                        environment: [String: String] = [:]) throws -> CodesearchBinary.Result {
        try CodesearchBinary.run(["search"] + arguments, in: repo.path, environment: environment)
    }

    @Test func hitIsTheDefOrFuncLineNotTheDecoratorOrDocComment() throws {
        let repo = try makeRepository()
        let python = try search(["--vimgrep", "-n", "1", "parse a json string"], in: repo)
        #expect(python.stdout == "pkg/parser.py:5:1:def parse_json(text):\n")
        #expect(python.status == 0)
        // The file's module unit may rank first; the function's hit is its `func` line all the same.
        let swift = try search(["--vimgrep", "-n", "2", "euclidean distance between two points"], in: repo)
        #expect(swift.stdout.contains("Sources/Geometry.swift:7:1:func distance(from a: Point, to b: Point) -> Double\n"))
        #expect(!swift.stdout.contains("Geometry.swift:5:") && !swift.stdout.contains("Geometry.swift:6:"))
        // From a subdirectory, paths stay relative to the repository root.
        let nested = try CodesearchBinary.run(["search", "--vimgrep", "-n", "1", "retry a failed upload"],
                                              in: repo.path + "/lib")
        #expect(nested.stdout == "pkg/parser.py:10:1:def retry_upload(client, data, attempts=3):\n")
    }

    @Test func defaultOutputShowsPathLineNameScoreAndTheFirstLines() throws {
        let repo = try makeRepository()
        let result = try search(["-n", "1", "--context", "2", "retry a failed upload"], in: repo)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("pkg/parser.py:10: retry_upload  0.") == true, "\(result.stdout)")
        #expect(lines.dropFirst().joined(separator: "\n") == """
                def retry_upload(client, data, attempts=3):
                    for _ in range(attempts):

            """)
        #expect(result.stderr == "")  // the update before the search is silent
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(result.status == 0)
    }

    @Test func exitCodes() throws {
        let repo = try makeRepository()
        let none = try search(["--no-update", "parse json"], in: repo)
        #expect(none.status == 2)
        #expect(none.stdout == "")
        let indexPath = repo.root.resolvingSymlinksInPath().path + "/.git/codesearch/index"
        #expect(none.stderr == "codesearch: error: no index yet at \(indexPath); run `codesearch index` (or leave out --no-update)\n")

        let found = try search(["parse json"], in: repo)
        #expect(found.status == 0)
        let nothing = try search(["--min-score", "0.99", "parse json"], in: repo)
        #expect(nothing.status == 1)
        #expect(nothing.stdout == "")
        let bad = try search(["-n", "0", "parse json"], in: repo)
        #expect(bad.status == 2)
        #expect(bad.stdout == "")
        let outside = try CodesearchBinary.run(["search", "parse json"], in: FileManager.default.temporaryDirectory.path)
        #expect(outside.status == 2)
        #expect(outside.stderr.hasPrefix("codesearch: error: "))
    }

    @Test func jsonLinesEveryLineParsesWithTypeAndVersion() throws {
        let repo = try makeRepository()
        let result = try search(["--json", "json parsing"], in: repo)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // A topic (a description would ask for functions only): eight units (three modules, a
        // struct, four functions), one result per path:line (a module whose first code line
        // is a function's gives way to it), and the summary.
        #expect(lines.count == 8)
        var types: [String] = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["version"] as? Int == 1)
            types.append(object?["type"] as? String ?? "")
            #expect(object?["data"] is [String: Any])
        }
        #expect(types == Array(repeating: "hit", count: 7) + ["summary"])
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        let data = first?["data"] as? [String: Any]
        #expect(data?["path"] as? String == "pkg/parser.py")
        #expect(data?["line"] as? Int == 5)
        #expect(data?["qualifiedName"] as? String == "parse_json")
        #expect(data?["language"] as? String == "python")
        #expect(data?["rank"] as? Int == 1)
        let summary = try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any]
        #expect((summary?["data"] as? [String: Any])?["hits"] as? Int == 7)
    }

    @Test func languageAndPathFilters() throws {
        let repo = try makeRepository()
        let swift = try search(["--vimgrep", "--lang", "swift", "json parsing"], in: repo)
        // Every unit of the file: its module (at its first code line), the struct, the function.
        #expect(swift.stdout.split(separator: "\n").sorted() == [
            "Sources/Geometry.swift:1:1:import Foundation", "Sources/Geometry.swift:3:1:struct Point",
            "Sources/Geometry.swift:7:1:func distance(from a: Point, to b: Point) -> Double"])
        let lib = try search(["--vimgrep", "--path", "lib/**", "json parsing"], in: repo)
        // The module unit starts on the function's line: one result per path:line.
        #expect(lib.stdout == "lib/words.py:1:1:def reverse_words(sentence):\n")
        let noMatch = try search(["--path", "nowhere/**", "parse json"], in: repo)
        #expect(noMatch.status == 1)
        #expect(noMatch.stdout == "")
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let repo = try makeRepository()
        let piped = try search(["-n", "1", "parse json"], in: repo, environment: ["NO_COLOR": ""])
        #expect(!piped.stdout.contains("\u{1B}["))
        let always = try search(["-n", "1", "--color", "always", "parse json"], in: repo, environment: ["NO_COLOR": "1"])
        #expect(always.stdout.hasPrefix("\u{1B}[35mpkg/parser.py\u{1B}[0m:\u{1B}[32m5\u{1B}[0m: \u{1B}[1mparse_json\u{1B}[0m"))
        let never = try search(["-n", "1", "--color", "never", "parse json"], in: repo)
        #expect(!never.stdout.contains("\u{1B}["))
        // JSON and vimgrep are never coloured.
        let vimgrep = try search(["-n", "1", "--vimgrep", "--color", "always", "parse json"], in: repo)
        #expect(!vimgrep.stdout.contains("\u{1B}["))
    }

    /// What `CodesearchBinary.run` gives the binary, for running it through a shell.
    static var binaryEnvironment: [String: String] {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        return ["HOME": CodesearchBinary.isolatedHome, "XDG_CONFIG_HOME": CodesearchBinary.isolatedHome + "/.config",
                "XDG_CACHE_HOME": ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? home + "/.cache",
                "NO_COLOR": "1", "CODESEARCH_EMBED_BUDGET": "none"]
    }

    @Test func closedPipeExitsQuietly() throws {
        let repo = try makeRepository()
        _ = try search(["parse json"], in: repo)
        let binary = CodesearchBinary.path
        // `true` closes the pipe before the first write; `head -1` after the first line.
        let script = """
            "\(binary)" search parse json | true; echo "true:${PIPESTATUS[0]}" >&2
            "\(binary)" search -n 10 --context 50 parse json | head -1; echo "head:${PIPESTATUS[0]}" >&2
            """
        let result = try TemporaryRepository.runCapturing("/bin/bash", ["-c", script], in: repo.path,
                                                          environment: Self.binaryEnvironment)
        #expect(result.stderr == "true:0\nhead:0\n")
        #expect(result.stdout.hasPrefix("pkg/parser.py:5: parse_json  0."))
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    /// Issue 12 item 9: a file saved with lone CR line ends (classic Mac) gets the lines
    /// Python counts, in the hit and in its snippet.
    @Test func loneCarriageReturnsCountAsLineEnds() throws {
        let repo = try TemporaryRepository()
        try repo.write("legacy/mac.py", [
            "import json", "", "# An old file.", "def retry_upload(client, data, attempts=3):",
            "    for _ in range(attempts):", "        if client.upload(data):", "            return True",
            "    return False", "",
        ].joined(separator: "\r"))
        try repo.commitAll()
        let hit = try search(["--vimgrep", "-n", "1", "retry a failed upload"], in: repo)
        #expect(hit.stdout == "legacy/mac.py:4:1:def retry_upload(client, data, attempts=3):\n")
        let shown = try search(["-n", "1", "--context", "2", "retry a failed upload"], in: repo)
        let lines = shown.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("legacy/mac.py:4: retry_upload  0.") == true, "\(shown.stdout)")
        #expect(lines.dropFirst().joined(separator: "\n") == """
                def retry_upload(client, data, attempts=3):
                    for _ in range(attempts):

            """)
    }
}
