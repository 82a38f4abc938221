/// One token of the coarse stream the structure layer reads. Comments never appear;
/// a whole string literal (interpolations included) is one token.
struct Token {
    enum Kind: UInt8 { case word, string, symbol }
    var kind: Kind
    /// Role id from `CompiledGrammar.roles`, or -1.
    var word: Int32
    var start: Int
    var end: Int
    var line: Int
    var endLine: Int
    /// 1-based byte column of `start`.
    var column: Int
    /// A newline (not a line continuation) separates this token from the previous one.
    var newlineBefore: Bool
    /// Depth of line-joining brackets outside this token (for a closer: after it).
    var depth: Int
    /// Indentation width of the token's line, when it is the first token on it.
    var indent: Int
    /// Ordinal of this token in the file.
    var index: Int
    var opensJoin: Bool
    var closesJoin: Bool
}

/// A single forward pass over the bytes. Every byte is looked at a bounded number of
/// times, so time is linear in input size whatever the input.
struct Lexer {
    typealias BC = CompiledGrammar.ByteClass
    let g: CompiledGrammar
    let b: UnsafeBufferPointer<UInt8>
    let n: Int
    var i = 0
    var line = 1
    /// Byte offset where each line starts; `lineStarts[k]` is line k+1.
    var lineStarts: [Int]
    var depth = 0
    var sawNewline = true
    var tokenCount = 0
    // The most recent doc comment run, attached to a definition only if no token
    // came between them.
    var docStartLine = 0
    var docEndLine = 0
    var docTokenCount = -1
    var bomLength = 0
    /// The last token made, for the regex rules (`Lexer+Regex.swift`).
    var previous: (kind: Token.Kind, start: Int, end: Int)?
    /// A bare regex literal found behind a prefix operator (`!/x/`), made next.
    var pendingRegex: (start: Int, end: Int)?
    /// An extended multi-line regex opening that found no close before the end of input.
    var unclosedExtended: (from: Int, pounds: Int)?

    static let maxNesting = 48

    init(grammar: CompiledGrammar, bytes: UnsafeBufferPointer<UInt8>) {
        g = grammar
        b = bytes
        n = bytes.count
        lineStarts = [0]
        lineStarts.reserveCapacity(n / 24 + 16)
        if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3; bomLength = 3 }
    }

    @inline(__always)
    mutating func newline(at p: Int) {
        line += 1
        lineStarts.append(p + 1)
    }

    @inline(__always)
    func matches(_ lit: [UInt8], at p: Int) -> Bool {
        let c = lit.count
        if p + c > n { return false }
        var k = 0
        while k < c {
            if b[p + k] != lit[k] { return false }
            k += 1
        }
        return true
    }

    mutating func next() -> Token? {
        while i < n {
            let c = b[i]
            if c == 10 {
                newline(at: i)
                i += 1
                sawNewline = true
                continue
            }
            let cls = g.byteClass[Int(c)]
            if cls & BC.space != 0 { i += 1; continue }
            if let cont = g.continuation, c == cont {
                var p = i + 1
                while p < n, b[p] == 13 { p += 1 }
                if p < n, b[p] == 10 {
                    newline(at: p)
                    i = p + 1
                    continue
                }
            }
            let start = i
            let startLine = line
            if let regex = pendingRegex, regex.start == i {
                pendingRegex = nil
                i = regex.end
                return make(.string, start, startLine, -1)
            }
            if cls & BC.special != 0 {
                if skipComment() { continue }
                if let end = extendedRegexAt(i) {
                    i = end
                    return make(.string, start, startLine, -1)
                }
                if let end = stringAt(i) {
                    i = end
                    return make(.string, start, startLine, -1)
                }
            }
            if cls & BC.identStart != 0 {
                if cls & BC.prefixStart != 0, let end = stringAt(i) {
                    i = end
                    return make(.string, start, startLine, -1)
                }
                var p = i + 1
                while p < n, g.byteClass[Int(b[p])] & BC.identPart != 0 { p += 1 }
                i = p
                return make(.word, start, startLine, g.wordID(b, start, p))
            }
            if let q = g.identifierQuote, c == q {
                var p = i + 1
                while p < n, b[p] != q, b[p] != 10 { p += 1 }
                if p < n, b[p] == q { p += 1 }
                i = p
                // The quoted name is an identifier with no keyword role.
                return make(.word, start, startLine, -1)
            }
            if cls & BC.op != 0 {
                var p = i + 1
                while p < n, g.byteClass[Int(b[p])] & BC.op != 0 { p += 1 }
                if let regex = bareRegex(runStart: start, runEnd: p) {
                    if regex.start == start {
                        i = regex.end
                        return make(.string, start, startLine, -1)
                    }
                    pendingRegex = regex
                    p = regex.start
                }
                i = p
                return make(.symbol, start, startLine, g.wordID(b, start, p))
            }
            i += 1
            return make(.symbol, start, startLine, g.wordID(b, start, i))
        }
        return nil
    }

    @inline(__always)
    mutating func make(_ kind: Token.Kind, _ start: Int, _ startLine: Int, _ word: Int32) -> Token {
        let cls = kind == .symbol && i == start + 1 ? g.byteClass[Int(b[start])] : 0
        let opens = cls & BC.joinOpen != 0
        let closes = cls & BC.joinClose != 0
        if closes && depth > 0 { depth -= 1 }
        let nl = sawNewline
        // Columns count from the first byte after a BOM, as an editor shows them.
        let lineStart = startLine == 1 ? bomLength : lineStarts[startLine - 1]
        let t = Token(kind: kind, word: word, start: start, end: i, line: startLine, endLine: line,
                      column: start - lineStart + 1, newlineBefore: nl, depth: depth,
                      indent: nl ? indentOf(lineStarts[startLine - 1]) : 0,
                      index: tokenCount, opensJoin: opens, closesJoin: closes)
        if opens { depth += 1 }
        previous = (kind, start, i)
        sawNewline = false
        tokenCount += 1
        return t
    }

    func indentOf(_ lineStart: Int) -> Int {
        var p = lineStart
        var col = 0
        if p == 0, n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { p = 3 }
        while p < n {
            let c = b[p]
            if c == 32 { col += 1 } else if c == 9 { col = (col / g.tabWidth + 1) * g.tabWidth } else if c == 12 { col = 0 } else { break }
            p += 1
        }
        return col
    }

    /// Skips a comment at `i`, if there is one, recording doc comments.
    mutating func skipComment() -> Bool {
        for lc in g.lineComments where matches(lc, at: i) {
            var isDoc = false
            for d in g.docLinePrefixes where matches(d, at: i) {
                let after = i + d.count
                isDoc = after >= n || b[after] != d[d.count - 1]
            }
            if isDoc {
                if docTokenCount == tokenCount && docEndLine >= line - 1 {
                    docEndLine = line
                } else {
                    docStartLine = line
                    docEndLine = line
                }
                docTokenCount = tokenCount
            }
            var p = i + lc.count
            while p < n, b[p] != 10 { p += 1 }
            i = p
            return true
        }
        for bc in g.blockComments where matches(bc.open, at: i) {
            var isDoc = false
            for d in g.docBlockOpens where matches(d, at: i) {
                let after = i + d.count
                isDoc = after < n && !matches(bc.close, at: after - 1) && !(after < n && b[after] == d[d.count - 1])
            }
            let startLine = line
            var level = 1
            var p = i + bc.open.count
            while p < n {
                let c = b[p]
                if c == 10 {
                    newline(at: p)
                    sawNewline = true
                    p += 1
                } else if c == bc.close[0] && matches(bc.close, at: p) {
                    p += bc.close.count
                    level -= 1
                    if level == 0 { break }
                } else if bc.nestable && c == bc.open[0] && matches(bc.open, at: p) {
                    p += bc.open.count
                    level += 1
                } else {
                    p += 1
                }
            }
            i = min(p, n)
            if isDoc {
                docStartLine = startLine
                docEndLine = line
                docTokenCount = tokenCount
            }
            return true
        }
        return false
    }

    /// If a string literal starts at `p`, lexes it and returns the offset after it.
    mutating func stringAt(_ p: Int) -> Int? {
        return stringAt(p, level: 0)
    }

    mutating func stringAt(_ p0: Int, level: Int) -> Int? {
        var p = p0
        var hashes = 0
        if let h = g.rawHash {
            while p < n, b[p] == h { hashes += 1; p += 1 }
        }
        var interpolating = true
        var prefix: (Int, Int) = (p, p)
        if hashes == 0, p < n, g.byteClass[Int(b[p])] & BC.prefixStart != 0 {
            var k = p
            while k < n, k - p <= g.maxPrefixLength, g.byteClass[Int(b[k])] & BC.identPart != 0 { k += 1 }
            let len = k - p
            if len == 0 || len > g.maxPrefixLength || k >= n { return nil }
            var known = false
            for pre in g.stringPrefixes where pre.count == len {
                var same = true
                for m in 0..<len where pre[m] != (b[p + m] | 0x20) { same = false; break }
                if same { known = true; break }
            }
            if !known { return nil }
            prefix = (p, k)
            p = k
        }
        for (formIndex, form) in g.strings.enumerated() where matches(form.open, at: p) {
            if form.openEndsLine {
                var q = p + form.open.count
                while q < n, b[q] == 32 || b[q] == 9 || b[q] == 13 { q += 1 }
                if q < n && b[q] != 10 { continue }
            }
            if let ip = form.interpolation?.prefix {
                interpolating = false
                for m in prefix.0..<prefix.1 where b[m] | 0x20 == ip { interpolating = true }
            }
            return stringBody(formIndex, from: p + form.open.count, hashes: hashes,
                              interpolating: interpolating, level: level)
        }
        return nil
    }

    mutating func stringBody(_ formIndex: Int, from start: Int, hashes: Int, interpolating: Bool, level: Int) -> Int {
        let form = g.strings[formIndex]
        let interp = interpolating && level < Lexer.maxNesting ? form.interpolation : nil
        let close0 = form.close[0]
        var p = start
        while p < n {
            let c = b[p]
            if c == 10 {
                if !form.multiline { return p }
                newline(at: p)
                p += 1
                continue
            }
            if let e = form.escape, c == e {
                var q = p + 1
                var h = 0
                while h < hashes, q < n, b[q] == g.rawHash { h += 1; q += 1 }
                if h == hashes {
                    if let interp, interp.afterEscape, q < n, b[q] == interp.open {
                        p = skipCode(from: q + 1, close: interp.close, formatSpec: nil,
                                     multiline: form.multiline, level: level + 1)
                        continue
                    }
                    if q < n {
                        if b[q] == 10 { newline(at: q) }
                        p = q + 1
                        continue
                    }
                }
                p += 1
                continue
            }
            if let interp, !interp.afterEscape, c == interp.open {
                if interp.literalDoubled, p + 1 < n, b[p + 1] == c { p += 2; continue }
                p = skipCode(from: p + 1, close: interp.close, formatSpec: interp.formatSpec,
                             multiline: form.multiline, level: level + 1)
                continue
            }
            if c == close0 && matches(form.close, at: p) {
                var q = p + form.close.count
                var h = 0
                while h < hashes, q < n, b[q] == g.rawHash { h += 1; q += 1 }
                if h == hashes { return q }
                p += 1
                continue
            }
            p += 1
        }
        return n
    }

    /// Skips embedded code up to its closing `close` at bracket depth zero. Stops early
    /// (without consuming) at a newline inside a single-line string, so that string
    /// ends there too.
    mutating func skipCode(from start: Int, close: UInt8, formatSpec: UInt8?, multiline: Bool, level: Int) -> Int {
        var p = start
        var nesting = 0
        while p < n {
            let c = b[p]
            if c == 10 {
                if !multiline { return p }
                newline(at: p)
                p += 1
                continue
            }
            if nesting == 0 && c == close { return p + 1 }
            switch c {
            case 40, 91, 123: nesting += 1
            case 41, 93, 125: nesting = max(0, nesting - 1)
            default: break
            }
            if nesting == 0, let fs = formatSpec, c == fs {
                // Python format spec: literal text with nested replacement fields.
                p += 1
                while p < n {
                    let d = b[p]
                    if d == close { return p + 1 }
                    if d == 10 && !multiline { return p }
                    if d == 10 { newline(at: p) }
                    if d == 34 || d == 39 { return p }
                    if d == 123 {
                        p = skipCode(from: p + 1, close: close, formatSpec: nil, multiline: multiline, level: level + 1)
                        continue
                    }
                    p += 1
                }
                return n
            }
            if g.byteClass[Int(c)] & (BC.special | BC.prefixStart) != 0 {
                let isIdentTail = p > start && g.byteClass[Int(b[p - 1])] & BC.identPart != 0
                if !isIdentTail, let end = stringAt(p, level: level) {
                    p = end
                    continue
                }
            }
            p += 1
        }
        return n
    }
}
