import CLibGit2
import Foundation

/// What a snapshot leaves out.
public struct SnapshotOptions: Sendable {
    /// Files larger than this many bytes are skipped (default 1 MiB).
    public var maxFileSize: Int
    /// Whether a path (relative to the repository root) can be in the snapshot at all
    /// (nil: every path). Nothing else is looked at: a working-tree file that is not a
    /// candidate is never stat'ed, hashed, or reported as skipped. Called from more
    /// than one thread, so it must be cheap and thread-safe.
    public var candidate: (@Sendable (String) -> Bool)?
    /// The file extensions (without the dot, compared case-insensitively) every candidate
    /// has, nil for any: a byte-level test that spares `candidate` most of a repository's
    /// paths. A path without an extension is then no candidate.
    public var extensions: Set<String>?
    /// A directory where the working-tree snapshot may keep a copy of what libgit2 read
    /// from the index file (one file per worktree), so that the next snapshot of an
    /// unchanged index skips libgit2's reader (see `IndexEntryCache`). nil: no cache.
    public var cacheDirectory: String?

    public init(maxFileSize: Int = 1 << 20, candidate: (@Sendable (String) -> Bool)? = nil,
                extensions: Set<String>? = nil, cacheDirectory: String? = nil) {
        self.maxFileSize = maxFileSize
        self.candidate = candidate
        self.extensions = extensions
        self.cacheDirectory = cacheDirectory
    }

    /// The test of `extensions` and then `candidate`, for paths one at a time.
    func admission() -> (String) -> Bool {
        let filter = ExtensionFilter(extensions)
        let candidate = self.candidate
        return { path in
            var path = path
            guard path.withUTF8({ filter.mayAdmit($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }) else {
                return false
            }
            return candidate?(path) ?? true
        }
    }
}

/// git's file modes, as the index and trees record them.
let modeRegular: UInt32 = 0o100644
let modeExecutable: UInt32 = 0o100755
let modeGitlink: UInt32 = 0o160000

/// A regular file, executable or not (not a symlink, a submodule or a tree).
func isRegularFileMode(_ mode: UInt32) -> Bool {
    mode == modeRegular || mode == modeExecutable
}

extension Repository {
    /// The (path, blob id, mode) list of the working tree, the staging area, or a revision.
    /// Only paths `options.candidate` admits; submodules, symlinks and files over
    /// `options.maxFileSize` are left out. A bare repository's working-tree snapshot is its HEAD.
    public func snapshot(_ kind: SnapshotKind, options: SnapshotOptions = .init()) throws -> Snapshot {
        try withLockedHandle {
            switch kind {
            case .workingTree:
                if isBare {
                    return try revisionSnapshot("HEAD", kind: kind, options: options)
                }
                return try workingTreeSnapshot(options: options)
            case .staged:
                return try stagedSnapshot(options: options)
            case .revision(let rev):
                return try revisionSnapshot(rev, kind: kind, options: options)
            }
        }
    }

    // MARK: staging area

    /// Runs `body` with the repository's index (`git_repository_index`, re-read if the
    /// file changed since this handle last read it), freed afterwards.
    private func withIndex<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var index: OpaquePointer?
        try LibGit2.check(git_repository_index(&index, handle), "git_repository_index")
        guard let index else { throw GitError.libgit2(function: "git_repository_index", code: -1, message: "no index") }
        defer { git_index_free(index) }
        try LibGit2.check(git_index_read(index, 0), "git_index_read")
        return try body(index)
    }

    /// Stage-0 entries of the repository's index as (path, id, mode, size).
    private func indexEntries() throws -> [SnapshotEntry] {
        try withIndex(Repository.stageZeroEntries)
    }

    /// Stage-0 entries of an open index (`git_index_get_byindex`).
    static func stageZeroEntries(_ index: OpaquePointer) -> [SnapshotEntry] {
        let count = git_index_entrycount(index)
        var entries: [SnapshotEntry] = []
        entries.reserveCapacity(count)
        for i in 0..<count {
            guard let e = git_index_get_byindex(index, i) else { continue }
            let stage = (Int(e.pointee.flags) & 0x3000) >> 12
            if stage != 0 { continue }
            entries.append(SnapshotEntry(path: GitPath.decode(cString: e.pointee.path),
                                         blobID: e.pointee.id.blobID,
                                         mode: e.pointee.mode,
                                         size: Int(e.pointee.file_size)))
        }
        return entries
    }

    private func stagedSnapshot(options: SnapshotOptions) throws -> Snapshot {
        Repository.stagedSnapshot(try indexEntries(), headID: headIDUnlocked(), options: options)
    }

    /// The staged snapshot of a list of index entries: regular files within the size limit.
    static func stagedSnapshot(_ indexEntries: [SnapshotEntry], headID: String?, options: SnapshotOptions) -> Snapshot {
        var kept: [SnapshotEntry] = []
        var skipped: [(String, String)] = []
        let admits = options.admission()
        for entry in indexEntries where isRegularFileMode(entry.mode) && admits(entry.path) {
            if entry.size > options.maxFileSize {
                skipped.append((entry.path, "larger than \(options.maxFileSize) bytes"))
            } else {
                kept.append(entry)
            }
        }
        return Snapshot(kind: .staged, commitID: headID, entries: kept.sorted { $0.path < $1.path }, skipped: skipped)
    }

    // MARK: revisions

    private final class TreeWalk {
        var entries: [SnapshotEntry] = []
        var skipped: [(String, String)] = []
        let odb: OpaquePointer
        let maxFileSize: Int
        let admits: (String) -> Bool
        init(odb: OpaquePointer, options: SnapshotOptions) {
            self.odb = odb
            self.maxFileSize = options.maxFileSize
            self.admits = options.admission()
        }
    }

    private func revisionSnapshot(_ revision: String, kind: SnapshotKind, options: SnapshotOptions) throws -> Snapshot {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle), "git_repository_odb")
        guard let odb else { throw GitError.libgit2(function: "git_repository_odb", code: -1, message: "no object database") }
        defer { git_odb_free(odb) }

        // Only a commit (or a tag of one) is a snapshot of the whole repository: the
        // paths of a tree such as `HEAD:src` would be relative to that folder.
        let commitID = try Repository.withCommit(handle, revision) { git_object_id($0).pointee.blobID.hex }
        let walk = TreeWalk(odb: odb, options: options)
        try Repository.withPeeled(handle, revision, GIT_OBJECT_TREE) { tree in
            let payload = Unmanaged.passUnretained(walk).toOpaque()
            let code = git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
                guard let entry, let payload, let root else { return 0 }
                let walk = Unmanaged<TreeWalk>.fromOpaque(payload).takeUnretainedValue()
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                let mode = git_tree_entry_filemode(entry).rawValue
                guard isRegularFileMode(mode) else { return 0 }
                let path = GitPath.decode(cString: root) + GitPath.decode(cString: git_tree_entry_name(entry))
                guard walk.admits(path) else { return 0 }
                var size = 0
                var type = GIT_OBJECT_INVALID
                if git_odb_read_header(&size, &type, walk.odb, git_tree_entry_id(entry)) != 0 {
                    walk.skipped.append((path, LibGit2.lastErrorMessage()))
                    return 0
                }
                if size > walk.maxFileSize {
                    walk.skipped.append((path, "larger than \(walk.maxFileSize) bytes"))
                    return 0
                }
                walk.entries.append(SnapshotEntry(path: path, blobID: git_tree_entry_id(entry).pointee.blobID,
                                                  mode: mode, size: size))
                return 0
            }, payload)
            try LibGit2.check(code, "git_tree_walk")
        }
        walk.entries.sort { $0.path < $1.path }
        return Snapshot(kind: kind, commitID: commitID, entries: walk.entries, skipped: walk.skipped)
    }

    func headIDUnlocked() -> String? {
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, handle, "HEAD") == 0 else { return nil }
        return oid.blobID.hex
    }
}
