import CLibGit2

extension Repository {
    /// The `[section]` entries of the user's own git configuration (global,
    /// XDG and system files, via `git_config_open_default`), lower-cased keys
    /// without the section prefix, in file order. The repository's config is
    /// deliberately not read: it is not the user's.
    public static func userConfigEntries(section: String) throws -> [(key: String, value: String)] {
        LibGit2.initialized
        var config: OpaquePointer?
        let code = git_config_open_default(&config)
        if code == GIT_ENOTFOUND.rawValue { return [] }
        try LibGit2.check(code, "git_config_open_default")
        guard let config else { return [] }
        defer { git_config_free(config) }

        var iterator: OpaquePointer?
        try LibGit2.check(git_config_iterator_glob_new(&iterator, config, "^\(section)\\."), "git_config_iterator_glob_new")
        guard let iterator else { return [] }
        defer { git_config_iterator_free(iterator) }
        var entries: [(String, String)] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let e = entry {
            let name = String(cString: e.pointee.name)
            let key = String(name.dropFirst(section.count + 1)).lowercased()
            entries.append((key, e.pointee.value.map { String(cString: $0) } ?? ""))
        }
        return entries
    }
}
