import EmbeddingCore
import Git
import IndexStorage
import Indexing
import Scanning
import Search

/// One question for the index.
public struct SearchRequest: Sendable {
    public var query: String
    public var limit: Int
    public var languages: Set<String>?
    /// Keeps only hits whose path passes (`--path GLOB`).
    public var pathFilter: (@Sendable (String) -> Bool)?
    public var minScore: Float
    /// Bring the index up to date with the working tree first (skipped with `--no-update`).
    public var update: Bool
    public var mode: SearchMode
    /// The ranking stack's weights (`CODESEARCH_RANKING` overrides the defaults).
    public var weights: RankingWeights

    public init(query: String, limit: Int = 10, languages: Set<String>? = nil,
                pathFilter: (@Sendable (String) -> Bool)? = nil, minScore: Float = -1, update: Bool = true,
                mode: SearchMode = .default, weights: RankingWeights = .default) {
        self.mode = mode
        self.weights = weights
        self.query = query
        self.limit = limit
        self.languages = languages
        self.pathFilter = pathFilter
        self.minScore = minScore
        self.update = update
    }
}

public struct SearchResult: Sendable {
    public var hits: [SearchHit]
    /// What the update before the search did, when there was one.
    public var update: IndexSummary?
    /// The index the hits were ranked in, mapped for as long as this value lives. A
    /// command that exits next keeps it (`ProcessLifetime`): unmapping 100,000 functions'
    /// vectors costs 3.5 ms that the exit does for free.
    public var index: IndexFile?
}

extension Workspace {
    /// Updates the index (unless asked not to; see `updateBeforeQuery`), embeds the query
    /// and ranks every live function.
    public func search(_ request: SearchRequest, embedder: Embedder, location: IndexLocation,
                       indexerOptions: IndexerOptions = IndexerOptions()) async throws -> SearchResult {
        try await search(batch: [request], embedder: embedder, location: location, indexerOptions: indexerOptions)[0]
    }

    /// Several questions against one opened index (the update, if any, runs once, before the first).
    public func search(batch requests: [SearchRequest], embedder: Embedder, location: IndexLocation,
                       indexerOptions: IndexerOptions = IndexerOptions()) async throws -> [SearchResult] {
        guard let first = requests.first else { return [] }
        // The first query is embedded (loading the model) on a second core while this one
        // brings the index up to date, opens it and computes the BM25 half of the ranking.
        // The vectors are not mapped in ahead (MADV_POPULATE_READ): that slowed the model's
        // loading on the other core more than it saved the ranking (100k functions: 46 ms
        // against 51, 1M: 119 against 143, scripts/alternate-times.py).
        let firstQuery = Task { first.mode == .lexical ? nil : try await embedder.embed(query: first.query) }
        defer { firstQuery.cancel() }
        var summary: IndexSummary?
        if first.update {
            summary = try await updateBeforeQuery(embedder: embedder, location: location, options: indexerOptions)
        }
        let index = try openIndex(location: location, embedder: embedder)
        let ranker = HybridRanker(index: index)
        var results: [SearchResult] = []
        for (i, request) in requests.enumerated() {
            let options = RankOptions(limit: request.limit, languages: request.languages,
                                      pathFilter: request.pathFilter, minScore: request.minScore,
                                      weights: request.weights)
            // BM25 needs no embedding: it runs here while the other core embeds the question.
            let lexical = i == 0 ? ranker.lexicalCandidates(text: request.query, mode: request.mode, options: options) : nil
            let query = i == 0 ? try await firstQuery.value
                : request.mode == .lexical ? nil : try await embedder.embed(query: request.query)
            let hits = try ranker.rank(text: request.query, query: query, mode: request.mode, options: options, lexical: lexical)
            results.append(SearchResult(hits: hits, update: results.isEmpty ? summary : nil, index: index))
        }
        return results
    }

    /// The source lines `first...last` (1-based) of a hit's file, read from its blob, with
    /// lines counted as the scanner counts them (`LineEnds`).
    public func lines(of hit: SearchHit, from first: Int, through last: Int) -> [String] {
        let entry = SnapshotEntry(path: hit.path, blobID: hit.function.blobID, mode: 0o100644, size: 0)
        guard first <= last, let bytes = try? repository.contents(of: entry) else { return [] }
        return LineEnds.lines(of: bytes, from: first, through: last)
    }
}
