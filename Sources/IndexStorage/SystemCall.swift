#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where C file-system calls become thrown `IndexError`s.
package enum SystemCall {
    package static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text).lowercased()
    }

    @discardableResult
    package static func check(_ result: Int32, _ operation: String, _ path: String) throws -> Int32 {
        if result < 0 { throw IndexError.io(operation: operation, path: path, errno: errno) }
        return result
    }

    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        while true {
            let fd = Glibc_open(path, flags, mode)
            if fd >= 0 { return fd }
            if errno == EINTR { continue }
            throw IndexError.io(operation: "open", path: path, errno: errno)
        }
    }

    /// Opens an index file for reading and returns it with its size; a missing file is
    /// `IndexError.missing`, so callers can tell "no index yet" from a failure.
    package static func openIndexForReading(_ path: String) throws -> (fd: Int32, size: Int) {
        let fd = Glibc_open(path, O_RDONLY | O_CLOEXEC, 0)
        if fd < 0 {
            if errno == ENOENT { throw IndexError.missing(path: path) }
            throw IndexError.io(operation: "open", path: path, errno: errno)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw IndexError.io(operation: "stat", path: path, errno: code)
        }
        return (fd, Int(st.st_size))
    }

    package static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var done = 0
        while done < buffer.count {
            let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw IndexError.io(operation: "write", path: path, errno: errno)
            }
            done += n
        }
    }

    package static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    package static func pwriteAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let n = pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IndexError.io(operation: "write", path: path, errno: errno)
                }
                done += n
            }
        }
    }

    /// Reads a whole file; nil when it does not exist.
    package static func readFile(_ path: String) throws -> [UInt8]? {
        let fd = Glibc_open(path, O_RDONLY | O_CLOEXEC, 0)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw IndexError.io(operation: "open", path: path, errno: errno)
        }
        defer { close(fd) }
        var st = stat()
        try check(fstat(fd, &st), "stat", path)
        return try readBytes(fd, count: Int(st.st_size), path: path)
    }

    /// The first `count` bytes of a file (fewer when it is shorter).
    package static func readPrefix(_ path: String, count: Int) throws -> [UInt8] {
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
                let n = read(fd, buffer.baseAddress! + done, count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw IndexError.io(operation: "read", path: path, errno: errno)
                }
                if n == 0 { break }
                done += n
            }
        }
        return Array(out[0..<done])
    }

    package static func fsyncDirectory(of path: String) throws {
        let directory = parentDirectory(of: path)
        let fd = try open(directory, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        try check(fsync(fd), "fsync", directory)
    }

    package static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    package static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    package static func fileSize(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    package static func remove(_ path: String) throws {
        if unlink(path) < 0 && errno != ENOENT {
            throw IndexError.io(operation: "remove", path: path, errno: errno)
        }
    }
}

// `open` is variadic in C; this spelling keeps the mode argument explicit.
@inline(__always)
package func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.open(path, flags, mode)
    #else
    return Darwin.open(path, flags, mode)
    #endif
}
