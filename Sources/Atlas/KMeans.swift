/// Spherical k-means on unit vectors: a unit belongs to the centroid it is most similar to
/// (cosine), and a centroid is its members' mean scaled back to length 1. On normalised
/// vectors this is k-means under squared Euclidean distance (|x − c|² = 2 − 2 x·c).
public struct Clustering: Sendable, Equatable {
    /// The cluster of each row, `0..<k`.
    public var assignments: [Int32]
    /// The cosine of each row with its own centroid.
    public var similarities: [Float]
    /// `k` rows of unit length.
    public var centroids: Matrix
    public var iterations: Int

    public var k: Int { centroids.rows }

    /// Rows per cluster.
    public var sizes: [Int] {
        var sizes = [Int](repeating: 0, count: k)
        for a in assignments { sizes[Int(a)] += 1 }
        return sizes
    }
}

public enum KMeans {
    /// Stops once fewer than this share of rows change cluster in an iteration.
    static let settledShare = 0.001
    /// Rows k-means++ draws its seeds from: seeding costs k passes over them, and a
    /// sample of this size seeds as well as the whole set for the k used here.
    static let seedingSample = 8192

    /// Clusters the rows of `points` (unit vectors) into `k` groups: the best (highest total
    /// similarity to the centroids) of `starts` runs from different k-means++ seeds, as one
    /// unlucky start can put two seeds in one group. Deterministic for a seed.
    public static func cluster(_ points: Matrix, k: Int, seed: UInt64, starts: Int = 1,
                               maxIterations: Int = 40) throws -> Clustering {
        guard points.rows >= max(k, 1), k >= 1 else { throw AtlasError.tooFewUnits(have: points.rows, need: max(k, 1)) }
        try MatrixProduct.load()
        var best: Clustering?, bestTotal = -Double.infinity
        for start in 0..<max(1, starts) {
            let run = once(points, k: k, seed: seed &+ UInt64(start) &* 0x9E37_79B9, maxIterations: maxIterations)
            let total = run.similarities.reduce(0.0) { $0 + Double($1) }
            if total > bestTotal { (best, bestTotal) = (run, total) }
        }
        return best!
    }

    static func once(_ points: Matrix, k: Int, seed: UInt64, maxIterations: Int) -> Clustering {
        var random = SeededGenerator(seed: seed)
        var centroids = seeds(points, k: k, random: &random)
        var assignments = [Int32](repeating: -1, count: points.rows)
        var similarities = [Float](repeating: 0, count: points.rows)
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let changed = assign(points, centroids, &assignments, &similarities)
            centroids = means(points, assignments, k: k, similarities: similarities)
            if Double(changed) <= settledShare * Double(points.rows) { break }
        }
        _ = assign(points, centroids, &assignments, &similarities)
        return Clustering(assignments: assignments, similarities: similarities, centroids: centroids, iterations: iterations)
    }

    /// k-means++ on a seeded sample: the first seed at random, each next one drawn with
    /// probability proportional to its squared distance from the nearest seed so far.
    static func seeds(_ points: Matrix, k: Int, random: inout SeededGenerator) -> Matrix {
        let pool = points.rows(random.sample(seedingSample, of: points.rows))
        let n = pool.rows, d = pool.columns
        var chosen = [random.below(n)]
        var nearest = [Float](repeating: .infinity, count: n)
        var similarity = [Float](repeating: 0, count: n)
        pool.values.withUnsafeBufferPointer { p in
            while chosen.count < k {
                let seed = p.baseAddress! + chosen.last! * d
                similarity.withUnsafeMutableBufferPointer { s in
                    MatrixProduct.multiplyTransposed(p.baseAddress!, rows: n, seed, rows: 1, depth: d, into: s.baseAddress!)
                }
                var total = 0.0
                for i in 0..<n {
                    nearest[i] = min(nearest[i], max(0, 2 - 2 * similarity[i]))
                    total += Double(nearest[i])
                }
                // All remaining rows coincide with a seed: any row will do.
                guard total > 0 else { chosen.append(random.below(n)); continue }
                var target = random.unit() * total, pick = n - 1
                for i in 0..<n {
                    target -= Double(nearest[i])
                    if target < 0 { pick = i; break }
                }
                chosen.append(pick)
            }
        }
        return pool.rows(chosen)
    }

    /// Moves every row to its most similar centroid; returns how many rows moved.
    static func assign(_ points: Matrix, _ centroids: Matrix, _ assignments: inout [Int32],
                       _ similarities: inout [Float]) -> Int {
        let k = centroids.rows
        var best = [Int32](repeating: 0, count: points.rows)
        NearestRows.mostSimilar(points, centroids) { row, index, value in
            best[row] = Int32(index)
            similarities[row] = value
        }
        var changed = 0
        for i in 0..<points.rows where assignments[i] != best[i] {
            changed += 1
            assignments[i] = best[i]
        }
        precondition(best.allSatisfy { $0 >= 0 && Int($0) < k })
        return changed
    }

    /// Each cluster's normalised mean, summed in row order (so the same on every run). An
    /// empty cluster takes the row least similar to its own centroid, which leaves it.
    static func means(_ points: Matrix, _ assignments: [Int32], k: Int, similarities: [Float]) -> Matrix {
        let d = points.columns
        var sums = [Float](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        points.values.withUnsafeBufferPointer { p in
            sums.withUnsafeMutableBufferPointer { s in
                for i in 0..<points.rows {
                    let c = Int(assignments[i])
                    counts[c] += 1
                    VectorMath.add(p.baseAddress! + i * d, to: s.baseAddress! + c * d, count: d)
                }
            }
        }
        var taken = Set<Int>()
        for c in 0..<k where counts[c] == 0 {
            let loneliest = (0..<points.rows).filter { !taken.contains($0) }
                .min { similarities[$0] < similarities[$1] || (similarities[$0] == similarities[$1] && $0 < $1) } ?? 0
            taken.insert(loneliest)
            for j in 0..<d { sums[c * d + j] = points.values[loneliest * d + j] }
        }
        var centroids = Matrix(rows: k, columns: d, values: sums)
        centroids.normaliseRows()
        return centroids
    }
}

/// Row-by-row searches against a small second matrix, through blocked products.
enum NearestRows {
    /// For every row of `points`, the row of `targets` with the largest dot product
    /// (the lowest index on a tie), reported in row order.
    static func mostSimilar(_ points: Matrix, _ targets: Matrix,
                            _ report: (_ row: Int, _ target: Int, _ similarity: Float) -> Void) {
        let n = points.rows, k = targets.rows, d = points.columns
        var best = [Int32](repeating: 0, count: n)
        var value = [Float](repeating: 0, count: n)
        points.values.withUnsafeBufferPointer { p in
            targets.values.withUnsafeBufferPointer { t in
                best.withUnsafeMutableBufferPointer { b in
                    value.withUnsafeMutableBufferPointer { v in
                        let (pp, tp) = (SharedConstPointer(base: p.baseAddress!), SharedConstPointer(base: t.baseAddress!))
                        let (bp, vp) = (SharedPointer(base: b.baseAddress!), SharedPointer(base: v.baseAddress!))
                        Blocks.forEach(count: n, blockSize: MatrixProduct.blockRows) { rows in
                            let scores = UnsafeMutablePointer<Float>.allocate(capacity: rows.count * k)
                            defer { scores.deallocate() }
                            MatrixProduct.multiplyTransposed(pp.base + rows.lowerBound * d, rows: rows.count,
                                                             tp.base, rows: k, depth: d, into: scores)
                            for (r, row) in rows.enumerated() {
                                var top = 0
                                for c in 1..<max(k, 1) where scores[r * k + c] > scores[r * k + top] { top = c }
                                bp.base[row] = Int32(top)
                                vp.base[row] = scores[r * k + top]
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<n { report(i, Int(best[i]), value[i]) }
    }
}
