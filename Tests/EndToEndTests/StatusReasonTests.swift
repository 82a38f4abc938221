import Foundation
import TestSupport
import Testing

/// `codesearch status` names the real reason an index is stale: settings that narrow the
/// index, another revision, or a bare repository's moved HEAD are not "the working tree
/// has changed" (issue 12, item 15). A tiny generated model keeps each run fast.
@Suite struct StatusReasonTests: TinyModelSuite {
    let model: String

    init() throws {
        model = try IndexTestSupport.tinyModel()
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("store.py", "def load(path):\n    return open(path).read()\n")
        try repo.write("Sources/Clamp.swift", "func clamp(_ x: Int) -> Int { max(0, x) }\n")
        try repo.commitAll()
        return repo
    }

    private func state(_ arguments: [String], in path: String) throws -> String {
        let result = try CodesearchBinary.run(["status"] + arguments, in: path, environment: env)
        #expect(result.status == 0, "status failed: \(result.stderr)")
        return result.stdout.split(separator: "\n").first { $0.hasPrefix("state: ") }.map(String.init) ?? result.stdout
    }

    @Test func anotherFileSelectionIsNamedAsSuch() throws {
        let repo = try makeRepository()
        let indexed = try CodesearchBinary.run(["index", "--languages", "python"], in: repo.path, environment: env)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(try state(["--languages", "python"], in: repo.path) == "state: current")
        let other = try state([], in: repo.path)
        #expect(other == "state: stale (the index was made with other --include/--exclude/--languages/--max-file-size "
                + "settings (languages python in the index, all now); run `codesearch index`)")
        let excluded = try state(["--languages", "python", "--exclude", "store.py"], in: repo.path)
        #expect(excluded.contains("exclude none in the index, store.py now"))
        // A real change is still called one.
        try repo.write("more.py", "def more():\n    pass\n")
        #expect(try state(["--languages", "python"], in: repo.path)
                == "state: stale (the working tree has changed; run `codesearch index`)")
    }

    @Test func anIndexedRevisionIsNamed() throws {
        let repo = try makeRepository()
        let indexed = try CodesearchBinary.run(["index", "--rev", "main"], in: repo.path, environment: env)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(try state([], in: repo.path)
                == "state: stale (the index holds revision main (index --rev), not the working tree; run `codesearch index`)")
    }

    @Test func aBareRepositorysMovedHeadIsNamed() throws {
        let work = try makeRepository()
        let bare = try TemporaryRepository(bare: true)
        try work.git(["push", "-q", bare.path, "main"])
        let indexed = try CodesearchBinary.run(["index"], in: bare.path, environment: env)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(try state([], in: bare.path) == "state: current")

        try work.write("more.py", "def more():\n    pass\n")
        try work.commitAll("more")
        try work.git(["push", "-q", bare.path, "main"])
        let moved = try state([], in: bare.path)
        #expect(moved.contains("HEAD has moved since the index was made"))
        #expect(!moved.contains("working tree has changed"))
    }

    @Test func helpSaysWhichOptionsNarrowTheIndexAndWhichFilterResults() throws {
        func help(_ command: String) throws -> String {
            let result = try CodesearchBinary.run([command, "--help"], in: NSTemporaryDirectory(), environment: env)
            return result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // unwrapped
        }
        #expect(try help("status").contains("search's --path and --lang only filter results"))
        let search = try help("search")
        #expect(search.contains("Index only these languages, comma-separated (e.g. python,swift). Narrows the index itself"))
        #expect(search.contains("Only results in this language (repeatable); the index is not narrowed"))
    }
}
