import EmbeddingCore
import Foundation

extension LazyEmbedder {
    /// The native model in `modelDirectory`, loaded on first use; its identity names the
    /// precision `precision` resolves to on this CPU.
    public convenience init(modelDirectory: URL, threads: Int = 2, precision: EncoderPrecision = .fp32) throws {
        self.init(identity: try BertEmbedder.identity(modelDirectory: modelDirectory, precision: precision)) {
            try BertEmbedder(modelDirectory: modelDirectory, threads: threads, precision: precision)
        }
    }
}
