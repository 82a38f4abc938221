/// WordPiece, stage 3 of 4: greedy longest-match-first subwords, continuations prefixed with
/// `##`; a word with an unmatched piece, or longer than `maxInputCharsPerWord`, is one [UNK].
struct WordPiece: Sendable {
    let vocab: [String: Int32]
    let unknownID: Int32
    var continuingPrefix = "##"
    var maxInputCharsPerWord = 100
    /// Longest vocabulary entry in scalars, which bounds the match search.
    let longestPiece: Int

    init(vocab: [String: Int32], unknownID: Int32) {
        self.vocab = vocab
        self.unknownID = unknownID
        longestPiece = vocab.keys.lazy.map { $0.unicodeScalars.count }.max() ?? 0
    }

    func tokenize(_ word: Substring.UnicodeScalarView, into ids: inout [Int32]) {
        let scalars = Array(word)
        guard scalars.count <= maxInputCharsPerWord else { ids.append(unknownID); return }
        let mark = ids.count
        var start = 0
        while start < scalars.count {
            var end = min(scalars.count, start + longestPiece)
            var found: Int32? = nil
            while end > start {
                var piece = start > 0 ? continuingPrefix : ""
                piece.unicodeScalars.append(contentsOf: scalars[start..<end])
                if let id = vocab[piece] { found = id; break }
                end -= 1
            }
            guard let id = found else {
                ids.removeSubrange(mark...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
