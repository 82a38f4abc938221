/// Each row's `k` nearest other rows by Euclidean distance: blocked products of query rows
/// with candidate rows (|a − b|² = |a|² + |b|² − 2 a·b), then a running top-k per row. Exact
/// when every row is a candidate for every row; with `SearchGroups` each row looks only
/// among the rows of its own cluster and the nearest clusters, as an inverted-file index
/// does. Ties go to the lower index, so the graph is the same on every run.
struct NeighbourGraph: Sendable {
    let k: Int
    /// `rows * k` neighbour indices, nearest first.
    var indices: [Int32]
    /// The matching distances (not squared).
    var distances: [Float]

    var rows: Int { indices.count / max(k, 1) }

    /// Rows to answer and the rows to look among, sorted ascending.
    struct SearchGroup: Sendable {
        var queries: [Int]
        var candidates: [Int]
    }

    init(_ points: Matrix, k requested: Int, groups given: [SearchGroup]? = nil) {
        let n = points.rows, d = points.columns, k = min(requested, max(n - 1, 1))
        self.k = k
        let groups = given ?? [SearchGroup(queries: Array(0..<n), candidates: Array(0..<n))]
        var indices = [Int32](repeating: 0, count: n * k)
        var distances = [Float](repeating: .infinity, count: n * k)
        // Work items: a block of one group's queries, so both cores stay busy whatever the sizes.
        var items: [(group: Int, queries: Range<Int>)] = []
        for (g, group) in groups.enumerated() {
            for start in stride(from: 0, to: group.queries.count, by: MatrixProduct.blockRows) {
                items.append((g, start..<min(group.queries.count, start + MatrixProduct.blockRows)))
            }
        }
        points.values.withUnsafeBufferPointer { p in
            indices.withUnsafeMutableBufferPointer { ib in
                distances.withUnsafeMutableBufferPointer { db in
                    let shared = (SharedConstPointer(base: p.baseAddress!), SharedPointer(base: ib.baseAddress!),
                                  SharedPointer(base: db.baseAddress!))
                    let work = items
                    Blocks.forEach(count: work.count, blockSize: 1) { range in
                        for item in range {
                            let group = groups[work[item].group]
                            Self.search(Array(group.queries[work[item].queries]), among: group.candidates,
                                        points: shared.0.base, d: d, k: k, indices: shared.1.base, distances: shared.2.base)
                        }
                    }
                }
            }
        }
        for i in 0..<distances.count { distances[i] = max(0, distances[i]).squareRoot() }
        self.indices = indices
        self.distances = distances
    }

    /// The neighbours of `queries` among `candidates`, written to the queries' slots (squared).
    private static func search(_ queries: [Int], among candidates: [Int], points: UnsafePointer<Float>, d: Int, k: Int,
                               indices: UnsafeMutablePointer<Int32>, distances: UnsafeMutablePointer<Float>) {
        let q = gather(queries, points, d), c = gather(candidates, points, d)
        defer { q.deallocate(); c.deallocate() }
        let m = candidates.count
        let products = UnsafeMutablePointer<Float>.allocate(capacity: queries.count * m)
        let norms = UnsafeMutablePointer<Float>.allocate(capacity: m)
        defer { products.deallocate(); norms.deallocate() }
        for j in 0..<m { norms[j] = VectorMath.dot(c + j * d, c + j * d, count: d) }
        MatrixProduct.multiplyTransposed(q, rows: queries.count, c, rows: m, depth: d, into: products)
        for (r, row) in queries.enumerated() {
            let top = distances + row * k, topIndex = indices + row * k
            let scores = products + r * m
            let own = VectorMath.dot(q + r * d, q + r * d, count: d)
            var worst = top[k - 1]
            for j in 0..<m {
                let candidate = norms[j] - 2 * scores[j] + own
                guard candidate < worst, candidates[j] != row else { continue }
                var at = k - 1
                while at > 0 && top[at - 1] > candidate {
                    top[at] = top[at - 1]
                    topIndex[at] = topIndex[at - 1]
                    at -= 1
                }
                top[at] = candidate
                topIndex[at] = Int32(candidates[j])
                worst = top[k - 1]
            }
        }
    }

    /// The rows at `rows`, copied into one contiguous buffer (the caller frees it).
    private static func gather(_ rows: [Int], _ points: UnsafePointer<Float>, _ d: Int) -> UnsafeMutablePointer<Float> {
        let out = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows.count * d))
        for (i, row) in rows.enumerated() { (out + i * d).update(from: points + row * d, count: d) }
        return out
    }
}

extension NeighbourGraph.SearchGroup {
    /// Candidates searched per cluster: its own rows and those of the most similar clusters
    /// until there are at least `probedClusters` clusters and `minimum` rows.
    static let probedClusters = 3

    /// One group per cluster of `clustering`: its members ask among their own cluster and the
    /// clusters whose centroids are nearest. With 30 clusters this looks at about a tenth of
    /// the rows; the neighbours found are the true ones for nearly every row, as a row's
    /// nearest neighbours sit in its own or a neighbouring cluster.
    static func byCluster(_ clustering: Clustering, minimum: Int) -> [NeighbourGraph.SearchGroup] {
        let k = clustering.k
        var members = [[Int]](repeating: [], count: k)
        for (i, a) in clustering.assignments.enumerated() { members[Int(a)].append(i) }
        let similarity = ClusterCount.pairwiseSimilarity(clustering.centroids)
        return (0..<k).compactMap { c in
            guard !members[c].isEmpty else { return nil }
            let order = (0..<k).sorted {
                let a = $0 == c ? 2 : similarity[c * k + $0], b = $1 == c ? 2 : similarity[c * k + $1]
                return a > b || (a == b && $0 < $1)
            }
            var candidates: [Int] = []
            for (taken, other) in order.enumerated() {
                if taken >= probedClusters && candidates.count >= minimum { break }
                candidates += members[other]
            }
            return .init(queries: members[c], candidates: candidates.sorted())
        }
    }
}
