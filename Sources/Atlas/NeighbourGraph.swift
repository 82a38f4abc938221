/// Each row's `k` nearest other rows by Euclidean distance, exactly: blocked products of
/// the rows with all rows (|a − b|² = |a|² + |b|² − 2 a·b), then a running top-k per row.
/// Ties go to the lower index, so the graph is the same on every run.
struct NeighbourGraph: Sendable {
    let k: Int
    /// `rows * k` neighbour indices, nearest first.
    var indices: [Int32]
    /// The matching distances (not squared).
    var distances: [Float]

    var rows: Int { indices.count / max(k, 1) }

    init(_ points: Matrix, k requested: Int) {
        let n = points.rows, d = points.columns, k = min(requested, max(n - 1, 1))
        self.k = k
        var norms = [Float](repeating: 0, count: n)
        points.values.withUnsafeBufferPointer { p in
            for i in 0..<n { norms[i] = VectorMath.dot(p.baseAddress! + i * d, p.baseAddress! + i * d, count: d) }
        }
        var indices = [Int32](repeating: 0, count: n * k)
        var distances = [Float](repeating: .infinity, count: n * k)
        points.values.withUnsafeBufferPointer { p in
            norms.withUnsafeBufferPointer { nb in
                indices.withUnsafeMutableBufferPointer { ib in
                    distances.withUnsafeMutableBufferPointer { db in
                        let shared = (SharedConstPointer(base: p.baseAddress!), SharedConstPointer(base: nb.baseAddress!),
                                      SharedPointer(base: ib.baseAddress!), SharedPointer(base: db.baseAddress!))
                        Blocks.forEach(count: n, blockSize: MatrixProduct.blockRows) { block in
                            Self.search(block, points: shared.0.base, norms: shared.1.base, n: n, d: d, k: k,
                                        indices: shared.2.base, distances: shared.3.base)
                        }
                    }
                }
            }
        }
        for i in 0..<distances.count { distances[i] = max(0, distances[i]).squareRoot() }
        self.indices = indices
        self.distances = distances
    }

    /// The neighbours of the rows in `block`, written to their slots (squared distances).
    private static func search(_ block: Range<Int>, points: UnsafePointer<Float>, norms: UnsafePointer<Float>,
                               n: Int, d: Int, k: Int, indices: UnsafeMutablePointer<Int32>,
                               distances: UnsafeMutablePointer<Float>) {
        let products = UnsafeMutablePointer<Float>.allocate(capacity: block.count * n)
        defer { products.deallocate() }
        MatrixProduct.multiplyTransposed(points + block.lowerBound * d, rows: block.count, points, rows: n,
                                         depth: d, into: products)
        for (r, row) in block.enumerated() {
            let top = distances + row * k, topIndex = indices + row * k
            let scores = products + r * n
            let own = norms[row]
            var worst = Float.infinity
            for j in 0..<n {
                // d² − |row|² is enough to rank row's candidates.
                let candidate = norms[j] - 2 * scores[j]
                guard candidate + own < worst, j != row else { continue }
                var at = k - 1
                while at > 0 && top[at - 1] > candidate + own {
                    top[at] = top[at - 1]
                    topIndex[at] = topIndex[at - 1]
                    at -= 1
                }
                top[at] = candidate + own
                topIndex[at] = Int32(j)
                worst = top[k - 1]
            }
        }
    }
}
