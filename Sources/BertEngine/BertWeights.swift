import Foundation
import Platform

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
    /// The encoder layers' copy in huge pages (`hugePages`), unmapped when released.
    private(set) var hugeCopy: AlignedMemory?

    /// With `hugePages`, the encoder layers' weights are copied out of the file mapping into
    /// memory backed by 2 MB pages: a one-text pass reads all 42.6 MB of them (for
    /// all-MiniLM-L6-v2), and with 4 KB pages that is some 10,000 TLB misses a pass. The copy
    /// costs tens of milliseconds once and makes every query about a fifth faster, which
    /// pays in a process that embeds many times (`serve`, `embed`), not in a one-shot search.
    init(file: SafetensorsFile, config: BertConfig, hugePages: Bool = false) throws {
        self.file = file
        var owned: [UnsafeMutableBufferPointer<Float>] = []
        // Checkpoints saved from BertModel have bare names; from BertForX, a `bert.` prefix.
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil
            && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let c = config.hiddenSize, i = config.intermediateSize
        func tensor(_ name: String, _ shape: [Int]) throws -> UnsafePointer<Float> {
            try file.floats(prefix + name, shape: shape, owned: &owned)
        }
        var layers: [Layer] = []
        do {
            wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [config.vocabSize, c])
            positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [config.maxPositions, c])
            tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabSize, c])
            embeddingNormWeight = try tensor("embeddings.LayerNorm.weight", [c])
            embeddingNormBias = try tensor("embeddings.LayerNorm.bias", [c])
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
            let encoderTensors = file.tensors.keys.filter { $0.hasPrefix(prefix + "encoder.") }
            // (fp16 and bf16 weights are already widened into copies of their own.)
            if hugePages, file.floatType == "F32", let span = file.span(of: encoderTensors),
               let copy = Self.hugePageCopy(of: span) {
                hugeCopy = copy
                // Safe: `moved` maps a pointer into `span` to the same offset in the copy, which
                // holds all of `span`'s bytes and lives as long as these weights.
                let from = Int(bitPattern: span.baseAddress!), to = Int(bitPattern: copy.bytes.baseAddress!)
                func moved(_ p: UnsafePointer<Float>) -> UnsafePointer<Float> {
                    let at = Int(bitPattern: p)
                    guard at >= from && at < from + span.count else { return p }  // already a copy (misaligned in the file)
                    return UnsafePointer(bitPattern: to + (at - from))!
                }
                layers = layers.map { l in
                    Layer(query: moved(l.query), key: moved(l.key), value: moved(l.value),
                          queryBias: moved(l.queryBias), keyBias: moved(l.keyBias), valueBias: moved(l.valueBias),
                          attentionOut: moved(l.attentionOut), attentionOutBias: moved(l.attentionOutBias),
                          attentionNormWeight: moved(l.attentionNormWeight), attentionNormBias: moved(l.attentionNormBias),
                          intermediate: moved(l.intermediate), intermediateBias: moved(l.intermediateBias),
                          output: moved(l.output), outputBias: moved(l.outputBias),
                          outputNormWeight: moved(l.outputNormWeight), outputNormBias: moved(l.outputNormBias))
                }
                file.release(span)
            }
            self.layers = layers
        } catch {
            owned.forEach { $0.deallocate() }
            throw error
        }
        self.owned = owned
    }

    deinit {
        owned.forEach { $0.deallocate() }
    }

    /// `bytes` copied into fresh anonymous memory aligned to 2 MB and advised to use huge
    /// pages (`MADV_HUGEPAGE`; where the kernel will not, the copy has 4 KB pages and works
    /// the same). nil when the memory cannot be had.
    private static func hugePageCopy(of bytes: UnsafeRawBufferPointer) -> AlignedMemory? {
        guard let copy = AlignedMemory(byteCount: bytes.count, alignment: 2 << 20), let source = bytes.baseAddress else {
            return nil
        }
        MemoryAdvice.hugePage.apply(covering: UnsafeRawBufferPointer(copy.bytes))
        // Safe: the copy holds at least `bytes.count` bytes (its size is rounded up).
        copy.bytes.baseAddress!.copyMemory(from: source, byteCount: bytes.count)
        return copy
    }
}
