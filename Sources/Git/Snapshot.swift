/// Which state of a repository a snapshot describes.
public enum SnapshotKind: Sendable, Equatable, CustomStringConvertible {
    /// Tracked files as they are on disk, plus untracked files that are not ignored.
    case workingTree
    /// The staging area (the index).
    case staged
    /// Any revision git can resolve: a branch, a tag, a commit id, `HEAD~2`.
    case revision(String)

    public var description: String {
        switch self {
        case .workingTree: return "working tree"
        case .staged: return "staged"
        case .revision(let rev): return rev
        }
    }
}

/// One regular file of a snapshot. Symlinks, submodules and oversized files are never entries.
public struct SnapshotEntry: Sendable, Equatable, Hashable {
    /// Path relative to the repository root, `/`-separated.
    public var path: String
    /// The git blob id of the content (for a working-tree file, as `git hash-object` computes it).
    public var blobID: BlobID
    /// Git file mode: 0o100644 or 0o100755.
    public var mode: UInt32
    /// Size of the content in bytes.
    public var size: Int

    public init(path: String, blobID: BlobID, mode: UInt32, size: Int) {
        self.path = path
        self.blobID = blobID
        self.mode = mode
        self.size = size
    }
}

/// A list of (path, blob id, mode) for one state of a repository, sorted by path.
public struct Snapshot: Sendable {
    public var kind: SnapshotKind
    /// For `.revision`, the commit id it resolved to; for the others, HEAD's id if there is one.
    public var commitID: String?
    public var entries: [SnapshotEntry]
    /// Files passed over, with the reason (too large, unreadable), for diagnostics.
    public var skipped: [(path: String, reason: String)]

    public init(kind: SnapshotKind, commitID: String?, entries: [SnapshotEntry],
                skipped: [(path: String, reason: String)] = []) {
        self.kind = kind
        self.commitID = commitID
        self.entries = entries
        self.skipped = skipped
    }
}

/// Reads the bytes of a snapshot entry: from the object database, or from the
/// working tree for files git has not stored yet.
public protocol BlobSource: Sendable {
    func contents(of entry: SnapshotEntry) throws -> [UInt8]
}
