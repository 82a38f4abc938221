import EmbeddingCore
import CKernels
import Dispatch
import Foundation

/// One weight matrix packed for the int8 or bf16 kernels (CKernels' cs_packed_matrix),
/// with its bias; owns the packed copy.
final class PackedMatrix: @unchecked Sendable {  // immutable after init; the kernels only read it
    private let matrix: UnsafeMutablePointer<cs_packed_matrix>
    /// The best kernel level this CPU has for `kind` (`cs_packed_level`).
    let level: Int32

    /// The rows of `parts` stacked into one matrix (N = Σ rows, K = k).   each weight (rows, K)
    /// int8 only: the input channels `outliers` are computed in fp32 (`cs_packed_create`).
    init?(kind: cs_packed_kind, parts: [(weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int)], k: Int,
          outliers: [Int] = []) {
        var weights: [UnsafePointer<Float>?] = parts.map { $0.weight }
        var biases: [UnsafePointer<Float>?] = parts.map { $0.bias }
        var rows = parts.map { $0.rows }
        var outliers = outliers
        // Safe: the arrays outlive the call, which copies what it needs from the weights.
        guard let matrix = cs_packed_create(kind, &weights, &biases, &rows, Int32(parts.count), k,
                                            &outliers, Int32(outliers.count)) else { return nil }
        self.matrix = matrix
        self.level = cs_packed_level(kind)
    }

    deinit { cs_packed_destroy(matrix) }

    /// out = input · weightᵀ + bias (then GELU).   input (rows, K) row stride ldInput ->
    /// out (rows, N) row stride ldOut; `scratch` holds `cs_packed_scratch_bytes(rows, K)`.
    func apply(_ input: UnsafePointer<Float>, rows: Int, ldInput: Int, out: UnsafeMutablePointer<Float>, ldOut: Int,
               gelu: Bool, level: Int32, scratch: UnsafeMutableRawPointer) {
        cs_packed_linear(level, matrix, input, rows, ldInput, out, ldOut,
                         gelu ? CS_EPILOGUE_GELU : CS_EPILOGUE_NONE, scratch)
    }
}

/// The encoder layers' four products packed for a lower precision, made once from the fp32
/// weights by the first document batch (about 40 ms for all-MiniLM-L6-v2's 10.6 M weights;
/// see `EmbeddingRole`): Q, K and V as one
/// (3C, C) matrix whose output rows are the [Q | K | V] rows attention reads.
struct BertPackedLayers: Sendable {
    struct Layer: Sendable {
        var qkv: PackedMatrix           // (3C, C)
        var attentionOut: PackedMatrix  // (C, C)
        var intermediate: PackedMatrix  // (I, C), GELU after
        var output: PackedMatrix        // (C, I)
    }

    let layers: [Layer]

    /// `outliers` names each int8 product's fp32 input channels (none when nil). Throws when
    /// memory for the copy runs out.
    init(weights: BertWeights, config: BertConfig, kinds: PackedProducts, outliers: OutlierChannels?) throws {
        let c = config.hiddenSize, i = config.intermediateSize
        @Sendable func pack(_ kind: cs_packed_kind, _ parts: [(weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int)],
                            k: Int, outliers: [Int]) throws -> PackedMatrix {
            guard let matrix = PackedMatrix(kind: kind, parts: parts, k: k, outliers: kind == CS_PACKED_INT8 ? outliers : []) else {
                throw EmbeddingError.unsupportedModel(path: "model.safetensors", reason: "out of memory packing the weights")
            }
            return matrix
        }
        // The layers packed two at a time.
        let packed = LayerSlots(count: weights.layers.count)
        DispatchQueue.concurrentPerform(iterations: weights.layers.count) { index in
            let l = weights.layers[index]
            let chosen = { (product: ProductInput) in outliers?(index, product) ?? [] }
            packed.store(index, Result {
                Layer(qkv: try pack(kinds.qkv, [(l.query, l.queryBias, c), (l.key, l.keyBias, c), (l.value, l.valueBias, c)],
                                    k: c, outliers: chosen(.qkv)),
                      attentionOut: try pack(kinds.attentionOut, [(l.attentionOut, l.attentionOutBias, c)], k: c,
                                             outliers: chosen(.attentionOut)),
                      intermediate: try pack(kinds.intermediate, [(l.intermediate, l.intermediateBias, i)], k: c,
                                             outliers: chosen(.intermediate)),
                      output: try pack(kinds.output, [(l.output, l.outputBias, c)], k: i, outliers: chosen(.output)))
            })
        }
        layers = try packed.values()
    }

    /// Bytes of scratch one pass of up to `tokens` tokens needs (the widest input is I).
    static func scratchBytes(tokens: Int, config: BertConfig) -> Int {
        cs_packed_scratch_bytes(tokens, max(config.hiddenSize, config.intermediateSize))
    }
}

/// Each layer's packing result, filled in by concurrent workers behind one lock.
private final class LayerSlots: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var slots: [Result<BertPackedLayers.Layer, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result<BertPackedLayers.Layer, Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = result
    }

    func values() throws -> [BertPackedLayers.Layer] {
        lock.lock(); defer { lock.unlock() }
        return try slots.map { try $0!.get() }  // every index was stored before concurrentPerform returned
    }
}
