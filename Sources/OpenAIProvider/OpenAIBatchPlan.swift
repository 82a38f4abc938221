import Foundation

/// One request's worth of inputs: `range` indexes the caller's documents.
struct OpenAIPlannedBatch: Sendable {
    var range: Range<Int>
    /// The documents, each cut to the per-input token limit (never empty: the API refuses "").
    var inputs: [String]
    /// Their token count (an upper bound when the counter is not exact).
    var tokens: Int
}

/// Cuts inputs to size and packs them, in order, into requests that respect both the
/// inputs-per-request and tokens-per-request limits. Deterministic, and no network.
enum OpenAIBatchPlan {
    static func make(_ documents: [String], configuration: OpenAIConfiguration,
                     tokenCounter: any OpenAITokenCounter) -> [OpenAIPlannedBatch]
    {
        var batches: [OpenAIPlannedBatch] = []
        var current = OpenAIPlannedBatch(range: 0..<0, inputs: [], tokens: 0)
        for (index, document) in documents.enumerated() {
            var text = document.isEmpty ? " " : document
            var tokens = tokenCounter.count(text)
            if tokens > configuration.maxTokensPerInput {
                text = tokenCounter.truncate(text, maxTokens: configuration.maxTokensPerInput)
                if text.isEmpty { text = " " }
                tokens = tokenCounter.count(text)
            }
            if !current.inputs.isEmpty,
               current.inputs.count >= configuration.maxInputsPerRequest
                || current.tokens + tokens > configuration.maxTokensPerRequest
            {
                batches.append(current)
                current = OpenAIPlannedBatch(range: index..<index, inputs: [], tokens: 0)
            }
            current.inputs.append(text)
            current.tokens += tokens
            current.range = current.range.lowerBound..<(index + 1)
        }
        if !current.inputs.isEmpty { batches.append(current) }
        return batches
    }
}

/// What `codesearch index --dry-run` shows for an API model: nothing is sent.
public struct OpenAICostEstimate: Sendable, Equatable {
    public var inputs: Int
    /// Tokens that would be sent, after each input is cut to the per-input limit.
    public var tokens: Int
    /// False when cl100k_base was not available and `tokens` is the UTF-8 byte bound.
    public var tokensAreExact: Bool
    public var requests: Int
    /// USD per 1,000 tokens: the configured price, else the default for the model, else nil.
    public var pricePer1KTokens: Decimal?
    /// tokens / 1000 × price, or nil when the model has no known price (e.g. a self-hosted one).
    public var estimatedCostUSD: Decimal?

    /// Counts and prices `documents` as `OpenAIEmbedder` would send them.
    public init(documents: [String], configuration: OpenAIConfiguration,
                tokenCounter: any OpenAITokenCounter)
    {
        let plan = OpenAIBatchPlan.make(documents, configuration: configuration, tokenCounter: tokenCounter)
        inputs = documents.count
        tokens = plan.reduce(0) { $0 + $1.tokens }
        tokensAreExact = tokenCounter.isExact
        requests = plan.count
        pricePer1KTokens = configuration.pricePer1KTokens
            ?? OpenAIPricing.defaultPricePer1KTokens[configuration.model]
        estimatedCostUSD = pricePer1KTokens.map { Decimal(tokens) / 1000 * $0 }
    }
}
