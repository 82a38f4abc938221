/// Which files the settings let into the index: the include and exclude patterns, the
/// languages and the size limit. The index records it (as `text`), so that `status`
/// can tell an index made with other `--include/--exclude/--languages` from a working
/// tree that changed, and say which.
public struct FileSelection: Sendable, Equatable {
    public var include: [String]
    public var repositoryInclude: [String]
    public var exclude: [String]
    /// Sorted; nil for every language.
    public var languages: [String]?
    public var maxFileSize: Int

    public init(settings: Settings) {
        include = settings.include.map(\.description)
        repositoryInclude = settings.repositoryInclude.map(\.description)
        exclude = settings.exclude.map(\.description)
        languages = settings.languages.map { $0.sorted() }
        maxFileSize = settings.maxFileSize
    }

    /// One line per field, `name=value,value`; stable, so two equal selections have one text.
    public var text: String {
        [("include", include), ("repository-include", repositoryInclude), ("exclude", exclude),
         ("languages", languages ?? ["*"]), ("max-file-size", [String(maxFileSize)])]
            .map { "\($0.0)=" + $0.1.joined(separator: ",") }.joined(separator: "\n")
    }

    /// Parses `text`; nil for anything else (an index written by a later version, say).
    public init?(text: String) {
        var fields: [String: [String]] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let equals = line.firstIndex(of: "=") else { return nil }
            let value = line[line.index(after: equals)...]
            fields[String(line[..<equals])] = value.isEmpty ? [] : value.split(separator: ",").map(String.init)
        }
        guard let include = fields["include"], let repositoryInclude = fields["repository-include"],
              let exclude = fields["exclude"], let languages = fields["languages"],
              let size = fields["max-file-size"], size.count == 1, let maxFileSize = Int(size[0]) else { return nil }
        self.include = include
        self.repositoryInclude = repositoryInclude
        self.exclude = exclude
        self.languages = languages == ["*"] ? nil : languages
        self.maxFileSize = maxFileSize
    }

    /// What differs, for a person: `languages python in the index, every language now`.
    public func differences(from recorded: FileSelection) -> [String] {
        func patterns(_ list: [String]) -> String { list.isEmpty ? "none" : list.joined(separator: " ") }
        var out: [String] = []
        func compare(_ name: String, _ old: String, _ new: String) {
            if old != new { out.append("\(name) \(old) in the index, \(new) now") }
        }
        compare("include", patterns(recorded.include + recorded.repositoryInclude), patterns(include + repositoryInclude))
        compare("exclude", patterns(recorded.exclude), patterns(exclude))
        compare("languages", recorded.languages?.joined(separator: ",") ?? "all", languages?.joined(separator: ",") ?? "all")
        compare("max-file-size", String(recorded.maxFileSize), String(maxFileSize))
        return out
    }

    /// `Python, Swift or Go`: the languages this selection admits among `known`, for messages.
    public func languageNames(known: [String]) -> String {
        let names = known.filter { languages?.contains($0) ?? true }.map { $0.prefix(1).uppercased() + $0.dropFirst() }
        guard let last = names.last else { return "source" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    }

    /// Whether include or exclude patterns narrow the selection beyond languages.
    public var hasPatterns: Bool { !include.isEmpty || !repositoryInclude.isEmpty || !exclude.isEmpty }
}
