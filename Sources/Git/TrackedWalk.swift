import Foundation
import Platform

/// What the parallel walk of tracked directories shares. The tables and per-candidate
/// arrays are written before the walk starts and only read during it; each candidate's
/// stat slot is written by the one thread that reads its directory.
final class TrackedWalk: @unchecked Sendable {
    let root: Directory
    let paths: PathTable
    let pathIsGitlink: [Bool]
    let dirs: PathTable
    let dirFirst: [Int32]
    let next: [Int32]
    /// Per candidate: its full path (relative to the root) and the offset of its name.
    let candidatePaths: [UnsafePointer<UInt8>]
    let nameOffsets: [Int]
    /// Per candidate: its lstat, valid where `results` holds 0. Each slot is written by the
    /// one thread that reads the candidate's directory, and read after the walk.
    let stats: UnsafeMutablePointer<FileStatus>
    /// Per candidate: -1 when its directory was never reached, 0 when `stats` holds its
    /// lstat, or the errno of the failed lstat.
    let results: UnsafeMutablePointer<Int32>
    let extensions: ExtensionFilter
    let isCandidate: @Sendable (String) -> Bool

    private let condition = NSCondition()
    /// Directories to read, with the folder already open when its parent opened it.
    private var stack: [(dir: Int32, folder: Directory?)] = [(0, nil)]
    private var pending = 1
    /// Descriptors open in `stack`, kept well under the usual limit of 1024.
    private var openDescriptors = 0
    private static let descriptorBudget = 256
    private(set) var untrackedFiles: [String] = []
    private(set) var untrackedDirs: [String] = []

    init(root: Directory, paths: PathTable, pathIsGitlink: [Bool], dirs: PathTable, dirFirst: [Int32],
         next: [Int32], candidatePaths: [UnsafePointer<UInt8>], nameOffsets: [Int],
         extensions: ExtensionFilter, isCandidate: @escaping @Sendable (String) -> Bool) {
        self.root = root
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
        // `stats` starts uninitialised (FileStatus is a trivial type): a slot is initialised
        // once, by the thread that stats its candidate, and read only where `results` is 0.
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

    private func take() -> (dir: Int32, folder: Directory?)? {
        condition.lock()
        defer { condition.unlock() }
        while stack.isEmpty && pending > 0 { condition.wait() }
        guard let next = stack.popLast() else { return nil }
        if next.folder != nil { openDescriptors -= 1 }
        return next
    }

    /// Queues a directory's subdirectories; returns how many more descriptors may be opened.
    private func complete(_ children: [(dir: Int32, folder: Directory?)], opened: Int) -> Int {
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
        var children: [(dir: Int32, folder: Directory?)] = []
        let reader = DirectoryReader()
        var budget = TrackedWalk.descriptorBudget / 2
        while let (dir, folder) = take() {
            children.removeAll(keepingCapacity: true)
            let opened = read(directory: Int(dir), folder: folder, reader: reader, budget: budget, buffer: &buffer,
                              children: &children, files: &files, dirs: &untracked)
            budget = complete(children, opened: opened) / 2
        }
        condition.lock()
        untrackedFiles.append(contentsOf: files)
        untrackedDirs.append(contentsOf: untracked)
        condition.unlock()
    }

    /// Reads one tracked directory (`given` when its parent opened it, else opened here
    /// from the root): queues its tracked subdirectories, opening up to `budget` of them
    /// (one path component is cheaper to look up than a whole path), notes what is
    /// untracked, and lstat's its tracked candidates. Returns how many it opened.
    private func read(directory: Int, folder given: Directory?, reader: DirectoryReader, budget: Int, buffer: inout [UInt8],
                      children: inout [(dir: Int32, folder: Directory?)], files: inout [String],
                      dirs untracked: inout [String]) -> Int {
        let prefix = dirs.key(directory)
        var folder = given
        if folder == nil {
            buffer.removeAll(keepingCapacity: true)
            if prefix.isEmpty {
                buffer.append(dot)
            } else {
                buffer.append(contentsOf: prefix)
            }
            buffer.append(0)
            // Safe: the buffer is NUL-terminated just above and outlives the call.
            folder = buffer.withUnsafeBufferPointer { root.openSubdirectory($0.baseAddress!) }
        }
        guard let folder else {
            statCandidates(of: directory, in: root, byFullPath: true)  // unreadable (or gone)
            return 0
        }
        var opened = 0
        let base = prefix.count
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: prefix)
        // (".git" is skipped unread: git never looks inside one, at any depth.)
        let complete = reader.forEachEntry(in: folder, skipping: ".git") { name, length, kind in
            guard kind != .other else { return }  // symlinks, sockets…
            // A file whose extension no candidate has is not even looked up.
            if kind == .regularFile && !extensions.mayAdmit(name, length) { return }
            buffer.removeSubrange(base...)
            if base > 0 { buffer.append(slash) }
            // Safe: the reader's name holds `length` bytes during this call; they are copied.
            buffer.append(contentsOf: UnsafeBufferPointer(start: name, count: length))
            // Safe: the lookups read `b.count` bytes of the buffer, which holds them.
            let (asDir, asPath) = buffer.withUnsafeBufferPointer { b -> (Int?, Int?) in
                let start = b.baseAddress!
                if kind == .directory, let d = self.dirs.find(start, b.count) { return (d, nil) }
                return (nil, self.paths.find(start, b.count))
            }
            if kind == .directory {
                if let asDir {
                    var child: Directory?
                    if opened < budget {
                        child = folder.openSubdirectory(name)  // (NUL-terminated by the reader)
                        if child != nil { opened += 1 }
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
        statCandidates(of: directory, in: complete ? folder : root, byFullPath: !complete)
        folder.close()
        return opened
    }

    /// lstat's the candidates of `directory` into `stats` and `results`: by name relative to
    /// their folder, or by full path relative to the root when their folder could not be read.
    private func statCandidates(of directory: Int, in folder: Directory, byFullPath: Bool) {
        var c = Int(dirFirst[directory])
        while c >= 0 {
            // Safe: candidate paths point into the CachedIndex's NUL-terminated paths, which
            // outlive the walk, and the name offset lies inside each.
            let name = byFullPath ? candidatePaths[c] : candidatePaths[c] + nameOffsets[c]
            switch folder.linkStatus(of: name) {
            case .success(let status):
                (stats + c).initialize(to: status)
                results[c] = 0
            case .failure(let code):
                results[c] = code.rawValue
            }
            c = Int(next[c])
        }
    }
}
