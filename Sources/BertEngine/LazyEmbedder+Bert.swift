import EmbeddingCore
import Foundation

extension LazyEmbedder {
    /// The native model in `modelDirectory`, loaded on first use.
    public convenience init(modelDirectory: URL, threads: Int = 2) throws {
        self.init(identity: try BertEmbedder.identity(modelDirectory: modelDirectory)) {
            try BertEmbedder(modelDirectory: modelDirectory, threads: threads)
        }
    }
}
