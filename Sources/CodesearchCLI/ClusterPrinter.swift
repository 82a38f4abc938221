import Printers
import Atlas
import CodesearchKit
import Foundation
import Git
import OrderedJSON

/// Prints `clusters` results: text for people, or JSON Lines. Every JSON message is
/// `{"type": T, "version": 1, "data": {...}}`; consumers ignore types and fields they do not know.
///
/// - `cluster`: `{"id":1,"label":"parse token header","words":["parse",...],"size":412,
///   "central":[{"path":"a.py","line":12,"qualifiedName":"Lexer.next","kind":"method","similarity":0.81}]}`
///   (clusters numbered from 1, largest first; `similarity` is the cosine with the centroid)
/// - `member` (with `--members`): `{"path":...,"line":...,"qualifiedName":...,"kind":...,"cluster":3,"similarity":0.62}`
/// - `outlier`: `{"rank":1,"path":...,"line":...,"qualifiedName":...,"kind":...,"cluster":4,"label":...,
///   "clusterSimilarity":0.31,"clusterMedian":0.58,"fileSimilarity":0.12,"fileMedian":0.45,"fileMates":6}`
/// - `summary`: `{"units":5120,"clusters":17,"rule":"size","withoutVector":0}`, last
///   (`rule`: `fixed` for -k, `size` for the cube-root default, `auto` for --auto).
struct ClusterPrinter {
    static let version = 1
    let json: Bool

    func printClusters(_ result: ClustersResult, members: Bool) {
        let units = result.units.units, report = result.report
        for cluster in report.clusters {
            if json {
                let central = cluster.central.map { i in
                    ClusterMessage.Unit(units[i], cluster: nil, similarity: report.clustering.similarities[i])
                }
                emit("cluster", ClusterMessage(id: cluster.id + 1, label: cluster.label, words: cluster.words,
                                               size: cluster.size, central: central))
                continue
            }
            var text = "#\(cluster.id + 1) \(PrintableText.text(cluster.label))  (\(cluster.size) unit\(cluster.size == 1 ? "" : "s"))\n"
            if cluster.words.count > 3 { text += "  also: " + cluster.words.dropFirst(3).joined(separator: " ") + "\n" }
            for i in cluster.central {
                text += "  " + location(units[i]) + "  " + number(report.clustering.similarities[i], digits: 3) + "\n"
            }
            Output.standard.write(text)
        }
        if members { printMembers(result) }
        summary(result)
    }

    private func printMembers(_ result: ClustersResult) {
        let clustering = result.report.clustering
        for (i, unit) in result.units.units.enumerated() {
            let cluster = Int(clustering.assignments[i]) + 1
            if json {
                emit("member", ClusterMessage.Unit(unit, cluster: cluster, similarity: clustering.similarities[i]))
            } else {
                Output.standard.line(location(unit) + "\t#\(cluster)")
            }
        }
    }

    func printOutliers(_ outliers: [Outlier], of result: ClustersResult) {
        let units = result.units.units, clusters = result.report.clusters
        for (rank, o) in outliers.enumerated() {
            let unit = units[o.row], label = clusters[o.cluster].label
            if json {
                emit("outlier", OutlierMessage(rank: rank + 1, unit: unit, outlier: o, label: label))
            } else {
                Output.standard.line(location(unit) + "  cluster " + number(o.clusterSimilarity, digits: 2)
                    + " (median " + number(o.clusterMedian, digits: 2) + ", #\(o.cluster + 1) " + PrintableText.text(label) + ")"
                    + "  file " + number(o.fileSimilarity, digits: 2) + " (median " + number(o.fileMedian, digits: 2)
                    + ", \(o.fileMates) other unit\(o.fileMates == 1 ? "" : "s"))")
            }
        }
        summary(result)
    }

    private func summary(_ result: ClustersResult) {
        guard json else { return }
        let rule: String
        switch result.report.count {
        case .fixed: rule = "fixed"
        case .bySize: rule = "size"
        case .auto: rule = "auto"
        }
        emit("summary", ClusterSummary(units: result.units.units.count, clusters: result.report.clusters.count,
                                       rule: rule, withoutVector: result.units.withoutVector))
    }

    /// `path:line: QualifiedName`, as search prints a hit.
    private func location(_ unit: AtlasUnit) -> String {
        PrintableText.path(unit.path) + ":\(unit.line): " + PrintableText.text(unit.qualifiedName, escaping: Output.isTerminal(1))
    }

    private func emit<Data: Encodable>(_ type: String, _ data: Data) {
        Output.standard.line(JSONMessage(type: type, version: Self.version, data: data).line)
    }

    private func number(_ value: Float, digits: Int = 6) -> String { String(format: "%.\(digits)f", value) }
}

/// `cluster`: its central units (`similarity`: the cosine with the centroid).
struct ClusterMessage: Encodable {
    var id: Int
    var label: String
    var words: [String]
    var size: Int
    var central: [Unit]

    /// A unit where it is, then (for a `member`) its cluster, then its similarity.
    struct Unit: Encodable {
        var path: String
        var pathBytes: PathBytes?
        var line: Int
        var qualifiedName: String
        var kind: String
        var cluster: Int?
        var similarity: FixedDecimal

        init(_ unit: AtlasUnit, cluster: Int?, similarity: Float) {
            (path, pathBytes, line) = (GitPath.lossy(unit.path), PathBytes(path: unit.path), unit.line)
            (qualifiedName, kind, self.cluster) = (unit.qualifiedName, unit.kind.rawValue, cluster)
            self.similarity = FixedDecimal(similarity)
        }
    }
}

/// `outlier`: its rank, where it is, and how far it sits from its cluster and its file.
struct OutlierMessage: Encodable {
    var rank: Int
    var path: String
    var pathBytes: PathBytes?
    var line: Int
    var qualifiedName: String
    var kind: String
    var cluster: Int
    var label: String
    var clusterSimilarity, clusterMedian, fileSimilarity, fileMedian: FixedDecimal
    var fileMates: Int

    init(rank: Int, unit: AtlasUnit, outlier o: Outlier, label: String) {
        (self.rank, path, pathBytes, line) = (rank, GitPath.lossy(unit.path), PathBytes(path: unit.path), unit.line)
        (qualifiedName, kind, cluster, self.label) = (unit.qualifiedName, unit.kind.rawValue, o.cluster + 1, label)
        (clusterSimilarity, clusterMedian) = (FixedDecimal(o.clusterSimilarity), FixedDecimal(o.clusterMedian))
        (fileSimilarity, fileMedian, fileMates) = (FixedDecimal(o.fileSimilarity), FixedDecimal(o.fileMedian), o.fileMates)
    }
}

/// `summary`, last.
struct ClusterSummary: Encodable {
    var units: Int
    var clusters: Int
    var rule: String
    var withoutVector: Int
}
