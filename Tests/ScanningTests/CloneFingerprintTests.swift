import Testing
@testable import Scanning

/// The clone fingerprint: names and literals blanked out, keywords and operators kept,
/// so a copy with everything renamed has the same shape and different code does not.
@Suite("Clone fingerprint")
struct CloneFingerprintTests {
    static let python = """
        def parse_duration(text):
            # a comment is never a token
            units = {"s": 1, "m": 60, "h": 3600}
            total = 0
            number = ""
            for char in text:
                if char.isdigit():
                    number += char
                else:
                    total += int(number) * units[char]
                    number = ""
            return total
        """

    /// parse_duration with its name, parameter, locals and literals all changed.
    static let pythonRenamed = """
        def to_seconds(spec):
            table = {"x": 7, "y": 70, "z": 7000}
            acc = 1
            digits = "0"
            for c in spec:
                if c.isdigit():
                    digits += c
                else:
                    acc += int(digits) * table[c]
                    digits = "?"
            return acc
        """

    static let pythonUnrelated = """
        def render_table(rows, padding):
            width = max(len(r) for r in rows) + padding
            lines = []
            for row in rows:
                if not row:
                    continue
                lines.append(row.ljust(width))
            return "\\n".join(lines)
        """

    func fingerprint(_ source: String, _ language: String) throws -> CloneFingerprint {
        let scanner = try #require(registry.scanner(language: language))
        let bytes = Array(source.utf8)
        let span = try #require(scanner.functions(in: bytes).first)
        return scanner.cloneFingerprint(of: span, in: bytes)
    }

    @Test func identifiersAndLiteralsAreBlankedKeywordsAndOperatorsKept() throws {
        let scanner = try #require(registry.scanner(language: "python"))
        let bytes = Array("def f(a, b=3):\n    return a + b * 'x' if a is None else self.g(b)\n".utf8)
        let span = try #require(scanner.functions(in: bytes).first)
        #expect(scanner.cloneTokens(of: span, in: bytes) == [
            "def", "ID", "(", "ID", ",", "ID", "=", "LIT", ")", ":",
            "return", "ID", "+", "ID", "*", "LIT", "if", "ID", "is", "None", "else", "self", ".", "ID", "(", "ID", ")",
        ])
    }

    @Test func aRenamedCopyHasTheSameShape() throws {
        let original = try fingerprint(Self.python, "python")
        let renamed = try fingerprint(Self.pythonRenamed, "python")
        #expect(original.tokenCount == renamed.tokenCount)
        #expect(original.similarity(to: renamed) == 1)
    }

    @Test func differentCodeHasADifferentShape() throws {
        let original = try fingerprint(Self.python, "python")
        let unrelated = try fingerprint(Self.pythonUnrelated, "python")
        #expect(original.similarity(to: unrelated) < 0.2)
    }

    @Test func oneInsertedStatementCostsOnlyTheShinglesAcrossIt() throws {
        let original = try fingerprint(Self.python, "python")
        let edited = try fingerprint(Self.pythonRenamed.replacingOccurrences(
            of: "    acc = 1\n", with: "    acc = 1\n    log.debug('start')\n"), "python")
        let score = original.similarity(to: edited)
        #expect(score > 0.6 && score < 1)
    }

    @Test func swiftKeywordsComeFromTheGrammar() throws {
        let scanner = try #require(registry.scanner(language: "swift"))
        let bytes = Array("func f(x: Int) -> Bool {\n    guard let y = x as? Int else { return false }\n    return y > 0x1F\n}\n".utf8)
        let span = try #require(scanner.functions(in: bytes).first)
        #expect(scanner.cloneTokens(of: span, in: bytes) == [
            "func", "ID", "(", "ID", ":", "ID", ")", "->", "ID", "{",
            "guard", "let", "ID", "=", "ID", "as", "?", "ID", "else", "{", "return", "false", "}",
            "return", "ID", ">", "LIT", "}",
        ])
    }

    @Test func aFunctionShorterThanAShingleIsOneShingle() throws {
        let short = try fingerprint("def f():\n    pass\n", "python")
        #expect(short.tokenCount == 6)
        #expect(short.shingles.count == 1)
        #expect(short.similarity(to: try fingerprint("def g():\n    pass\n", "python")) == 1)
    }
}
