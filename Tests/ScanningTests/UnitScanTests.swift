import Testing
@testable import Scanning

/// Type and module units (the grammars' `types` with a `kind` or `bodyKinds`, and
/// one module unit per file). The functions of these samples are checked elsewhere.
@Suite("Type and module units")
struct UnitScanTests {
    func units(_ language: String, _ source: String) -> [FunctionSpan] {
        let found = scanner(language).units(in: Array(source.utf8))
        checkWellFormed(found, bytes: Array(source.utf8))
        return found
    }

    /// Marked like `expectFunctions`, but over the non-callable units.
    func expectTypes(_ language: String, _ marked: String, _ names: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let sample = MarkedSample(marked)
        let found = units(language, sample.source).filter { $0.kind.isType }
        #expect(found.map { "\($0.qualifiedName) \($0.firstLine)-\($0.lastLine)" }
                == zip(names, sample.expected).map { "\($0) \($1.0)-\($1.1)" }, sourceLocation: sourceLocation)
    }

    @Test func pythonClassesWithDecoratorsDocstringsAndNesting() throws {
        expectTypes("python", """
            import dataclasses

            ⟦@dataclasses.dataclass
            class Point(Base):
                \"\"\"A point.\"\"\"
                x: int = 0
                ⟦class Meta:
                    ordering = 1⟧

                def norm(self):
                    return 0⟧

            def after():
                pass
            """, ["Point", "Point.Meta"])
        let point = try #require(units("python", "@d\nclass Point(Base):\n    \"\"\"A point.\"\"\"\n    x = 1\n").first { $0.name == "Point" })
        #expect(point.kind == .class && point.firstLine == 1 && point.declarationLine == 2)
        #expect(point.signature == "class Point(Base):")
        #expect(point.docFirstLine == 3 && point.docLastLine == 3)
    }

    @Test func swiftTypeKeywordsAreUnitsOfTheirKind() throws {
        let source = """
            /// A cache.
            @MainActor
            public final class Cache<Key: Hashable>: Store, Sendable {
                struct Entry { var value: Int }
                class func make() -> Cache { Cache() }
                class var shared: Cache { make() }
                func load() {}
            }
            enum Mode: String { case a, b }
            protocol Loader {
                func load()
            }
            actor Counter {}
            extension Cache.Entry where Key == String {
                func describe() -> String { "" }
            }
            """
        let found = units("swift", source).filter { $0.kind.isType }
        #expect(found.map { "\($0.kind) \($0.qualifiedName) \($0.firstLine)-\($0.lastLine)" } == [
            "class Cache 2-8", "struct Cache.Entry 4-4", "enum Mode 9-9", "protocol Loader 10-12",
            "actor Counter 13-13", "extension Cache.Entry 14-16"])
        let cache = try #require(found.first)
        #expect(cache.declarationLine == 3 && cache.docFirstLine == 1 && cache.docLastLine == 1)
        #expect(cache.signature == "public final class Cache<Key: Hashable>: Store, Sendable")
        // Callables are unchanged: `class func` is a method, not a type.
        #expect(scan("swift", source).map(\.qualifiedName)
                == ["Cache.make", "Cache.load", "Loader.load", "Cache.Entry.describe"])
    }

    /// Go's units come from Grammars/go.json alone: `type` with `bodyKinds` and `grouped`.
    @Test func goStructsAndInterfacesFromTheGrammar() throws {
        expectTypes("go", """
            package store

            // Store keeps things.
            ⟦type Store[K comparable] struct {
            \tname  string
            \tItems map[K]int
            }⟧

            type ID int
            type Set map[string]struct{}
            type Handler func(w int) error

            type (
            \t// Reader reads.
            \t⟦Reader interface {
            \t\tRead(p []byte) (n int, err error)
            \t}⟧
            \tCount int
            \t⟦pair struct{ a, b int }⟧
            )

            func (s *Store[K]) Get(k K) int { return 0 }
            """, ["Store", "Reader", "pair"])
        let found = units("go", "// Store keeps things.\ntype Store struct {\n\tname string\n}\n\ntype (\n\t// Reader reads.\n\tReader interface {\n\t\tRead() int\n\t}\n)\n")
        let store = try #require(found.first { $0.name == "Store" })
        #expect(store.kind == .struct && store.signature == "type Store struct" && store.docFirstLine == 1)
        let reader = try #require(found.first { $0.name == "Reader" })
        #expect(reader.kind == .interface && reader.signature == "type Reader interface" && reader.docFirstLine == 7)
        #expect(reader.declarationLine == 8 && reader.declarationColumn == 2)
    }

    @Test func oneModuleUnitPerFileFirst() throws {
        let go = units("go", "// Package store keeps things.\n// Second line.\n\npackage store\n\nfunc F() {}\n")
        let module = try #require(go.first)
        #expect(module.kind == .module && module.qualifiedName == FunctionSpan.moduleName)
        #expect(module.firstLine == 1 && module.declarationLine == 4 && module.lastLine == 6)
        #expect(module.docFirstLine == 1 && module.docLastLine == 2 && module.signature == "package store")
        #expect(go.map(\.kind) == [.module, .function])

        let python = units("python", "\n\"\"\"Tools.\n\nMore.\"\"\"\nimport os\nX = 1\n")
        #expect(python.count == 1)
        #expect(python.first.map { [$0.declarationLine, $0.docFirstLine, $0.docLastLine, $0.lastLine] }
                == [2, 2, 4, 6])

        let commentsOnly = units("swift", "// Nothing here yet.\n")
        #expect(commentsOnly.map { "\($0.kind) \($0.firstLine)-\($0.lastLine) \($0.docFirstLine ?? 0)" } == ["module 1-1 1"])
        #expect(units("swift", "").isEmpty && units("swift", " \n\n").isEmpty)
    }

    @Test func listingsOfCallablesAreUnchanged() {
        let source = "class A:\n    def f(self):\n        pass\n"
        #expect(scan("python", source).map(\.qualifiedName) == ["A.f"])
        #expect(UnitFilter.type.accepts(.protocol) && !UnitFilter.type.accepts(.module))
        #expect(UnitFilter.function.accepts(.initializer) && !UnitFilter.function.accepts(.class))
    }
}
