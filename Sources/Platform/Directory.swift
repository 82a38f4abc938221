#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPlatform
import SystemPackage

/// A folder open for reading its entries and for calls relative to it (`openat`,
/// `fstatat`): one path component is cheaper for the kernel to look up than a whole path.
/// A plain value, closed explicitly with `close()`: the working-tree walk hands open
/// folders from thread to thread, and copies of one value share one descriptor.
public struct Directory: Sendable {
    let descriptor: FileDescriptor

    /// Opens the folder at `path` (a symlink to a folder is followed, as `cd` would).
    public static func open(_ path: String) throws -> Directory {
        Directory(descriptor: try attempt("open", path) {
            try FileDescriptor.open(path, .readOnly, options: [.directory, .closeOnExec])
        })
    }

    /// Opens the subfolder `name` (NUL-terminated; a relative path is allowed too); nil
    /// when it cannot be opened or is a symlink (`O_NOFOLLOW`: the walk never leaves the tree).
    public func openSubdirectory(_ name: UnsafePointer<CChar>) -> Directory? {
        let fd = retryOnInterrupt {
            openat(descriptor.rawValue, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        }
        return fd < 0 ? nil : Directory(descriptor: FileDescriptor(rawValue: fd))
    }

    /// `openSubdirectory` for a name in bytes, NUL-terminated.
    @inline(__always)
    public func openSubdirectory(_ name: UnsafePointer<UInt8>) -> Directory? {
        // Safe: UInt8 and CChar are layout-identical, and Swift lets memory bound to one
        // be read as the other (they are "related types"); the name is NUL-terminated.
        openSubdirectory(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    }

    /// The status of `name` (NUL-terminated) relative to this folder, not following a
    /// final symlink (`fstatat` with `AT_SYMLINK_NOFOLLOW`), or the error.
    public func linkStatus(of name: UnsafePointer<CChar>) -> Result<FileStatus, Errno> {
        do throws(Errno) {
            return .success(FileStatus(try Stat(name, relativeTo: descriptor, flags: .symlinkNoFollow)))
        } catch {
            return .failure(error)
        }
    }

    /// `linkStatus` for a name in bytes, NUL-terminated.
    @inline(__always)
    public func linkStatus(of name: UnsafePointer<UInt8>) -> Result<FileStatus, Errno> {
        // Safe: as in `openSubdirectory`, UInt8 and CChar are related types.
        linkStatus(of: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    }

    public func close() {
        try? descriptor.close()
    }
}

/// Reads a folder's entries: `getdents64` on Linux (raw records with their d_type, and none
/// of fdopendir's extra fstat and fcntl calls: the working-tree walk reads every folder of
/// a repository), `readdir` elsewhere. Holds a 64 KB buffer: one reader per thread.
public final class DirectoryReader {
    public enum EntryKind: Sendable { case directory, regularFile, other }

    private static let size = 64 << 10
    private let buffer = UnsafeMutableRawPointer.allocate(byteCount: DirectoryReader.size, alignment: 8)

    public init() {}

    deinit { buffer.deallocate() }

    /// Calls `body` with each entry's name (NUL-terminated, valid only during the call), its
    /// length in bytes and its kind, skipping "." and ".." and an entry named `skipped`
    /// (before its kind is looked up). A symlink is `.other`. False when the folder could
    /// not be read to its end.
    public func forEachEntry(in directory: Directory, skipping skipped: StaticString? = nil,
                             _ body: (UnsafePointer<UInt8>, Int, EntryKind) -> Void) -> Bool {
        let fd = directory.descriptor.rawValue
        #if os(Linux)
        while true {
            let n = retryOnInterrupt { codesearch_getdents64(fd, buffer, UInt(DirectoryReader.size)) }
            if n == 0 { return true }
            if n < 0 { return false }
            // Safe: getdents64 fills the buffer with whole `linux_dirent64` records and
            // returns their total length `n`; each record's `d_reclen` is its whole length
            // (fixed fields, the NUL-terminated name, padding to 8 bytes). So every `offset`
            // reached below while `offset < n` starts a record inside the filled bytes, and
            // its fields (d_reclen at 16, d_type at 18) and name (from 19, up to its NUL)
            // lie inside that record.
            var offset = 0
            while offset < n {
                let record = buffer + offset
                let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                let type = record.load(fromByteOffset: 18, as: UInt8.self)
                let name = UnsafePointer((record + 19).assumingMemoryBound(to: UInt8.self))
                offset += length
                deliver(name, type, skipped, directory, body)
            }
        }
        #else
        // Darwin has no getdents64 (its getdirentries is deprecated): readdir on a
        // duplicate, since closedir closes the descriptor it was given.
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { Darwin.close(copy) }
            return false
        }
        defer { closedir(stream) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(stream) {
            // Safe: readdir's entry stays valid until the next readdir on this stream, and
            // its d_name is NUL-terminated inside the entry.
            let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
            deliver(name, entry.pointee.d_type, skipped, directory, body)
        }
        return true
        #endif
    }

    @inline(__always)
    private func deliver(_ name: UnsafePointer<UInt8>, _ type: UInt8, _ skipped: StaticString?, _ directory: Directory,
                         _ body: (UnsafePointer<UInt8>, Int, EntryKind) -> Void) {
        let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        if name[0] == UInt8(ascii: ".") && (length == 1 || (length == 2 && name[1] == UInt8(ascii: "."))) { return }
        if let skipped, skipped.utf8CodeUnitCount == length,
           memcmp(skipped.utf8Start, name, length) == 0 { return }
        body(name, length, DirectoryReader.kind(type, of: name, in: directory))
    }

    // d_type values, the same on Linux and Darwin (<dirent.h>).
    private static let typeUnknown: UInt8 = 0
    private static let typeDirectory: UInt8 = 4
    private static let typeRegular: UInt8 = 8

    /// The entry's kind from its d_type, or from an lstat when the file system does not
    /// fill d_type in.
    @inline(__always)
    private static func kind(_ type: UInt8, of name: UnsafePointer<UInt8>, in directory: Directory) -> EntryKind {
        switch type {
        case typeDirectory: return .directory
        case typeRegular: return .regularFile
        case typeUnknown:
            guard case .success(let status) = directory.linkStatus(of: name) else { return .other }
            return status.isRegularFile ? .regularFile : (status.isDirectory ? .directory : .other)
        default: return .other
        }
    }
}
