import Settings
import Foundation
import Git
import Scanning

/// A repository opened for one command: its merged settings, its grammars, and
/// where its index lives. Every command starts here.
public struct Workspace: Sendable {
    public let repository: Repository
    public let settings: Settings
    /// Problems with the configuration, for the CLI to print as warnings.
    public let warnings: [String]
    public let grammars: GrammarRegistry

    /// Opens the repository containing `path` (default: the current directory) and
    /// merges configuration from `flags`, `environment`, the user's config and the
    /// repository's `.codesearch`.
    public static func open(path: String?, flags: [ConfigurationLoader.Entry] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Workspace {
        let repository = try Repository.open(at: path ?? FileManager.default.currentDirectoryPath)
        let layers = try ConfigurationLoader.Layers.gather(repository: repository, environment: environment, flags: flags)
        let (settings, loaderWarnings) = ConfigurationLoader().load(layers)
        try NetworkLink.check(settings)
        let grammars = try GrammarRegistry(folders: settings.grammarDirectories.map { Workspace.expandTilde($0, environment) })
        // A misspelt language would select nothing: refused when typed now, a warning from a file.
        let languages = LanguageCheck(known: grammars.languages).problems(in: layers)
        if !languages.errors.isEmpty { throw CodesearchError.usage(languages.errors.joined(separator: "; ")) }
        let warnings = loaderWarnings + languages.warnings
        return Workspace(repository: repository, settings: settings, warnings: warnings, grammars: grammars)
    }

    /// `<common git dir>/codesearch`: never committed, shared by every worktree.
    public var indexDirectory: String { repository.commonDirectory + "/codesearch" }

    /// The snapshot, narrowed to files with a grammar that the settings admit.
    public func snapshot(_ kind: SnapshotKind) throws -> Snapshot {
        try repository.snapshot(kind, options: snapshotOptions)
    }

    /// What every snapshot of this workspace looks at: files with a grammar that the
    /// settings admit, up to the size limit. The repository applies the filter before
    /// it stats, hashes or reports a file (skipped files included).
    public var snapshotOptions: SnapshotOptions {
        let grammars = self.grammars, settings = self.settings
        return SnapshotOptions(maxFileSize: settings.maxFileSize, candidate: { path in
            guard let language = grammars.language(forPath: path) else { return false }
            return settings.admits(path: path, language: language)
        }, extensions: Set(grammars.extensions.keys), cacheDirectory: indexDirectory)
    }

    /// Narrows a snapshot further to the given paths (files or folders, relative to the
    /// repository root), as `git ls-files PATH...` would.
    public static func restrict(_ snapshot: Snapshot, to paths: [String]) -> Snapshot {
        guard !paths.isEmpty else { return snapshot }
        var result = snapshot
        let prefixes = paths.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        result.entries = snapshot.entries.filter { entry in
            prefixes.contains { entry.path == $0 || entry.path.hasPrefix($0 + "/") || $0 == "." || $0.isEmpty }
        }
        return result
    }

    /// Turns a command-line path (relative to the current directory) into one relative
    /// to the repository root; nil when it is outside the work tree.
    public func repositoryRelative(_ argument: String, currentDirectory: String = FileManager.default.currentDirectoryPath) -> String? {
        guard let root = repository.workingDirectory else { return argument }
        let absolute = argument.hasPrefix("/") ? argument : currentDirectory + "/" + argument
        let resolved = URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
        let rootResolved = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        if resolved == rootResolved { return "" }
        guard resolved.hasPrefix(rootResolved + "/") else { return nil }
        return String(resolved.dropFirst(rootResolved.count + 1))
    }

    static func expandTilde(_ path: String, _ environment: [String: String]) -> String {
        guard path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst(1)
    }
}
