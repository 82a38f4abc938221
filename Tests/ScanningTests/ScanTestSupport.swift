import Testing
@testable import Scanning

/// Marked samples: `⟦` at the start of a line opens the next expected function (its
/// first line), `⟧` at the end of a line closes the innermost open one (its last line).
/// Markers are removed before scanning, so a test reads like the file it checks.
struct MarkedSample {
    let source: String
    /// (firstLine, lastLine) in order of the opening markers.
    let expected: [(Int, Int)]

    init(_ marked: String) {
        var clean: [String] = []
        var opened: [Int] = []
        var spans: [(Int, Int)] = []
        var open: [Int] = []
        for (index, raw) in marked.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            var text = String(raw)
            while text.contains("⟦") {
                text = text.replacingOccurrences(of: "⟦", with: "", options: [], range: text.range(of: "⟦"))
                spans.append((line, 0))
                open.append(spans.count - 1)
                opened.append(line)
            }
            while text.hasSuffix("⟧") {
                text.removeLast()
                if let k = open.popLast() { spans[k].1 = line }
            }
            clean.append(text)
        }
        source = clean.joined(separator: "\n")
        expected = spans
    }
}

let registry: GrammarRegistry = {
    do { return try GrammarRegistry() } catch { fatalError("built-in grammars must load: \(error)") }
}()

func scanner(_ language: String) -> FunctionScanner {
    guard let s = registry.scanner(language: language) else { fatalError("no grammar \(language)") }
    return s
}

func scan(_ language: String, _ source: String) -> [FunctionSpan] {
    scanner(language).functions(in: Array(source.utf8))
}

/// Scans a marked sample and checks names and line ranges, in source order.
func expectFunctions(_ language: String, _ marked: String, _ names: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
    let sample = MarkedSample(marked)
    let found = scan(language, sample.source)
    let got = found.map { "\($0.qualifiedName) \($0.firstLine)-\($0.lastLine)" }
    let want = zip(names, sample.expected).map { "\($0) \($1.0)-\($1.1)" }
    #expect(names.count == sample.expected.count, "the sample has \(sample.expected.count) markers", sourceLocation: sourceLocation)
    #expect(got == want, sourceLocation: sourceLocation)
    checkWellFormed(found, bytes: Array(sample.source.utf8), sourceLocation: sourceLocation)
}

func lineCount(_ bytes: [UInt8]) -> Int { bytes.reduce(1) { $0 + ($1 == 10 ? 1 : 0) } }

/// The invariants every scan result must satisfy, whatever the input.
func wellFormedProblems(_ spans: [FunctionSpan], bytes: [UInt8]) -> [String] {
    var problems: [String] = []
    let lines = lineCount(bytes)
    for s in spans {
        if !(1 <= s.firstLine && s.firstLine <= s.declarationLine && s.declarationLine <= s.lastLine && s.lastLine <= lines) {
            problems.append("bad lines \(s.firstLine) \(s.declarationLine) \(s.lastLine) of \(lines) for \(s.qualifiedName)")
        }
        if !(0 <= s.byteStart && s.byteStart <= s.byteEnd && s.byteEnd <= bytes.count) {
            problems.append("bad bytes \(s.byteStart)..<\(s.byteEnd) of \(bytes.count)")
        }
        if s.declarationColumn < 1 { problems.append("bad column \(s.declarationColumn)") }
        if let d = s.docFirstLine, let e = s.docLastLine, !(1 <= d && d <= e && e <= lines) {
            problems.append("bad doc lines \(d)-\(e)")
        }
    }
    // Properly nested or disjoint; two functions may share a line (`func a() {}; func b() {`).
    var stack: [FunctionSpan] = []
    for s in spans {
        while let top = stack.last,
              top.lastLine < s.firstLine || top.lastLine == s.firstLine && s.lastLine > top.lastLine {
            stack.removeLast()
        }
        if let top = stack.last, !(top.firstLine <= s.firstLine && s.lastLine <= top.lastLine) {
            problems.append("\(s.qualifiedName) \(s.firstLine)-\(s.lastLine) overlaps \(top.qualifiedName) \(top.firstLine)-\(top.lastLine)")
        }
        stack.append(s)
    }
    for (a, b) in zip(spans, spans.dropFirst()) where b.firstLine < a.firstLine {
        problems.append("not in source order: \(a.qualifiedName) then \(b.qualifiedName)")
    }
    return problems
}

func checkWellFormed(_ spans: [FunctionSpan], bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    let problems = wellFormedProblems(spans, bytes: bytes)
    #expect(problems.isEmpty, "\(problems.prefix(5))", sourceLocation: sourceLocation)
}
