import CBLAS
import CKernels
import Dispatch
import EmbeddingCore
import Foundation

/// The native embedder: a BERT-family sentence-transformers model folder run on OpenBLAS,
/// matching sentence-transformers' vectors (truncation at max_seq_length, mean or CLS
/// pooling, L2 normalisation).
public final class BertEmbedder: Embedder, @unchecked Sendable {  // immutable after init
    public let identity: EmbedderIdentity
    public let modelDirectory: URL
    /// Worker threads for `embed(documents:)`.
    public let threads: Int
    let config: BertConfig
    let tokenizer: BertTokenizer
    /// The fp32 encoder: queries always, and documents at fp32.
    let encoder: BertEncoder
    /// The products packed for `precision`, made by the first document batch (nil at fp32).
    private let packedWeights: PackedOnce?
    /// Where int8's outlier channels are remembered per weights digest (nil: calibrate each time).
    let outlierMemo: URL?
    /// The helper thread that a query-sized call borrows to use both cores (nil with one
    /// thread, or on a CPU without the kernels). Its own, so several embedders never share
    /// or wait for one another.
    let team: KernelTeam?
    /// The precision the products run in, on this CPU, and why (`status`, `model list`).
    public let precision: PrecisionChoice

    /// Most texts per batch, and most tokens per batch (bounds scratch memory per worker).
    static let batchSize = 32
    static let maxBatchTokens = 4096

    /// Loads the model folder. The weights are memory-mapped; their sha256 is remembered in
    /// `digestMemo` (default: the user cache) so later loads do not re-hash. `hugePages`
    /// copies the encoder layers into huge pages (see `BertWeights`): for a process that
    /// embeds many times, not for one query. `precision` is resolved for this CPU
    /// (`PrecisionChoice.resolve`, `auto` keeping `kept`, an existing index's) and is part
    /// of the identity. int8's outlier channels are remembered in `outlierMemo` (default: the
    /// user cache), since finding them costs a process that embeds anything 0.35 s.
    public init(modelDirectory: URL, threads: Int = 2, digestMemo: URL? = UserCache.weightsDigestMemo,
                hugePages: Bool = false, precision requested: EncoderPrecision = .fp32, keeping kept: EncoderPrecision? = nil,
                outlierMemo: URL? = UserCache.outlierChannelsMemo) throws {
        self.modelDirectory = modelDirectory
        self.outlierMemo = outlierMemo
        self.threads = max(1, threads)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: modelDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EmbeddingError.missingFile(path: modelDirectory.path, hint: "pass a sentence-transformers model folder")
        }
        config = try BertConfig(directory: modelDirectory)
        tokenizer = try BertTokenizer(directory: modelDirectory, maxLength: config.maxSequenceLength)
        let weightsURL = modelDirectory.appending(path: "model.safetensors")
        let file = try SafetensorsFile(url: weightsURL)
        precision = try PrecisionChoice.resolve(requested, kept: kept)
        let weights = try BertWeights(file: file, config: config, hugePages: hugePages)
        encoder = BertEncoder(config: config, weights: weights)
        packedWeights = precision.products.map(PackedOnce.init)
        identity = try Self.identity(modelDirectory: modelDirectory, config: config, digestMemo: digestMemo,
                                     precision: precision.precision)
        team = self.threads > 1 ? KernelTeam() : nil
    }

    /// The identity a model folder's embedder will have, from its configuration and the
    /// remembered weights digest, without loading the tokenizer or the weights.
    public static func identity(modelDirectory: URL, digestMemo: URL? = UserCache.weightsDigestMemo,
                                precision: EncoderPrecision = .fp32, keeping kept: EncoderPrecision? = nil) throws -> EmbedderIdentity {
        try identity(modelDirectory: modelDirectory, config: try BertConfig(directory: modelDirectory), digestMemo: digestMemo,
                     precision: try PrecisionChoice.resolve(precision, kept: kept).precision)
    }

    static func identity(modelDirectory: URL, config: BertConfig, digestMemo: URL?,
                         precision: EncoderPrecision) throws -> EmbedderIdentity {
        let digest = try WeightsDigest(memoURL: digestMemo).sha256(of: modelDirectory.appending(path: "model.safetensors"))
        return EmbedderIdentity(provider: "native", model: modelDirectory.standardizedFileURL.lastPathComponent,
                                fingerprint: digest, dimensions: config.hiddenSize,
                                pooling: config.pooling.rawValue, maxTokens: config.maxSequenceLength,
                                precision: precision.identityName)
    }

    /// Token ids as the model sees them: [CLS] ... [SEP], truncated to the max length.
    public func tokenIDs(_ text: String) -> [Int32] {
        // sentence-transformers strips each text; the BERT normaliser makes that a no-op for ids.
        tokenizer.encode(text)
    }

    /// Number of tokens the model sees for `text`, including [CLS] and [SEP].
    public func tokenCount(_ text: String) -> Int { tokenIDs(text).count }

    /// The multiply-adds (as 2 floating-point operations each) of the encoder's matrix
    /// products for one text of `tokens` tokens, padding excluded: per layer, the Q, K, V
    /// and output projections (8·L·C²), the feed-forward pair (4·L·C·I) and attention's
    /// two products (4·L²·C). What the benchmark divides its time by.
    public func encoderFLOPs(tokens: Int) -> Double {
        let l = Double(tokens), c = Double(config.hiddenSize), i = Double(config.intermediateSize)
        return Double(config.layers) * (8 * l * c * c + 4 * l * c * i + 4 * l * l * c)
    }

    /// The bytes of fp32 encoder parameters one pass reads, whatever its length: every
    /// layer's four projections, feed-forward pair, biases and LayerNorms. A one-text query
    /// reads each once, so memory bandwidth, not arithmetic, bounds it.
    public var encoderWeightBytes: Int {
        let c = config.hiddenSize, i = config.intermediateSize
        return config.layers * (4 * (c * c + c) + (c * i + i) + (i * c + c) + 4 * c) * MemoryLayout<Float>.size
    }

    public func embed(documents: [String]) async throws -> [[Float]] {
        try embedSynchronously(documents)
    }

    /// The query's vector, always from the fp32 encoder (see `EmbeddingRole`); a model that
    /// wants a query prompt (e5, bge) gets it from its configuration.
    public func embed(query: String) async throws -> [Float] {
        try embedSynchronously([config.queryPrompt + query], as: .query)[0]
    }

    /// The encoder `role`'s texts run on: documents at the embedder's precision, packing its
    /// weights on first use (for int8 after finding the outlier channels, `OutlierChannels`);
    /// queries always at fp32.
    func encoder(for role: EmbeddingRole) throws -> BertEncoder {
        guard role == .document, let packedWeights else { return encoder }
        var packed = encoder
        packed.packed = try packedWeights.get { kinds in
            var outliers: OutlierChannels?
            if kinds.outliers > 0 {
                outliers = try OutlierChannels.remembered(in: outlierMemo, digest: identity.fingerprint,
                                                          count: kinds.outliers, config: config) {
                    let sequences = OutlierChannels.calibrationSequences(tokenizer)
                    if !ProductEngine.runsWithoutBLAS(rows: sequences.map(\.count).max() ?? 0,
                                                      headWidth: config.hiddenSize / config.heads) {
                        try requireBLAS()
                    }
                    return OutlierChannels.calibrate(encoder: encoder, sequences: sequences, count: kinds.outliers)
                }
            }
            return try BertPackedLayers(weights: encoder.weights, config: config, kinds: kinds, outliers: outliers)
        }
        return packed
    }

    /// Tokenises, sorts by length, packs batches, and runs them on `threads` workers, each
    /// with single-threaded BLAS (faster here than one stream with threaded BLAS: attention,
    /// GELU and LayerNorm run in parallel too). A single query-sized batch (a query) runs on
    /// the calling thread with the small-input kernels, its products split with the
    /// embedder's helper thread when that is free.
    ///
    /// OpenBLAS is loaded on the first pass that may need it: a query the calling thread's
    /// kernels cover (up to 128 tokens on an AVX-512 CPU) never loads it, which keeps its
    /// 2 ms dlopen off a search's start-up. Throws when it is needed and cannot be loaded.
    public func embedSynchronously(_ texts: [String], as role: EmbeddingRole = .document) throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let encoder = try encoder(for: role)
        let sequences = tokenizeAll(texts)
        let batches = Self.bucket(lengths: sequences.map(\.count))
        let batchTokens = batches.map { $0.reduce(0) { $0 + sequences[$1].count } }.max() ?? 0
        let longest = sequences.map(\.count).max() ?? 0
        // Packed products never need BLAS; attention does where its kernel does not fit.
        let headWidth = config.hiddenSize / config.heads
        let withoutBLAS = encoder.packed != nil
            ? cs_attention_bf16_supported(headWidth) != 0 || cs_attention_supported(ProductEngine.cpuLevel, headWidth) != 0
            : ProductEngine.runsWithoutBLAS(rows: batchTokens, headWidth: headWidth)
        if !withoutBLAS {
            try requireBLAS()
        }
        if batches.count == 1, let team, batchTokens <= ProductEngine.maxSharedKernelRows {
            let workspace = encoder.workspace(tokens: batchTokens, longest: longest)
            let batch = batches[0].map { sequences[$0] }
            let vectors = team.borrow { encoder.encode(batch, workspace: workspace, team: $0) }
            var ordered = [[Float]](repeating: [], count: texts.count)
            for (index, vector) in zip(batches[0], vectors) { ordered[index] = vector }
            return ordered
        }
        let workers = min(threads, batches.count)
        let shared = SharedSlots<[Float]>(count: texts.count)
        codesearch_blas_set_num_threads(1)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let workspace = encoder.workspace(tokens: batchTokens, longest: longest)
            while let b = shared.claim(below: batches.count) {
                let vectors = encoder.encode(batches[b].map { sequences[$0] }, workspace: workspace)
                shared.store(Array(zip(batches[b], vectors)))
            }
        }
        return shared.values
    }

    /// Loads OpenBLAS if it is not yet loaded; a clear error when it cannot be.
    public func requireBLAS() throws {
        guard codesearch_blas_load() == 0 else {
            throw EmbeddingError.blasUnavailable(reason: String(cString: codesearch_blas_error()))
        }
    }

    private func tokenizeAll(_ texts: [String]) -> [[Int32]] {
        if texts.count < 64 || threads == 1 { return texts.map(tokenizer.encode) }
        let shared = SharedSlots<[Int32]>(count: texts.count)
        let chunk = (texts.count + threads - 1) / threads
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            let range = (w * chunk)..<min(texts.count, (w + 1) * chunk)
            shared.store(range.map { ($0, tokenizer.encode(texts[$0])) })
        }
        return shared.values
    }

    /// Length bucketing: indices sorted longest first, cut into batches of at most
    /// `batchSize` texts and `maxBatchTokens` tokens. Longest first also balances the workers.
    static func bucket(lengths: [Int]) -> [[Int]] {
        let order = lengths.indices.sorted { lengths[$0] > lengths[$1] }
        var batches: [[Int]] = []
        var current: [Int] = [], tokens = 0
        for index in order {
            if !current.isEmpty && (current.count == batchSize || tokens + lengths[index] > maxBatchTokens) {
                batches.append(current)
                current = []; tokens = 0
            }
            current.append(index)
            tokens += lengths[index]
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}

/// What a text is embedded as. A reduced precision (int8, bf16, mixed) runs documents only:
/// their vectors are what the index stores, so the precision is the identity's. A query is
/// never stored and runs on the fp32 encoder, so a search never waits for the weights to be
/// packed (a one-query process would pay the packing, 26 ms, on every search) and its vector
/// is the reference one; its cosine to documents at a reduced precision is measured in
/// Benchmarks/RESULTS-precision.md.
public enum EmbeddingRole: Sendable {
    case query, document
}

/// The packed products, made once by whichever document batch needs them first; a failure
/// (memory) is not kept, so the next batch tries again.
private final class PackedOnce: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private let kinds: PackedProducts
    private var layers: BertPackedLayers?

    init(_ kinds: PackedProducts) { self.kinds = kinds }

    func get(_ make: (PackedProducts) throws -> BertPackedLayers) throws -> BertPackedLayers {
        lock.lock(); defer { lock.unlock() }
        if let layers { return layers }
        let made = try make(kinds)
        layers = made
        return made
    }
}

/// Results filled in by concurrent workers, plus a work counter, behind one lock.
private final class SharedSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var next = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next unclaimed work index, or nil when all `count` are taken.
    func claim(below count: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ values: [(Int, Value)]) {
        lock.lock(); defer { lock.unlock() }
        for (index, value) in values { slots[index] = value }
    }

    var values: [Value] {
        lock.lock(); defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

extension BertEmbedder {
    /// What the loaded weights hold, for `model verify` and `model list`.
    public var weightsSummary: (tensors: Int, weightsType: String, layers: Int) {
        (encoder.weights.file.tensors.count, encoder.weights.file.floatType, config.layers)
    }
}
