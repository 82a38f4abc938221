import SystemPackage

/// What `stat(2)` says about a file: the fields codesearch reads, among them those git's
/// index caches for each entry (times to the nanosecond, inode, owner, size, the
/// executable bit). Built from swift-system's `Stat`, which reads `st_mtim` on Linux and
/// `st_mtimespec` on Darwin.
public struct FileStatus: Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var userID: UInt32
    public var groupID: UInt32
    public var size: Int
    /// Last modification (`st_mtim`).
    public var modified: (seconds: Int, nanoseconds: Int)
    /// Last status change (`st_ctim`).
    public var changed: (seconds: Int, nanoseconds: Int)
    public var isRegularFile: Bool
    public var isDirectory: Bool
    /// The owner's executable bit (`S_IXUSR`), which git records as mode 100755.
    public var isExecutableByOwner: Bool

    init(_ stat: Stat) {
        device = UInt64(truncatingIfNeeded: stat.deviceID.rawValue)
        inode = UInt64(truncatingIfNeeded: stat.inode.rawValue)
        userID = UInt32(truncatingIfNeeded: stat.userID.rawValue)
        groupID = UInt32(truncatingIfNeeded: stat.groupID.rawValue)
        size = Int(stat.size)
        modified = (Int(stat.st_mtim.tv_sec), Int(stat.st_mtim.tv_nsec))
        changed = (Int(stat.st_ctim.tv_sec), Int(stat.st_ctim.tv_nsec))
        let type = stat.type
        isRegularFile = type == .regular
        isDirectory = type == .directory
        isExecutableByOwner = stat.permissions.contains(.ownerExecute)
    }

    /// The status of the file at `path`; `followSymlinks: false` is `lstat`. The path is
    /// passed as it is (no `FilePath` normalisation: `file/` must stay an error).
    public init(path: String, followSymlinks: Bool = true) throws {
        try self.init(cString: path, followSymlinks: followSymlinks, named: path)
    }

    /// The status of the file at a NUL-terminated C path (a git path's original bytes).
    public init(cString path: UnsafePointer<CChar>, followSymlinks: Bool = true) throws {
        try self.init(cString: path, followSymlinks: followSymlinks, named: nil)
    }

    private init(cString path: UnsafePointer<CChar>, followSymlinks: Bool, named name: String?) throws {
        do throws(Errno) {
            self.init(try Stat(path, followTargetSymlink: followSymlinks))
        } catch {
            throw SystemCallError(operation: "stat", path: name ?? String(cString: path), code: error)
        }
    }

    /// The status of `path`, or nil when it cannot be had (missing, unreadable).
    public static func of(_ path: String, followSymlinks: Bool = true) -> FileStatus? {
        try? FileStatus(path: path, followSymlinks: followSymlinks)
    }
}
