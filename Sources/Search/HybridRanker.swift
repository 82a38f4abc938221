import EmbeddingCore
import IndexStorage

/// How `codesearch search` ranks.
public enum SearchMode: String, CaseIterable, Sendable {
    /// Cosine similarity of the query's and the functions' embeddings.
    case dense
    /// BM25 over identifier-aware terms and path components; needs no embedding.
    case lexical
    /// Cosine and BM25 fused, then the query-time ranking stack (`RankingStack`).
    case hybrid

    public static let `default` = SearchMode.hybrid
}

/// Ranks by dense, lexical or fused scores. Lexical and hybrid ranking go through
/// the query-time ranking stack (`RankingStack`) over the union of both halves' best
/// candidates and the units named what the question names; dense mode is plain cosine.
public struct HybridRanker: Sendable {
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
        let all: [Float]
    }

    public func lexicalCandidates(text: String, mode: SearchMode, options: RankOptions = RankOptions()) -> LexicalCandidates? {
        guard options.limit > 0, mode != .dense else { return nil }
        let admits = admitting(RankingStack(query: text, weights: options.weights), nil)
        let top = lexicalTop(text: text, options: options, count: Self.candidates(options), admits: admits)
        return LexicalCandidates(text: text, hits: top.hits, all: top.all)
    }

    /// `query` (the embedded question) may be nil in lexical mode. `lexical`, when given,
    /// is what `lexicalCandidates` returned for the same text, mode and options.
    public func rank(text: String, query: [Float]?, mode: SearchMode, options: RankOptions = RankOptions(),
                     lexical: LexicalCandidates? = nil) throws -> [SearchHit] {
        guard options.limit > 0 else { return [] }
        if mode == .dense { return try dense.rank(query: query ?? [], options: options) }
        let lexical = lexical.flatMap { $0.text == text ? $0 : nil }
            ?? lexicalCandidates(text: text, mode: mode, options: options)
        let stack = RankingStack(query: text, weights: options.weights)
        let lexicalHits = lexical?.hits ?? [], all = lexical?.all ?? []
        var pool: [RankCandidate] = []
        var seen = Set<String>()
        let unit: [Float]?
        if mode == .hybrid {
            guard let query else { return [] }
            unit = L2.normalized(query)
            var wide = options
            wide.limit = Self.candidates(options)
            wide.minScore = -1
            wide.rowFilter = admitting(stack, options.rowFilter)
            for hit in try dense.rank(query: query, options: wide) where seen.insert("\(hit.row) \(hit.path)").inserted {
                pool.append(RankCandidate(hit: hit, dense: hit.score, lexical: hit.row < all.count ? all[hit.row] : 0))
            }
        } else {
            unit = nil
        }
        let named = DefinitionLookup(ranker: self).hits(named: stack.analysis.names, options: options)
        for var hit in lexicalHits + named where seen.insert("\(hit.row) \(hit.path)").inserted {
            let bm25 = hit.row < all.count ? all[hit.row] : 0
            hit.score = 0
            // A unit waiting for its vector has no cosine: the stack ranks it by its words.
            let cosine = index.hasVector(at: hit.row) ? unit.map { self.cosine($0, row: hit.row) } : nil
            if let cosine { try dense.check(cosine) }
            pool.append(RankCandidate(hit: hit, dense: cosine, lexical: bm25))
        }
        return stack.rank(pool, limit: options.limit, minScore: options.minScore)
    }

    /// `filter`, and for a question whose weights set a kind aside (factor 0), rows not of that
    /// kind: such a unit cannot win, so it should not hold one of the dense half's candidate slots.
    private func admitting(_ stack: RankingStack, _ filter: (@Sendable (Int) -> Bool)?) -> (@Sendable (Int) -> Bool)? {
        let types = stack.kindFactor(.class) > 0, modules = stack.kindFactor(.module) > 0
        if types && modules { return filter }
        let index = self.index
        return { row in
            let kind = index.kind(at: row)
            if kind == .module ? !modules : (kind.isType && !types) { return false }
            return filter?(row) ?? true
        }
    }

    /// How many candidates each half gives the stack: the weights' count, or more when more hits are asked for.
    private static func candidates(_ options: RankOptions) -> Int { max(options.weights.candidates, options.limit) }

    /// The `count` best live functions by BM25, the best BM25 among them, and all rows' scores.
    private func lexicalTop(text: String, options: RankOptions, count: Int,
                            admits: (@Sendable (Int) -> Bool)?) -> (hits: [SearchHit], all: [Float]) {
        let files = dense.files
        // A ranking that sets type or module units aside (`admits` is not nil) is among callables.
        let scores = lexical.scores(query: text, files: files, callablesOnly: admits != nil)
        guard !scores.isEmpty else { return ([], []) }
        var top = TopK(k: count)
        for (i, file) in files.enumerated() where !file.functions.isEmpty {
            if let languages = options.languages, !languages.contains(file.language) { continue }
            if let accept = options.pathFilter, !accept(file.path) { continue }
            for row in file.functions where row < scores.count && scores[row] > 0 && admits?(row) ?? true {
                top.insert(score: scores[row], id: i << 32 | row)
            }
        }
        let hits = top.sorted().map { item -> SearchHit in
            let row = item.id & 0xffff_ffff
            return SearchHit(path: files[item.id >> 32].path, function: index.function(at: row), score: item.score, row: row)
        }
        return (hits, scores)
    }

    func cosine(_ unit: [Float], row: Int) -> Float {
        let v = index.vector(at: row)
        guard v.count == unit.count else { return 0 }
        var sum: Float = 0
        for i in 0..<v.count { sum += v[i] * unit[i] }
        return sum
    }
}
