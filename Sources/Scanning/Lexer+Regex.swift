/// Regex literals (`Grammar.RegexLiterals`, Swift 5.7+): an extended `#/.../#` (any number
/// of `#`) and a bare `/.../`. Each is one string token, so the braces, quotes and `func`
/// inside one never reach the structure layer.
///
/// The rules are the Swift lexer's, checked against `swiftc -dump-parse
/// -enable-bare-slash-regex`, not the proposal's wording: a `/` inside `[...]` does end a
/// literal (`/[/]/` is `/[/` and a stray `]/`), a class only hides `(` and `)` from the
/// group count.
extension Lexer {
    /// If an extended literal (`#/`, `##/`, ...) starts at `p`, lexes it (counting the lines
    /// it spans) and returns the offset after it. It is a regex wherever it stands. One that
    /// never closes ends at its first line end, as swiftc ends it, and the rest is code.
    mutating func extendedRegexAt(_ p: Int) -> Int? {
        guard let rx = g.regex, let pound = rx.extended else { return nil }
        var q = p
        while q < n, b[q] == pound { q += 1 }
        let pounds = q - p
        guard pounds > 0, q < n, b[q] == rx.delimiter else { return nil }
        q += 1
        // Only blanks between the opening and its line end: a multi-line literal.
        var blank = q
        while blank < n, b[blank] == 32 || b[blank] == 9 || b[blank] == 13 { blank += 1 }
        let multiline = blank < n && b[blank] == 10
        if multiline, let known = unclosedExtended, known.from <= q, known.pounds <= pounds {
            // A later opening with at least as many `#` cannot find a close the earlier
            // one missed; answering at once keeps a file of unclosed openings linear.
            return blank
        }
        var end = blank
        if let close = extendedRegexClose(from: q, pounds: pounds, multiline: multiline) {
            end = close
        } else if multiline {
            unclosedExtended = (q, pounds)
        } else {
            end = q
            while end < n, b[end] != 10 { end += 1 }
            if end > q, b[end - 1] == 13 { end -= 1 }
        }
        for k in p..<end where b[k] == 10 { newline(at: k) }
        return end
    }

    /// The offset after the closing delimiter and its `#`s (extra `#`s are taken too, as
    /// swiftc takes them), or nil if the literal does not close (on its line, unless
    /// `multiline`).
    func extendedRegexClose(from start: Int, pounds: Int, multiline: Bool) -> Int? {
        guard let rx = g.regex, let pound = rx.extended else { return nil }
        var q = start
        while q < n {
            let c = b[q]
            if c == rx.delimiter {
                var e = q + 1
                while e < n, b[e] == pound { e += 1 }
                if e - q - 1 >= pounds { return e }
            } else if c == 10 && !multiline {
                return nil
            } else if c == rx.escape {
                q += 1
                if q < n, b[q] == 10, !multiline { return nil }
            }
            q += 1
        }
        return nil
    }

    /// Where a bare literal starts in the operator run `runStart..<runEnd` (at its first
    /// delimiter; what comes before is a prefix operator, `!/x/`) and ends, if the run is
    /// one: the run must not be bound to what precedes it (`a/b/c` divides), nor name an
    /// operator (`func /(`); a run bound on neither side (`(/, 2)`) needs an expression
    /// position; and the literal must close on its line (`bareRegexEnd`).
    func bareRegex(runStart: Int, runEnd: Int) -> (start: Int, end: Int)? {
        guard let rx = g.regex, rx.bare else { return nil }
        var slash = runStart
        while slash < runEnd, b[slash] != rx.delimiter { slash += 1 }
        guard slash < runEnd, !isLeftBound(runStart) else { return nil }
        if let previous, previous.kind == .word {
            for word in rx.notAfterWords where word.count == previous.end - previous.start {
                if matches(word, at: previous.start) { return nil }
            }
        }
        if !isRightBound(runEnd) && !inExpressionPosition() { return nil }
        return bareRegexEnd(from: slash).map { (slash, $0) }
    }

    /// The offset after a bare literal whose opening delimiter is at `p`, or nil when the
    /// Swift lexer would read operators instead: a blank, `*` or `/` right after the
    /// opening; a blank right before the closing; a `/` or `*` right after the closing; an
    /// unbalanced `)` outside a class; no closing on the line.
    func bareRegexEnd(from p: Int) -> Int? {
        guard let rx = g.regex else { return nil }
        var q = p + 1
        guard q < n, b[q] != 32, b[q] != 9, b[q] != rx.delimiter, b[q] != 42 else { return nil }
        var groups = 0
        var classes = 0
        var lastBlank = -1
        while q < n {
            let c = b[q]
            if c == rx.delimiter {
                if q + 1 < n, b[q + 1] == rx.delimiter || b[q + 1] == 42 { return nil }
                return lastBlank == q - 1 ? nil : q + 1
            }
            switch c {
            case 10, 13:
                return nil
            case rx.escape:
                q += 1
                if q >= n || b[q] == 10 || b[q] == 13 { return nil }
            case 40 where classes == 0:
                groups += 1
            case 41 where classes == 0:
                if groups == 0 { return nil }
                groups -= 1
            case 91:
                classes += 1
            case 93:
                classes = max(0, classes - 1)
            case 32, 9:
                lastBlank = q
            default:
                break
            }
            q += 1
        }
        return nil
    }

    /// Swift's left-binding: an operator is bound to what precedes it unless that is a
    /// blank, an opening bracket, `,` `;` `:`, the end of a block comment, or nothing.
    func isLeftBound(_ p: Int) -> Bool {
        if p <= bomLength { return false }
        switch b[p - 1] {
        case 32, 9, 10, 13, 0, 40, 91, 123, 44, 59, 58: return false
        case 47: return !(p >= 2 && b[p - 2] == 42)
        default: return true
        }
    }

    /// Swift's right-binding, for an operator run that is not left-bound (the run takes
    /// every operator character, so a `//` or `/*` cannot follow it).
    func isRightBound(_ p: Int) -> Bool {
        if p >= n { return false }
        switch b[p] {
        case 32, 9, 10, 13, 0, 41, 93, 125, 44, 59, 58: return false
        default: return true
        }
    }

    /// Whether the previous token leaves the parser expecting an expression: the start of
    /// the file, an opening bracket, a separator or an operator. A word never does here
    /// (the grammar does not say which words are keywords), nor a closing bracket.
    func inExpressionPosition() -> Bool {
        guard let previous else { return true }
        guard previous.kind == .symbol else { return false }
        let c = b[previous.end - 1]
        switch c {
        case 40, 91, 123, 44, 59, 58: return true
        default: return g.byteClass[Int(b[previous.start])] & BC.op != 0
        }
    }
}
