import Platform
import ByteCoding
import CLibGit2
import Foundation
import Hashing

/// The entries of a repository's index file with their cached stat data, as the
/// working-tree snapshot needs them, read by libgit2 (git data is only ever read
/// through libgit2: the format, its extensions and its checksum stay libgit2's business).
///
/// libgit2's reader costs 7–9 ms for 6,000 entries (it hashes the file twice and
/// allocates every entry), a third of a no-op `codesearch index`. So what it read can be
/// kept in an entry cache (`IndexEntryCache`), a file of our own keyed by the index
/// file's stat data and its final bytes, and read back in well under a millisecond
/// while the index file is unchanged.
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
    /// Whether the entries came from the entry cache rather than from libgit2.
    private(set) var fromCache = false
    /// The libgit2 index the entries point into, or the cache file's bytes.
    private var libgit2Index: OpaquePointer?
    private var cacheBytes: UnsafeMutableRawBufferPointer?

    deinit {
        if let libgit2Index { git_index_free(libgit2Index) }
        cacheBytes?.deallocate()
    }

    /// Reads the index of `repository` (its handle must be locked by the caller), whose
    /// file is at `path`. A missing file is an empty index. With `cachePath`, the entry
    /// cache there is used when it was made from this very index file, and rewritten when
    /// not; any failure of the cache only means libgit2 reads the index.
    init(path: String, repository handle: OpaquePointer, cachePath: String? = nil) throws {
        // Taken before libgit2 reads the file, so no entry is newer than the stamp (and a
        // cache written from what libgit2 read is keyed no later than what it holds).
        let key = IndexEntryCache.Key(indexPath: path)
        modificationTime = key.map { ($0.mtimeSeconds, $0.mtimeNanoseconds) }
        if let cachePath, let key, let (bytes, entries) = IndexEntryCache.load(path: cachePath, key: key) {
            cacheBytes = bytes
            self.entries = entries
            fromCache = true
            return
        }
        try readWithLibgit2(handle)
        if let cachePath, let key { IndexEntryCache.store(entries, key: key, path: cachePath) }
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
                // Safe: libgit2's entry path is NUL-terminated and lives as long as `index`,
                // which this object frees only in deinit.
                path: UnsafeRawPointer(p.path).assumingMemoryBound(to: UInt8.self), pathLength: Bytes.length(ofCString: p.path)))
        }
    }
}

/// A file of our own holding what libgit2 read from an index file, so that a command
/// that finds the index unchanged does not pay for libgit2's reader again.
///
/// It is keyed by the index file's stat data (device, inode, size, modification and
/// status-change times to the nanosecond) and its last 32 bytes, which git fills with a
/// hash of everything before them (SHA-1 or SHA-256). libgit2 itself decides whether
/// to re-read an index on its stat data and that checksum. Git replaces the index by
/// renaming a new file over it, so each version has its own inode and times.
///
/// Layout (little-endian, through `ByteWriter`): a header (magic, version, entry count,
/// path bytes, the key, an XXH64 of all that follows the header), then one 72-byte record
/// per entry, then the NUL-terminated paths.
/// The file is written beside itself and renamed into place; a file that fails any
/// check is ignored (and replaced on the next read through libgit2).
enum IndexEntryCache {
    static let magic: UInt64 = 0x3130_6863_7864_6963  // "cidxch01"
    static let version: UInt32 = 1
    static let headerSize = 8 + 4 + 4 + 8 + Key.size + 8
    static let recordSize = 72
    static let tailSize = 32

    struct Key: Equatable {
        static let size = 7 * 8 + IndexEntryCache.tailSize
        var device: Int, inode: Int, size: Int
        var mtimeSeconds: Int, mtimeNanoseconds: Int, ctimeSeconds: Int, ctimeNanoseconds: Int
        var tail: [UInt8]

        /// The key of the index file at `indexPath`, nil when it cannot be read (no file:
        /// an empty index, not worth a cache).
        init?(indexPath: String) {
            guard let file = try? OpenFile.open(indexPath), let st = try? file.status(),
                  st.size >= IndexEntryCache.tailSize else { return nil }
            device = Int(truncatingIfNeeded: st.device)
            inode = Int(truncatingIfNeeded: st.inode)
            size = st.size
            (mtimeSeconds, mtimeNanoseconds) = st.modified
            (ctimeSeconds, ctimeNanoseconds) = st.changed
            guard let tail = try? file.read(at: st.size - IndexEntryCache.tailSize, upTo: IndexEntryCache.tailSize),
                  tail.count == IndexEntryCache.tailSize else { return nil }
            self.tail = tail
        }

        init?(bytes: UnsafeRawBufferPointer) {
            guard bytes.count == Key.size else { return nil }
            var r = ByteReader(bytes)
            guard let words = try? (0..<7).map({ _ in Int(try r.i64()) }), let tail = try? r.bytes(IndexEntryCache.tailSize)
            else { return nil }
            (device, inode, size) = (words[0], words[1], words[2])
            (mtimeSeconds, mtimeNanoseconds, ctimeSeconds, ctimeNanoseconds) = (words[3], words[4], words[5], words[6])
            self.tail = tail
        }

        func write(into w: inout ByteWriter) {
            for word in [device, inode, size, mtimeSeconds, mtimeNanoseconds, ctimeSeconds, ctimeNanoseconds] {
                w.i64(Int64(word))
            }
            w.raw(tail)
        }
    }

    /// The cache at `path` when it was made for `key` and passes every check: its bytes
    /// (to be deallocated by the caller) and the entries pointing into them.
    static func load(path: String, key: Key) -> (UnsafeMutableRawBufferPointer, [CachedIndex.Entry])? {
        guard let file = try? OpenFile.open(path), let size = try? file.size(),
              size >= headerSize, size < 1 << 32 else { return nil }
        // Safe: the file is read into the first `size` bytes of a buffer of `size + 1`; the
        // entries point into it, and the caller keeps it until they are dropped.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size + 1, alignment: 16)
        let done = (try? file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<size]))) ?? -1
        guard done == size, let entries = parse(UnsafeRawBufferPointer(rebasing: buffer[..<size]), key: key) else {
            buffer.deallocate()
            return nil
        }
        return (buffer, entries)
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, key: Key) -> [CachedIndex.Entry]? {
        var header = ByteReader(bytes)
        guard (try? header.u64()) == magic, (try? header.u32()) == version,
              let count = try? header.int(), let pathBytes = try? header.u64(),
              let stored = try? Key(bytes: header.raw(Key.size)), stored == key, let hash = try? header.u64(),
              pathBytes < 1 << 32, bytes.count == headerSize + count * recordSize + Int(pathBytes),
              hash == XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[headerSize...])) else { return nil }
        // The size matches the count, so every record and the path blob lie inside `bytes`.
        let records = UnsafeRawBufferPointer(rebasing: bytes[headerSize..<(headerSize + count * recordSize)])
        let paths = (bytes.baseAddress! + headerSize + count * recordSize).assumingMemoryBound(to: UInt8.self)
        var entries: [CachedIndex.Entry] = []
        entries.reserveCapacity(count)
        for i in 0..<count {
            let at = i * recordSize
            func u32(_ k: Int) -> UInt32 { records.u32(at: at + k * 4) }
            let offset = Int(u32(10)), length = Int(u32(11))
            guard offset + length < Int(pathBytes), paths[offset + length] == 0 else { return nil }
            entries.append(CachedIndex.Entry(
                ctimeSeconds: u32(0), ctimeNanoseconds: u32(1), mtimeSeconds: u32(2), mtimeNanoseconds: u32(3),
                ino: u32(4), mode: u32(5), uid: u32(6), gid: u32(7), size: u32(8),
                id: UnsafePointer((records.baseAddress! + at + 48).assumingMemoryBound(to: UInt8.self)),
                flags: records.u16(at: at + 36), flagsExtended: records.u16(at: at + 38),
                path: UnsafePointer(paths + offset), pathLength: length))
        }
        return entries
    }

    /// Writes the cache for `entries`, read from the index file `key` describes. Quietly
    /// does nothing when it cannot (a read-only repository, a full disk).
    static func store(_ entries: [CachedIndex.Entry], key: Key, path: String) {
        var pathBlob = ByteWriter()
        var body = ByteWriter(capacity: entries.count * recordSize)
        for e in entries {
            let offset = pathBlob.count
            pathBlob.raw(UnsafeBufferPointer(start: e.path, count: e.pathLength))
            pathBlob.u8(0)
            for word in [e.ctimeSeconds, e.ctimeNanoseconds, e.mtimeSeconds, e.mtimeNanoseconds,
                         e.ino, e.mode, e.uid, e.gid, e.size] {
                body.u32(word)
            }
            body.u16(e.flags)
            body.u16(e.flagsExtended)
            body.u32(UInt32(offset))
            body.u32(UInt32(e.pathLength))
            body.raw(UnsafeBufferPointer(start: e.id, count: 20))
            body.zeros(4)
        }
        guard pathBlob.count < 1 << 32 else { return }
        body.raw(pathBlob.bytes)
        var w = ByteWriter(capacity: headerSize + body.count)
        w.u64(magic)
        w.u32(version)
        w.u32(UInt32(entries.count))
        w.u64(UInt64(pathBlob.count))
        key.write(into: &w)
        w.u64(XXHash64.hash(body.bytes))
        w.raw(body.bytes)
        let file = w.bytes

        let directory = (path as NSString).deletingLastPathComponent
        _ = try? FileSystem.createDirectory(directory, permissions: 0o777)
        // Its own temporary name, not `replaceAtomically`'s per-process one: this file is
        // shared by every worktree's processes, and `.tmp` is how one writer at a time is chosen.
        let temporary = path + ".tmp"
        guard let written = writeTemporary(temporary, file) else { return }
        if !written || (try? FileSystem.rename(temporary, to: path)) == nil { FileSystem.removeQuietly(temporary) }
        pruneStale(besides: path)
    }

    /// Creates `temporary` (never an existing one) and writes `bytes` to it, closing it
    /// before returning: whether they were all written, or nil when another writer has
    /// the file. A temporary file left by a writer killed a minute ago or more is in
    /// nobody's hands, and is removed first.
    private static func writeTemporary(_ temporary: String, _ bytes: [UInt8]) -> Bool? {
        var output: OpenFile?
        do {
            output = try OpenFile.open(temporary, .creatingNew)
        } catch let error as SystemCallError where error.code == .fileExists {
            if let st = FileStatus.of(temporary), now() - st.modified.seconds >= 60 {
                FileSystem.removeQuietly(temporary)
                output = try? OpenFile.open(temporary, .creatingNew)
            }
        } catch {}
        guard let output else { return nil }
        return (try? output.write(bytes)) != nil
    }

    /// How long another worktree's cache may go unwritten before it is taken for the cache
    /// of a worktree that was removed: at worst, a worktree idle that long reads its index
    /// through libgit2 once more.
    static let staleAge = 30 * 24 * 3600

    /// Deletes the caches beside `path` (other worktrees') not written for `staleAge`.
    private static func pruneStale(besides path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let now = now()
        for name in FileSystem.entryNames(in: directory) {
            guard name.hasPrefix("entries-"), name.hasSuffix(".cache") else { continue }
            let sibling = directory + "/" + name
            if sibling != path, let st = FileStatus.of(sibling), now - st.modified.seconds >= staleAge {
                FileSystem.removeQuietly(sibling)
            }
        }
    }

    /// The wall-clock time in whole seconds since 1970, as file times count.
    private static func now() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
