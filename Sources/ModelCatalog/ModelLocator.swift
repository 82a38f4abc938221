import EmbeddingCore
import Foundation

/// Finds the model folder to load, in this order: the `--model` flag, `CODESEARCH_MODEL`,
/// the user configuration's value (passed in by the caller), then the user cache
/// (`$XDG_CACHE_HOME/codesearch/models/<default name>`). A value is a folder path, or a model
/// name looked up in the cache.
public struct ModelLocator: Sendable {
    public static let defaultModelName = DefaultModel.name

    public var flag: String?
    public var environment: [String: String]
    public var userConfigValue: String?
    public var store: ModelStore

    public init(flag: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                userConfigValue: String? = nil, store: ModelStore? = nil) {
        self.flag = flag
        self.environment = environment
        self.userConfigValue = userConfigValue
        self.store = store ?? ModelStore(environment: environment)
    }

    /// The model folder and where its choice came from (`flag`, `CODESEARCH_MODEL`, `config`, `cache`).
    public func resolve() throws -> (directory: URL, source: String) {
        let candidates: [(String?, String)] = [
            (flag, "flag"), (environment["CODESEARCH_MODEL"], "CODESEARCH_MODEL"), (userConfigValue, "config"),
        ]
        for case let (value?, source) in candidates where !value.isEmpty {
            return (try locate(value), source)
        }
        return (try locate(Self.defaultModelName), "cache")
    }

    /// A path (absolute, relative, `~/...`) if such a folder exists, else a name in the cache.
    public func locate(_ value: String) throws -> URL {
        let expanded = (value as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: expanded).standardizedFileURL
        }
        let cached = store.directory(forName: value)
        if FileManager.default.fileExists(atPath: cached.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return cached
        }
        throw EmbeddingError.modelNotFound(name: value, searched: [expanded, cached.path])
    }
}
