#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock(2)`), held until this object is released,
/// or the process ends, even by `kill -9`.
public final class FileLock: @unchecked Sendable {  // immutable; flock is per open file
    public let path: String
    private let file: OpenFile

    private init(_ file: OpenFile) {
        self.file = file
        path = file.path
    }

    deinit {
        flock(file.descriptor.rawValue, LOCK_UN)
    }

    /// Takes the lock, creating the file when missing; nil at once when another holder has it.
    public static func tryAcquire(path: String) throws -> FileLock? {
        let file = try OpenFile.open(path, .readingAndWriting)
        if retryOnInterrupt({ flock(file.descriptor.rawValue, LOCK_EX | LOCK_NB) }) == 0 { return FileLock(file) }
        if errno == EWOULDBLOCK { return nil }
        throw SystemCallError("lock", path)
    }
}
