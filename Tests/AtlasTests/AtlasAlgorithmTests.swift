@testable import Atlas
import Foundation
import TestSupport
import Testing

/// The algorithms on vectors whose answer is known: groups planted around random
/// directions in 384 dimensions (the default model's size), drawn from a fixed seed.
enum PlantedGroups {
    /// `groups` groups of `size` unit vectors, each its group's direction plus noise.
    static func make(groups: Int, size: Int, noise: Float = 0.6, seed: UInt64 = 42) -> (Matrix, [Int]) {
        var random = SplitMix(state: seed)
        func uniform() -> Double { Double(random.next() >> 11) / 9_007_199_254_740_992 }
        func gaussian() -> Float {
            let u: Double = max(uniform(), 1e-12), v: Double = uniform()
            let radius: Double = (-2.0 * log(u)).squareRoot()
            return Float(radius * cos(2.0 * Double.pi * v))
        }
        let d = 384
        let centres = (0..<groups).map { _ in (0..<d).map { _ in gaussian() } }
        var values: [Float] = [], truth: [Int] = []
        for g in 0..<groups {
            for _ in 0..<size {
                for c in centres[g] { values.append(c + noise * gaussian() * 1.5) }
                truth.append(g)
            }
        }
        var m = Matrix(rows: groups * size, columns: d, values: values)
        m.normaliseRows()
        return (m, truth)
    }

    /// Whether two labellings group the rows the same way (whatever the numbers).
    static func samePartition(_ a: [Int32], _ b: [Int]) -> Bool {
        var map: [Int32: Int] = [:], back: [Int: Int32] = [:]
        for (x, y) in zip(a, b) {
            if let known = map[x], known != y { return false }
            if let known = back[y], known != x { return false }
            map[x] = y
            back[y] = x
        }
        return true
    }
}

@Suite struct AtlasAlgorithmTests {
    @Test func kMeansFindsPlantedGroups() throws {
        let (points, truth) = PlantedGroups.make(groups: 5, size: 40)
        let clustering = try KMeans.cluster(points, k: 5, seed: 1)
        #expect(PlantedGroups.samePartition(clustering.assignments, truth))
        #expect(clustering.sizes.sorted() == [40, 40, 40, 40, 40])
        // Similarities are cosines with a unit-length centroid.
        #expect(clustering.similarities.allSatisfy { $0 > 0 && $0 <= 1.0001 })
    }

    @Test func kMeansIsDeterministicForASeed() throws {
        let (points, _) = PlantedGroups.make(groups: 6, size: 30, noise: 1.5)
        let a = try KMeans.cluster(points, k: 9, seed: 3), b = try KMeans.cluster(points, k: 9, seed: 3)
        #expect(a == b)
    }

    @Test func silhouetteChoosesThePlantedNumberOfGroups() throws {
        let (points, _) = PlantedGroups.make(groups: 6, size: 50)
        let (k, scores) = try ClusterCount.chooseBySilhouette(points, seed: 1)
        #expect(k == 6, "silhouettes: \(scores)")
    }

    @Test func sizeRuleIsTheCubeRootBetweenTwoAndThirty() {
        #expect(ClusterCount.sizeRule(units: 3) == 2)
        #expect(ClusterCount.sizeRule(units: 1000) == 10)
        #expect(ClusterCount.sizeRule(units: 100_000) == 30)
    }

    @Test func labelsPreferWordsDistinctiveOfTheCluster() {
        // Cluster 0 units 0-3, cluster 1 units 4-7; "value" is everywhere, "socket" only in 0.
        var terms = TermTable()
        terms.add("value", units: [0, 1, 2, 3, 4, 5, 6, 7])
        terms.add("socket", units: [0, 1, 2])
        terms.add("matrix", units: [4, 5, 6, 7])
        terms.add("lonely", units: [7])
        let words = ClusterLabels.words(terms, assignments: [0, 0, 0, 0, 1, 1, 1, 1], k: 2)
        #expect(words[0].first == "socket")
        #expect(words[1].first == "matrix")
        // A word one unit uses does not label a cluster.
        #expect(!words[1].contains("lonely"))
    }

    @Test func nearestNeighboursAreExact() {
        let (points, _) = PlantedGroups.make(groups: 3, size: 20, noise: 2)
        let graph = NeighbourGraph(points, k: 4)
        for i in 0..<points.rows {
            var brute: [(Int, Float)] = []
            for j in 0..<points.rows where j != i {
                var d: Float = 0
                for (a, b) in zip(points.row(i), points.row(j)) { d += (a - b) * (a - b) }
                brute.append((j, d))
            }
            brute.sort { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            #expect(Array(graph.indices[(i * 4)..<(i * 4 + 4)]).map(Int.init) == brute.prefix(4).map(\.0))
        }
    }

    @Test func layoutKeepsPlantedGroupsApart() throws {
        let (points, truth) = PlantedGroups.make(groups: 3, size: 40)
        let positions = try MapLayout.layout(points, seed: 5)
        #expect(positions == (try MapLayout.layout(points, seed: 5)))
        // Each point's nearest point on the map is from its own group.
        var agree = 0
        for i in 0..<points.rows {
            var best = -1, bestDistance = Float.infinity
            for j in 0..<points.rows where j != i {
                let p = positions.values
                let dx: Float = p[2 * i] - p[2 * j]
                let dy: Float = p[2 * i + 1] - p[2 * j + 1]
                let distance: Float = dx * dx + dy * dy
                if distance < bestDistance { bestDistance = distance; best = j }
            }
            if truth[best] == truth[i] { agree += 1 }
        }
        #expect(agree == points.rows)
    }

    @Test func outliersNeedBothLowClusterAndLowFileSimilarity() throws {
        var (points, _) = PlantedGroups.make(groups: 2, size: 30)
        // Row 5 becomes noise: far from both groups and from the other rows of its file (0-9).
        var random = SplitMix(state: 9)
        for j in 0..<points.columns {
            let draw = Int(random.next() % 2001) - 1000
            points.values[5 * points.columns + j] = Float(draw)
        }
        points.normaliseRows()
        let clustering = try KMeans.cluster(points, k: 2, seed: 1)
        let files = stride(from: 0, to: 60, by: 10).map { Array($0..<($0 + 10)) }
        let found = Outliers.find(points, clustering, files: files, limit: 3)
        #expect(found.first?.row == 5)
        #expect(found.first.map { $0.clusterSimilarity < $0.clusterMedian && $0.fileSimilarity < $0.fileMedian } == true)
        #expect(found.first?.fileMates == 9)
    }

    @Test func pageDataCannotEndItsScriptBlock() {
        let page = MapPage(title: "t</title><script>", root: "/r", points: [
            .init(x: 0, y: 0, cluster: 0, qualifiedName: "a</script><script>alert(1)//", path: "x\u{2028}y.py", line: 3),
            .init(x: 1, y: 2, cluster: 0, qualifiedName: "b", path: "z.py", line: 1),
        ], clusters: [.init(label: "<!-- x", size: 2)])
        let html = page.html()
        #expect(html.components(separatedBy: "</script>").count == 3)
        #expect(!html.contains("<!-- x") && !html.contains("\u{2028}"))
        #expect(html.contains("<title>t&lt;/title&gt;&lt;script&gt;</title>"))
    }
}
