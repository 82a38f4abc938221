import BertEngine
import Settings
import EmbeddingCore
import Foundation
import IndexStorage
import ModelCatalog

/// Builds the embedder the settings ask for: the native engine here, an API's through
/// `NetworkLink` (in the executables that link the network). The settings come from flags,
/// the environment and the user's config only: a repository's committed `.codesearch`
/// can never choose a provider, an endpoint, a model or a key (see `ConfigurationLoader`).
public struct EmbedderChoice: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The embedder for a command on the index at `location` (whose precision `auto` keeps).
    public func makeEmbedder(for workspace: Workspace, location: IndexLocation) async throws -> Embedder {
        try await makeEmbedder(settings: workspace.settings, existingIndex: try? IndexMetadata.read(path: location.indexPath))
    }

    /// With `offline`, an API model of unknown vector size is not probed (a dry run sends
    /// nothing): its size is taken from `existingIndex` when that index was made by the
    /// same model, else left at a placeholder that matches no cached vectors. The native
    /// engine's `auto` keeps the precision of `existingIndex` when it holds this model's.
    public func makeEmbedder(settings: Settings, offline: Bool = false,
                             existingIndex: @autoclosure () -> IndexMetadata? = nil) async throws -> Embedder {
        switch settings.provider {
        case .openai:
            return try await NetworkLink.required("provider = openai").makeAPIEmbedder(
                settings: settings, environment: environment, offline: offline, existingIndex: existingIndex)
        case .native:
            // The settings already merged flag > environment > user config.
            let locator = ModelLocator(flag: settings.model, environment: environment)
            let (directory, _) = try locator.resolve()
            let threads = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
            return try LazyEmbedder(modelDirectory: directory, threads: threads, precision: Self.precision(settings),
                                    keeping: Self.keptPrecision(existingIndex(), modelDirectory: directory))
        }
    }

    /// The precision an index of the native model in `modelDirectory` holds, if any.
    public static func keptPrecision(_ index: IndexMetadata?, modelDirectory: URL) -> EncoderPrecision? {
        guard let identity = index?.identity, identity.provider == "native",
              identity.model == modelDirectory.standardizedFileURL.lastPathComponent else { return nil }
        return EncoderPrecision(identityName: identity.precision)
    }

    /// The settings' precision for the native encoder (the loader admits only its values).
    public static func precision(_ settings: Settings) -> EncoderPrecision {
        EncoderPrecision(rawValue: settings.precision) ?? .auto
    }
}

extension Workspace {
    /// Settings for commands that need no repository (`embed`): flags, environment and
    /// the user's config, and the repository's `.codesearch` when run inside one.
    public static func settings(flags: [ConfigurationLoader.Entry],
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (Settings, [String]) {
        let layers = try ConfigurationLoader.Layers.gather(repository: nil, environment: environment, flags: flags)
        let loaded = ConfigurationLoader().load(layers)
        try NetworkLink.check(loaded.0)
        return loaded
    }
}
