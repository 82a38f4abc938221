import Platform
import EmbeddingCore
import IndexStorage
import Indexing

extension Workspace {
    /// The update a query runs first (`search`, `similar`, `findExisting`), if no other
    /// indexer is running: one that is means the query answers from the index as it is, or,
    /// when there is no usable index yet (say, the first is being built), waits for that
    /// indexer instead of failing with "no index yet". When the index cannot be written (a
    /// read-only folder, a full disk) but an index of this embedder is there, the query
    /// answers from it: the summary's outcome is `failed`, with the reason. Anything else
    /// (no usable index, a foreign file, an embedder failure) is thrown.
    func updateBeforeQuery(embedder: Embedder, location: IndexLocation,
                           options: IndexerOptions) async throws -> IndexSummary {
        var options = options
        options.ifIdle = true
        let usable = { (try? IndexMetadata.read(path: location.indexPath))?.identity == embedder.identity }
        do {
            let summary = try await updateIndex(.workingTree, embedder: embedder, location: location, options: options)
            guard summary.outcome == .busy, !usable() else { return summary }
            options.ifIdle = false
            return try await updateIndex(.workingTree, embedder: embedder, location: location, options: options)
        } catch let error as SystemCallError {
            // The update could not write (a read-only folder, a full disk): answer from the
            // index as it is, with a note, when it is this embedder's.
            guard usable() else { throw error }
            var summary = IndexSummary(outcome: .failed)
            summary.updateFailure = error.description
            return summary
        }
    }
}
