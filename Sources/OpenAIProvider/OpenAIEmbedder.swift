import EmbeddingCore
import Foundation
import Hashing

/// One finished request: the vectors of `documents[range]`, in order.
public struct OpenAIEmbeddingBatch: Sendable {
    public var range: Range<Int>
    public var vectors: [[Float]]
    /// Tokens the server says it read (`usage.prompt_tokens`), if it says.
    public var promptTokens: Int?

    public init(range: Range<Int>, vectors: [[Float]], promptTokens: Int? = nil) {
        self.range = range
        self.vectors = vectors
        self.promptTokens = promptTokens
    }
}

/// Embeddings from an OpenAI-compatible `/embeddings` endpoint: OpenAI, Azure OpenAI, or a
/// self-hosted server (Ollama, vLLM, llama.cpp, text-embeddings-inference, LM Studio, infinity).
///
/// Inputs are cut to `maxTokensPerInput` cl100k_base tokens (or the UTF-8 byte bound without
/// the rank file), packed in order into requests within the per-request limits, and sent
/// at most `maxConcurrentRequests` at a time, each retried on 429, 5xx and time-outs.
public struct OpenAIEmbedder: Embedder {
    public let configuration: OpenAIConfiguration
    public let identity: EmbedderIdentity
    public let tokenCounter: any OpenAITokenCounter
    private let client: OpenAIClient

    /// For a model whose vector size is known (OpenAI's, or `configuration.dimensions` set).
    /// Use `probing` for a self-hosted model of unknown size.
    public init(configuration: OpenAIConfiguration, tokenCounter: any OpenAITokenCounter) throws {
        try self.init(configuration: configuration, tokenCounter: tokenCounter, sleep: OpenAIClient.taskSleep)
    }

    init(configuration: OpenAIConfiguration, tokenCounter: any OpenAITokenCounter,
         sleep: @escaping @Sendable (Double) async throws -> Void) throws
    {
        try configuration.validate()
        guard let dimensions = configuration.expectedDimensions else {
            throw OpenAIError.unknownDimensions(model: configuration.model)
        }
        self.configuration = configuration
        self.tokenCounter = tokenCounter
        self.identity = EmbedderIdentity(
            provider: "openai", model: configuration.model,
            fingerprint: Self.endpointFingerprint(configuration),
            dimensions: dimensions, pooling: "remote", maxTokens: configuration.maxTokensPerInput)
        self.client = OpenAIClient(configuration: configuration, sleep: sleep)
    }

    /// Like `init`, but when the model's vector size is unknown, asks the server for one
    /// embedding to learn it.
    public static func probing(configuration: OpenAIConfiguration,
                               tokenCounter: any OpenAITokenCounter) async throws -> OpenAIEmbedder
    {
        try configuration.validate()
        if configuration.expectedDimensions != nil {
            return try OpenAIEmbedder(configuration: configuration, tokenCounter: tokenCounter)
        }
        let reply = try await OpenAIClient(configuration: configuration).embed(["dimension probe"])
        var known = configuration
        known.dimensions = reply.vectors.first?.count
        // The size was learned, not requested: keep it out of the request body.
        let embedder = try OpenAIEmbedder(configuration: known, tokenCounter: tokenCounter)
        return OpenAIEmbedder(embedder, sending: configuration)
    }

    private init(_ other: OpenAIEmbedder, sending configuration: OpenAIConfiguration) {
        self.configuration = configuration
        self.identity = other.identity
        self.tokenCounter = other.tokenCounter
        self.client = OpenAIClient(configuration: configuration, expectedDimensions: other.identity.dimensions)
    }

    /// cl100k_base from `path`, else from tiktoken's cache, else the UTF-8 byte bound.
    public static func tokenCounter(path: String? = nil,
                                    environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> any OpenAITokenCounter
    {
        try TiktokenEncoding.cl100kBase(path: path, environment: environment) ?? UTF8ByteTokenBound()
    }

    /// What a run would send and cost; sends nothing.
    public func estimate(documents: [String]) -> OpenAICostEstimate {
        OpenAICostEstimate(documents: documents, configuration: configuration, tokenCounter: tokenCounter)
    }

    public func embed(documents: [String]) async throws -> [[Float]] {
        // The batches land in an object, not in a `var` captured by the closure: the optimiser
        // specialises such a closure into the async callee and has kept the captured array on
        // the caller's stack, which is gone after the first suspension (release builds crashed
        // or printed two vectors for one input; OpenAIProviderTests run a release binary for it).
        let collected = OpenAIVectorCollector(count: documents.count)
        try await embed(documents: documents) { batch in try collected.store(batch) }
        return try collected.vectors()
    }

    public func embed(query: String) async throws -> [Float] {
        try await embed(documents: [query]).first ?? []
    }

    /// Embeds `documents`, handing each request's vectors to `onBatch` as soon as it
    /// arrives (in completion order, one call at a time), so a caller can store them and
    /// lose nothing if a later request fails. When one request fails for good, no new ones
    /// start, those in flight still deliver, and then the first error is thrown.
    public func embed(documents: [String],
                      onBatch: (OpenAIEmbeddingBatch) async throws -> Void) async throws
    {
        let plan = OpenAIBatchPlan.make(documents, configuration: configuration, tokenCounter: tokenCounter)
        let client = self.client, concurrent = configuration.maxConcurrentRequests
        // Everything the loop changes lives inside the group's body and leaves it as its
        // result: release builds have miscompiled `var`s (and a nested function capturing
        // the group) shared between this body and the caller across a suspension, handing
        // `onBatch` garbage ranges (issue 12). A child reports its batch by index.
        let failure: Error? = await withTaskGroup(of: BatchOutcome.self) { group in
            var next = 0, failure: Error?, stopDelivering = false
            while next < plan.count && next < concurrent {
                Self.start(plan[next], index: next, client: client, in: &group)
                next += 1
            }
            while let outcome = await group.next() {
                switch outcome.result {
                case .success(let reply):
                    guard !stopDelivering else { break }
                    let batch = OpenAIEmbeddingBatch(range: plan[outcome.index].range,
                                                     vectors: reply.vectors.map(L2.normalized),
                                                     promptTokens: reply.promptTokens)
                    do {
                        try await onBatch(batch)
                    } catch {
                        failure = failure ?? error
                        stopDelivering = true
                        group.cancelAll()
                    }
                case .failure(let error):
                    failure = failure ?? error
                }
                if failure == nil && next < plan.count && !Task.isCancelled {
                    Self.start(plan[next], index: next, client: client, in: &group)
                    next += 1
                }
            }
            return failure
        }
        if let failure { throw failure }
        try Task.checkCancellation()
    }

    /// What one request came back with; `index` is its batch's place in the plan.
    struct BatchOutcome: Sendable {
        let index: Int
        let result: Result<OpenAIClient.Reply, Error>
    }

    private static func start(_ batch: OpenAIPlannedBatch, index: Int, client: OpenAIClient,
                              in group: inout TaskGroup<BatchOutcome>) {
        let inputs = batch.inputs
        group.addTask {
            do { return BatchOutcome(index: index, result: .success(try await client.embed(inputs))) }
            catch { return BatchOutcome(index: index, result: .failure(error)) }
        }
    }

    /// Empty for OpenAI's own API, where a model name names one set of weights. Any other
    /// server may serve different weights under the same name, so its vectors are keyed by
    /// the endpoint too: sha256 of scheme, host, port, path (and Azure deployment), never the key.
    static func endpointFingerprint(_ configuration: OpenAIConfiguration) -> String {
        let url = configuration.baseURL
        let host = url.host?.lowercased() ?? ""
        if configuration.flavor == .openAI, host == "api.openai.com" { return "" }
        var text = "\(url.scheme?.lowercased() ?? "")://\(host):\(url.port.map(String.init) ?? "")"
        text += url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        if case .azure(let deployment, _) = configuration.flavor { text += "#azure:\(deployment)" }
        return SHA256Hasher.hex(of: Data(text.utf8))
    }
}

/// The vectors of one `embed(documents:)` call, filled batch by batch in completion order.
/// Batches are delivered one at a time, so no lock is needed.
final class OpenAIVectorCollector {
    private var slots: [[Float]?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ batch: OpenAIEmbeddingBatch) throws {
        guard batch.range.lowerBound >= 0, batch.range.upperBound <= slots.count,
              batch.vectors.count == batch.range.count else {
            throw OpenAIError.malformedResponse(
                endpoint: "the embeddings endpoint",
                detail: "\(batch.vectors.count) vectors for inputs \(batch.range) of \(slots.count)")
        }
        for (slot, vector) in zip(batch.range, batch.vectors) { slots[slot] = vector }
    }

    /// Every input's vector, in input order.
    func vectors() throws -> [[Float]] {
        try slots.map { vector in
            guard let vector else {
                throw OpenAIError.malformedResponse(endpoint: "the embeddings endpoint",
                                                    detail: "no vector came back for an input")
            }
            return vector
        }
    }
}
