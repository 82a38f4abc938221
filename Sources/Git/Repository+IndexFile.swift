import CLibGit2

extension Repository {
    /// The staging area as written in another index file (`git_index_open`): what a
    /// pre-commit hook must read when git points `GIT_INDEX_FILE` at a temporary index
    /// (`git commit -a`, `git commit PATH`). Same rules as `snapshot(.staged)`.
    public func stagedSnapshot(indexFile path: String, options: SnapshotOptions = .init()) throws -> Snapshot {
        var index: OpaquePointer?
        try LibGit2.check(git_index_open(&index, path), "git_index_open")
        guard let index else { throw GitError.libgit2(function: "git_index_open", code: -1, message: "no index") }
        defer { git_index_free(index) }
        var kept: [SnapshotEntry] = []
        var skipped: [(path: String, reason: String)] = []
        for i in 0..<git_index_entrycount(index) {
            guard let e = git_index_get_byindex(index, i), (Int(e.pointee.flags) & 0x3000) >> 12 == 0,
                  e.pointee.mode == 0o100644 || e.pointee.mode == 0o100755 else { continue }
            let entry = SnapshotEntry(path: String(cString: e.pointee.path), blobID: e.pointee.id.blobID,
                                      mode: e.pointee.mode, size: Int(e.pointee.file_size))
            if entry.size > options.maxFileSize {
                skipped.append((entry.path, "larger than \(options.maxFileSize) bytes"))
            } else {
                kept.append(entry)
            }
        }
        return Snapshot(kind: .staged, commitID: headCommitID(), entries: kept.sorted { $0.path < $1.path },
                        skipped: skipped)
    }
}
