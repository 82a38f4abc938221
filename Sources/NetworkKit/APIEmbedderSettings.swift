import CodesearchKit
import EmbeddingCore
import Foundation
import IndexStorage
import OpenAIProvider
import Settings

/// The API provider's embedder from the settings. The settings come from flags, the
/// environment and the user's config only: a repository's committed `.codesearch` can never
/// choose a provider, an endpoint, a model or a key (see `ConfigurationLoader`).
public enum APIEmbedderSettings {
    /// With `offline`, an API model of unknown vector size is not probed (a dry run sends
    /// nothing): its size is taken from `existingIndex` when that index was made by the
    /// same model, else left at a placeholder that matches no cached vectors.
    public static func makeEmbedder(settings: Settings, environment: [String: String], offline: Bool,
                                    existingIndex: () -> IndexMetadata?) async throws -> Embedder {
        var configuration = try configuration(settings, environment: environment)
        let counter = try OpenAIEmbedder.tokenCounter(path: settings.tiktokenFile, environment: environment)
        if offline {
            if configuration.expectedDimensions == nil {
                let existing = existingIndex()
                let same = existing.map { $0.identity.provider == "openai" && $0.identity.model == configuration.model }
                configuration.dimensions = same == true ? existing?.identity.dimensions : 1
            }
            return try OpenAIEmbedder(configuration: configuration, tokenCounter: counter)
        }
        return try await OpenAIEmbedder.probing(configuration: configuration, tokenCounter: counter)
    }

    /// The API settings; the key is read from the environment variable the settings name.
    public static func configuration(_ settings: Settings, environment: [String: String]) throws -> OpenAIConfiguration {
        var configuration = OpenAIConfiguration()
        if let base = settings.baseURL {
            guard let url = URL(string: base), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw CodesearchError.usage("base-url '\(base)' is not an http(s) URL like https://api.openai.com/v1")
            }
            configuration.baseURL = url
        }
        if let model = settings.model { configuration.model = model }
        configuration.dimensions = settings.dimensions
        if let value = environment[settings.apiKeyVariable], !value.isEmpty {
            configuration.apiKey = OpenAIAPIKey(value)
        }
        switch (settings.azureDeployment, settings.azureAPIVersion) {
        case let (deployment?, version?):
            configuration.flavor = .azure(deployment: deployment, apiVersion: version)
        case (nil, nil):
            break
        default:
            throw CodesearchError.usage("Azure OpenAI needs both azure-deployment and azure-api-version")
        }
        if let limit = settings.maxInputTokens { configuration.maxTokensPerInput = limit }
        if let seconds = settings.requestTimeout { configuration.requestTimeout = seconds }
        if let price = settings.pricePer1K {
            guard let value = Decimal(string: price), value >= 0 else {
                throw CodesearchError.usage("price-per-1k '\(price)' is not a price in USD like 0.00002")
            }
            configuration.pricePer1KTokens = value
        }
        return configuration
    }

    /// `index --dry-run`'s account of what an API embedder would be sent: tokens, requests, dollars.
    public static func dryRunEstimate(_ api: OpenAIEmbedder, texts: [String]) -> String {
        let estimate = api.estimate(documents: texts)
        var text = ", \(estimate.tokens) tokens"
            + (estimate.tokensAreExact ? "" : " at most (no cl100k_base file: counted as UTF-8 bytes)")
        text += " in \(estimate.requests) requests to \(api.identity.model)"
        if let cost = estimate.estimatedCostUSD, let price = estimate.pricePer1KTokens {
            text += String(format: ", about $%.4f at $%@ per 1K tokens", NSDecimalNumber(decimal: cost).doubleValue, "\(price)")
        } else {
            text += ", cost unknown (set price-per-1k)"
        }
        return text
    }
}
