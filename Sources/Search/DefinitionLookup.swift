import IndexStorage

/// Finds the live units named what a question names, wherever they rank: an exact
/// definition must be able to come first even when neither half of the ranking had
/// it among its candidates. Reads only the postings of the name's rarest term.
struct DefinitionLookup {
    let ranker: HybridRanker
    /// Enough for every overload and every file defining the name; more would be noise.
    static let limit = 64

    func hits(named names: [String], options: RankOptions) -> [SearchHit] {
        guard !names.isEmpty else { return [] }
        let index = ranker.index
        let rows: [Int] = index.withLexicon { lexicon -> [Int] in
            guard let lexicon else { return [] }
            var rows = Set<Int>()
            for name in names {
                let terms = LexicalTerms.terms(name)
                let postings = terms.compactMap { lexicon.postings(of: $0) }
                guard postings.count == terms.count, let rarest = postings.min(by: { $0.count < $1.count }) else { continue }
                for (row, _) in rarest where row < index.functionCount {
                    let span = index.function(at: row).span
                    if names.contains(where: { RankingStack.names(span.name, span.qualifiedName, match: $0) }) {
                        rows.insert(row)
                    }
                }
            }
            return rows.sorted()
        }
        guard !rows.isEmpty else { return [] }
        var hits: [SearchHit] = []
        for file in ranker.dense.files where !file.functions.isEmpty {
            if let languages = options.languages, !languages.contains(file.language) { continue }
            if let accept = options.pathFilter, !accept(file.path) { continue }
            for row in rows where file.functions.contains(row) {
                hits.append(SearchHit(path: file.path, function: index.function(at: row), score: 0, row: row))
                if hits.count >= Self.limit { return hits }
            }
        }
        return hits
    }
}
