import Foundation
import Git
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What git's command line says a working-tree snapshot should hold: every tracked
/// or untracked, not ignored candidate path that is a regular file on disk, with the
/// id `git hash-object` gives it (the index's id for skip-worktree and assume-unchanged
/// entries, which git takes on trust). A skip-worktree entry that is not on disk lies
/// outside a sparse checkout's cone: it is not in the working tree.
struct WorkingTreeOracle {
    /// path -> "blob-id mode"
    var entries: [String: String] = [:]
    /// Candidates over the size limit.
    var oversized: Set<String> = []

    static let sourceFile: @Sendable (String) -> Bool = {
        $0.hasSuffix(".py") || $0.hasSuffix(".swift") || $0.hasSuffix(".go")
    }

    /// Runs git in `root` (a work tree's top) with the system config read, as libgit2 reads it.
    @discardableResult
    static func git(_ arguments: [String], in root: String, stdin: String? = nil) throws -> String {
        try TemporaryRepository.run("/usr/bin/git", arguments, in: root,
                                    environment: ["GIT_CONFIG_NOSYSTEM": "0"], stdin: stdin)
    }

    private static func records(_ output: String) -> [Substring] {
        output.split(separator: "\0", omittingEmptySubsequences: true)
    }

    init(root: String, candidate: (String) -> Bool = WorkingTreeOracle.sourceFile, maxFileSize: Int = 1 << 20) throws {
        // mode, id, stage per tracked path (a conflict's stages collapse to one path)
        var tracked: [String: (mode: String, id: String)] = [:]
        for record in Self.records(try Self.git(["ls-files", "-z", "-s"], in: root)) {
            let parts = record.split(separator: "\t", maxSplits: 1)
            let meta = parts[0].split(separator: " ")
            tracked[String(parts[1])] = (String(meta[0]), String(meta[1]))
        }
        var skipWorktree: Set<String> = []
        var assumeUnchanged: Set<String> = []
        for record in Self.records(try Self.git(["ls-files", "-z", "-t", "-v"], in: root)) {
            let tag = record.first!
            let path = String(record.dropFirst(2))
            if tag == "S" || tag == "s" { skipWorktree.insert(path) }
            if tag.isLowercase { assumeUnchanged.insert(path) }
        }
        let untracked = Self.records(try Self.git(["ls-files", "-z", "-o", "--exclude-standard"], in: root))
            .map(String.init).filter { !$0.hasSuffix("/") }

        var toHash: [(path: String, mode: String)] = []
        for path in Set(tracked.keys).union(untracked).sorted() where candidate(path) {
            var st = stat()
            guard !Self.hasSymlinkLeadingPath(root, path), lstat(root + "/" + path, &st) == 0 else { continue }
            if skipWorktree.contains(path) || assumeUnchanged.contains(path), let t = tracked[path] {
                if t.mode == "100644" || t.mode == "100755" { entries[path] = "\(t.id) \(t.mode)" }
                continue
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if Int(st.st_size) > maxFileSize {
                oversized.insert(path)
                continue
            }
            toHash.append((path, (st.st_mode & S_IXUSR) != 0 ? "100755" : "100644"))
        }
        if !toHash.isEmpty {
            let ids = try Self.git(["hash-object", "--stdin-paths"], in: root,
                                   stdin: toHash.map(\.path).joined(separator: "\n") + "\n")
                .split(separator: "\n")
            for (file, id) in zip(toHash, ids) { entries[file.path] = "\(id) \(file.mode)" }
        }
    }

    /// Whether a directory above `path` is a symlink (git's `has_symlink_leading_path`):
    /// then the path is not in the work tree, whatever is behind the link.
    static func hasSymlinkLeadingPath(_ root: String, _ path: String) -> Bool {
        var prefix = root
        for component in path.split(separator: "/").dropLast() {
            prefix += "/" + component
            var st = stat()
            if lstat(prefix, &st) != 0 || (st.st_mode & S_IFMT) != S_IFDIR { return true }
        }
        return false
    }

    /// The same view of a snapshot.
    init(_ snapshot: Snapshot) {
        for entry in snapshot.entries {
            entries[entry.path] = "\(entry.blobID.hex) \(String(entry.mode, radix: 8))"
        }
        oversized = Set(snapshot.skipped.filter { $0.reason.hasPrefix("larger than") }.map(\.path))
    }

    /// Lines describing how `other` differs from this one (empty when they agree).
    func differences(from other: WorkingTreeOracle) -> [String] {
        var lines: [String] = []
        for path in Set(entries.keys).union(other.entries.keys).sorted() where entries[path] != other.entries[path] {
            lines.append("\(path): expected \(entries[path] ?? "absent"), got \(other.entries[path] ?? "absent")")
        }
        if oversized != other.oversized { lines.append("oversized: expected \(oversized.sorted()), got \(other.oversized.sorted())") }
        return lines
    }
}

extension Repository {
    /// The working-tree snapshot with the oracle's candidate filter.
    func sourceSnapshot(maxFileSize: Int = 1 << 20, cacheDirectory: String? = nil) throws -> Snapshot {
        try snapshot(.workingTree, options: SnapshotOptions(maxFileSize: maxFileSize, candidate: WorkingTreeOracle.sourceFile,
                                                            cacheDirectory: cacheDirectory))
    }
}
