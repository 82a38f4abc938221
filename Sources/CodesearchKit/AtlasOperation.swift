import Atlas
import EmbeddingCore
import Foundation
import IndexStorage
import Indexing

/// What `clusters` and `map` work on and how.
public struct AtlasRequest: Sendable {
    public var count: ClusterCount
    /// Every random choice (seeds, samples, the layout) follows from it: same index, same
    /// seed, same clusters and the same picture.
    public var seed: UInt64
    public var selection: UnitSelection
    public var update: Bool
    /// Most central units kept per cluster.
    public var central: Int

    public init(count: ClusterCount = .bySize, seed: UInt64 = 1, selection: UnitSelection = UnitSelection(),
                update: Bool = true, central: Int = 5) {
        self.count = count
        self.seed = seed
        self.selection = selection
        self.update = update
        self.central = central
    }
}

public struct ClustersResult: Sendable {
    public var units: AtlasUnits
    public var report: ClusterReport
    /// What the update before it did, when there was one.
    public var update: IndexSummary?
    /// The index the units came from, mapped while this value lives.
    public var index: IndexFile
}

extension Workspace {
    /// Clusters the selected units of the working tree's index, brought up to date first
    /// (every unit embedded, as `similar` does: a clustering of half the vectors would mislead).
    public func clusters(_ request: AtlasRequest, embedder: Embedder, location: IndexLocation) async throws -> ClustersResult {
        var summary: IndexSummary?
        if request.update {
            summary = try await updateBeforeQuery(embedder: embedder, location: location, options: IndexerOptions())
        }
        let index = try openIndex(location: location, embedder: embedder)
        let units = AtlasUnits.load(index, selection: request.selection)
        let report = try ClusterReport.make(units, terms: units.terms(in: index), count: request.count,
                                            seed: request.seed, central: request.central)
        return ClustersResult(units: units, report: report, update: summary, index: index)
    }

    /// The clusters, and the units far from every cluster and from their own file's other units.
    public func outliers(_ request: AtlasRequest, limit: Int, embedder: Embedder,
                         location: IndexLocation) async throws -> (ClustersResult, [Outlier]) {
        let result = try await clusters(request, embedder: embedder, location: location)
        let found = Outliers.find(result.units.vectors, result.report.clustering, files: result.units.files, limit: limit)
        return (result, found)
    }

    /// The clusters and the map page of the selected units.
    public func map(_ request: AtlasRequest, title: String?, editorURL: String, embedder: Embedder,
                    location: IndexLocation) async throws -> (ClustersResult, MapPage) {
        let result = try await clusters(request, embedder: embedder, location: location)
        let positions = try MapLayout.layout(result.units.vectors, clustering: result.report.clustering, seed: request.seed)
        let root = repository.workingDirectory ?? repository.gitDirectory
        let name = URL(fileURLWithPath: root).lastPathComponent
        let page = result.report.page(result.units, positions: positions, title: title ?? "\(name): codesearch map",
                                      root: root, editorURL: editorURL)
        return (result, page)
    }
}
