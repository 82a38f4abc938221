/// WordPiece, stage 3 of 4: greedy longest-match-first subwords, continuations prefixed with
/// `##`; a word with an unmatched piece, or longer than `maxInputCharsPerWord`, is one [UNK].
struct WordPiece: Sendable {
    let vocab: Vocabulary
    let unknownID: Int32
    var continuingPrefix: [UInt8] = Array("##".utf8)
    var maxInputCharsPerWord = 100

    init(vocab: Vocabulary, unknownID: Int32) {
        self.vocab = vocab
        self.unknownID = unknownID
    }

    func tokenize(_ word: Substring.UnicodeScalarView, into ids: inout [Int32]) {
        // The word's UTF-8 bytes, and where each scalar starts (plus the end).
        var utf8: [UInt8] = []
        var starts: [Int] = []
        for scalar in word {
            starts.append(utf8.count)
            utf8.append(contentsOf: scalar.utf8)
        }
        let scalars = starts.count
        starts.append(utf8.count)
        guard scalars <= maxInputCharsPerWord else { ids.append(unknownID); return }
        let mark = ids.count
        utf8.withUnsafeBytes { bytes in
            var start = 0
            while start < scalars {
                var end = min(scalars, start + vocab.longestPiece)
                var found: Int32? = nil
                let prefix = start > 0 ? continuingPrefix : []
                while end > start {
                    let piece = UnsafeRawBufferPointer(rebasing: bytes[starts[start]..<starts[end]])
                    if let id = vocab.id(prefix: prefix, piece) { found = id; break }
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
}
