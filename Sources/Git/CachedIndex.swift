import CLibGit2
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entries of a repository's index file with their cached stat data, as the
/// working-tree snapshot needs them, read by libgit2 (git data is only ever read
/// through libgit2; its reader costs about 5 ms for 6,000 entries, a hand-written one
/// about 1, but the format, its extensions and its checksum stay libgit2's business).
final class CachedIndex {
    /// One index entry. `path` and `id` point into memory this object owns.
    struct Entry {
        var ctimeSeconds: UInt32
        var ctimeNanoseconds: UInt32
        var mtimeSeconds: UInt32
        var mtimeNanoseconds: UInt32
        var ino: UInt32
        var mode: UInt32
        var uid: UInt32
        var gid: UInt32
        var size: UInt32
        /// The 20 bytes of the blob id.
        var id: UnsafePointer<UInt8>
        var flags: UInt16
        var flagsExtended: UInt16
        /// NUL-terminated.
        var path: UnsafePointer<UInt8>
        var pathLength: Int

        var stage: Int { (Int(flags) & 0x3000) >> 12 }
        var assumeUnchanged: Bool { flags & 0x8000 != 0 }
        var skipWorktree: Bool { flagsExtended & 0x4000 != 0 }
        var intentToAdd: Bool { flagsExtended & 0x2000 != 0 }
        var blobID: BlobID { BlobID(bytes: Array(UnsafeBufferPointer(start: id, count: 20)))! }
    }

    private(set) var entries: [Entry] = []
    /// The index file's modification time (seconds, nanoseconds) from before its entries
    /// were read, or nil without a file: what racily clean entries are judged against.
    private(set) var modificationTime: (Int, Int)?
    /// The libgit2 index the entries point into.
    private var libgit2Index: OpaquePointer?

    deinit {
        if let libgit2Index { git_index_free(libgit2Index) }
    }

    /// Reads the index of `repository` (its handle must be locked by the caller), whose
    /// file is at `path`. A missing file is an empty index.
    init(path: String, repository handle: OpaquePointer) throws {
        // Taken before libgit2 reads the file, so no entry is newer than the stamp.
        var st = stat()
        modificationTime = stat(path, &st) == 0 ? fileModificationTime(st) : nil
        try readWithLibgit2(handle)
    }

    // MARK: libgit2

    private func readWithLibgit2(_ handle: OpaquePointer) throws {
        var index: OpaquePointer?
        try LibGit2.check(git_repository_index(&index, handle), "git_repository_index")
        guard let index else { throw GitError.libgit2(function: "git_repository_index", code: -1, message: "no index") }
        libgit2Index = index
        try LibGit2.check(git_index_read(index, 0), "git_index_read")
        let count = git_index_entrycount(index)
        entries.reserveCapacity(count)
        let idOffset = MemoryLayout<git_index_entry>.offset(of: \git_index_entry.id)!
        for i in 0..<count {
            guard let e = git_index_get_byindex(index, i) else { continue }
            let p = e.pointee
            entries.append(Entry(
                ctimeSeconds: UInt32(bitPattern: p.ctime.seconds), ctimeNanoseconds: p.ctime.nanoseconds,
                mtimeSeconds: UInt32(bitPattern: p.mtime.seconds), mtimeNanoseconds: p.mtime.nanoseconds,
                ino: p.ino, mode: p.mode, uid: p.uid, gid: p.gid, size: p.file_size,
                id: UnsafeRawPointer(e).advanced(by: idOffset).assumingMemoryBound(to: UInt8.self),
                flags: p.flags, flagsExtended: p.flags_extended,
                path: UnsafeRawPointer(p.path).assumingMemoryBound(to: UInt8.self), pathLength: strlen(p.path)))
        }
    }
}

/// A `stat`'s modification time as (seconds, nanoseconds).
@inline(__always)
func fileModificationTime(_ st: stat) -> (Int, Int) {
    #if os(Linux)
    return (Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec))
    #else
    return (Int(st.st_mtimespec.tv_sec), Int(st.st_mtimespec.tv_nsec))
    #endif
}

/// A `stat`'s status-change time as (seconds, nanoseconds).
@inline(__always)
func fileChangeTime(_ st: stat) -> (Int, Int) {
    #if os(Linux)
    return (Int(st.st_ctim.tv_sec), Int(st.st_ctim.tv_nsec))
    #else
    return (Int(st.st_ctimespec.tv_sec), Int(st.st_ctimespec.tv_nsec))
    #endif
}
