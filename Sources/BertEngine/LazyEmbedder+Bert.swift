import EmbeddingCore
import Foundation

extension LazyEmbedder {
    /// The native model in `modelDirectory`, loaded on first use; its identity names the
    /// precision `precision` resolves to on this CPU (`auto` keeping `kept`, an index's).
    public convenience init(modelDirectory: URL, threads: Int = 2, precision: EncoderPrecision = .fp32,
                            keeping kept: EncoderPrecision? = nil) throws {
        self.init(identity: try BertEmbedder.identity(modelDirectory: modelDirectory, precision: precision, keeping: kept)) {
            try BertEmbedder(modelDirectory: modelDirectory, threads: threads, precision: precision, keeping: kept)
        }
    }
}
