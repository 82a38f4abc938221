import Platform

/// How many clusters: a number the user gave, the size rule, or `--auto`'s silhouette rule.
public enum ClusterCount: Sendable, Equatable {
    case fixed(Int)
    /// `sizeRule`: about the cube root of the number of units, 2 to 30.
    case bySize
    /// The candidate with the best mean silhouette on a sample (`chooseBySilhouette`).
    case auto

    /// The cube root of `units`, rounded, between 2 and 30: a 1,000-unit repository gets
    /// 10 clusters, 27,000 units 30. Thirty is about as many colours as a map can keep
    /// apart and as many groups as a reader scans.
    public static func sizeRule(units: Int) -> Int {
        min(30, max(2, Int(Math.cbrt(Double(units)).rounded())))
    }

    /// Candidates `--auto` tries, kept below a third of the sample.
    static let candidates = [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50]
    /// Rows the silhouette is measured on: pairwise distances cost the square of it.
    static let silhouetteSample = 3000
    /// k-means runs per candidate: on a sample they are cheap, and one bad start would
    /// score a good k low.
    static let samplingStarts = 4

    /// The k among `candidates` whose clustering of a seeded sample of `points` has the
    /// highest mean silhouette (cosine distance), with every score, for the notes.
    public static func chooseBySilhouette(_ points: Matrix, seed: UInt64) throws -> (k: Int, scores: [(k: Int, silhouette: Double)]) {
        var random = SeededGenerator(seed: seed ^ 0x5157_4C48)
        let sample = points.rows(random.sample(silhouetteSample, of: points.rows))
        let usable = candidates.filter { $0 <= sample.rows / 3 }
        guard !usable.isEmpty else { throw AtlasError.tooFewUnits(have: points.rows, need: 6) }
        let similarity = pairwiseSimilarity(sample)
        var scores: [(k: Int, silhouette: Double)] = []
        for k in usable {
            let clustering = try KMeans.cluster(sample, k: k, seed: seed, starts: samplingStarts)
            scores.append((k, meanSilhouette(similarity, n: sample.rows, clustering.assignments, k: k)))
        }
        let best = scores.max { $0.silhouette < $1.silhouette || ($0.silhouette == $1.silhouette && $0.k > $1.k) }!
        return (best.k, scores)
    }

    /// The n × n matrix of dot products of the rows.
    static func pairwiseSimilarity(_ m: Matrix) -> [Float] {
        var out = [Float](repeating: 0, count: m.rows * m.rows)
        m.values.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                MatrixProduct.multiplyTransposed(p.baseAddress!, rows: m.rows, p.baseAddress!, rows: m.rows,
                                                 depth: m.columns, into: o.baseAddress!)
            }
        }
        return out
    }

    /// Mean over rows of (b − a) / max(a, b): a is the mean distance to the row's own
    /// cluster, b to the nearest other cluster; distance is 1 − cosine. A row alone in
    /// its cluster scores 0, as in Rousseeuw's definition.
    static func meanSilhouette(_ similarity: [Float], n: Int, _ assignments: [Int32], k: Int) -> Double {
        var sizes = [Int](repeating: 0, count: k)
        for a in assignments { sizes[Int(a)] += 1 }
        var total = 0.0
        var sums = [Double](repeating: 0, count: k)
        for i in 0..<n {
            for c in 0..<k { sums[c] = 0 }
            for j in 0..<n where j != i { sums[Int(assignments[j])] += 1 - Double(similarity[i * n + j]) }
            let own = Int(assignments[i])
            guard sizes[own] > 1 else { continue }
            let a = sums[own] / Double(sizes[own] - 1)
            var b = Double.infinity
            for c in 0..<k where c != own && sizes[c] > 0 { b = min(b, sums[c] / Double(sizes[c])) }
            if b.isFinite, max(a, b) > 0 { total += (b - a) / max(a, b) }
        }
        return total / Double(n)
    }
}
