#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The calls as they were before the platform layer moved onto swift-system, kept while
/// the modules move to `OpenFile`, `FileSystem` and the rest; removed when none calls them.
public enum SystemCall {
    public static func message(_ code: Int32) -> String {
        SystemCallError.message(Errno(rawValue: code)).lowercased()
    }

    public static func message(_ code: Errno) -> String {
        SystemCallError.message(code).lowercased()
    }

    @discardableResult
    public static func check(_ result: Int32, _ operation: String, _ path: String) throws -> Int32 {
        if result < 0 { throw SystemCallError(operation: operation, path: path, code: errno) }
        return result
    }

    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        let fd = retryOnInterrupt { Glibc_open(path, flags, mode) }
        if fd < 0 { throw SystemCallError(operation: "open", path: path, code: errno) }
        return fd
    }

    /// Runs a C call again while it fails with `EINTR` (a signal arrived before it did
    /// anything); any other result, success or failure, is returned with `errno` as it left it.
    @inline(__always)
    public static func retryOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// Opens a file for reading and returns it with its size; nil when it does not exist,
    /// so callers can tell "not there yet" from a failure.
    public static func openForReading(_ path: String) throws -> (fd: Int32, size: Int)? {
        let fd = retryOnInterrupt { Glibc_open(path, O_RDONLY | O_CLOEXEC, 0) }
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SystemCallError(operation: "open", path: path, code: errno)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw SystemCallError(operation: "stat", path: path, code: code)
        }
        return (fd, Int(st.st_size))
    }

    public static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < buffer.count {
            // Safe: done < buffer.count, so the pointer and length stay inside the buffer.
            let n = retryOnInterrupt { write(fd, buffer.baseAddress! + done, buffer.count - done) }
            if n < 0 { throw SystemCallError(operation: "write", path: path, code: errno) }
            done += n
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    public static func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = retryOnInterrupt { pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
                if n < 0 { throw SystemCallError(operation: "write", path: path, code: errno) }
                done += n
            }
        }
    }

    /// Reads a whole file; nil when it does not exist.
    public static func readFile(_ path: String) throws -> [UInt8]? {
        guard let (fd, size) = try openForReading(path) else { return nil }
        defer { close(fd) }
        return try readBytes(fd, count: size, path: path)
    }

    /// The first `count` bytes of a file (fewer when it is shorter).
    public static func readPrefix(_ path: String, count: Int) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        return try readBytes(fd, count: count, path: path)
    }

    /// Up to `count` bytes from `fd`, fewer at end of file; retried on EINTR.
    private static func readBytes(_ fd: Int32, count: Int, path: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        try out.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = retryOnInterrupt { read(fd, buffer.baseAddress! + done, count - done) }
                if n < 0 { throw SystemCallError(operation: "read", path: path, code: errno) }
                if n == 0 { break }
                done += n
            }
        }
        return Array(out[0..<done])
    }

    /// Replaces `path` with the file `write` fills: a new file beside it (created with
    /// `O_EXCL`, so never an existing one followed), fsynced, renamed over `path`, and the
    /// folder fsynced when `durable`. A reader sees the old file or the new, never a mix;
    /// on any failure the temporary file is removed and `path` is left as it was.
    /// The temporary name holds this process's id: a leftover with that name is this
    /// process's own and is removed first. Callers serialise writers of one `path`.
    public static func replaceAtomically(_ path: String, mode: mode_t = 0o644, durable: Bool = true,
                                         _ write: (Int32) throws -> Void) throws {
        let temporary = "\(path).tmp-\(getpid())"
        unlink(temporary)
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode: mode)
        do {
            try write(fd)
            // The mode asked for, whatever the umask took away (hooks must stay executable).
            try check(fchmod(fd, mode), "chmod", temporary)
            if durable { try check(retryOnInterrupt { fsync(fd) }, "fsync", temporary) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw SystemCallError(operation: "rename", path: path, code: code)
        }
        if durable { try fsyncDirectory(of: path) }
    }

    public static func fsyncDirectory(of path: String) throws {
        let directory = parentDirectory(of: path)
        let fd = try open(directory, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        try check(fsync(fd), "fsync", directory)
    }

    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    public static func fileSize(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    public static func remove(_ path: String) throws {
        if unlink(path) < 0 && errno != ENOENT {
            throw SystemCallError(operation: "remove", path: path, code: errno)
        }
    }
}

// `open` is variadic in C; this spelling keeps the mode argument explicit.
@inline(__always)
public func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags, mode)
    #else
    return Darwin.open(path, flags, mode)
    #endif
}

extension SystemCallError {
    /// With `errno` as an integer, as the calls above have it.
    public init(operation: String, path: String, code: Int32) {
        self.init(operation: operation, path: path, code: Errno(rawValue: code))
    }
}
