import Foundation
import Testing
@testable import Scanning

/// Swift regex literals (issue 12 item 9): the braces, quotes and `func` inside one are not
/// code. Every sample is also handed to `swiftc -dump-parse -enable-bare-slash-regex`, the
/// oracle of scripts/agreement, which must find the same functions on the same lines.
@Suite("Swift regex literals")
struct RegexLiteralTests {
    static let extendedHoldingAFunction = """
        ⟦func real() {
            let r = #/ } func fake2() { " /#
            _ = r
        }⟧
        ⟦func after() {}⟧
        """

    static let bareHoldingBraces = #"""
        ⟦func one() {
            let r = /\{[a-z]+"}/
            _ = r
        }⟧
        ⟦func two() {
            let s = /a{2}\}/
            _ = s
        }⟧
        ⟦func three() {}⟧
        """#

    static let multiLineExtended = #"""
        ⟦func multi() {
            let r = ##/
              \{ # } /# "
              [a-z]+
              /##
            _ = r
        }⟧
        ⟦func next() {}⟧
        """#

    /// Division and operator names stay operators; a literal behind `try?`, inside a call,
    /// with groups and a class, and an extended one that never closes (it ends at its line end).
    static let operatorsAndEdges = #"""
        ⟦func divide(a: Int, b: Int, c: Int) -> Int {
            let x = a/b/c
            let y = (a) / 2 / 3
            return x + y
        }⟧
        struct V {
            ⟦static func /(lhs: V, rhs: V) -> V { lhs }⟧
            ⟦static func /= (lhs: inout V, rhs: V) { }⟧
        }
        ⟦func prefixed(s: String) {
            let ok = try? /a{/.wholeMatch(in: s)
            let g = s.contains(/(\{)+[)}]/)
            let u = #/ {
            _ = (ok, g, u)
        }⟧
        ⟦func last() {}⟧
        """#

    static let samples: [(String, [String])] = [
        (extendedHoldingAFunction, ["real", "after"]),
        (bareHoldingBraces, ["one", "two", "three"]),
        (multiLineExtended, ["multi", "next"]),
        (operatorsAndEdges, ["divide", "V./", "V./=", "prefixed", "last"]),
    ]

    @Test func extendedLiteralHidesAPhantomFunction() {
        expectFunctions("swift", Self.extendedHoldingAFunction, ["real", "after"])
    }

    @Test func bareLiteralsWithBracesEndWhereSwiftcEndsThem() {
        expectFunctions("swift", Self.bareHoldingBraces, ["one", "two", "three"])
    }

    @Test func multiLineExtendedLiteral() {
        expectFunctions("swift", Self.multiLineExtended, ["multi", "next"])
    }

    @Test func operatorsStayOperators() {
        expectFunctions("swift", Self.operatorsAndEdges, ["divide", "V./", "V./=", "prefixed", "last"])
    }

    /// The markers agree with swiftc: (bare name, first line, last line) for every function.
    @Test(arguments: 0..<samples.count)
    func swiftcAgrees(sample index: Int) throws {
        let (marked, names) = Self.samples[index]
        let sample = MarkedSample(marked)
        let want = zip(names, sample.expected).map { name, lines in
            "\(name.split(separator: ".").last.map(String.init) ?? name) \(lines.0)-\(lines.1)"
        }
        #expect(try SwiftcOracle.functions(of: sample.source) == want)
    }

    /// Unclosed multi-line openings, one per line: each ends at its own line end, so the
    /// function after them is still found (and each is answered without rescanning the rest).
    @Test func unclosedOpeningsEndAtTheirLineEnd() {
        let source = Array((String(repeating: "#/\n", count: 50_000) + "func f() {}\n").utf8)
        let found = scanner("swift").functions(in: source)
        #expect(found.map { "\($0.name) \($0.firstLine)-\($0.lastLine)" } == ["f 50001-50001"])
    }
}

/// `swiftc -dump-parse` as scripts/agreement reads it: func, init, deinit and subscript
/// declarations with their line ranges (no attributes in these samples).
enum SwiftcOracle {
    static func functions(of source: String) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID()).swift")
        try Data(source.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-dump-parse", "-enable-bare-slash-regex", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let pattern = try NSRegularExpression(
            pattern: #"^\s*\((?:func|constructor|destructor|subscript)_decl .*?range=\[.*?:(\d+):\d+ - line:(\d+):\d+\] "([^"(]*)"#,
            options: [.anchorsMatchLines])
        let text = String(decoding: data, as: UTF8.self)
        let ns = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            "\(ns.substring(with: m.range(at: 3))) \(ns.substring(with: m.range(at: 1)))-\(ns.substring(with: m.range(at: 2)))"
        }
    }
}
