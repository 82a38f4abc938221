import Platform

/// Two-dimensional positions for unit vectors, by UMAP (McInnes, Healy and Melville 2018)
/// as umap-learn runs it (15 neighbours, 5 negative samples per edge, 200 or 500 epochs),
/// over the 50 leading principal components and from a principal-component start, with one
/// change: the low-dimensional similarity is 1 / (1 + d²) (a = b = 1, t-SNE's kernel) instead
/// of umap-learn's fitted 1 / (1 + 1.58 d^1.79), whose two powers per update were most of
/// the descent's time (latency-bound series, about 80 ns an update on 19k units) for a
/// picture that differs in how tightly clusters pack, not in which points sit together.
/// Single-threaded stochastic gradient descent with a seeded generator: the same vectors and
/// seed give the same picture, byte for byte.
public enum MapLayout {
    public static let neighbours = 15
    static let components = 50
    static let negativeSamples = 5
    /// The start is scaled so its widest coordinate is this (umap-learn's range for a
    /// spectral or PCA start).
    static let startRange: Float = 10

    /// The epochs umap-learn runs: 500 up to 10,000 points, 200 above.
    static func epochs(points: Int) -> Int { points <= 10_000 ? 500 : 200 }

    /// An n × 2 matrix of positions for the rows of `points`. With `clustering` (of the same
    /// rows), each row's neighbours are sought in its own and the nearest clusters only
    /// (`NeighbourGraph.SearchGroup.byCluster`), which keeps 50k rows to seconds.
    public static func layout(_ points: Matrix, clustering: Clustering? = nil, seed: UInt64) throws -> Matrix {
        let n = points.rows
        // Too few points for neighbours: side by side.
        guard n >= 3 else { return Matrix(rows: n, columns: 2, values: (0..<n).flatMap { [Float($0), 0] }) }
        try MatrixProduct.load()
        let reduced = PrincipalComponents.project(points, count: components, seed: seed)
        let groups = clustering.map { NeighbourGraph.SearchGroup.byCluster($0, minimum: 4 * neighbours) }
        let graph = NeighbourGraph(reduced, k: neighbours, groups: groups)
        let edges = FuzzyGraph(graph)
        var positions = start(reduced)
        optimise(&positions, edges: edges, n: n, epochs: epochs(points: n), seed: seed)
        return Matrix(rows: n, columns: 2, values: positions)
    }

    /// The first two principal components, scaled to ±`startRange`.
    static func start(_ reduced: Matrix) -> [Float] {
        var out = [Float](repeating: 0, count: reduced.rows * 2)
        var widest: Float = 0
        for i in 0..<reduced.rows {
            for c in 0..<2 where c < reduced.columns {
                out[i * 2 + c] = reduced.values[i * reduced.columns + c]
                widest = max(widest, abs(out[i * 2 + c]))
            }
        }
        if widest > 0 { for i in 0..<out.count { out[i] *= startRange / widest } }
        return out
    }

    /// umap-learn's `optimize_layout_euclidean` with `move_other`: each edge pulls its ends
    /// together as often as its weight says, and pushes its head away from random points.
    static func optimise(_ y: inout [Float], edges: FuzzyGraph, n: Int, epochs: Int, seed: UInt64) {
        let count = edges.heads.count
        let maxWeight = edges.weights.max() ?? 1
        let state = UnsafeMutablePointer<Float>.allocate(capacity: 4 * count)
        defer { state.deallocate() }
        for e in 0..<count {
            // An edge too light to be sampled once in all the epochs is left out, as umap-learn does.
            let every: Float = edges.weights[e] >= maxWeight / Float(epochs) ? maxWeight / edges.weights[e] : -1
            let everyNegative = every / Float(negativeSamples)
            (state[4 * e], state[4 * e + 1], state[4 * e + 2], state[4 * e + 3]) = (every, every, everyNegative, everyNegative)
        }
        y.withUnsafeMutableBufferPointer { yb in
            edges.heads.withUnsafeBufferPointer { heads in
                edges.tails.withUnsafeBufferPointer { tails in
                    // Local to this closure: a captured generator would be boxed, and every draw
                    // would pay a dynamic exclusivity check.
                    var random = SeededGenerator(seed: seed ^ 0x554D_4150)
                    for epoch in 0..<epochs {
                        runEpoch(epoch, of: epochs, y: yb.baseAddress!, heads: heads.baseAddress!, tails: tails.baseAddress!,
                                 state: state, count: count, n: n, random: &random)
                    }
                }
            }
        }
    }

    /// One epoch over every edge. `state` holds per edge: epochs per sample, next sample,
    /// epochs per negative sample, next negative sample (umap-learn's four arrays, side by side).
    static func runEpoch(_ epoch: Int, of epochs: Int, y: UnsafeMutablePointer<Float>, heads: UnsafePointer<Int32>,
                         tails: UnsafePointer<Int32>, state: UnsafeMutablePointer<Float>, count: Int, n: Int,
                         random: inout SeededGenerator) {
        let rate = 1 - Float(epoch) / Float(epochs)
        let now = Float(epoch)
        for e in 0..<count {
            let s = state + 4 * e
            guard s[0] > 0 && s[1] <= now else { continue }
            let j = Int(heads[e]), k = Int(tails[e])
            attract(y + 2 * j, y + 2 * k, rate: rate)
            s[1] += s[0]
            let negatives = max(0, Int((now - s[3]) / s[2]))
            for _ in 0..<negatives {
                let other = random.below(n)
                if other != j { repel(y + 2 * j, y + 2 * other, rate: rate) }
            }
            s[3] += Float(negatives) * s[2]
        }
    }

    @inline(__always)
    static func clip(_ v: Float) -> Float { min(4, max(-4, v)) }

    @inline(__always)
    static func attract(_ p: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, rate: Float) {
        let dx = p[0] - q[0], dy = p[1] - q[1]
        let d2 = dx * dx + dy * dy
        guard d2 > 0 else { return }
        // umap-learn's −2ab d^(2b−2) / (1 + a d^(2b)) at a = b = 1.
        let coefficient = -2 / (d2 + 1)
        let gx = clip(coefficient * dx) * rate, gy = clip(coefficient * dy) * rate
        p[0] += gx; p[1] += gy
        q[0] -= gx; q[1] -= gy
    }

    @inline(__always)
    static func repel(_ p: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, rate: Float) {
        let dx = p[0] - q[0], dy = p[1] - q[1]
        let d2 = dx * dx + dy * dy
        guard d2 > 0 else {
            // Two points on the same spot: umap-learn pushes by the clip limit.
            p[0] += 4 * rate; p[1] += 4 * rate
            return
        }
        // umap-learn's 2b / ((0.001 + d²)(1 + a d^(2b))) at a = b = 1.
        let coefficient = 2 / ((0.001 + d2) * (d2 + 1))
        p[0] += clip(coefficient * dx) * rate
        p[1] += clip(coefficient * dy) * rate
    }
}

/// UMAP's fuzzy neighbour graph: each directed edge i → j weighs exp(−(d − ρᵢ)/σᵢ), where
/// ρᵢ is i's nearest distance and σᵢ makes its weights sum to log₂ k; the two directions of
/// an edge combine as a fuzzy union, w + w' − w·w'. Edges sorted by (head, tail).
struct FuzzyGraph {
    var heads: [Int32] = []
    var tails: [Int32] = []
    var weights: [Float] = []

    init(_ graph: NeighbourGraph) {
        let k = graph.k, n = graph.rows
        var directed: [UInt64: Float] = [:]
        directed.reserveCapacity(n * k)
        for i in 0..<n {
            let distances = Array(graph.distances[(i * k)..<((i + 1) * k)])
            let rho = distances.first { $0 > 0 } ?? 0
            let sigma = Self.bandwidth(distances, rho: rho, target: Math.log2(Float(k)))
            for s in 0..<k {
                let j = Int(graph.indices[i * k + s])
                guard j != i else { continue }
                let w = Math.exp(-max(0, distances[s] - rho) / sigma)
                directed[UInt64(i) << 32 | UInt64(j)] = w
            }
        }
        var union: [UInt64: Float] = [:]
        for (key, w) in directed {
            let i = key >> 32, j = key & 0xffff_ffff
            let back = directed[j << 32 | i] ?? 0
            union[min(i, j) << 32 | max(i, j)] = w + back - w * back
        }
        // Both directions, as umap-learn's symmetric matrix has them; sorted for a fixed order.
        for key in union.keys.sorted() {
            let i = Int32(key >> 32), j = Int32(key & 0xffff_ffff), w = union[key]!
            heads += [i, j]
            tails += [j, i]
            weights += [w, w]
        }
    }

    /// σ by bisection so that Σ exp(−max(0, d − ρ)/σ) = target (umap-learn's smooth_knn_dist).
    static func bandwidth(_ distances: [Float], rho: Float, target: Float) -> Float {
        var low: Float = 0, high = Float.infinity, mid: Float = 1
        for _ in 0..<64 {
            var sum: Float = 0
            for d in distances { sum += Math.exp(-max(0, d - rho) / mid) }
            if abs(sum - target) < 1e-5 { break }
            if sum > target {
                high = mid
                mid = (low + high) / 2
            } else {
                low = mid
                mid = high.isInfinite ? mid * 2 : (low + high) / 2
            }
        }
        return max(mid, 1e-3 * (distances.reduce(0, +) / Float(max(distances.count, 1))))
    }
}
