import ArgumentParser
@testable import CodesearchCLI
import Testing

/// `codesearch index` parses the flags hooks and scripts pass without ArgumentParser;
/// whatever it accepts must mean exactly what ArgumentParser makes of it, and anything
/// else must be left to ArgumentParser (which explains errors and prints help).
@Suite struct QuickIndexParseTests {
    static let accepted: [[String]] = [
        [], ["--quiet"], ["-q"], ["--if-idle"], ["--dry-run"], ["--if-idle", "--quiet"],
        ["--background"], ["--background", "--repo", "/r", "--index", "/r/.git/codesearch"],
        ["--repo", "/tmp/some repo"], ["--repo=/tmp/x", "-q"], ["--staged"], ["--staged", "--quiet", "--if-idle"],
        ["--rev", "HEAD~1"], ["--rev=main", "--index", "/tmp/i"], ["--index=/tmp/i", "--dry-run", "--repo", "r"],
        ["--repo", "a=b"], ["--rev", "v1.0"],
    ]

    static let declined: [[String]] = [
        ["--help"], ["-h"], ["--version"], ["--model", "m"], ["--provider", "openai"], ["--languages", "python"],
        ["--include", "*.py"], ["--max-file-size", "2m"], ["--grammars", "/g"], ["--quiet", "--quiet"], ["-q", "--quiet"],
        ["--staged", "--rev", "x"], ["--repo"], ["--repo", "--quiet"], ["--repo="], ["--rev", "-x"], ["extra"],
        ["--", "x"], ["-qq"], ["--verbose"], ["--quiet=yes"], ["--repo", "a", "--repo", "b"], ["-"],
    ]

    @Test(arguments: accepted)
    func agreesWithArgumentParser(_ arguments: [String]) throws {
        let quick = try #require(IndexRequest.quickParse(arguments[...]))
        let parsed = try #require(try IndexCommand.parseAsRoot(arguments) as? IndexCommand)
        #expect(quick == IndexRequest(parsed))
    }

    @Test(arguments: declined)
    func leavesEverythingElseToArgumentParser(_ arguments: [String]) {
        #expect(IndexRequest.quickParse(arguments[...]) == nil)
    }

    /// The flags ArgumentParser knows for `index` that the quick parser takes are the
    /// ones it names: a new flag added to the command is not silently taken as unknown.
    @Test func everyQuickFlagIsAnIndexFlag() throws {
        for flag in ["--quiet", "-q", "--if-idle", "--dry-run", "--staged", "--background"] {
            #expect(throws: Never.self) { try IndexCommand.parseAsRoot([flag]) }
        }
        for option in ["--repo", "--rev", "--index"] {
            #expect(throws: Never.self) { try IndexCommand.parseAsRoot([option, "x"]) }
        }
    }
}
