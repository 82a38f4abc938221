/// cl100k_base's pre-tokenizer: splits text into the pieces that BPE encodes one by one.
///
/// A hand-written matcher with the semantics of tiktoken's cl100k_base pattern
/// (tiktoken 0.14, evaluated leftmost-first like the Rust `fancy-regex` it uses):
///
///     '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+|
///      ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s
///
/// `\s` is Unicode White_Space, `\p{L}` and `\p{N}` general categories, `$` the end of
/// the text. Pieces are returned as UTF-8 byte ranges of the text.
enum TiktokenPreTokenizer {
    private enum Kind: UInt8 { case letter, number, space, newline, other }

    static func pieces(of text: String) -> [Range<Int>] {
        var kinds: [Kind] = []
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []  // UTF-8 offset of each scalar, plus the end
        kinds.reserveCapacity(text.utf8.count)
        var offset = 0
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            kinds.append(kind(of: scalar))
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)

        var pieces: [Range<Int>] = []
        var i = 0
        let n = scalars.count
        while i < n {
            let end = match(at: i, scalars, kinds)
            pieces.append(offsets[i]..<offsets[end])
            i = end
        }
        return pieces
    }

    private static func kind(of scalar: Unicode.Scalar) -> Kind {
        switch scalar.value {
        case 0x0A, 0x0D: return .newline
        case 0x61...0x7A, 0x41...0x5A: return .letter
        case 0x30...0x39: return .number
        case 0x09, 0x0B, 0x0C, 0x20: return .space
        case 0x00...0x7F: return .other
        default: break
        }
        if scalar.properties.isWhitespace { return .space }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }

    /// The end (exclusive, in scalars) of the piece that starts at `i`.
    private static func match(at i: Int, _ s: [Unicode.Scalar], _ k: [Kind]) -> Int {
        let n = s.count
        func isSpace(_ j: Int) -> Bool { k[j] == .space || k[j] == .newline }

        // '(?i:[sdmt]|ll|ve|re)
        if s[i] == "'", i + 1 < n {
            let a = folded(s[i + 1])
            if a == "s" || a == "d" || a == "m" || a == "t" { return i + 2 }
            if i + 2 < n {
                let b = folded(s[i + 2])
                if (a == "l" && b == "l") || (a == "v" && b == "e") || (a == "r" && b == "e") {
                    return i + 3
                }
            }
        }
        // [^\r\n\p{L}\p{N}]?+\p{L}++
        var j = i
        if k[j] != .letter && k[j] != .number && k[j] != .newline { j += 1 }
        if j < n && k[j] == .letter {
            while j < n && k[j] == .letter { j += 1 }
            return j
        }
        // \p{N}{1,3}+
        if k[i] == .number {
            j = i + 1
            while j < n && j < i + 3 && k[j] == .number { j += 1 }
            return j
        }
        //  ?[^\s\p{L}\p{N}]++[\r\n]*+
        j = i
        if s[j] == " " && j + 1 < n && k[j + 1] == .other { j += 1 }
        if k[j] == .other {
            while j < n && k[j] == .other { j += 1 }
            while j < n && k[j] == .newline { j += 1 }
            return j
        }
        // What is left starts with whitespace.
        var runEnd = i
        var lastNewline = -1
        while runEnd < n && isSpace(runEnd) {
            if k[runEnd] == .newline { lastNewline = runEnd }
            runEnd += 1
        }
        // \s++$
        if runEnd == n { return n }
        // \s*[\r\n]
        if lastNewline >= 0 { return lastNewline + 1 }
        // \s+(?!\S): the run less its last character, which the next piece takes.
        if runEnd - i > 1 { return runEnd - 1 }
        // \s
        return i + 1
    }

    /// Simple case folding for the contraction letters (`ſ` folds to `s`, as in Rust's regex).
    private static func folded(_ c: Unicode.Scalar) -> Unicode.Scalar {
        switch c.value {
        case 0x41...0x5A: return Unicode.Scalar(c.value + 0x20) ?? c
        case 0x17F: return "s"
        default: return c
        }
    }
}
