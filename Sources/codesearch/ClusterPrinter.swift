import Printers
import Atlas
import CodesearchKit
import Foundation

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
                    "{" + fields(units[i]).map { JSONText.quoted($0.0) + ":" + $0.1 }.joined(separator: ",")
                        + ",\"similarity\":" + number(report.clustering.similarities[i]) + "}"
                }
                Output.standard.line(JSONText.message(type: "cluster", version: Self.version, data: [
                    ("id", "\(cluster.id + 1)"), ("label", JSONText.quoted(cluster.label)),
                    ("words", "[" + cluster.words.map(JSONText.quoted).joined(separator: ",") + "]"),
                    ("size", "\(cluster.size)"), ("central", "[" + central.joined(separator: ",") + "]"),
                ]))
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
                Output.standard.line(JSONText.message(type: "member", version: Self.version, data: fields(unit) + [
                    ("cluster", "\(cluster)"), ("similarity", number(clustering.similarities[i])),
                ]))
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
                Output.standard.line(JSONText.message(type: "outlier", version: Self.version, data: [("rank", "\(rank + 1)")]
                    + fields(unit) + [
                        ("cluster", "\(o.cluster + 1)"), ("label", JSONText.quoted(label)),
                        ("clusterSimilarity", number(o.clusterSimilarity)), ("clusterMedian", number(o.clusterMedian)),
                        ("fileSimilarity", number(o.fileSimilarity)), ("fileMedian", number(o.fileMedian)),
                        ("fileMates", "\(o.fileMates)"),
                    ]))
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
        Output.standard.line(JSONText.message(type: "summary", version: Self.version, data: [
            ("units", "\(result.units.units.count)"), ("clusters", "\(result.report.clusters.count)"),
            ("rule", JSONText.quoted(rule)), ("withoutVector", "\(result.units.withoutVector)"),
        ]))
    }

    /// `path:line: QualifiedName`, as search prints a hit.
    private func location(_ unit: AtlasUnit) -> String {
        PrintableText.path(unit.path) + ":\(unit.line): " + PrintableText.text(unit.qualifiedName, escaping: Output.isTerminal(1))
    }

    private func fields(_ unit: AtlasUnit) -> [(String, String)] {
        JSONPath.fields(unit.path) + [("line", "\(unit.line)"), ("qualifiedName", JSONText.quoted(unit.qualifiedName)),
                                      ("kind", JSONText.quoted(unit.kind.rawValue))]
    }

    private func number(_ value: Float, digits: Int = 6) -> String { String(format: "%.\(digits)f", value) }
}
