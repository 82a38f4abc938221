import Embedding
import Foundation

/// Which embedder a command uses. Chosen by flags, the environment and the user's
/// config only; a repository's committed `.codesearch` can never choose it.
public struct EmbedderChoice: Sendable {
    /// `--model`: a model folder or a name in the model cache.
    public var modelFlag: String?
    public var environment: [String: String]

    public init(modelFlag: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.modelFlag = modelFlag
        self.environment = environment
    }

    /// Loads the native embedder for the workspace's settings.
    public func makeEmbedder(for workspace: Workspace) throws -> Embedder {
        try makeEmbedder(userModel: workspace.settings.model)
    }

    /// Loads the native embedder; `userModel` is the user config's `model` value, if any.
    public func makeEmbedder(userModel: String?) throws -> Embedder {
        let locator = ModelLocator(flag: modelFlag, environment: environment, userConfigValue: userModel)
        let (directory, _) = try locator.resolve()
        return try BertEmbedder(modelDirectory: directory, threads: max(1, min(2, ProcessInfo.processInfo.activeProcessorCount)))
    }
}
