import BertEngine
import Settings
import EmbeddingCore
import Foundation
import IndexStorage
import ModelCatalog
import OpenAIProvider

/// Builds the embedder the settings ask for. The settings come from flags, the
/// environment and the user's config only: a repository's committed `.codesearch`
/// can never choose a provider, an endpoint, a model or a key (see `ConfigurationLoader`).
public struct EmbedderChoice: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func makeEmbedder(for workspace: Workspace) async throws -> Embedder {
        try await makeEmbedder(settings: workspace.settings)
    }

    /// With `offline`, an API model of unknown vector size is not probed (a dry run sends
    /// nothing): its size is taken from `existingIndex` when that index was made by the
    /// same model, else left at a placeholder that matches no cached vectors.
    public func makeEmbedder(settings: Settings, offline: Bool = false,
                             existingIndex: @autoclosure () -> IndexMetadata? = nil) async throws -> Embedder {
        switch settings.provider {
        case .openai:
            var configuration = try openAIConfiguration(settings)
            let counter = try OpenAIEmbedder.tokenCounter(path: settings.tiktokenFile, environment: environment)
            if offline {
                if configuration.expectedDimensions == nil {
                    // Read only here: a native model never needs the index's metadata.
                    let existing = existingIndex()
                    let same = existing.map { $0.identity.provider == "openai" && $0.identity.model == configuration.model }
                    configuration.dimensions = same == true ? existing?.identity.dimensions : 1
                }
                return try OpenAIEmbedder(configuration: configuration, tokenCounter: counter)
            }
            return try await OpenAIEmbedder.probing(configuration: configuration, tokenCounter: counter)
        case .native:
            // The settings already merged flag > environment > user config.
            let locator = ModelLocator(flag: settings.model, environment: environment)
            let (directory, _) = try locator.resolve()
            let threads = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
            return try LazyEmbedder(modelDirectory: directory, threads: threads, precision: Self.precision(settings))
        }
    }

    /// The settings' precision for the native encoder (the loader admits only its values).
    public static func precision(_ settings: Settings) -> EncoderPrecision {
        EncoderPrecision(rawValue: settings.precision) ?? .auto
    }

    /// The API settings; the key is read from the environment variable the settings name.
    public func openAIConfiguration(_ settings: Settings) throws -> OpenAIConfiguration {
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
}

extension Workspace {
    /// Settings for commands that need no repository (`embed`): flags, environment and
    /// the user's config, and the repository's `.codesearch` when run inside one.
    public static func settings(flags: [ConfigurationLoader.Entry],
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (Settings, [String]) {
        let layers = try ConfigurationLoader.Layers.gather(repository: nil, environment: environment, flags: flags)
        return ConfigurationLoader().load(layers)
    }
}
