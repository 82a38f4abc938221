/// The BERT pre-tokeniser, stage 2 of 4: split on whitespace (dropped) and on punctuation
/// (each punctuation character becomes its own word).
struct BertPreTokenizer: Sendable {
    func split(_ text: String) -> [Substring.UnicodeScalarView] {
        let scalars = text.unicodeScalars
        var words: [Substring.UnicodeScalarView] = []
        var start: String.UnicodeScalarView.Index? = nil
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if BertNormalizer.isWhitespace(scalar) {
                if let s = start { words.append(scalars[s..<index]); start = nil }
            } else if Self.isPunctuation(scalar) {
                if let s = start { words.append(scalars[s..<index]); start = nil }
                words.append(scalars[index..<next])
            } else if start == nil {
                start = index
            }
            index = next
        }
        if let s = start { words.append(scalars[s..<scalars.endIndex]) }
        return words
    }

    /// ASCII punctuation (which includes symbols such as `$+<=>^|~`) or any Unicode P* category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
