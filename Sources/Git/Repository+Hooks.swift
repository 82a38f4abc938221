import CLibGit2

extension Repository {
    /// The hooks directory git really uses: `core.hooksPath` when set (relative to
    /// the work tree root, or to the git dir for a bare repository, as git resolves
    /// it), else the common dir's `hooks/`, shared by every linked worktree
    /// (`git_repository_item_path(GIT_REPOSITORY_ITEM_HOOKS)`).
    public func hooksDirectory() throws -> String {
        try withLockedHandle {
            if let configured = try configuredPathUnlocked("core.hooksPath") {
                if configured.hasPrefix("/") { return configured }
                let base = workingDirectory ?? gitDirectory
                return base + "/" + configured
            }
            var buf = git_buf()
            defer { git_buf_dispose(&buf) }
            try LibGit2.check(git_repository_item_path(&buf, handle, GIT_REPOSITORY_ITEM_HOOKS),
                              "git_repository_item_path")
            guard let ptr = buf.ptr else { return commonDirectory + "/hooks" }
            let path = String(cString: ptr)
            return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        }
    }

    /// A path-valued setting from the repository's effective config (`git_config_get_path`
    /// on a snapshot, so `~/` is expanded as git does), or nil when it is not set.
    private func configuredPathUnlocked(_ name: String) throws -> String? {
        var config: OpaquePointer?
        try LibGit2.check(git_repository_config_snapshot(&config, handle), "git_repository_config_snapshot")
        guard let config else { return nil }
        defer { git_config_free(config) }
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        let code = git_config_get_path(&buf, config, name)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try LibGit2.check(code, "git_config_get_path")
        guard let ptr = buf.ptr else { return nil }
        let value = String(cString: ptr)
        return value.isEmpty ? nil : value
    }
}
