import CLibGit2
import Foundation
import Hashing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

private let typeUnknown: UInt8 = 0
private let typeDirectory: UInt8 = 4
private let typeRegular: UInt8 = 8
private let typeOther: UInt8 = 1

private let slash = UInt8(ascii: "/")
private let dot = UInt8(ascii: ".")

@inline(__always)
private func isRegular(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFREG }

private func gitMode(_ st: stat) -> UInt32 {
    (st.st_mode & S_IXUSR) != 0 ? modeExecutable : modeRegular
}

/// How stat data are compared with the index's cache (git's `core.*` settings).
struct StatPolicy {
    /// core.trustctime (default true).
    var trustCtime = true
    /// core.checkStat=minimal: only whole-second mtime, size and mode.
    var minimal = false
    /// core.fileMode (default true): the executable bit counts.
    var fileMode = true

    /// Whether the file's stat data are those the index cached for it: git's
    /// `ce_match_stat_basic` (mode and type, then `match_stat_data`), with nanoseconds
    /// as libgit2 compares them. The index keeps 32-bit values, so the file's are
    /// truncated as git does.
    func matches(_ e: CachedIndex.Entry, _ st: stat) -> Bool {
        guard isRegular(st), isRegularFileMode(e.mode) else { return false }
        if fileMode && ((e.mode ^ UInt32(st.st_mode)) & UInt32(S_IXUSR)) != 0 { return false }
        if e.size != UInt32(truncatingIfNeeded: st.st_size) { return false }
        let (ms, mns) = fileModificationTime(st)
        if e.mtimeSeconds != UInt32(truncatingIfNeeded: ms) { return false }
        if minimal { return true }
        if e.mtimeNanoseconds != UInt32(truncatingIfNeeded: mns) { return false }
        if trustCtime {
            let (cs, cns) = fileChangeTime(st)
            if e.ctimeSeconds != UInt32(truncatingIfNeeded: cs) || e.ctimeNanoseconds != UInt32(truncatingIfNeeded: cns) {
                return false
            }
        }
        return e.ino == UInt32(truncatingIfNeeded: st.st_ino)
            && e.uid == UInt32(truncatingIfNeeded: st.st_uid)
            && e.gid == UInt32(truncatingIfNeeded: st.st_gid)
    }
}

/// `SnapshotOptions.extensions` as bytes: a pre-filter that turns most non-candidates
/// away before a String is built for them.
struct ExtensionFilter: Sendable {
    /// Lower-case ASCII extensions, nil when there is no restriction.
    private let extensions: [[UInt8]]?

    init(_ extensions: Set<String>?) {
        self.extensions = extensions.map { $0.map { Array($0.lowercased().utf8) } }
    }

    /// False when the file name's extension (after its last dot) is certainly not one
    /// of them; true when it is, or for names this byte test cannot judge (non-ASCII).
    @inline(__always)
    func mayAdmit(_ name: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard let extensions else { return true }
        var i = length - 1
        while i >= 0 && name[i] != dot {
            if name[i] == slash { return false }
            i -= 1
        }
        guard i >= 0 else { return false }
        let start = i + 1
        let count = length - start
        outer: for ext in extensions where ext.count == count {
            for j in 0..<count {
                var c = name[start + j]
                if c >= 0x80 { return true }
                if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { c += 32 }
                if c != ext[j] { continue outer }
            }
            return true
        }
        for j in start..<length where name[j] >= 0x80 { return true }
        return false
    }
}

/// Reads a directory's entries from an open descriptor: getdents64 on Linux (no extra
/// fstat or fcntl, unlike fdopendir), readdir elsewhere. Not thread-safe: one per thread.
final class DirectoryReader {
    private static let size = 64 << 10
    private let buffer = UnsafeMutableRawPointer.allocate(byteCount: DirectoryReader.size, alignment: 8)

    deinit { buffer.deallocate() }

    /// Calls `body` with each entry's name (NUL-terminated), its length and its d_type,
    /// skipping ".", ".." and ".git" (git never looks inside one, at any depth).
    /// False when the directory could not be read.
    func forEachEntry(_ fd: Int32, _ body: (UnsafePointer<UInt8>, Int, UInt8) -> Void) -> Bool {
        #if os(Linux)
        while true {
            let n = codesearch_getdents64(fd, buffer, UInt(DirectoryReader.size))
            if n == 0 { return true }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            var offset = 0
            while offset < n {
                let record = buffer + offset
                let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                let type = record.load(fromByteOffset: 18, as: UInt8.self)
                let name = UnsafePointer((record + 19).assumingMemoryBound(to: UInt8.self))
                offset += length
                let nameLength = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
                if !DirectoryReader.isSkipped(name, nameLength) { body(name, nameLength, type) }
            }
        }
        #else
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return false
        }
        defer { closedir(stream) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(stream) {
            let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
            let nameLength = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
            if !DirectoryReader.isSkipped(name, nameLength) { body(name, nameLength, entry.pointee.d_type) }
        }
        return true
        #endif
    }

    @inline(__always)
    private static func isSkipped(_ name: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard name[0] == dot else { return false }
        return length == 1 || (length == 2 && name[1] == dot)
            || (length == 4 && name[1] == UInt8(ascii: "g") && name[2] == UInt8(ascii: "i") && name[3] == UInt8(ascii: "t"))
    }

    /// d_type, or the type from an lstat when the file system does not fill it in.
    static func type(_ type: UInt8, of name: UnsafePointer<UInt8>, in fd: Int32) -> UInt8 {
        guard type == typeUnknown else { return type }
        var st = stat()
        guard fstatat(fd, UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            return typeOther
        }
        return isRegular(st) ? typeRegular : ((st.st_mode & S_IFMT) == S_IFDIR ? typeDirectory : typeOther)
    }
}

/// What the parallel walk of tracked directories shares. The tables and per-candidate
/// arrays are written before the walk starts and only read during it; each candidate's
/// stat slot is written by the one thread that reads its directory.
private final class TrackedWalk: @unchecked Sendable {
    let rootFD: Int32
    let paths: PathTable
    let pathIsGitlink: [Bool]
    let dirs: PathTable
    let dirFirst: [Int32]
    let next: [Int32]
    /// Per candidate: its full path (relative to the root) and the offset of its name.
    let candidatePaths: [UnsafePointer<UInt8>]
    let nameOffsets: [Int]
    let stats: UnsafeMutablePointer<stat>
    /// Per candidate: -1 when its directory was never reached, 0 when `stats` holds its
    /// lstat, or the errno of the failed lstat.
    let results: UnsafeMutablePointer<Int32>
    let extensions: ExtensionFilter
    let isCandidate: @Sendable (String) -> Bool

    private let condition = NSCondition()
    /// Directories to read, with a descriptor already open on them (or -1).
    private var stack: [(dir: Int32, fd: Int32)] = [(0, -1)]
    private var pending = 1
    /// Descriptors open in `stack`, kept well under the usual limit of 1024.
    private var openDescriptors = 0
    private static let descriptorBudget = 256
    private(set) var untrackedFiles: [String] = []
    private(set) var untrackedDirs: [String] = []

    init(rootFD: Int32, paths: PathTable, pathIsGitlink: [Bool], dirs: PathTable, dirFirst: [Int32],
         next: [Int32], candidatePaths: [UnsafePointer<UInt8>], nameOffsets: [Int],
         extensions: ExtensionFilter, isCandidate: @escaping @Sendable (String) -> Bool) {
        self.rootFD = rootFD
        self.paths = paths
        self.pathIsGitlink = pathIsGitlink
        self.dirs = dirs
        self.dirFirst = dirFirst
        self.next = next
        self.candidatePaths = candidatePaths
        self.nameOffsets = nameOffsets
        self.extensions = extensions
        self.isCandidate = isCandidate
        let n = max(candidatePaths.count, 1)
        stats = .allocate(capacity: n)
        results = .allocate(capacity: n)
        results.initialize(repeating: -1, count: n)
    }

    deinit {
        stats.deallocate()
        results.deallocate()
    }

    /// Runs the walk on `threads` threads (the caller's among them).
    func run(threads: Int) {
        if threads <= 1 {
            work()
        } else {
            DispatchQueue.concurrentPerform(iterations: threads) { _ in self.work() }
        }
    }

    private func take() -> (dir: Int32, fd: Int32)? {
        condition.lock()
        defer { condition.unlock() }
        while stack.isEmpty && pending > 0 { condition.wait() }
        guard let next = stack.popLast() else { return nil }
        if next.fd >= 0 { openDescriptors -= 1 }
        return next
    }

    /// Queues a directory's subdirectories; returns how many more descriptors may be opened.
    private func complete(_ children: [(dir: Int32, fd: Int32)], opened: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        stack.append(contentsOf: children)
        openDescriptors += opened
        pending += children.count - 1
        if pending == 0 || !children.isEmpty { condition.broadcast() }
        return max(0, TrackedWalk.descriptorBudget - openDescriptors)
    }

    private func work() {
        var files: [String] = []
        var untracked: [String] = []
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        var children: [(dir: Int32, fd: Int32)] = []
        let reader = DirectoryReader()
        var budget = TrackedWalk.descriptorBudget / 2
        while let (dir, fd) = take() {
            children.removeAll(keepingCapacity: true)
            let opened = read(directory: Int(dir), fd: fd, reader: reader, budget: budget, buffer: &buffer,
                              children: &children, files: &files, dirs: &untracked)
            budget = complete(children, opened: opened) / 2
        }
        condition.lock()
        untrackedFiles.append(contentsOf: files)
        untrackedDirs.append(contentsOf: untracked)
        condition.unlock()
    }

    /// Reads one tracked directory (`fd` when its parent opened it, else opened here
    /// from the root): queues its tracked subdirectories, opening up to `budget` of them
    /// (one path component is cheaper to look up than a whole path), notes what is
    /// untracked, and lstat's its tracked candidates. Returns how many it opened.
    private func read(directory: Int, fd given: Int32, reader: DirectoryReader, budget: Int, buffer: inout [UInt8],
                      children: inout [(dir: Int32, fd: Int32)], files: inout [String],
                      dirs untracked: inout [String]) -> Int {
        let prefix = dirs.key(directory)
        var fd = given
        if fd < 0 {
            buffer.removeAll(keepingCapacity: true)
            if prefix.isEmpty {
                buffer.append(dot)
            } else {
                buffer.append(contentsOf: prefix)
            }
            buffer.append(0)
            fd = buffer.withUnsafeBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                    openat(rootFD, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                }
            }
        }
        var opened = 0
        if fd >= 0 {
            let base = prefix.count
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: prefix)
            let complete = reader.forEachEntry(fd) { name, length, dType in
                let type = DirectoryReader.type(dType, of: name, in: fd)
                guard type == typeDirectory || type == typeRegular else { return }  // symlinks, sockets…
                // A file whose extension no candidate has is not even looked up.
                if type == typeRegular && !extensions.mayAdmit(name, length) { return }
                buffer.removeSubrange(base...)
                if base > 0 { buffer.append(slash) }
                buffer.append(contentsOf: UnsafeBufferPointer(start: name, count: length))
                let (asDir, asPath) = buffer.withUnsafeBufferPointer { b -> (Int?, Int?) in
                    let start = b.baseAddress!
                    if type == typeDirectory, let d = self.dirs.find(start, b.count) { return (d, nil) }
                    return (nil, self.paths.find(start, b.count))
                }
                if type == typeDirectory {
                    if let asDir {
                        var child: Int32 = -1
                        if opened < budget {
                            child = openat(fd, UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self),
                                           O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                            if child >= 0 { opened += 1 }
                        }
                        children.append((Int32(asDir), child))
                    } else if let asPath, pathIsGitlink[asPath] {
                        return  // a submodule
                    } else {
                        untracked.append(GitPath.decode(buffer))
                    }
                } else if asPath == nil {
                    let path = GitPath.decode(buffer)
                    if isCandidate(path) { files.append(path) }
                }
            }
            if complete {
                var c = Int(dirFirst[directory])
                while c >= 0 {
                    let name = UnsafeRawPointer(candidatePaths[c] + nameOffsets[c]).assumingMemoryBound(to: CChar.self)
                    results[c] = fstatat(fd, name, stats + c, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno
                    c = Int(next[c])
                }
                close(fd)
                return opened
            }
            close(fd)
        }
        // Unreadable (or gone): stat the candidates by their full paths.
        var c = Int(dirFirst[directory])
        while c >= 0 {
            let path = UnsafeRawPointer(candidatePaths[c]).assumingMemoryBound(to: CChar.self)
            results[c] = fstatat(rootFD, path, stats + c, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno
            c = Int(next[c])
        }
        return opened
    }
}

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
        let count = index.entries.count
        var paths = PathTable(expectedCount: count)
        var pathIsGitlink: [Bool] = []
        pathIsGitlink.reserveCapacity(count)
        var dirs = PathTable(expectedCount: count / 4 + 16)
        var dirFirst: [Int32] = []
        dirs.insert(Repository.emptyKey, 0)  // the root
        dirFirst.append(-1)

        var candidates: [Int] = []           // per candidate: its index entry (a conflict's first stage)
        var candidatePaths: [UnsafePointer<UInt8>] = []
        var candidateNames: [String] = []
        var nameOffsets: [Int] = []
        var next: [Int32] = []
        var lastDir = (start: UnsafePointer<UInt8>?.none, length: -1, id: 0)

        for (i, e) in index.entries.enumerated() {
            let bytes = e.path
            let length = e.pathLength
            // The walk only looks up files that may be candidates, and directories.
            let isGitlink = e.mode == modeGitlink
            let mayBeCandidate = extensions.mayAdmit(bytes, length)
            var isNewPath = i == 0 || !Repository.samePath(index.entries[i - 1], e)
            if isNewPath && (mayBeCandidate || isGitlink) {
                isNewPath = paths.insert(bytes, length).inserted
                if isNewPath { pathIsGitlink.append(isGitlink) }
            }

            // Its directory, and the directories above it.
            var slashAt = length - 1
            while slashAt >= 0 && bytes[slashAt] != slash { slashAt -= 1 }
            let dirLength = max(slashAt, 0)
            let dirID: Int
            if dirLength == lastDir.length, let start = lastDir.start, memcmp(start, bytes, dirLength) == 0 {
                dirID = lastDir.id
            } else {
                let (id, isNew) = dirs.insert(bytes, dirLength)
                if isNew {
                    dirFirst.append(-1)
                    var end = dirLength - 1
                    while true {
                        while end >= 0 && bytes[end] != slash { end -= 1 }
                        if end < 0 { break }
                        guard dirs.insert(bytes, end).inserted else { break }
                        dirFirst.append(-1)
                        end -= 1
                    }
                }
                dirID = id
                lastDir = (bytes, dirLength, id)
            }

            guard isNewPath, mayBeCandidate else { continue }  // not a candidate, or a conflict's later stages
            let path = GitPath.decode(UnsafeBufferPointer(start: bytes, count: length))
            guard isCandidate(path) else { continue }
            candidates.append(i)
            candidatePaths.append(bytes)
            candidateNames.append(path)
            nameOffsets.append(slashAt + 1)
            next.append(dirFirst[dirID])
            dirFirst[dirID] = Int32(next.count - 1)
        }

        // 2. The walk of tracked directories.
        let rootFD = openat(AT_FDCWD, root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else {
            throw GitError.unreadable(path: root, reason: String(cString: strerror(errno)))
        }
        defer { close(rootFD) }
        let walk = TrackedWalk(rootFD: rootFD, paths: paths, pathIsGitlink: pathIsGitlink, dirs: dirs,
                               dirFirst: dirFirst, next: next, candidatePaths: candidatePaths,
                               nameOffsets: nameOffsets, extensions: extensions, isCandidate: isCandidate)
        walk.run(threads: dirs.count >= 16 ? Repository.walkThreads : 1)

        // 3. Tracked candidates: the index's id when the stat data vouch for it.
        var kept: [SnapshotEntry?] = []
        kept.reserveCapacity(candidates.count)
        var skipped: [(String, String)] = []
        var toHash: [Int] = []
        let limit = options.maxFileSize
        for c in 0..<candidates.count {
            let e = index.entries[candidates[c]]
            let conflicted = e.stage != 0
            let path = candidateNames[c]
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
            if result == -1 || result == ENOENT || result == ENOTDIR {  // deleted
                kept.append(nil)
                continue
            }
            if result != 0 {
                skipped.append((path, String(cString: strerror(result))))
                kept.append(nil)
                continue
            }
            if !conflicted && e.assumeUnchanged {
                keepIndexEntry()  // and present
                continue
            }
            let st = walk.stats[c]
            guard isRegular(st) else {  // now a symlink or a directory
                kept.append(nil)
                continue
            }
            let size = Int(st.st_size)
            if size > limit {
                skipped.append((path, "larger than \(limit) bytes"))
                kept.append(nil)
                continue
            }
            if !conflicted && !e.intentToAdd && policy.matches(e, st)
                && !Repository.isRacy(fileModificationTime(st), indexStamp: index.modificationTime) {
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

        // 4. Untracked files, through the ignore rules.
        var untracked: [SnapshotEntry] = []
        var excluded: [String: Bool] = ["": false]
        // (Cheapest and likeliest answer first: libgit2 reads the ignore files of every
        // level for each question, and most untracked directories are ignored ones.)
        for path in walk.untrackedFiles {
            if try isIgnored(path) { continue }
            if try isExcluded(directory: Repository.parent(of: path), &excluded) { continue }
            try addUntracked(path, rootFD: rootFD, policy: policy, limit: limit, into: &untracked, skipped: &skipped)
        }
        let reader = DirectoryReader()
        for dir in walk.untrackedDirs {
            if try isIgnored(dir + "/") { continue }
            if try isExcluded(directory: Repository.parent(of: dir), &excluded) { continue }
            if Repository.isNestedRepository(dir, rootFD: rootFD) { continue }
            try walkUntracked(dir, rootFD: rootFD, reader: reader, extensions: extensions, isCandidate: isCandidate,
                              policy: policy, limit: limit, into: &untracked, skipped: &skipped)
        }

        // Index order is byte order, which is String order for all but unnormalised
        // Unicode; the untracked files are merged in.
        var result: [SnapshotEntry] = []
        result.reserveCapacity(kept.count + untracked.count)
        untracked.sort { $0.path < $1.path }
        var u = 0
        for case let entry? in kept {
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
        return Snapshot(kind: .workingTree, commitID: headIDUnlocked(), entries: result, skipped: skipped)
    }

    /// The entry cache's file name for this worktree: each has its own index file.
    var entryCacheName: String {
        let hash = gitDirectory.utf8CString.withUnsafeBytes { XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
        return "entries-" + String(hash, radix: 16) + ".cache"
    }

    /// Whether two index entries have the same path (a conflict's stages are adjacent).
    private static func samePath(_ a: CachedIndex.Entry, _ b: CachedIndex.Entry) -> Bool {
        a.pathLength == b.pathLength && memcmp(a.path, b.path, a.pathLength) == 0
    }

    /// The root directory's key: no bytes (never read), at a pointer that stays valid.
    private nonisolated(unsafe) static let emptyKey = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))

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
    private static func isNestedRepository(_ dir: String, rootFD: Int32) -> Bool {
        var st = stat()
        return GitPath.withCString(dir + "/.git") { fstatat(rootFD, $0, &st, AT_SYMLINK_NOFOLLOW) } == 0
    }

    private func addUntracked(_ path: String, rootFD: Int32, policy: StatPolicy, limit: Int,
                              into entries: inout [SnapshotEntry], skipped: inout [(String, String)]) throws {
        var st = stat()
        guard GitPath.withCString(path, { fstatat(rootFD, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            if errno != ENOENT && errno != ENOTDIR { skipped.append((path, String(cString: strerror(errno)))) }
            return
        }
        guard isRegular(st) else { return }
        let size = Int(st.st_size)
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
    private func walkUntracked(_ dir: String, rootFD: Int32, reader: DirectoryReader, extensions: ExtensionFilter,
                               isCandidate: (String) -> Bool, policy: StatPolicy, limit: Int,
                               into entries: inout [SnapshotEntry], skipped: inout [(String, String)]) throws {
        let fd = GitPath.withCString(dir) { openat(rootFD, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) }
        guard fd >= 0 else { return }
        var found: [(String, UInt8)] = []
        _ = reader.forEachEntry(fd) { name, length, dType in
            let type = DirectoryReader.type(dType, of: name, in: fd)
            guard type == typeDirectory || (type == typeRegular && extensions.mayAdmit(name, length)) else { return }
            found.append((GitPath.decode(UnsafeBufferPointer(start: name, count: length)), type))
        }
        close(fd)
        for (name, type) in found {
            let path = dir + "/" + name
            if type == typeDirectory {
                if try isIgnored(path + "/") { continue }
                if Repository.isNestedRepository(path, rootFD: rootFD) { continue }
                try walkUntracked(path, rootFD: rootFD, reader: reader, extensions: extensions, isCandidate: isCandidate,
                                  policy: policy, limit: limit, into: &entries, skipped: &skipped)
            } else if isCandidate(path), !(try isIgnored(path)) {
                try addUntracked(path, rootFD: rootFD, policy: policy, limit: limit, into: &entries, skipped: &skipped)
            }
        }
    }
}
