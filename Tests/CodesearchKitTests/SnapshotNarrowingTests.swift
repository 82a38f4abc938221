@testable import CodesearchKit
import Foundation
import Git
import Scanning
import TestSupport
import Testing

/// The candidate filter a workspace hands to its repository's snapshots.
@Suite struct SnapshotNarrowingTests {
    /// `GrammarRegistry.language(forPath:)` (a packed table for short ASCII extensions, a
    /// dictionary for the rest) answers as the compiled grammars' extension lists say.
    @Test func languageByPathAgreesWithTheGrammars() throws {
        let grammars = try GrammarRegistry()
        var claimedBy: [String: String] = [:]
        for language in grammars.languages {
            for ext in try #require(grammars.scanner(language: language)).grammar.extensions {
                claimedBy[ext.lowercased()] = language
            }
        }
        let claimed = Array(claimedBy.keys)
        var extensions = claimed
        extensions += extensions.map { $0.uppercased() } + extensions.map { $0.prefix(1).uppercased() + $0.dropFirst() }
        extensions += ["", "c", "txt", "pyc", "swiftinterface", "gö", "ṕy", "PY\u{301}", "averyverylongextension", "Py "]
        let stems = ["a", "dir/a", ".", "dir/.", "a.b", "x.y/a", "ü/ß", "with space/n"]
        var paths = ["", "noext", "dir/noext", ".py", "dir/.py", "a.py/b", "a.py/", "dir.go/x.swift", "a..py"]
        for stem in stems { for ext in extensions { paths.append(stem + "." + ext) } }
        func expected(_ path: String) -> String? {
            let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
            let ext = String(name[name.index(after: dot)...])
            return claimedBy[ext] ?? claimedBy[ext.lowercased()]
        }
        for path in paths {
            #expect(grammars.language(forPath: path) == expected(path), "\(path)")
        }
        #expect(Set(grammars.extensions.keys) == Set(claimed))
    }

    /// Only files with a grammar that the settings admit are snapshotted, whatever their state.
    @Test func workspaceSnapshotsOnlyAdmittedFiles() throws {
        let repo = try TemporaryRepository()
        try repo.write("src/a.py", "def a(): pass\n")
        try repo.write("src/b.swift", "func b() {}\n")
        try repo.write("vendor/c.py", "def c(): pass\n")
        try repo.write("README.md", "# r\n")
        try repo.commitAll()
        try repo.write("src/new.go", "package src\n")
        try repo.write("vendor/new.py", "def n(): pass\n")
        try repo.write("notes.txt", "n\n")

        let all = try Workspace.open(path: repo.path, environment: [:])
        #expect(try all.snapshot(.workingTree).entries.map(\.path) == ["src/a.py", "src/b.swift", "src/new.go", "vendor/c.py", "vendor/new.py"])
        let narrowed = try Workspace.open(path: repo.path, flags: [("exclude", "vendor/**"), ("languages", "python,go")],
                                          environment: [:])
        for kind in [SnapshotKind.workingTree, .staged, .revision("HEAD")] {
            let paths = try narrowed.snapshot(kind).entries.map(\.path)
            #expect(paths == (kind == .workingTree ? ["src/a.py", "src/new.go"] : ["src/a.py"]), "\(kind)")
        }
    }
}
