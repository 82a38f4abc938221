import Settings
import EmbeddingCore
import Git
import IndexStorage
import Indexing

extension Workspace {
    /// Where this repository's index lives (`--index` overrides the directory).
    public func indexLocation(override: String? = nil) -> IndexLocation {
        IndexLocation(directory: override ?? indexDirectory)
    }

    /// Brings the index up to date with a snapshot: only blobs it has never seen are
    /// scanned and embedded.
    public func updateIndex(_ kind: SnapshotKind, embedder: Embedder, location: IndexLocation,
                            options: IndexerOptions) async throws -> IndexSummary {
        let snapshot = try self.snapshot(kind)
        var options = options
        options.fileSelection = options.fileSelection ?? FileSelection(settings: settings).text
        let indexer = Indexer(location: location, extractor: ScannerExtractor(grammars: grammars),
                              embedder: embedder, options: options)
        var summary = try await indexer.update(snapshot: snapshot, source: repository)
        summary.failures += snapshot.skipped.filter { !$0.reason.hasPrefix("larger than") }
            .map { (path: $0.path, message: $0.reason) }
        return summary
    }
}
