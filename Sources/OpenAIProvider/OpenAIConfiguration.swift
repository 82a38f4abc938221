import Foundation

/// An API key. Its value is only ever written into a request header: it prints, dumps and
/// encodes as `[redacted]`, and is not `Codable`, so it cannot reach a log, an error or an index.
public struct OpenAIAPIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Everything the OpenAI-compatible embedder needs; plain values, filled by the caller from
/// flags, environment and user configuration (never from a repository's `.codesearch`).
public struct OpenAIConfiguration: Sendable, Codable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// OpenAI's own API, or an Azure OpenAI resource.
    public enum Flavor: Sendable, Codable, Equatable {
        /// POST `{base}/embeddings`, `Authorization: Bearer KEY`.
        case openAI
        /// POST `{base}/openai/deployments/{deployment}/embeddings?api-version=...`, `api-key: KEY`.
        case azure(deployment: String, apiVersion: String)
    }

    public static let defaultBaseURL = URL(string: "https://api.openai.com/v1")!

    /// With the version prefix, as OpenAI's SDKs take it (`OPENAI_BASE_URL`): `https://api.openai.com/v1`,
    /// `http://localhost:11434/v1`. For Azure: the resource, `https://NAME.openai.azure.com`.
    public var baseURL: URL
    public var model: String
    /// Requested vector size, sent as `dimensions`. Only text-embedding-3 models (and some
    /// servers) accept it; leave nil for the model's native size.
    public var dimensions: Int?
    public var apiKey: OpenAIAPIKey?
    public var flavor: Flavor
    /// Inputs per request; OpenAI accepts up to 2048.
    public var maxInputsPerRequest: Int
    /// Tokens per request, all inputs together; OpenAI accepts up to 300,000.
    public var maxTokensPerRequest: Int
    /// Every input is cut to this many tokens; OpenAI's embedding models take 8191.
    public var maxTokensPerInput: Int
    /// Requests in flight at once.
    public var maxConcurrentRequests: Int
    /// Seconds to wait for one response.
    public var requestTimeout: Double
    public var retry: OpenAIRetryPolicy
    /// USD per 1,000 tokens; nil takes `OpenAIPricing.defaultPricePer1KTokens[model]`.
    public var pricePer1KTokens: Decimal?

    public init(baseURL: URL = OpenAIConfiguration.defaultBaseURL,
                model: String = "text-embedding-3-small",
                dimensions: Int? = nil,
                apiKey: OpenAIAPIKey? = nil,
                flavor: Flavor = .openAI,
                maxInputsPerRequest: Int = 2048,
                maxTokensPerRequest: Int = 300_000,
                maxTokensPerInput: Int = 8191,
                maxConcurrentRequests: Int = 4,
                requestTimeout: Double = 60,
                retry: OpenAIRetryPolicy = OpenAIRetryPolicy(),
                pricePer1KTokens: Decimal? = nil)
    {
        self.baseURL = baseURL
        self.model = model
        self.dimensions = dimensions
        self.apiKey = apiKey
        self.flavor = flavor
        self.maxInputsPerRequest = maxInputsPerRequest
        self.maxTokensPerRequest = maxTokensPerRequest
        self.maxTokensPerInput = maxTokensPerInput
        self.maxConcurrentRequests = maxConcurrentRequests
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.pricePer1KTokens = pricePer1KTokens
    }

    /// Native vector sizes of OpenAI's embedding models.
    public static let knownDimensions: [String: Int] = [
        "text-embedding-ada-002": 1536,
        "text-embedding-3-small": 1536,
        "text-embedding-3-large": 3072,
    ]

    /// The size of the vectors the server will return, if known without asking it.
    public var expectedDimensions: Int? {
        dimensions ?? Self.knownDimensions[model]
    }

    /// The URL embeddings are POSTed to.
    public var embeddingsURL: URL {
        switch flavor {
        case .openAI:
            return baseURL.appendingPathComponent("embeddings")
        case .azure(let deployment, let apiVersion):
            let url = baseURL.appendingPathComponent("openai").appendingPathComponent("deployments")
                .appendingPathComponent(deployment).appendingPathComponent("embeddings")
            guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url }
            let existing = parts.queryItems ?? []
            parts.queryItems = existing + [URLQueryItem(name: "api-version", value: apiVersion)]
            return parts.url ?? url
        }
    }

    /// Checks the values a user can get wrong, with messages that say what to fix.
    public func validate() throws {
        guard let scheme = baseURL.scheme?.lowercased(), scheme == "https" || scheme == "http",
              baseURL.host != nil
        else {
            throw OpenAIError.invalidConfiguration("base URL '\(OpenAIRedaction.endpoint(baseURL))' must be an http or https URL")
        }
        if baseURL.user != nil || baseURL.password != nil {
            throw OpenAIError.invalidConfiguration("put the API key in OPENAI_API_KEY, not in the base URL")
        }
        if model.isEmpty { throw OpenAIError.invalidConfiguration("the model name is empty") }
        if let dimensions, dimensions <= 0 {
            throw OpenAIError.invalidConfiguration("dimensions must be positive, not \(dimensions)")
        }
        if case .azure(let deployment, let apiVersion) = flavor, deployment.isEmpty || apiVersion.isEmpty {
            throw OpenAIError.invalidConfiguration("Azure needs both a deployment and an api-version")
        }
        for (name, value) in [("max inputs per request", maxInputsPerRequest),
                              ("max tokens per request", maxTokensPerRequest),
                              ("max tokens per input", maxTokensPerInput),
                              ("max requests in flight", maxConcurrentRequests)] where value < 1 {
            throw OpenAIError.invalidConfiguration("\(name) must be at least 1, not \(value)")
        }
        if maxTokensPerInput > maxTokensPerRequest {
            throw OpenAIError.invalidConfiguration("max tokens per input exceeds max tokens per request")
        }
        if !(requestTimeout > 0) {
            throw OpenAIError.invalidConfiguration("the request time-out must be positive")
        }
    }

    public var description: String {
        var text = "OpenAIConfiguration(endpoint: \(OpenAIRedaction.endpoint(embeddingsURL)), model: \(model)"
        if let dimensions { text += ", dimensions: \(dimensions)" }
        text += ", apiKey: \(apiKey == nil ? "none" : "[redacted]"))"
        return text
    }

    public var debugDescription: String { description }

    private enum CodingKeys: String, CodingKey {
        case baseURL, model, dimensions, flavor, maxInputsPerRequest, maxTokensPerRequest,
             maxTokensPerInput, maxConcurrentRequests, requestTimeout, retry, pricePer1KTokens
    }

    /// Decodes everything but the key, which only ever comes from the environment.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(baseURL: try c.decode(URL.self, forKey: .baseURL),
                  model: try c.decode(String.self, forKey: .model),
                  dimensions: try c.decodeIfPresent(Int.self, forKey: .dimensions),
                  apiKey: nil,
                  flavor: try c.decode(Flavor.self, forKey: .flavor),
                  maxInputsPerRequest: try c.decode(Int.self, forKey: .maxInputsPerRequest),
                  maxTokensPerRequest: try c.decode(Int.self, forKey: .maxTokensPerRequest),
                  maxTokensPerInput: try c.decode(Int.self, forKey: .maxTokensPerInput),
                  maxConcurrentRequests: try c.decode(Int.self, forKey: .maxConcurrentRequests),
                  requestTimeout: try c.decode(Double.self, forKey: .requestTimeout),
                  retry: try c.decode(OpenAIRetryPolicy.self, forKey: .retry),
                  pricePer1KTokens: try c.decodeIfPresent(Decimal.self, forKey: .pricePer1KTokens))
    }
}

/// Exponential backoff with full jitter on 408, 409, 429, 5xx, time-outs and dropped
/// connections (the statuses OpenAI's SDKs retry), honouring `Retry-After`.
public struct OpenAIRetryPolicy: Sendable, Codable, Equatable {
    /// Attempts per request, the first included.
    public var maxAttempts: Int
    /// Backoff ceiling for attempt n (from 0) is min(maxDelay, initialDelay * 2^n); the wait
    /// is uniform in [0, ceiling] ("full jitter").
    public var initialDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` honoured; a longer one is waited for this long.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 6, initialDelay: Double = 0.5, maxDelay: Double = 20,
                maxRetryAfter: Double = 60)
    {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait before retry number `attempt` (0 for the first retry).
    func delay(beforeRetry attempt: Int, retryAfter: Double?,
               random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Double
    {
        if let retryAfter { return min(max(0, retryAfter), maxRetryAfter) }
        let ceiling = min(maxDelay, initialDelay * pow(2, Double(min(attempt, 30))))
        return ceiling > 0 ? random(0...ceiling) : 0
    }
}

/// Default prices in USD per 1,000 tokens, from OpenAI's price list; override with
/// `OpenAIConfiguration.pricePer1KTokens`.
public enum OpenAIPricing {
    public static let defaultPricePer1KTokens: [String: Decimal] = [
        "text-embedding-ada-002": Decimal(string: "0.0001")!,
        "text-embedding-3-small": Decimal(string: "0.00002")!,
        "text-embedding-3-large": Decimal(string: "0.00013")!,
    ]
}
