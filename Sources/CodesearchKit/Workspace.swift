import Configuration
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
        let (settings, warnings) = ConfigurationLoader().load(layers)
        let grammars = try GrammarRegistry(folders: settings.grammarDirectories.map { Workspace.expandTilde($0, environment) })
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
        let languages = LanguageByExtension(grammars)
        let settings = self.settings
        return SnapshotOptions(maxFileSize: settings.maxFileSize, candidate: { path in
            guard let language = languages.language(forPath: path) else { return false }
            return settings.admits(path: path, language: language)
        }, extensions: languages.extensions)
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

/// `GrammarRegistry.language(forPath:)`, answered for the common case (an
/// ASCII extension of up to eight bytes) from a small table instead of a dictionary of
/// Strings: it runs for every candidate path of every working-tree snapshot.
struct LanguageByExtension: Sendable {
    private let grammars: GrammarRegistry
    /// (extension length, its lower-case bytes packed little-endian, language).
    private let table: [(length: Int, packed: UInt64, language: String)]
    /// Every grammar's extensions, for `SnapshotOptions.extensions`.
    let extensions: Set<String>

    init(_ grammars: GrammarRegistry) {
        self.grammars = grammars
        var table: [(Int, UInt64, String)] = []
        for (ext, language) in grammars.extensions.sorted(by: { $0.key < $1.key }) {
            let key = Array(ext.utf8)
            guard key.count <= 8, key.allSatisfy({ $0 < 0x80 }) else { continue }
            table.append((key.count, Self.pack(key), language))
        }
        let extensions = Set(grammars.extensions.keys)
        self.table = table
        self.extensions = extensions
    }

    private static func pack<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var packed: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            let lower = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
            packed |= UInt64(lower) << (8 * UInt64(i))
        }
        return packed
    }

    /// The language of the grammar that claims `path`, or nil.
    func language(forPath path: String) -> String? {
        let fast: String?? = path.utf8.withContiguousStorageIfAvailable { utf8 -> String?? in
            var i = utf8.count
            while i > 0 {
                let c = utf8[i - 1]
                if c == UInt8(ascii: "/") { return .some(nil) }
                if c == UInt8(ascii: ".") {
                    // A leading dot (`.bashrc`) starts a name, not an extension.
                    if i == 1 || utf8[i - 2] == UInt8(ascii: "/") { return .some(nil) }
                    let ext = utf8[i...]
                    guard ext.count <= 8, ext.allSatisfy({ $0 < 0x80 }) else { return nil }  // the registry decides
                    let packed = Self.pack(ext)
                    for entry in table where entry.length == ext.count && entry.packed == packed {
                        return .some(entry.language)
                    }
                    return .some(nil)
                }
                i -= 1
            }
            return .some(nil)
        } ?? nil
        if let fast { return fast }
        return grammars.language(forPath: path)
    }
}
