import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the parallel walk of tracked directories shares. The tables and per-candidate
/// arrays are written before the walk starts and only read during it; each candidate's
/// stat slot is written by the one thread that reads its directory.
final class TrackedWalk: @unchecked Sendable {
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
