import Foundation
import Testing
@testable import Scanning

@Suite("Grammar registry")
struct GrammarRegistryTests {
    @Test func builtinsAreEmbeddedAndChosenByExtension() throws {
        #expect(registry.languages == ["go", "python", "swift"])
        #expect(registry.scanner(forPath: "a/b/c.py")?.grammar.name == "python")
        #expect(registry.scanner(forPath: "Sources/X.SWIFT")?.grammar.name == "swift")
        #expect(registry.scanner(forPath: "main.go")?.grammar.name == "go")
        #expect(registry.scanner(forPath: "README") == nil)
        #expect(registry.scanner(forPath: ".py") == nil)
        #expect(registry.scanner(language: "Python") != nil)
    }

    @Test func versionIsStableAndFollowsContent() throws {
        let again = try GrammarRegistry()
        #expect(again.version == registry.version)
        #expect(registry.version.hasPrefix("grammars-"))

        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("grammars-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A new language from a user folder: Lua-like, keyword `function`, `end`-less braces.
        let grammar = """
            {"name": "toy", "extensions": ["toy"], "block": "braces",
             "identifierStart": "", "identifierPart": "", "operatorCharacters": "+-=<>",
             "lineJoiningBrackets": "([", "lineComments": ["--"], "blockComments": [],
             "docComments": {"linePrefixes": ["---"], "blockOpens": [], "firstStatementString": false},
             "strings": [{"open": "\\"", "close": "\\"", "multiline": false, "escape": "\\\\"}],
             "definitions": [{"keyword": "function", "kind": "function", "name": "identifier"}],
             "types": [{"keyword": "module"}], "modifiers": ["local"],
             "keywordsIgnoredAfter": ["."],
             "header": {"bodyOpen": "{", "continuesAfter": [], "continuesBefore": []}}
            """
        try Data(grammar.utf8).write(to: folder.appendingPathComponent("toy.json"))
        let extended = try GrammarRegistry(folders: [folder.path])
        #expect(extended.version != registry.version)
        #expect(extended.languages == ["go", "python", "swift", "toy"])
        let toy = try #require(extended.scanner(forPath: "x.toy"))
        let found = toy.functions(in: Array("module M {\n  --- Doc.\n  local function f(a) {\n    \"}\"\n  }\n}\n".utf8))
        #expect(found.map(\.qualifiedName) == ["M.f"])
        #expect(found.first?.lastLine == 5)
        #expect(found.first?.docFirstLine == 2)
    }

    @Test func invalidGrammarIsAnErrorNamingTheFile() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("grammars-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("{\"name\": 3}".utf8).write(to: folder.appendingPathComponent("bad.json"))
        #expect(throws: ScanningError.self) { try GrammarRegistry(folders: [folder.path]) }
        #expect(throws: ScanningError.self) { try GrammarRegistry(folders: ["/nonexistent/grammars"]) }
    }
}

@Suite("Grammar registry, lazily compiled")
struct LazyGrammarRegistryTests {
    @Test func languagesByPathNeedNoCompiledGrammar() throws {
        let fresh = try GrammarRegistry()
        #expect(fresh.language(forPath: "pkg/mod.py") == "python")
        #expect(fresh.language(forPath: "A.Swift") == "swift")
        #expect(fresh.language(forPath: "notes.txt") == nil)
        // Copies share one cache: a scanner compiled through one is the other's too.
        let copy = fresh
        let scanner = try #require(copy.scanner(forPath: "x.py"))
        #expect(scanner.grammar == fresh.scanner(language: "python")?.grammar)
        // What the build wrote beside each grammar is what the grammar says.
        for language in fresh.languages {
            let grammar = try #require(fresh.scanner(language: language)).grammar
            #expect(grammar.name == language)
            for ext in grammar.extensions { #expect(fresh.language(forPath: "f." + ext) == language) }
        }
    }
}
