#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// An open file, closed in `deinit`: a swift-system `FileDescriptor` with the path it was
/// opened by, so each failure names its file. Every descriptor is opened close-on-exec.
public final class OpenFile: Sendable {
    public let path: String
    let descriptor: FileDescriptor

    /// How a file is opened.
    public struct Mode: Sendable {
        let access: FileDescriptor.AccessMode
        let options: FileDescriptor.OpenOptions

        /// Reading an existing file.
        public static let reading = Mode(access: .readOnly, options: [])
        /// Reading and writing, created when missing (a journal, a lock file).
        public static let readingAndWriting = Mode(access: .readWrite, options: .create)
        /// Writing, created when missing, never truncated.
        public static let writing = Mode(access: .writeOnly, options: .create)
        /// Appending, created when missing (a log).
        public static let appending = Mode(access: .writeOnly, options: [.create, .append])
        /// Writing a file that must not exist yet (`O_EXCL`: never an existing one, nor a
        /// symlink's target).
        public static let creatingNew = Mode(access: .writeOnly, options: [.create, .exclusiveCreate])
    }

    init(descriptor: FileDescriptor, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { try? descriptor.close() }

    /// Opens `path`; `permissions` apply when the mode creates the file (less the umask).
    public static func open(_ path: String, _ mode: Mode = .reading, permissions: Int = 0o644) throws -> OpenFile {
        try path.withCString { try open(cString: $0, mode, permissions: permissions, named: path) }
    }

    /// Opens a NUL-terminated C path (a git path's original bytes).
    public static func open(cString path: UnsafePointer<CChar>, _ mode: Mode = .reading,
                            permissions: Int = 0o644) throws -> OpenFile {
        try open(cString: path, mode, permissions: permissions, named: nil)
    }

    /// Opens `path` for reading; nil when it does not exist, so callers can tell "not
    /// there yet" from a failure.
    public static func openIfPresent(_ path: String) throws -> OpenFile? {
        do {
            return try open(path)
        } catch let error as SystemCallError where error.code == .noSuchFileOrDirectory {
            return nil
        }
    }

    private static func open(cString path: UnsafePointer<CChar>, _ mode: Mode, permissions: Int,
                             named name: String?) throws -> OpenFile {
        do {
            let descriptor = try FileDescriptor.open(
                path, mode.access, options: mode.options.union(.closeOnExec),
                permissions: FilePermissions(rawValue: CInterop.Mode(permissions)))
            return OpenFile(descriptor: descriptor, path: name ?? String(cString: path))
        } catch let code as Errno {
            throw SystemCallError(operation: "open", path: name ?? String(cString: path), code: code)
        }
    }

    // MARK: reading

    public func status() throws -> FileStatus {
        FileStatus(try attempt("stat", path) { try Stat(descriptor) })
    }

    public func size() throws -> Int { try status().size }

    /// Fills `buffer` from the current offset, stopping early only at the end of the file;
    /// the number of bytes read.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = try attempt("read", path) { try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...])) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Up to `count` bytes from the current offset, fewer at the end of the file.
    public func read(upTo count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let done = try bytes.withUnsafeMutableBytes { try read(into: $0) }
        bytes.removeSubrange(done...)
        return bytes
    }

    /// Everything from the current offset to the end of the file, read in `chunk`-byte
    /// pieces (for a file whose size may change while it is read).
    public func readToEnd(chunk: Int = 1 << 16) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try piece.withUnsafeMutableBytes { raw in try attempt("read", path) { try descriptor.read(into: raw) } }
            if n == 0 { return bytes }
            bytes.append(contentsOf: piece[..<n])
        }
    }

    /// Up to `count` bytes at `offset` (`pread`), fewer at the end of the file; the file's
    /// offset does not move.
    public func read(at offset: Int, upTo count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = try attempt("read", path) {
                    try descriptor.read(fromAbsoluteOffset: Int64(offset + done),
                                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                }
                if n == 0 { break }
                done += n
            }
        }
        bytes.removeSubrange(done...)
        return bytes
    }

    // MARK: writing

    /// Writes all of `buffer` at the current offset.
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        _ = try attempt("write", path) { try descriptor.writeAll(buffer) }
    }

    public func write(_ bytes: [UInt8]) throws {
        _ = try attempt("write", path) { try descriptor.writeAll(bytes) }
    }

    /// Writes all of `bytes` at `offset` (`pwrite`); the file's offset does not move.
    public func write(_ bytes: [UInt8], at offset: Int) throws {
        _ = try attempt("write", path) { try descriptor.writeAll(toAbsoluteOffset: Int64(offset), bytes) }
    }

    /// Truncates or extends the file to `size` bytes (`ftruncate`).
    public func resize(to size: Int) throws {
        try attempt("truncate", path) { try descriptor.resize(to: Int64(size)) }
    }

    public func seekToEnd() throws {
        _ = try attempt("seek", path) { try descriptor.seek(offset: 0, from: .end) }
    }

    /// `fsync`: the file's data and metadata on disk before this returns.
    public func sync() throws {
        try check(retryOnInterrupt { fsync(descriptor.rawValue) }, "fsync", path)
    }

    /// Sets the mode bits whatever the umask took away at creation (`fchmod`).
    public func setPermissions(_ permissions: Int) throws {
        try check(fchmod(descriptor.rawValue, mode_t(permissions)), "chmod", path)
    }
}
