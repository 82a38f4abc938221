import Testing
import Scanning
@testable import IndexStorage
@testable import Indexing

/// What type and module units are embedded with: a bounded summary, not their source.
@Suite struct UnitTextTests {
    static let source = """
        \"\"\"Shipping rates for parcels.\"\"\"
        import math

        RATE = 3

        class Parcel(Base):
            \"\"\"A parcel to ship.\"\"\"
            weight: float = 0.0

            def cost(self, distance):
                zanzibar = RATE * distance
                return zanzibar

            @property
            def heavy(self):
                return self.weight > 10

        def total(parcels):
            return sum(p.cost(1) for p in parcels)

        """

    func texts(_ source: String) throws -> (units: [FunctionSpan], texts: [String]) {
        let scanner = try #require(try GrammarRegistry().scanner(language: "python"))
        let bytes = Array(source.utf8)
        let units = scanner.units(in: bytes)
        return (units, EmbeddingText.texts(for: units, in: bytes))
    }

    @Test func typeTextHasDocHeaderAndMembersButNoBodies() throws {
        let (units, texts) = try texts(Self.source)
        let k = try #require(units.firstIndex { $0.kind == .class })
        let text = texts[k]
        for part in ["Parcel", "A parcel to ship.", "class Parcel(Base):", "weight: float = 0.0",
                     "def cost(self, distance):", "def heavy(self):"] {
            #expect(text.contains(part), "\(part) in \(text)")
        }
        #expect(!text.contains("zanzibar") && !text.contains("total"))
    }

    @Test func moduleTextHasDocNamesAndTopLevelCode() throws {
        let (units, texts) = try texts(Self.source)
        #expect(units.first?.kind == .module)
        let text = texts[0]
        for part in ["Shipping rates for parcels.", "Parcel, total", "import math", "RATE = 3"] {
            #expect(text.contains(part), "\(part) in \(text)")
        }
        #expect(!text.contains("zanzibar") && !text.contains("A parcel to ship"))
    }

    @Test func aUnitsDocCommentIsNotModuleCode() throws {
        let scanner = try #require(try GrammarRegistry().scanner(language: "swift"))
        let bytes = Array("import Foundation\n\n/// The straight-line distance.\nfunc distance() -> Double { 0 }\n".utf8)
        let units = scanner.units(in: bytes)
        let module = EmbeddingText.texts(for: units, in: bytes)[0]
        #expect(module.contains("import Foundation") && module.contains("distance"))
        #expect(!module.contains("straight-line"))
    }

    @Test func callableTextsAreUnchanged() throws {
        let (units, texts) = try texts(Self.source)
        let bytes = Array(Self.source.utf8)
        for (unit, text) in zip(units, texts) where unit.kind.isCallable {
            #expect(text == EmbeddingText.text(for: unit, in: bytes))
        }
    }

    /// The model reads 256 word pieces: a big class or file is summarised within a bound.
    @Test func textsAreBounded() throws {
        let methods = (0..<300).map { "    def method_number_\($0)(self, argument_\($0)):\n        return \($0)\n" }
        let fields = (0..<300).map { "    field_\($0) = \($0)\n" }
        let statements = (0..<300).map { "CONSTANT_\($0) = \($0)\n" }
        let source = statements.joined() + "class Big:\n" + fields.joined() + methods.joined()
        let (units, texts) = try texts(source)
        for (unit, text) in zip(units, texts) where !unit.kind.isCallable {
            #expect(text.count < 2_000, "\(unit.kind): \(text.count) characters")
        }
    }

    @Test func everyKindHasAStableCode() {
        for kind in FunctionSpan.Kind.allCases {
            #expect(FunctionKindCode.kind(FunctionKindCode.code(kind)) == kind)
        }
        #expect(FunctionKindCode.code(.operator) == 5 && FunctionKindCode.code(.module) == 13)
    }
}
