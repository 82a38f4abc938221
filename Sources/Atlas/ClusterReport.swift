/// Clusters of a repository's units, largest first, each with its label and most central units.
public struct ClusterReport: Sendable {
    public struct Cluster: Sendable, Equatable {
        /// 0 for the largest cluster, then by size.
        public var id: Int
        /// The most distinctive words, best first (`ClusterLabels`).
        public var words: [String]
        public var size: Int
        /// Units (indices into `AtlasUnits.units`) most similar to the centroid, best first.
        public var central: [Int]

        /// The first three words, or "cluster N" when no word stands out.
        public var label: String { words.isEmpty ? "cluster \(id + 1)" : words.prefix(3).joined(separator: " ") }
    }

    public var clusters: [Cluster]
    /// Assignments and similarities, with clusters numbered as in `clusters`.
    public var clustering: Clustering
    /// How k was chosen, and the silhouette of each candidate when `--auto` chose it.
    public var count: ClusterCount
    public var silhouettes: [(k: Int, silhouette: Double)]

    /// Clusters `units` into `count` groups and describes each.
    public static func make(_ units: AtlasUnits, terms: TermTable, count: ClusterCount, seed: UInt64,
                            central: Int) throws -> ClusterReport {
        let n = units.vectors.rows
        guard n >= 2 else { throw AtlasError.tooFewUnits(have: n, need: 2) }
        var k: Int
        var silhouettes: [(k: Int, silhouette: Double)] = []
        switch count {
        case .fixed(let fixed): k = fixed
        case .bySize: k = ClusterCount.sizeRule(units: n)
        case .auto:
            if n < 6 { k = 2 } else { (k, silhouettes) = try ClusterCount.chooseBySilhouette(units.vectors, seed: seed) }
        }
        k = min(k, n)
        let clustering = bySize(try KMeans.cluster(units.vectors, k: k, seed: seed))
        let words = ClusterLabels.words(terms, assignments: clustering.assignments, k: k)
        var members = [[Int]](repeating: [], count: k)
        for (i, a) in clustering.assignments.enumerated() { members[Int(a)].append(i) }
        let clusters = (0..<k).map { c in
            let ranked = members[c].sorted {
                clustering.similarities[$0] > clustering.similarities[$1]
                    || (clustering.similarities[$0] == clustering.similarities[$1] && $0 < $1)
            }
            return Cluster(id: c, words: words[c], size: members[c].count, central: Array(ranked.prefix(central)))
        }
        return ClusterReport(clusters: clusters, clustering: clustering, count: count, silhouettes: silhouettes)
    }

    /// The same clustering with clusters renumbered largest first (ties by old number).
    static func bySize(_ c: Clustering) -> Clustering {
        let sizes = c.sizes
        let order = (0..<c.k).sorted { sizes[$0] > sizes[$1] || (sizes[$0] == sizes[$1] && $0 < $1) }
        var newID = [Int32](repeating: 0, count: c.k)
        for (new, old) in order.enumerated() { newID[old] = Int32(new) }
        var out = c
        out.assignments = c.assignments.map { newID[Int($0)] }
        out.centroids = c.centroids.rows(order)
        return out
    }

    /// The map of `units`: the layout's positions, coloured by these clusters.
    public func page(_ units: AtlasUnits, positions: Matrix, title: String, root: String, editorURL: String) -> MapPage {
        let points = units.units.enumerated().map { i, unit in
            MapPage.Point(x: positions.values[2 * i], y: positions.values[2 * i + 1], cluster: Int(clustering.assignments[i]),
                          qualifiedName: unit.qualifiedName, path: unit.path, line: unit.line)
        }
        return MapPage(title: title, root: root, editorURL: editorURL, points: points,
                       clusters: clusters.map { MapPage.Cluster(label: $0.label, size: $0.size) })
    }
}
