import IndexStorage
import Platform

/// BM25 over the index's lexicon (identifier-aware terms of names, signatures
/// and bodies) plus the path's components, matched at query time so a rename
/// costs nothing. Never formats output.
public struct LexicalRanker: Sendable {
    public static let k1: Float = 1.2
    public static let b: Float = 0.75

    public let index: IndexFile

    public init(index: IndexFile) {
        self.index = index
    }

    /// How many units are callables, and their summed length: a ranking among callables only
    /// counts its documents and their average length among them. One pass over the rows,
    /// made only for such a ranking.
    private func callableStatistics(_ lexicon: LexiconView) -> (count: Int, length: Int) {
        var count = 0, length = 0
        for row in 0..<min(index.functionCount, lexicon.functionCount) where index.kind(at: row).isCallable {
            count += 1
            length += lexicon.length(ofFunction: row)
        }
        return (count, length)
    }

    /// BM25 of every function row of the index (0 where no query term occurs),
    /// the path field added for the live files' functions. Empty when the index has no lexicon.
    /// `callablesOnly`: the ranking is among callables (type and module units are set aside),
    /// so a term's rarity is judged among them too; a container restates its members' names,
    /// and counting it would make each member's name look twice as common as it is.
    public func scores(query: String, files: [LiveFile], callablesOnly: Bool = false) -> [Float] {
        let terms = Array(Set(LexicalTerms.terms(query)))
        return index.withLexicon { lexicon -> [Float] in
            guard let lexicon, !terms.isEmpty, lexicon.functionCount > 0 else { return [] }
            let callables = callablesOnly ? callableStatistics(lexicon)
                : (count: lexicon.functionCount, length: Int(lexicon.totalLength))
            let n = Float(max(callables.count, 1))
            let average = max(1, Float(callables.length) / n)
            var tf = [Float](repeating: 0, count: lexicon.functionCount)
            var scores = [Float](repeating: 0, count: lexicon.functionCount)
            // Path terms per live file, only for files whose path can contain a query term.
            var pathCounts: [(functions: Range<Int>, counts: [Int])] = []
            let termBytes = terms.map { Array($0.utf8) }
            for file in files where !file.functions.isEmpty {
                guard LexicalRanker.mayContain(file.path, termBytes) else { continue }
                let words = LexicalTerms.terms(file.path)
                let counts = terms.map { t in words.reduce(0) { $0 + ($1 == t ? 1 : 0) } }
                if counts.contains(where: { $0 > 0 }) { pathCounts.append((file.functions, counts)) }
            }
            let postingsOfTerms = terms.map { lexicon.postings(of: $0) }
            // A term in most functions (idf < log 2) barely moves the ranking but would cost a
            // pass over most rows: only its path occurrences count, unless every term of the
            // question is that common (then nothing else would rank anything).
            let common = { (postings: LexiconView.Postings?) in (postings?.count ?? 0) * 2 > lexicon.functionCount }
            let skipCommon = postingsOfTerms.contains { $0 != nil && !common($0) }
            for q in terms.indices {
                let postings = postingsOfTerms[q]
                var df = Float(postings?.count ?? 0)
                var touched: [Int] = []
                if let postings, !(skipCommon && common(postings)) {
                    touched.reserveCapacity(postings.count)
                    var callables = 0
                    for (row, count) in postings where row < tf.count {
                        if tf[row] == 0 { touched.append(row) }
                        tf[row] += Float(count)
                        if callablesOnly && index.kind(at: row).isCallable { callables += 1 }
                    }
                    if callablesOnly { df = Float(callables) }
                }
                let idf = Math.log(1 + max(0, n - df + 0.5) / (df + 0.5))
                for (functions, counts) in pathCounts where counts[q] > 0 {
                    for row in functions where row < tf.count {
                        if tf[row] == 0 { touched.append(row) }
                        tf[row] += Float(counts[q])
                    }
                }
                for row in touched {
                    let f = tf[row]
                    let norm = LexicalRanker.k1 * (1 - LexicalRanker.b + LexicalRanker.b * Float(lexicon.length(ofFunction: row)) / average)
                    scores[row] += idf * f * (LexicalRanker.k1 + 1) / (f + norm)
                    tf[row] = 0
                }
            }
            return scores
        }
    }

    /// Whether some term occurs in `path`, ASCII case-insensitively: a cheap
    /// filter before splitting the path into terms (most paths match nothing).
    static func mayContain(_ path: String, _ terms: [[UInt8]]) -> Bool {
        var path = path
        return path.withUTF8 { p in
            for term in terms where term.count <= p.count {
                let first = term[0]
                var i = 0
                while i + term.count <= p.count {
                    let c = p[i]
                    if (c >= 65 && c <= 90 ? c + 32 : c) == first {
                        var j = 1
                        while j < term.count {
                            let d = p[i + j]
                            if (d >= 65 && d <= 90 ? d + 32 : d) != term[j] { break }
                            j += 1
                        }
                        if j == term.count { return true }
                    }
                    i += 1
                }
            }
            return false
        }
    }
}
