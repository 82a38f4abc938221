import Embedding
import Index

extension Workspace {
    /// The update a query runs first (`search`, `similar`). When the index cannot be
    /// written (a read-only folder, a full disk) but an index of this embedder is there,
    /// the query answers from it: the summary's outcome is `failed`, with the reason,
    /// as it answers from the index as it is when another indexer holds the lock.
    /// Anything else (no usable index, a foreign file, an embedder failure) is thrown.
    func updateBeforeQuery(embedder: Embedder, location: IndexLocation,
                           options: IndexerOptions) async throws -> IndexSummary {
        do {
            return try await updateIndex(.workingTree, embedder: embedder, location: location, options: options)
        } catch let error as IndexError {
            guard case .io = error,
                  (try? IndexMetadata.read(path: location.indexPath))?.identity == embedder.identity else { throw error }
            var summary = IndexSummary(outcome: .failed)
            summary.updateFailure = error.description
            return summary
        }
    }
}
