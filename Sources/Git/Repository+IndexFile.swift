import CLibGit2

extension Repository {
    /// The staging area as written in another index file (`git_index_open`): what a
    /// pre-commit hook must read when git points `GIT_INDEX_FILE` at a temporary index
    /// (`git commit -a`, `git commit PATH`). Same rules as `snapshot(.staged)`.
    public func stagedSnapshot(indexFile path: String, options: SnapshotOptions = .init()) throws -> Snapshot {
        LibGit2.initialized
        var index: OpaquePointer?
        try LibGit2.check(git_index_open(&index, path), "git_index_open")
        guard let index else { throw GitError.libgit2(function: "git_index_open", code: -1, message: "no index") }
        defer { git_index_free(index) }
        return Repository.stagedSnapshot(Repository.stageZeroEntries(index), headID: headCommitID(), options: options)
    }
}
