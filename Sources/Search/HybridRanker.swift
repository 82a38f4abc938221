import Index

/// How `codesearch search` ranks.
public enum SearchMode: String, CaseIterable, Sendable {
    /// Cosine similarity of the query's and the functions' embeddings.
    case dense
    /// BM25 over identifier-aware terms and path components; needs no embedding.
    case lexical
    /// Cosine plus BM25 normalised by the best BM25 of the query, minus path priors.
    case hybrid

    public static let `default` = SearchMode.hybrid
}

/// Ranks by dense, lexical or fused scores. Fusion is a weighted sum (cosine +
/// weight × BM25 / best BM25) over the union of both rankings' top candidates;
/// it measured better than reciprocal rank fusion and than BM25 as a tie-breaker
/// (`Benchmarks/RESULTS-quality.md`).
public struct HybridRanker: Sendable {
    public static let lexicalWeight: Float = 0.2
    /// Candidates taken from each ranking before fusing.
    public static let candidates = 100

    public let dense: DenseRanker
    public let lexical: LexicalRanker
    public var index: IndexFile { dense.index }

    public init(index: IndexFile) {
        dense = DenseRanker(index: index)
        lexical = LexicalRanker(index: index)
    }

    /// The lexical half of a ranking, which needs no embedding: a search computes it while
    /// the question is still being embedded, and passes it to `rank`. nil in dense mode.
    public struct LexicalCandidates: Sendable {
        let text: String
        let hits: [SearchHit]
        let best: Float
        let all: [Float]
    }

    public func lexicalCandidates(text: String, mode: SearchMode, options: RankOptions = RankOptions()) -> LexicalCandidates? {
        guard options.limit > 0 else { return nil }
        let count: Int
        switch mode {
        case .dense: return nil
        case .lexical: count = options.limit
        case .hybrid: count = Self.fusedCandidates(options)
        }
        let top = lexicalTop(text: text, options: options, count: count)
        return LexicalCandidates(text: text, hits: top.hits, best: top.best, all: top.all)
    }

    /// `query` (the embedded question) may be nil in lexical mode. `lexical`, when given,
    /// is what `lexicalCandidates` returned for the same text, mode and options.
    public func rank(text: String, query: [Float]?, mode: SearchMode, options: RankOptions = RankOptions(),
                     lexical: LexicalCandidates? = nil) throws -> [SearchHit] {
        guard options.limit > 0 else { return [] }
        let lexical = lexical.flatMap { $0.text == text ? $0 : nil }
            ?? lexicalCandidates(text: text, mode: mode, options: options)
        switch mode {
        case .dense:
            return try dense.rank(query: query ?? [], options: options)
        case .lexical:
            return (lexical?.hits ?? []).filter { $0.score >= options.minScore }
        case .hybrid:
            guard let query, let lexicalHits = lexical else { return [] }
            var wide = options
            wide.limit = Self.fusedCandidates(options)
            wide.minScore = -1
            let denseHits = try dense.rank(query: query, options: wide)
            guard lexicalHits.best > 0 else {
                return Array(rerank(denseHits.map { ($0, Float(0)) }, options: options))
            }
            var lex: [Int: Float] = [:]  // row → BM25
            for hit in lexicalHits.hits { lex[hit.row] = hit.score }
            var seen = Set<String>()
            var pool: [(SearchHit, Float)] = []
            for hit in denseHits where seen.insert("\(hit.row) \(hit.path)").inserted {
                pool.append((hit, lexicalHits.all.isEmpty ? 0 : lexicalHits.all[hit.row]))
            }
            let unit = normalised(query)
            for var hit in lexicalHits.hits where seen.insert("\(hit.row) \(hit.path)").inserted {
                let bm25 = hit.score
                hit.score = cosine(unit, row: hit.row)
                try dense.check(hit.score)
                pool.append((hit, bm25))
            }
            let weight = HybridRanker.lexicalWeight / lexicalHits.best
            return Array(rerank(pool.map { ($0.0, $0.1 * weight) }, options: options))
        }
    }

    /// How many candidates each ranking gives the fusion: `candidates`, or more when more hits are asked for.
    private static func fusedCandidates(_ options: RankOptions) -> Int { max(candidates, options.limit) }

    /// Adds each candidate's lexical share and path prior to its cosine, best first.
    private func rerank(_ pool: [(SearchHit, Float)], options: RankOptions) -> ArraySlice<SearchHit> {
        let scored = pool.map { hit, lexical -> SearchHit in
            var hit = hit
            hit.score += lexical + PathPrior.adjustment(for: hit.path)
            return hit
        }
        return scored.filter { $0.score >= options.minScore }
            .sorted { $0.score != $1.score ? $0.score > $1.score : ($0.path, $0.row) < ($1.path, $1.row) }
            .prefix(options.limit)
    }

    /// The `count` best live functions by BM25, the best BM25 among them, and all rows' scores.
    private func lexicalTop(text: String, options: RankOptions, count: Int) -> (hits: [SearchHit], best: Float, all: [Float]) {
        let files = dense.files
        let scores = lexical.scores(query: text, files: files)
        guard !scores.isEmpty else { return ([], 0, []) }
        var top = TopK(k: count)
        for (i, file) in files.enumerated() where !file.functions.isEmpty {
            if let languages = options.languages, !languages.contains(file.language) { continue }
            if let accept = options.pathFilter, !accept(file.path) { continue }
            for row in file.functions where row < scores.count && scores[row] > 0 {
                top.insert(score: scores[row], id: i << 32 | row)
            }
        }
        let hits = top.sorted().map { item -> SearchHit in
            let row = item.id & 0xffff_ffff
            return SearchHit(path: files[item.id >> 32].path, function: index.function(at: row), score: item.score, row: row)
        }
        return (hits, hits.first?.score ?? 0, scores)
    }

    private func normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    private func cosine(_ unit: [Float], row: Int) -> Float {
        let v = index.vector(at: row)
        guard v.count == unit.count else { return 0 }
        var sum: Float = 0
        for i in 0..<v.count { sum += v[i] * unit[i] }
        return sum
    }
}
