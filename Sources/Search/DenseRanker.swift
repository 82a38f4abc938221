import EmbeddingCore
import Platform
import Dispatch
import IndexStorage

/// One ranked function at one path of the live snapshot.
public struct SearchHit: Sendable {
    public var path: String
    public var function: FunctionRecord
    /// Cosine similarity to the query, in [-1, 1] (dense); BM25 (lexical); the fused score (hybrid).
    public var score: Float
    /// The function's row in the index (its vector and lexicon row).
    public var row: Int = 0
}

public struct RankOptions: Sendable {
    public var limit: Int
    /// Only these languages (nil: all).
    public var languages: Set<String>?
    /// Only paths this accepts (nil: all); the CLI passes a `--path` pattern's matcher.
    public var pathFilter: (@Sendable (String) -> Bool)?
    public var minScore: Float
    /// The weights of the lexical and hybrid ranking stack.
    public var weights: RankingWeights
    /// Only index rows this accepts (nil: all); asked only of rows that would enter the top k.
    public var rowFilter: (@Sendable (Int) -> Bool)?

    public init(limit: Int = 10, languages: Set<String>? = nil, pathFilter: (@Sendable (String) -> Bool)? = nil,
                minScore: Float = -1, rowFilter: (@Sendable (Int) -> Bool)? = nil, weights: RankingWeights = .default) {
        self.weights = weights
        self.limit = limit
        self.languages = languages
        self.pathFilter = pathFilter
        self.minScore = minScore
        self.rowFilter = rowFilter
    }
}

public enum SearchError: Error, Equatable, Sendable, CustomStringConvertible {
    case dimensionMismatch(query: Int, index: Int)
    /// A cosine beyond `DenseRanker.damagedScore`: a stored vector is not a unit vector.
    case damagedVectors(path: String)

    public var description: String {
        switch self {
        case .dimensionMismatch(let query, let index):
            return "the query vector has \(query) dimensions but the index has \(index); re-index with the same embedder"
        case .damagedVectors(let path):
            return "index \(path) has damaged vectors (a similarity above 1); run `codesearch index` to repair it"
        }
    }
}

/// Ranks every live function by cosine similarity to a query vector,
/// scanning the memory-mapped vectors in place. Never formats output.
public struct DenseRanker: Sendable {
    public let index: IndexFile
    public let files: [LiveFile]

    /// The cosine of two unit vectors lies in [-1, 1]; fp16 rounding adds far less than
    /// 1/16. A score beyond ±this (or NaN) means a damaged vector, never a great match.
    public static let damagedScore: Float = 1.0625

    /// Throws `damagedVectors` unless `score` is a possible cosine.
    func check(_ score: Float) throws {
        if !(abs(score) <= Self.damagedScore) { throw SearchError.damagedVectors(path: index.path) }
    }

    /// Reads the live snapshot once; reuse the ranker for several queries.
    public init(index: IndexFile) {
        self.index = index
        files = index.liveFiles()
    }

    /// Candidate (file, function-range) pairs the options admit, and how many rows they hold;
    /// a blob at two paths is scored at both.
    func candidateSpans(_ options: RankOptions) -> (spans: [(file: Int, rows: Range<Int>)], total: Int) {
        var spans: [(file: Int, rows: Range<Int>)] = []
        var total = 0
        for (i, file) in files.enumerated() where !file.functions.isEmpty {
            if let languages = options.languages, !languages.contains(file.language) { continue }
            if let accept = options.pathFilter, !accept(file.path) { continue }
            spans.append((i, file.functions))
            total += file.functions.count
        }
        return (spans, total)
    }

    /// Where the spans split into chunks of about equal rows: at most two (two cores are
    /// common; more adds little, the scan being memory-bound), one below 32,768 rows.
    static func chunkBounds(_ spans: [(file: Int, rows: Range<Int>)], total: Int) -> [Int] {
        let chunks = total >= 32_768 ? 2 : 1
        var bounds = [0]
        var acc = 0
        for (i, s) in spans.enumerated() {
            acc += s.rows.count
            if bounds.count < chunks && acc * chunks >= total * bounds.count { bounds.append(i + 1) }
        }
        if bounds.last != spans.count { bounds.append(spans.count) }
        return bounds
    }

    public func rank(query: [Float], options: RankOptions = RankOptions()) throws -> [SearchHit] {
        let dims = index.dimensions
        guard query.count == dims else { throw SearchError.dimensionMismatch(query: query.count, index: dims) }
        guard options.limit > 0 else { return [] }

        let (spans, total) = candidateSpans(options)
        if total == 0 { return [] }

        let norm = L2.norm(query)
        let unit: Float = norm > L2.epsilon ? 1 / norm : 0
        let scaled = index.encoding == .float16
            ? DotProductKernel.prepareFloat16Query(query, scale: unit * HalfFloat.widenScale)
            : query.map { $0 * unit }
        let encoding = index.encoding
        let limit = options.limit, minScore = options.minScore, rowFilter = options.rowFilter

        let bounds = Self.chunkBounds(spans, total: total)
        let chunkSpans = spans, chunkBounds = bounds
        let results = index.withVectorBytes { vectors -> [ChunkResult] in
            let matrix = UnsafeSendable(vectors.baseAddress!)
            let work: @Sendable (Int) -> ChunkResult = { c in
                var top = TopK(k: limit)
                var damaged = false
                var scores = [Float](repeating: 0, count: 256)
                scaled.withUnsafeBufferPointer { q in
                    scores.withUnsafeMutableBufferPointer { out in
                        for s in chunkSpans[chunkBounds[c]..<chunkBounds[c + 1]] {
                            var start = s.rows.lowerBound
                            while start < s.rows.upperBound {
                                let end = min(s.rows.upperBound, start + out.count)
                                switch encoding {
                                case .float16:
                                    DotProductKernel.scoresFloat16(preparedQuery: q.baseAddress!, matrix: matrix.value, dims: dims,
                                                                   rows: start..<end, scores: out.baseAddress!)
                                case .float32:
                                    DotProductKernel.scoresFloat32(query: q.baseAddress!, matrix: matrix.value, dims: dims,
                                                                   rows: start..<end, scores: out.baseAddress!)
                                }
                                let threshold = max(minScore, top.threshold)
                                for r in 0..<(end - start) {
                                    // Every row, not only the best: a damaged row may score -48025 and
                                    // rank last, or NaN and not rank at all (one compare per 384 MACs).
                                    if !(abs(out[r]) <= Self.damagedScore) { damaged = true }
                                    // id packs (file, row): rows < 2^32.
                                    // A unit waiting for its vector has a row of zeros: it has no cosine.
                                    if out[r] >= threshold && index.hasVector(at: start + r) && rowFilter?(start + r) != false {
                                        top.insert(score: out[r], id: s.file << 32 | (start + r))
                                    }
                                }
                                start = end
                            }
                        }
                    }
                }
                return ChunkResult(top: top, damaged: damaged)
            }
            return Parallel.map(bounds.count - 1, work)
        }

        if results.contains(where: \.damaged) { throw SearchError.damagedVectors(path: index.path) }
        var top = TopK(k: limit)
        for r in results { top.merge(r.top) }
        return top.sorted().filter { $0.score >= minScore }.map { item in
            let file = files[item.id >> 32]
            let row = item.id & 0xffff_ffff
            return SearchHit(path: file.path, function: index.function(at: row), score: item.score, row: row)
        }
    }
}

/// A pointer into the mapping, valid while `withVectorBytes` runs.
private struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// One chunk's best rows, and whether any row's score was impossible for unit vectors.
private struct ChunkResult: Sendable {
    var top: TopK
    var damaged: Bool
}
