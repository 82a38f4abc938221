/// A unit far from every cluster and from the other units of its own file: a candidate
/// for misplaced or unusual code. The reason comes in numbers beside the typical ones.
public struct Outlier: Sendable, Equatable {
    /// The row of the clustered matrix.
    public var row: Int
    public var cluster: Int
    /// Cosine with its nearest (its own) centroid, and the median of that over all units.
    public var clusterSimilarity: Float
    public var clusterMedian: Float
    /// Mean cosine with the other units of its file, and the median of that over all units.
    public var fileSimilarity: Float
    public var fileMedian: Float
    /// How many other units its file has.
    public var fileMates: Int
}

public enum Outliers {
    /// Both similarities must be among the lowest tenth of all units' to count.
    static let lowShare = 0.10

    /// Units in the lowest tenth both by similarity to their cluster and by mean similarity
    /// to their file's other units, most outlying (lowest sum of the two) first, at most
    /// `limit`. `files` groups rows by file; a unit alone in its file is never judged.
    public static func find(_ points: Matrix, _ clustering: Clustering, files: [[Int]], limit: Int) -> [Outlier] {
        let fileSimilarity = meanFileSimilarity(points, files: files)
        let judged = (0..<points.rows).filter { fileSimilarity[$0] != nil }
        guard !judged.isEmpty else { return [] }
        let clusterValues = judged.map { clustering.similarities[$0] }.sorted()
        let fileValues = judged.map { fileSimilarity[$0]! }.sorted()
        let clusterCut = quantile(clusterValues, lowShare), fileCut = quantile(fileValues, lowShare)
        let clusterMedian = quantile(clusterValues, 0.5), fileMedian = quantile(fileValues, 0.5)
        var mates = [Int](repeating: 0, count: points.rows)
        for file in files { for row in file { mates[row] = file.count - 1 } }
        let found = judged.filter { clustering.similarities[$0] <= clusterCut && fileSimilarity[$0]! <= fileCut }
            .map { row in
                Outlier(row: row, cluster: Int(clustering.assignments[row]), clusterSimilarity: clustering.similarities[row],
                        clusterMedian: clusterMedian, fileSimilarity: fileSimilarity[row]!, fileMedian: fileMedian,
                        fileMates: mates[row])
            }
        let ranked = found.sorted {
            let a = $0.clusterSimilarity + $0.fileSimilarity, b = $1.clusterSimilarity + $1.fileSimilarity
            return a < b || (a == b && $0.row < $1.row)
        }
        return Array(ranked.prefix(limit))
    }

    /// For each row in a file with other rows: the mean cosine with them, from the file's
    /// sum (x · (S − x) / (m − 1)); nil for a row alone in its file.
    static func meanFileSimilarity(_ points: Matrix, files: [[Int]]) -> [Float?] {
        let d = points.columns
        var out = [Float?](repeating: nil, count: points.rows)
        var sum = [Float](repeating: 0, count: d)
        points.values.withUnsafeBufferPointer { p in
            for file in files where file.count > 1 {
                sum.withUnsafeMutableBufferPointer { s in
                    for j in 0..<d { s[j] = 0 }
                    for row in file { VectorMath.add(p.baseAddress! + row * d, to: s.baseAddress!, count: d) }
                }
                sum.withUnsafeBufferPointer { s in
                    for row in file {
                        let x = p.baseAddress! + row * d
                        let total = VectorMath.dot(x, s.baseAddress!, count: d) - VectorMath.dot(x, x, count: d)
                        out[row] = total / Float(file.count - 1)
                    }
                }
            }
        }
        return out
    }

    /// The value at `share` of the way through sorted `values` (nearest rank).
    static func quantile(_ values: [Float], _ share: Double) -> Float {
        values[min(values.count - 1, max(0, Int((Double(values.count) * share).rounded(.down))))]
    }
}
