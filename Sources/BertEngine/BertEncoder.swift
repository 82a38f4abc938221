import EmbeddingCore
import CBLAS

/// The input of one of an encoder layer's four products.
enum ProductInput: Int, CaseIterable {
    case qkv, attentionOut, intermediate, output

    /// Its width K: the FFN output reads the intermediate size, the rest the hidden size.
    func width(_ config: BertConfig) -> Int { self == .output ? config.intermediateSize : config.hiddenSize }
}

/// Sees a product's input rows: (layer, which product, rows (T, K), T, K).
typealias ProductObserver = (Int, ProductInput, UnsafePointer<Float>, Int, Int) -> Void

/// Runs the BERT encoder, pooling and L2 normalisation over one packed batch of token sequences.
struct BertEncoder: Sendable {
    let config: BertConfig
    let weights: BertWeights
    /// The layers' products in int8 or bf16; nil runs them in fp32.
    var packed: BertPackedLayers? = nil

    /// Scratch for a batch of up to `tokens` tokens, the longest sequence `longest`.
    func workspace(tokens: Int, longest: Int) -> Workspace {
        Workspace(tokens: tokens, longest: longest, config: config, packed: packed != nil)
    }

    /// Scratch buffers for one batch of up to `tokens` tokens, the longest sequence `longest`.
    final class Workspace {
        let tokens: Int
        let longest: Int
        let x, qkv, context, ffn, scores: UnsafeMutablePointer<Float>
        /// The packed products' converted inputs (`BertPackedLayers.scratchBytes`); nil for fp32.
        let packedScratch: UnsafeMutableRawPointer?

        init(tokens: Int, longest: Int, config: BertConfig, packed: Bool = false) {
            self.tokens = tokens
            self.longest = longest
            let c = config.hiddenSize
            x = .allocate(capacity: tokens * c)                         // (T, C)
            qkv = .allocate(capacity: tokens * 3 * c)                   // (T, 3C)
            context = .allocate(capacity: tokens * c)                   // (T, C)
            ffn = .allocate(capacity: tokens * config.intermediateSize) // (T, I)
            scores = .allocate(capacity: ProductEngine.attentionScratch(    // (L, L) and more
                longest: longest, headWidth: c / config.heads))
            packedScratch = packed ? .allocate(byteCount: BertPackedLayers.scratchBytes(tokens: tokens, config: config),
                                               alignment: 64) : nil
        }

        deinit {
            x.deallocate(); qkv.deallocate(); context.deallocate(); ffn.deallocate(); scores.deallocate()
            packedScratch?.deallocate()
        }
    }

    /// Sentence vectors (C floats each, unit length) for sequences of token ids that each
    /// already hold [CLS] ... [SEP] and fit `config.maxSequenceLength`. `team`, when given, is
    /// the embedder's helper thread, borrowed by the caller: a query-sized batch then splits
    /// its products over two cores.
    /// `observe`, on the fp32 path only, sees each layer's four product inputs as they are
    /// made (layer, product in `ProductInput` order, rows (T, K)): calibration's view.
    func encode(_ sequences: [[Int32]], workspace: Workspace, team: OpaquePointer? = nil,
                observe: ProductObserver? = nil) -> [[Float]] {
        let c = config.hiddenSize, inter = config.intermediateSize, eps = config.layerNormEps
        var offsets = [0]
        var ids: [Int32] = [], positions: [Int32] = []
        for sequence in sequences {
            ids += sequence
            positions += (0..<Int32(sequence.count))
            offsets.append(ids.count)
        }
        let t = ids.count
        precondition(t <= workspace.tokens && (sequences.map(\.count).max() ?? 0) <= workspace.longest,
                     "workspace too small for the batch")
        let x = workspace.x, qkv = workspace.qkv, context = workspace.context, ffn = workspace.ffn
        ids.withUnsafeBufferPointer { idBuffer in
            positions.withUnsafeBufferPointer { positionBuffer in
                bertEmbeddings(ids: idBuffer.baseAddress!, positions: positionBuffer.baseAddress!, tokens: t,
                               weights: weights, c: c, eps: eps, out: x)
            }
        }
        let engine = ProductEngine(rows: t, team: team)
        for (l, layer) in weights.layers.enumerated() {
            if let packed, let scratch = workspace.packedScratch {
                packedLayer(packed, l, tokens: t, offsets: offsets, workspace: workspace, scratch: scratch)
                continue
            }
            observe?(l, .qkv, x, t, c)
            engine.linear(x, rows: t, k: c,
                          LinearSegment(weight: layer.query, bias: layer.queryBias, n: c, out: qkv, ldOut: 3 * c),
                          LinearSegment(weight: layer.key, bias: layer.keyBias, n: c, out: qkv + c, ldOut: 3 * c),
                          LinearSegment(weight: layer.value, bias: layer.valueBias, n: c, out: qkv + 2 * c, ldOut: 3 * c))
            ProductEngine.attention(qkv: qkv, offsets: offsets, c: c, heads: config.heads,
                                    scores: workspace.scores, context: context)
            // Attention output projection lands in qkv's first T*C floats, reused as scratch.
            observe?(l, .attentionOut, context, t, c)
            engine.linear(context, rows: t, k: c,
                          LinearSegment(weight: layer.attentionOut, bias: layer.attentionOutBias, n: c, out: qkv, ldOut: c))
            addLayerNorm(qkv, residual: x, rows: t, c: c, weight: layer.attentionNormWeight,
                         bias: layer.attentionNormBias, eps: eps)
            observe?(l, .intermediate, qkv, t, c)
            engine.linear(qkv, rows: t, k: c,
                          LinearSegment(weight: layer.intermediate, bias: layer.intermediateBias, n: inter, out: ffn, ldOut: inter),
                          gelu: true)
            observe?(l, .output, ffn, t, inter)
            engine.linear(ffn, rows: t, k: inter,
                          LinearSegment(weight: layer.output, bias: layer.outputBias, n: c, out: x, ldOut: c))
            addLayerNorm(x, residual: qkv, rows: t, c: c, weight: layer.outputNormWeight,
                         bias: layer.outputNormBias, eps: eps)
        }
        return (0..<sequences.count).map { s in
            pool(x + offsets[s] * c, length: offsets[s + 1] - offsets[s], c: c)
        }
    }

    /// One encoder layer with its products packed (int8 or bf16): the fp32 layer's steps
    /// with each product through `PackedMatrix.apply`, and attention's two products in bf16
    /// where the CPU has AVX512_BF16 (cs_attention_bf16; else fp32).   x (T, C) -> x (T, C)
    private func packedLayer(_ packed: BertPackedLayers, _ l: Int, tokens t: Int, offsets: [Int], workspace: Workspace,
                             scratch: UnsafeMutableRawPointer) {
        let c = config.hiddenSize, inter = config.intermediateSize, eps = config.layerNormEps
        let layer = weights.layers[l], products = packed.layers[l]
        let x = workspace.x, qkv = workspace.qkv, context = workspace.context, ffn = workspace.ffn
        products.qkv.apply(x, rows: t, ldInput: c, out: qkv, ldOut: 3 * c, gelu: false, level: products.qkv.level,
                           scratch: scratch)
        ProductEngine.attention(qkv: qkv, offsets: offsets, c: c, heads: config.heads,
                                scores: workspace.scores, context: context, bf16: true)
        products.attentionOut.apply(context, rows: t, ldInput: c, out: qkv, ldOut: c, gelu: false,
                                    level: products.attentionOut.level, scratch: scratch)
        addLayerNorm(qkv, residual: x, rows: t, c: c, weight: layer.attentionNormWeight,
                     bias: layer.attentionNormBias, eps: eps)
        products.intermediate.apply(qkv, rows: t, ldInput: c, out: ffn, ldOut: inter, gelu: true,
                                    level: products.intermediate.level, scratch: scratch)
        products.output.apply(ffn, rows: t, ldInput: inter, out: x, ldOut: c, gelu: false,
                              level: products.output.level, scratch: scratch)
        addLayerNorm(x, residual: qkv, rows: t, c: c, weight: layer.outputNormWeight,
                     bias: layer.outputNormBias, eps: eps)
    }

    /// Mean over the sequence's tokens or its [CLS] state, then divided by its L2 norm.   states (L, C) -> (C)
    private func pool(_ states: UnsafePointer<Float>, length: Int, c: Int) -> [Float] {
        var vector = [Float](repeating: 0, count: c)
        switch config.pooling {
        case .cls:
            for j in 0..<c { vector[j] = states[j] }
        case .mean:
            for r in 0..<length {
                let row = states + r * c
                for j in 0..<c { vector[j] += row[j] }
            }
            let inverse = 1 / Float(max(length, 1))
            for j in 0..<c { vector[j] *= inverse }
        }
        L2.normalize(&vector)
        return vector
    }
}
