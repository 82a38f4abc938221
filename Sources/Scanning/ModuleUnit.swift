/// The module unit: one per file, so that every file can be found, even one that
/// defines nothing. It spans the whole file (line 1 to its last line); its declaration
/// line is the first line with code (a module docstring counts), its signature that
/// line, and its doc the header comment above it or the module docstring.
/// What it is embedded with (top-level code and the names the file defines) is
/// chosen by the index from the file's bytes and its other units.
extension ScanEngine {
    static let moduleSignatureLimit = 200

    mutating func insertModuleUnit() {
        let starts = lexer.lineStarts
        let n = lexer.n
        var lastLine = starts.count
        if lastLine > 1 && starts[lastLine - 1] >= n { lastLine -= 1 }
        let declarationLine = firstToken?.line ?? lastLine
        var doc: (Int, Int)?
        // A file of comments only is all header.
        let codeLine = firstToken == nil ? lastLine + 1 : declarationLine
        if let lines = nonBlankLines(before: codeLine) {
            doc = lines
        } else if let t = firstToken, t.kind == .string, g.grammar.docComments.firstStatementString {
            doc = (t.line, t.endLine)
        }
        guard firstToken != nil || doc != nil else { return }
        let lineStart = starts[declarationLine - 1]
        var lineEnd = lineStart
        while lineEnd < n && lexer.b[lineEnd] != 10 && lineEnd - lineStart < Self.moduleSignatureLimit { lineEnd += 1 }
        let signature = text(lineStart, lineEnd)
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        let module = FunctionSpan(
            name: FunctionSpan.moduleName, qualifiedName: FunctionSpan.moduleName, kind: .module, firstLine: 1,
            declarationLine: declarationLine, declarationColumn: firstToken?.column ?? 1, lastLine: lastLine,
            signature: signature, docFirstLine: doc?.0, docLastLine: doc?.1, byteStart: 0, byteEnd: 0)
        spans.insert(module, at: 0)
    }

    /// The first and last lines before `line` holding anything but white space: before
    /// the first token, those are comments.
    func nonBlankLines(before line: Int) -> (Int, Int)? {
        let starts = lexer.lineStarts
        let end = line - 1 < starts.count ? starts[line - 1] : lexer.n
        var first: Int?, last = 0
        var current = 1
        var k = lexer.bomLength
        while k < end {
            let c = lexer.b[k]
            if c == 10 {
                current += 1
            } else if c != 32 && c != 9 && c != 13 && c != 12 {
                if first == nil { first = current }
                last = current
            }
            k += 1
        }
        return first.map { ($0, last) }
    }
}
