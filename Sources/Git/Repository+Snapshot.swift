import CLibGit2
import Foundation

/// What a snapshot leaves out.
public struct SnapshotOptions: Sendable {
    /// Files larger than this many bytes are skipped (default 1 MiB).
    public var maxFileSize: Int
    public init(maxFileSize: Int = 1 << 20) {
        self.maxFileSize = maxFileSize
    }
}

private let modeRegular: UInt32 = 0o100644
private let modeExecutable: UInt32 = 0o100755

private func isRegularFileMode(_ mode: UInt32) -> Bool {
    mode == modeRegular || mode == modeExecutable
}

extension Repository {
    /// The (path, blob id, mode) list of the working tree, the staging area, or a revision.
    /// Submodules, symlinks and files over `options.maxFileSize` are left out.
    /// A bare repository's working-tree snapshot is its HEAD.
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

    /// Runs `body` with the repository's index (`git_repository_index`), freed afterwards.
    private func withIndex<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        var index: OpaquePointer?
        try LibGit2.check(git_repository_index(&index, handle), "git_repository_index")
        guard let index else { throw GitError.libgit2(function: "git_repository_index", code: -1, message: "no index") }
        defer { git_index_free(index) }
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
            entries.append(SnapshotEntry(path: String(cString: e.pointee.path),
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
        for entry in indexEntries where isRegularFileMode(entry.mode) {
            if entry.size > options.maxFileSize {
                skipped.append((entry.path, "larger than \(options.maxFileSize) bytes"))
            } else {
                kept.append(entry)
            }
        }
        return Snapshot(kind: .staged, commitID: headID, entries: kept.sorted { $0.path < $1.path }, skipped: skipped)
    }

    // MARK: working tree

    private func workingTreeSnapshot(options: SnapshotOptions) throws -> Snapshot {
        guard let root = workingDirectory else { throw GitError.bareRepository(operation: "a working-tree snapshot") }
        var byPath: [String: SnapshotEntry] = [:]
        for entry in try indexEntries() { byPath[entry.path] = entry }

        // Only what differs from the index needs hashing: libgit2's status walk
        // uses the index's stat cache, as `git status` does.
        var opts = git_status_options()
        try LibGit2.check(git_status_options_init(&opts, 1), "git_status_options_init")
        opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY
        opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue
            | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try LibGit2.check(git_status_list_new(&list, handle, &opts), "git_status_list_new")
        guard let list else { return Snapshot(kind: .workingTree, commitID: nil, entries: []) }
        defer { git_status_list_free(list) }

        var changed: [(path: String, knownID: BlobID?)] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let s = git_status_byindex(list, i), let delta = s.pointee.index_to_workdir else { continue }
            let status = s.pointee.status.rawValue
            let newFile = delta.pointee.new_file
            let oldFile = delta.pointee.old_file
            let path = String(cString: newFile.path ?? oldFile.path)
            if status & GIT_STATUS_WT_DELETED.rawValue != 0 {
                byPath[path] = nil
                continue
            }
            if status & (GIT_STATUS_WT_NEW.rawValue | GIT_STATUS_WT_MODIFIED.rawValue
                         | GIT_STATUS_WT_TYPECHANGE.rawValue | GIT_STATUS_CONFLICTED.rawValue) != 0 {
                var newID = newFile.id
                let valid = (newFile.flags & GIT_DIFF_FLAG_VALID_ID.rawValue) != 0 && git_oid_is_zero(&newID) == 0
                changed.append((path, valid ? newFile.id.blobID : nil))
            }
        }

        var skipped: [(String, String)] = []
        for (path, knownID) in changed {
            byPath[path] = nil
            var st = stat()
            guard lstat(root + "/" + path, &st) == 0 else {
                skipped.append((path, String(cString: strerror(errno))))
                continue
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else { continue }  // symlinks, sockets, dirs
            let size = Int(st.st_size)
            if size > options.maxFileSize {
                skipped.append((path, "larger than \(options.maxFileSize) bytes"))
                continue
            }
            let id: BlobID
            if let knownID {
                id = knownID
            } else {
                var oid = git_oid()
                guard git_repository_hashfile(&oid, handle, path, GIT_OBJECT_BLOB, nil) == 0 else {
                    skipped.append((path, LibGit2.lastErrorMessage()))
                    continue
                }
                id = oid.blobID
            }
            let mode = (st.st_mode & S_IXUSR) != 0 ? modeExecutable : modeRegular
            byPath[path] = SnapshotEntry(path: path, blobID: id, mode: mode, size: size)
        }

        var entries: [SnapshotEntry] = []
        entries.reserveCapacity(byPath.count)
        for entry in byPath.values where isRegularFileMode(entry.mode) {
            if entry.size > options.maxFileSize {
                skipped.append((entry.path, "larger than \(options.maxFileSize) bytes"))
            } else {
                entries.append(entry)
            }
        }
        entries.sort { $0.path < $1.path }
        return Snapshot(kind: .workingTree, commitID: headIDUnlocked(), entries: entries, skipped: skipped)
    }

    // MARK: revisions

    private final class TreeWalk {
        var entries: [SnapshotEntry] = []
        var skipped: [(String, String)] = []
        let odb: OpaquePointer
        let maxFileSize: Int
        init(odb: OpaquePointer, maxFileSize: Int) {
            self.odb = odb
            self.maxFileSize = maxFileSize
        }
    }

    private func revisionSnapshot(_ revision: String, kind: SnapshotKind, options: SnapshotOptions) throws -> Snapshot {
        var odb: OpaquePointer?
        try LibGit2.check(git_repository_odb(&odb, handle), "git_repository_odb")
        guard let odb else { throw GitError.libgit2(function: "git_repository_odb", code: -1, message: "no object database") }
        defer { git_odb_free(odb) }

        let commitID = try? Repository.withPeeled(handle, revision, GIT_OBJECT_COMMIT) {
            git_object_id($0).pointee.blobID.hex
        }
        let walk = TreeWalk(odb: odb, maxFileSize: options.maxFileSize)
        try Repository.withPeeled(handle, revision, GIT_OBJECT_TREE) { tree in
            let payload = Unmanaged.passUnretained(walk).toOpaque()
            let code = git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
                guard let entry, let payload, let root else { return 0 }
                let walk = Unmanaged<TreeWalk>.fromOpaque(payload).takeUnretainedValue()
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
                let mode = git_tree_entry_filemode(entry).rawValue
                guard isRegularFileMode(mode) else { return 0 }
                let path = String(cString: root) + String(cString: git_tree_entry_name(entry))
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

    private func headIDUnlocked() -> String? {
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, handle, "HEAD") == 0 else { return nil }
        return oid.blobID.hex
    }
}
