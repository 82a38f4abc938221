import CLibGit2
import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The entries of a repository's index file with their cached stat data, as the
/// working-tree snapshot needs them.
///
/// The file is read and parsed here (git's index format, versions 2 to 4, checked
/// against its trailing SHA-1) because libgit2's reader, which builds a hash map and
/// a heap entry per path, costs several times the whole parse on a large index. An
/// index this reader does not handle (a split or sparse index, any other mandatory
/// extension, anything malformed) is read by libgit2 instead, which also reports
/// what is wrong with a broken one.
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
    /// The mapped file (paths and ids point into it; v4's paths into `storage`).
    private var mapping: (UnsafeMutableRawPointer, Int)?
    /// v4's expanded paths.
    private var storage: [UnsafeMutableRawPointer] = []
    /// The libgit2 index the entries point into, when libgit2 read it.
    private var libgit2Index: OpaquePointer?

    deinit {
        if let (start, size) = mapping { munmap(start, size) }
        for block in storage { block.deallocate() }
        if let libgit2Index { git_index_free(libgit2Index) }
    }

    /// Reads the index of `repository` (its handle must be locked by the caller):
    /// the file at `path`, or through libgit2 when this reader declines it. A missing
    /// file is an empty index.
    init(path: String, repository handle: OpaquePointer) throws {
        if (try? parse(path: path)) == true { return }
        if let (start, size) = mapping { munmap(start, size) }
        mapping = nil
        for block in storage { block.deallocate() }
        storage = []
        entries = []
        // Taken before libgit2 reads the file, so no entry is newer than the stamp.
        var st = stat()
        modificationTime = stat(path, &st) == 0 ? fileModificationTime(st) : nil
        try readWithLibgit2(handle)
    }

    private struct Declined: Error {}

    // MARK: git's format

    /// Parses the file; false when it does not exist (an empty index); throws `Declined`
    /// for what libgit2 should read.
    private func parse(path: String) throws -> Bool {
        let fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return true }
            throw Declined()
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= 12 + 20 else { throw Declined() }
        modificationTime = fileModificationTime(st)
        let size = Int(st.st_size)
        // Mapped, as git maps it: git replaces an index by renaming a new file over it,
        // never by rewriting it in place, so the mapping stays whole.
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else { throw Declined() }
        mapping = (mapped, size)
        let block = UnsafeMutableRawPointer(mapped)
        let bytes = UnsafeRawBufferPointer(start: block, count: size)
        try verifyChecksum(bytes)

        guard bytes.loadBigEndian32(0) == 0x4449_5243 else { throw Declined() }  // "DIRC"
        let version = bytes.loadBigEndian32(4)
        guard (2...4).contains(version) else { throw Declined() }
        let count = Int(bytes.loadBigEndian32(8))
        let end = size - 20
        var offset = 12
        entries.reserveCapacity(count)

        // v4: each path is the previous one, less some trailing bytes, plus a suffix.
        var expanded: [UInt8] = []
        var expandedOffsets: [Int] = []
        var previous: [UInt8] = []
        if version == 4 { expanded.reserveCapacity(count * 48) }

        for _ in 0..<count {
            guard offset + 62 <= end else { throw Declined() }
            let flags = UInt16(truncatingIfNeeded: bytes.loadBigEndian16(offset + 60))
            let extended = flags & 0x4000 != 0
            if extended && version < 3 { throw Declined() }
            var flagsExtended: UInt16 = 0
            var pathStart = offset + 62
            if extended {
                guard pathStart + 2 <= end else { throw Declined() }
                flagsExtended = UInt16(truncatingIfNeeded: bytes.loadBigEndian16(pathStart))
                pathStart += 2
            }
            var entry = Entry(
                ctimeSeconds: bytes.loadBigEndian32(offset), ctimeNanoseconds: bytes.loadBigEndian32(offset + 4),
                mtimeSeconds: bytes.loadBigEndian32(offset + 8), mtimeNanoseconds: bytes.loadBigEndian32(offset + 12),
                ino: bytes.loadBigEndian32(offset + 20), mode: bytes.loadBigEndian32(offset + 24),
                uid: bytes.loadBigEndian32(offset + 28), gid: bytes.loadBigEndian32(offset + 32),
                size: bytes.loadBigEndian32(offset + 36),
                id: UnsafePointer(block.assumingMemoryBound(to: UInt8.self) + offset + 40),
                flags: flags, flagsExtended: flagsExtended,
                path: UnsafePointer(block.assumingMemoryBound(to: UInt8.self)), pathLength: 0)
            let base = block.assumingMemoryBound(to: UInt8.self)
            if version == 4 {
                var p = pathStart
                guard p < end else { throw Declined() }
                var c = base[p]; p += 1
                var strip = Int(c & 127)
                while c & 128 != 0 {
                    guard p < end, strip < 1 << 24 else { throw Declined() }
                    strip += 1
                    c = base[p]; p += 1
                    strip = (strip << 7) + Int(c & 127)
                }
                guard strip <= previous.count else { throw Declined() }
                let suffixStart = p
                while p < end && base[p] != 0 { p += 1 }
                guard p < end else { throw Declined() }
                previous.removeLast(strip)
                previous.append(contentsOf: UnsafeBufferPointer(start: base + suffixStart, count: p - suffixStart))
                expandedOffsets.append(expanded.count)
                expanded.append(contentsOf: previous)
                expanded.append(0)
                entry.pathLength = previous.count
                offset = p + 1
            } else {
                let declared = Int(flags & 0xfff)
                var length = declared
                if declared == 0xfff {
                    var p = pathStart + 0xfff
                    while p < end && base[p] != 0 { p += 1 }
                    length = p - pathStart
                }
                guard pathStart + length < end, base[pathStart + length] == 0 else { throw Declined() }
                entry.path = UnsafePointer(base + pathStart)
                entry.pathLength = length
                // Entries are padded with NULs to a multiple of 8 bytes.
                offset += ((pathStart - offset) + length + 8) & ~7
            }
            guard entry.pathLength > 0 else { throw Declined() }
            entries.append(entry)
        }
        guard offset <= end else { throw Declined() }

        // Extensions: an optional one (upper-case first letter) can be skipped; a
        // mandatory one (a split index's "link", a sparse index's "sdir") changes what
        // the entries mean.
        while offset + 8 <= end {
            let first = bytes[offset]
            let length = Int(bytes.loadBigEndian32(offset + 4))
            guard first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") else { throw Declined() }
            guard offset + 8 + length <= end else { throw Declined() }
            offset += 8 + length
        }
        guard offset == end else { throw Declined() }

        if version == 4 {
            let paths = UnsafeMutableRawPointer.allocate(byteCount: max(expanded.count, 1), alignment: 1)
            storage.append(paths)
            expanded.withUnsafeBytes { paths.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let start = paths.assumingMemoryBound(to: UInt8.self)
            for i in entries.indices { entries[i].path = UnsafePointer(start + expandedOffsets[i]) }
        }
        return true
    }

    /// The trailing SHA-1 of everything before it (all zeros when git was told to skip it).
    private func verifyChecksum(_ bytes: UnsafeRawBufferPointer) throws {
        let body = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 20)])
        let trailer = UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 20)...])
        if trailer.allSatisfy({ $0 == 0 }) { return }
        let digest = Insecure.SHA1.hash(data: body)
        guard digest.withUnsafeBytes({ $0.elementsEqual(trailer) }) else { throw Declined() }
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

private extension UnsafeRawBufferPointer {
    @inline(__always)
    func loadBigEndian32(_ offset: Int) -> UInt32 {
        loadUnaligned(fromByteOffset: offset, as: UInt32.self).bigEndian
    }

    @inline(__always)
    func loadBigEndian16(_ offset: Int) -> UInt32 {
        UInt32(loadUnaligned(fromByteOffset: offset, as: UInt16.self).bigEndian)
    }
}
