import ArgumentParser
import CodesearchKit
import Settings
import Git

/// Options every command that reads a repository takes.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: ArgumentHelp(
        "The repository (any folder inside it, a bare repository or a linked worktree).",
        valueName: "path"))
    var repository: String?

    @Option(name: .customLong("include"), help: ArgumentHelp(
        "Index only paths matching this gitignore-style pattern (repeatable). Narrows the index itself; search's --path filters results instead.",
        valueName: "glob"))
    var include: [String] = []

    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Never index paths matching this pattern (repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Option(name: .customLong("languages"), help: ArgumentHelp(
        "Index only these languages, comma-separated (e.g. python,swift). Narrows the index itself; search's --lang filters results instead.",
        valueName: "list"))
    var languages: String?

    @Option(name: .customLong("max-file-size"), help: ArgumentHelp(
        "Skip files larger than this (bytes, or 512k, 2m). Default 1m.", valueName: "size"))
    var maxFileSize: String?

    @Option(name: .customLong("grammars"), help: ArgumentHelp(
        "A folder of extra grammar files (repeatable).", valueName: "dir"))
    var grammars: [String] = []

    /// The flags as configuration entries, the highest layer.
    var configurationFlags: [ConfigurationLoader.Entry] {
        var entries: [ConfigurationLoader.Entry] = []
        entries += include.map { ("include", $0) }
        entries += exclude.map { ("exclude", $0) }
        if let languages { entries.append(("languages", languages)) }
        if let maxFileSize { entries.append(("max-file-size", maxFileSize)) }
        entries += grammars.map { ("grammars", $0) }
        return entries
    }

    func validate() throws {
        if let maxFileSize, ConfigurationLoader.parseSize(maxFileSize) == nil {
            throw ValidationError("--max-file-size '\(maxFileSize)' is not a size like 1048576, 512k or 2m")
        }
    }

    /// Opens the workspace and prints configuration warnings to standard error.
    func openWorkspace(extraFlags: [ConfigurationLoader.Entry] = []) throws -> Workspace {
        try Self.openWorkspace(repository: repository, flags: configurationFlags + extraFlags)
    }

    static func openWorkspace(repository: String?, flags: [ConfigurationLoader.Entry]) throws -> Workspace {
        let workspace = try Workspace.open(path: repository, flags: flags)
        for warning in workspace.warnings { Output.diagnostic("codesearch: warning: \(warning)") }
        return workspace
    }
}

/// `--rev REV | --staged`: which snapshot a command reads (default: the working tree).
struct SnapshotSelection: ParsableArguments {
    @Option(name: .customLong("rev"), help: ArgumentHelp(
        "Read this revision (branch, tag, commit) instead of the working tree.", valueName: "rev"))
    var revision: String?

    @Flag(name: .customLong("staged"), help: "Read the staging area instead of the working tree.")
    var staged = false

    var kind: SnapshotKind {
        if staged { return .staged }
        if let revision { return .revision(revision) }
        return .workingTree
    }

    func validate() throws {
        if staged && revision != nil { throw ValidationError("--staged and --rev cannot be used together") }
    }
}
