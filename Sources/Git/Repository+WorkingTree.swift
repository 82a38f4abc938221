import CLibGit2
import Foundation
import Hashing
import Platform

// The working-tree snapshot, doing only the file-system work codesearch needs, as
// `git status` would decide it but for candidate paths only:
//
// 1. The index file is read through libgit2 (`CachedIndex`). Every path in it goes into a byte-keyed
//    table, every directory holding one into another; candidate stage-0 entries (and
//    conflicted candidate paths) are attached to their directory.
// 2. The directories holding tracked paths are walked, on two threads: each directory
//    is read once (getdents, whose d_type spares a stat per entry), its tracked
//    candidates are `fstatat`-ed relative to it, and what is not in the index is noted:
//    untracked candidate files and untracked directories.
// 3. A tracked file whose stat data match the index entry's cached ones (as git's
//    `ie_match_stat` compares them, honouring core.trustctime, core.checkStat and
//    core.fileMode) and is not racily clean keeps the index's blob id; any other is
//    hashed through git's filters (`git_repository_hashfile`).
// 4. Untracked candidates and directories go through git's ignore rules
//    (`git_ignore_path_is_ignored`); a directory is only entered when it is not
//    ignored and is not a nested repository.


extension Repository {
    /// How many threads the walk of tracked directories uses.
    static let walkThreads = min(2, max(1, ProcessInfo.processInfo.activeProcessorCount))

    func workingTreeSnapshot(options: SnapshotOptions) throws -> Snapshot {
        guard let root = workingDirectory else { throw GitError.bareRepository(operation: "a working-tree snapshot") }
        let isCandidate = options.candidate ?? { _ in true }
        let extensions = ExtensionFilter(options.extensions)
        let policy = try statPolicy()
        let index = try CachedIndex(path: gitDirectory + "/index", repository: handle,
                                    cachePath: options.cacheDirectory.map { $0 + "/" + entryCacheName })
        // The tables below hold pointers into it.
        defer { withExtendedLifetime(index) {} }

        // 1. Tables of tracked paths and directories; the candidates, by directory.
        let tables = TrackedTables(index, extensions: extensions, isCandidate: isCandidate)

        // 2. The walk of tracked directories.
        let rootFolder: Directory
        do {
            rootFolder = try Directory.open(root)
        } catch let error as SystemCallError {
            throw GitError.unreadable(path: root, reason: SystemCallError.message(error.code))
        }
        defer { rootFolder.close() }
        let walk = TrackedWalk(root: rootFolder, paths: tables.paths, pathIsGitlink: tables.pathIsGitlink, dirs: tables.dirs,
                               dirFirst: tables.dirFirst, next: tables.next, candidatePaths: tables.candidatePaths,
                               nameOffsets: tables.nameOffsets, extensions: extensions, isCandidate: isCandidate)
        walk.run(threads: tables.dirs.count >= 16 ? Repository.walkThreads : 1)

        // 3. Tracked candidates: the index's id when the stat data vouch for it.
        var skipped: [(String, String)] = []
        let limit = options.maxFileSize
        let kept = try trackedEntries(index, tables, walk, policy: policy, limit: limit, skipped: &skipped)

        // 4. Untracked files, through the ignore rules.
        var untracked: [SnapshotEntry] = []
        var excluded: [String: Bool] = ["": false]
        // (Cheapest and likeliest answer first: libgit2 reads the ignore files of every
        // level for each question, and most untracked directories are ignored ones.)
        for path in walk.untrackedFiles {
            if try isIgnored(path) { continue }
            if try isExcluded(directory: Repository.parent(of: path), &excluded) { continue }
            try addUntracked(path, root: rootFolder, policy: policy, limit: limit, into: &untracked, skipped: &skipped)
        }
        let reader = DirectoryReader()
        for dir in walk.untrackedDirs {
            if try isIgnored(dir + "/") { continue }
            if try isExcluded(directory: Repository.parent(of: dir), &excluded) { continue }
            if Repository.isNestedRepository(dir, root: rootFolder) { continue }
            try walkUntracked(dir, root: rootFolder, reader: reader, extensions: extensions, isCandidate: isCandidate,
                              policy: policy, limit: limit, into: &untracked, skipped: &skipped)
        }
        return Snapshot(kind: .workingTree, commitID: headIDUnlocked(),
                        entries: Repository.merged(kept.compactMap { $0 }, untracked), skipped: skipped)
    }

    /// The tracked candidates' entries, in index order (nil: deleted, not a regular file, too
    /// large or unreadable): the index's blob id when the stat data vouch for it (as git's
    /// `ie_match_stat`, and not racily clean), else the file hashed through git's filters.
    private func trackedEntries(_ index: CachedIndex, _ tables: TrackedTables, _ walk: TrackedWalk,
                                policy: StatPolicy, limit: Int, skipped: inout [(String, String)]) throws -> [SnapshotEntry?] {
        var kept: [SnapshotEntry?] = []
        kept.reserveCapacity(tables.candidates.count)
        var toHash: [Int] = []
        for c in 0..<tables.candidates.count {
            let e = index.entries[tables.candidates[c]]
            let conflicted = e.stage != 0
            let path = tables.candidateNames[c]
            // The entry as the index has it (skip-worktree, assume-unchanged).
            func keepIndexEntry() {
                if !isRegularFileMode(e.mode) {
                    kept.append(nil)
                } else if Int(e.size) > limit {
                    skipped.append((path, "larger than \(limit) bytes"))
                    kept.append(nil)
                } else {
                    kept.append(SnapshotEntry(path: path, blobID: e.blobID, mode: e.mode, size: Int(e.size)))
                }
            }
            let result = walk.results[c]
            if e.skipWorktree && !conflicted {
                // Outside a sparse checkout's cone the file is not on disk, so it is not part
                // of the working tree; one that is there anyway git takes at the index's word.
                if result == 0 { keepIndexEntry() } else { kept.append(nil) }
                continue
            }
            if result == -1 || Repository.isGone(Errno(rawValue: result)) {  // deleted
                kept.append(nil)
                continue
            }
            if result != 0 {
                skipped.append((path, SystemCallError.message(Errno(rawValue: result))))
                kept.append(nil)
                continue
            }
            if !conflicted && e.assumeUnchanged {
                keepIndexEntry()  // and present
                continue
            }
            let st = walk.stats[c]
            guard st.isRegularFile else {  // now a symlink or a directory
                kept.append(nil)
                continue
            }
            let size = st.size
            if size > limit {
                skipped.append((path, "larger than \(limit) bytes"))
                kept.append(nil)
                continue
            }
            if !conflicted && !e.intentToAdd && policy.matches(e, st)
                && !Repository.isRacy(st.modified, indexStamp: index.modificationTime) {
                kept.append(SnapshotEntry(path: path, blobID: e.blobID, mode: e.mode, size: size))
                continue
            }
            // With core.fileMode off, git keeps the index's mode for a tracked file.
            let mode = policy.fileMode || conflicted || !isRegularFileMode(e.mode) ? gitMode(st) : e.mode
            kept.append(SnapshotEntry(path: path, blobID: e.blobID, mode: mode, size: size))
            toHash.append(kept.count - 1)
        }
        for slot in toHash {
            guard let entry = kept[slot] else { continue }
            if let id = try hashFile(entry.path, skipped: &skipped) {
                kept[slot]?.blobID = id
            } else {
                kept[slot] = nil
            }
        }
        return kept
    }

    /// The tracked entries (in index order, which is byte order: String order for all but
    /// unnormalised Unicode) with the untracked ones merged in, sorted by path.
    static func merged(_ kept: [SnapshotEntry], _ untracked: [SnapshotEntry]) -> [SnapshotEntry] {
        var result: [SnapshotEntry] = []
        result.reserveCapacity(kept.count + untracked.count)
        let untracked = untracked.sorted { $0.path < $1.path }
        var u = 0
        for entry in kept {
            while u < untracked.count && untracked[u].path < entry.path {
                result.append(untracked[u])
                u += 1
            }
            result.append(entry)
        }
        result.append(contentsOf: untracked[u...])
        if !zip(result, result.dropFirst()).allSatisfy({ $0.path < $1.path }) {
            result.sort { $0.path < $1.path }
        }
        return result
    }

    /// The entry cache's file name for this worktree: each has its own index file.
    var entryCacheName: String {
        let hash = gitDirectory.utf8CString.withUnsafeBytes { XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
        return "entries-" + String(hash, radix: 16) + ".cache"
    }

    /// Whether two index entries have the same path (a conflict's stages are adjacent).
    static func samePath(_ a: CachedIndex.Entry, _ b: CachedIndex.Entry) -> Bool {
        // Safe: each entry's path holds pathLength bytes, in memory the CachedIndex owns.
        a.pathLength == b.pathLength && Bytes.equal(a.path, b.path, count: a.pathLength)
    }

    /// The root directory's key: no bytes (never read), at a pointer that stays valid.
    nonisolated(unsafe) static let emptyKey = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

    /// Racily clean: modified no earlier than the index was written, so equal stat data
    /// prove nothing (libgit2's `git_index_entry_newer_than_index`).
    private static func isRacy(_ fileTime: (Int, Int), indexStamp: (Int, Int)?) -> Bool {
        guard let stamp = indexStamp, stamp.0 != 0 else { return false }
        return fileTime.0 > stamp.0 || (fileTime.0 == stamp.0 && fileTime.1 >= stamp.1)
    }

    private func statPolicy() throws -> StatPolicy {
        var policy = StatPolicy()
        var config: OpaquePointer?
        try LibGit2.check(git_repository_config_snapshot(&config, handle), "git_repository_config_snapshot")
        guard let config else { return policy }
        defer { git_config_free(config) }
        var flag: Int32 = 0
        if git_config_get_bool(&flag, config, "core.trustctime") == 0 { policy.trustCtime = flag != 0 }
        if git_config_get_bool(&flag, config, "core.filemode") == 0 { policy.fileMode = flag != 0 }
        var value: UnsafePointer<CChar>?
        if git_config_get_string(&value, config, "core.checkstat") == 0, let value {
            policy.minimal = String(cString: value).lowercased() == "minimal"
        }
        return policy
    }

    /// The blob id of a working-tree file through git's filters, or nil (and a reason).
    private func hashFile(_ path: String, skipped: inout [(String, String)]) throws -> BlobID? {
        var oid = git_oid()
        guard GitPath.withCString(path, { git_repository_hashfile(&oid, handle, $0, GIT_OBJECT_BLOB, nil) }) == 0 else {
            skipped.append((path, LibGit2.lastErrorMessage()))
            return nil
        }
        return oid.blobID
    }

    /// `git_ignore_path_is_ignored`; a trailing slash asks about a directory.
    private func isIgnored(_ path: String) throws -> Bool {
        var ignored: Int32 = 0
        try LibGit2.check(GitPath.withCString(path) { git_ignore_path_is_ignored(&ignored, handle, $0) },
                          "git_ignore_path_is_ignored")
        return ignored != 0
    }

    /// Whether a directory is excluded, itself or through a parent: then git ignores
    /// every untracked file under it, whatever a negation says.
    private func isExcluded(directory: String, _ memo: inout [String: Bool]) throws -> Bool {
        if let known = memo[directory] { return known }
        let answer = try isExcluded(directory: Repository.parent(of: directory), &memo) || isIgnored(directory + "/")
        memo[directory] = answer
        return answer
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    /// A directory with a `.git` inside is another repository, never entered (as libgit2's status).
    private static func isNestedRepository(_ dir: String, root: Directory) -> Bool {
        if case .success = GitPath.withCString(dir + "/.git", { root.linkStatus(of: $0) }) { return true }
        return false
    }

    /// A file that is not there (or whose folder is not), as git counts a deleted file.
    private static func isGone(_ code: Errno) -> Bool {
        code == .noSuchFileOrDirectory || code == .notDirectory
    }

    private func addUntracked(_ path: String, root: Directory, policy: StatPolicy, limit: Int,
                              into entries: inout [SnapshotEntry], skipped: inout [(String, String)]) throws {
        let st: FileStatus
        switch GitPath.withCString(path, { root.linkStatus(of: $0) }) {
        case .success(let status): st = status
        case .failure(let code):
            if !Repository.isGone(code) { skipped.append((path, SystemCallError.message(code))) }
            return
        }
        guard st.isRegularFile else { return }
        let size = st.size
        if size > limit {
            skipped.append((path, "larger than \(limit) bytes"))
            return
        }
        if let id = try hashFile(path, skipped: &skipped) {
            // With core.fileMode off, git records a new file as not executable.
            entries.append(SnapshotEntry(path: path, blobID: id, mode: policy.fileMode ? gitMode(st) : modeRegular, size: size))
        }
    }

    /// Every untracked, not ignored candidate under an untracked directory that is not ignored.
    private func walkUntracked(_ dir: String, root: Directory, reader: DirectoryReader, extensions: ExtensionFilter,
                               isCandidate: (String) -> Bool, policy: StatPolicy, limit: Int,
                               into entries: inout [SnapshotEntry], skipped: inout [(String, String)]) throws {
        guard let folder = GitPath.withCString(dir, { root.openSubdirectory($0) }) else { return }
        var found: [(String, DirectoryReader.EntryKind)] = []
        _ = reader.forEachEntry(in: folder, skipping: ".git") { name, length, kind in
            guard kind == .directory || (kind == .regularFile && extensions.mayAdmit(name, length)) else { return }
            // Safe: the reader's name holds `length` bytes during this call; decode copies them.
            found.append((GitPath.decode(UnsafeBufferPointer(start: name, count: length)), kind))
        }
        folder.close()
        for (name, kind) in found {
            let path = dir + "/" + name
            if kind == .directory {
                if try isIgnored(path + "/") { continue }
                if Repository.isNestedRepository(path, root: root) { continue }
                try walkUntracked(path, root: root, reader: reader, extensions: extensions, isCandidate: isCandidate,
                                  policy: policy, limit: limit, into: &entries, skipped: &skipped)
            } else if isCandidate(path), !(try isIgnored(path)) {
                try addUntracked(path, root: root, policy: policy, limit: limit, into: &entries, skipped: &skipped)
            }
        }
    }
}
