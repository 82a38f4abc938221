import Foundation

/// Two-dimensional positions for unit vectors, by UMAP (McInnes, Healy and Melville 2018)
/// as umap-learn runs it with its defaults (15 neighbours, min_dist 0.1, 5 negative samples
/// per edge), over the 50 leading principal components and from a principal-component start.
/// Single-threaded stochastic gradient descent with a seeded generator: the same vectors and
/// seed give the same picture, byte for byte.
public enum MapLayout {
    public static let neighbours = 15
    static let components = 50
    /// umap-learn's curve parameters for min_dist 0.1, spread 1: 1 / (1 + a d^(2b)).
    static let a: Float = 1.576943, b: Float = 0.8950609
    static let negativeSamples = 5
    /// The start is scaled so its widest coordinate is this (umap-learn's range for a
    /// spectral or PCA start).
    static let startRange: Float = 10

    /// The epochs umap-learn runs: 500 up to 10,000 points, 200 above.
    static func epochs(points: Int) -> Int { points <= 10_000 ? 500 : 200 }

    /// An n × 2 matrix of positions for the rows of `points`.
    public static func layout(_ points: Matrix, seed: UInt64) throws -> Matrix {
        let n = points.rows
        // Too few points for neighbours: side by side.
        guard n >= 3 else { return Matrix(rows: n, columns: 2, values: (0..<n).flatMap { [Float($0), 0] }) }
        try MatrixProduct.load()
        let reduced = PrincipalComponents.project(points, count: components, seed: seed)
        let graph = NeighbourGraph(reduced, k: neighbours)
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
        var random = SeededGenerator(seed: seed ^ 0x554D_4150)
        let count = edges.heads.count
        let maxWeight = edges.weights.max() ?? 1
        var perSample = [Float](repeating: -1, count: count)
        for e in 0..<count where edges.weights[e] >= maxWeight / Float(epochs) { perSample[e] = maxWeight / edges.weights[e] }
        var nextSample = perSample
        let perNegative = perSample.map { $0 / Float(negativeSamples) }
        var nextNegative = perNegative
        y.withUnsafeMutableBufferPointer { yb in
            let y = yb.baseAddress!
            for epoch in 0..<epochs {
                let rate = 1 - Float(epoch) / Float(epochs)
                let now = Float(epoch)
                for e in 0..<count where perSample[e] > 0 && nextSample[e] <= now {
                    let j = Int(edges.heads[e]), k = Int(edges.tails[e])
                    attract(y + 2 * j, y + 2 * k, rate: rate)
                    nextSample[e] += perSample[e]
                    let negatives = Int((now - nextNegative[e]) / perNegative[e])
                    for _ in 0..<max(0, negatives) {
                        let other = random.below(n)
                        if other != j { repel(y + 2 * j, y + 2 * other, rate: rate) }
                    }
                    nextNegative[e] += Float(max(0, negatives)) * perNegative[e]
                }
            }
        }
    }

    @inline(__always)
    static func clip(_ v: Float) -> Float { min(4, max(-4, v)) }

    @inline(__always)
    static func attract(_ p: UnsafeMutablePointer<Float>, _ q: UnsafeMutablePointer<Float>, rate: Float) {
        let dx = p[0] - q[0], dy = p[1] - q[1]
        let d2 = dx * dx + dy * dy
        guard d2 > 0 else { return }
        let powB = exp(b * log(d2))
        let coefficient = -2 * a * b * powB / d2 / (a * powB + 1)
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
        let coefficient = 2 * b / ((0.001 + d2) * (a * exp(b * log(d2)) + 1))
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
            let sigma = Self.bandwidth(distances, rho: rho, target: log2(Float(k)))
            for s in 0..<k {
                let j = Int(graph.indices[i * k + s])
                guard j != i else { continue }
                let w = exp(-max(0, distances[s] - rho) / sigma)
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
            for d in distances { sum += exp(-max(0, d - rho) / mid) }
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
