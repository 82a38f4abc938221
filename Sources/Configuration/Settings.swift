/// Every setting codesearch reads, after the layers are merged.
/// `.codesearch.example` documents each key; keep the two in step.
public struct Settings: Sendable, Equatable {
    /// Index only paths matching one of these (empty: everything).
    public var include: [PathPattern] = []
    /// Includes from the repository's `.codesearch`, applied on top of `include`
    /// (a path must pass both), so a repository can only narrow the user's choice.
    public var repositoryInclude: [PathPattern] = []
    /// Never index paths matching one of these.
    public var exclude: [PathPattern] = []
    /// Index only these languages (nil: every language with a grammar).
    public var languages: Set<String>? = nil
    /// Skip files larger than this many bytes.
    public var maxFileSize: Int = 1 << 20
    /// Extra folders of grammar files, searched before the built-in grammars.
    public var grammarDirectories: [String] = []
    /// Model folder or name for the native embedder (nil: the default model).
    public var model: String? = nil

    public init() {}

    /// Whether a repository path passes the include/exclude and language filters.
    public func admits(path: String, language: String?) -> Bool {
        if !include.isEmpty && !include.contains(where: { $0.matches(path) }) { return false }
        if !repositoryInclude.isEmpty && !repositoryInclude.contains(where: { $0.matches(path) }) { return false }
        if exclude.contains(where: { $0.matches(path) }) { return false }
        if let languages, let language, !languages.contains(language) { return false }
        return true
    }
}

/// Where a setting came from, highest precedence first.
public enum ConfigurationLayer: String, Sendable, CaseIterable {
    case flag, environment, user, repository
}
