import Platform
import CLibGit2
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// File-system pieces of the working-tree snapshot (`Repository+WorkingTree.swift`): dirent
// types, git's stat comparison, the extension prefilter and the directory reader.

let typeUnknown: UInt8 = 0
let typeDirectory: UInt8 = 4
let typeRegular: UInt8 = 8
let typeOther: UInt8 = 1

let slash = UInt8(ascii: "/")
let dot = UInt8(ascii: ".")

@inline(__always)
func isRegular(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFREG }

func gitMode(_ st: stat) -> UInt32 {
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
            let n = SystemCall.retryOnInterrupt { codesearch_getdents64(fd, buffer, UInt(DirectoryReader.size)) }
            if n == 0 { return true }
            if n < 0 { return false }
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
