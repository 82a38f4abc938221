import Foundation

/// Pointers to every tensor of a BERT encoder, in the memory-mapped safetensors file
/// (fp32) or in widened copies (fp16, bf16) that this object owns.
final class BertWeights: @unchecked Sendable {  // immutable after init
    struct Layer {
        var query, key, value: UnsafePointer<Float>          // (C, C) each, (out, in)
        var queryBias, keyBias, valueBias: UnsafePointer<Float>  // (C)
        var attentionOut: UnsafePointer<Float>               // (C, C)
        var attentionOutBias: UnsafePointer<Float>           // (C)
        var attentionNormWeight, attentionNormBias: UnsafePointer<Float>  // (C)
        var intermediate: UnsafePointer<Float>               // (I, C)
        var intermediateBias: UnsafePointer<Float>           // (I)
        var output: UnsafePointer<Float>                     // (C, I)
        var outputBias: UnsafePointer<Float>                 // (C)
        var outputNormWeight, outputNormBias: UnsafePointer<Float>  // (C)
    }

    let file: SafetensorsFile
    let wordEmbeddings: UnsafePointer<Float>       // (V, C)
    let positionEmbeddings: UnsafePointer<Float>   // (P, C)
    let tokenTypeEmbeddings: UnsafePointer<Float>  // (2, C)
    let embeddingNormWeight: UnsafePointer<Float>  // (C)
    let embeddingNormBias: UnsafePointer<Float>    // (C)
    let layers: [Layer]
    private var owned: [UnsafeMutableBufferPointer<Float>]

    init(file: SafetensorsFile, config: BertConfig) throws {
        self.file = file
        var owned: [UnsafeMutableBufferPointer<Float>] = []
        // Checkpoints saved from BertModel have bare names; from BertForX, a `bert.` prefix.
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil
            && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let c = config.hiddenSize, i = config.intermediateSize
        func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            try file.floats(prefix + name, shape: shape, owned: &owned)
        }
        do {
            wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [config.vocabSize, c])
            positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [config.maxPositions, c])
            tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabSize, c])
            embeddingNormWeight = try tensor("embeddings.LayerNorm.weight", [c])
            embeddingNormBias = try tensor("embeddings.LayerNorm.bias", [c])
            var layers: [Layer] = []
            for l in 0..<config.layers {
                let p = "encoder.layer.\(l)."
                layers.append(Layer(
                    query: try tensor(p + "attention.self.query.weight", [c, c]),
                    key: try tensor(p + "attention.self.key.weight", [c, c]),
                    value: try tensor(p + "attention.self.value.weight", [c, c]),
                    queryBias: try tensor(p + "attention.self.query.bias", [c]),
                    keyBias: try tensor(p + "attention.self.key.bias", [c]),
                    valueBias: try tensor(p + "attention.self.value.bias", [c]),
                    attentionOut: try tensor(p + "attention.output.dense.weight", [c, c]),
                    attentionOutBias: try tensor(p + "attention.output.dense.bias", [c]),
                    attentionNormWeight: try tensor(p + "attention.output.LayerNorm.weight", [c]),
                    attentionNormBias: try tensor(p + "attention.output.LayerNorm.bias", [c]),
                    intermediate: try tensor(p + "intermediate.dense.weight", [i, c]),
                    intermediateBias: try tensor(p + "intermediate.dense.bias", [i]),
                    output: try tensor(p + "output.dense.weight", [c, i]),
                    outputBias: try tensor(p + "output.dense.bias", [c]),
                    outputNormWeight: try tensor(p + "output.LayerNorm.weight", [c]),
                    outputNormBias: try tensor(p + "output.LayerNorm.bias", [c])))
            }
            self.layers = layers
            // Every query reads all of the encoder's weights (not the word embeddings, of which
            // it reads a few rows): map them in at once.
            file.populate(file.tensors.keys.filter { $0.hasPrefix(prefix + "encoder.") })
        } catch {
            owned.forEach { $0.deallocate() }
            throw error
        }
        self.owned = owned
    }

    deinit {
        owned.forEach { $0.deallocate() }
    }
}
