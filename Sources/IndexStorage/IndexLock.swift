#if canImport(Glibc)
import Platform
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The writer lock: `flock(2)` on a lock file beside the index. Released
/// when the value is released (or the process dies, even by `kill -9`).
public final class IndexLock: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Takes the lock, or returns nil at once when another writer holds it.
    public static func tryAcquire(path: String) throws -> IndexLock? {
        let fd = try SystemCall.open(path, O_RDWR | O_CREAT | O_CLOEXEC)
        if SystemCall.retryOnInterrupt({ flock(fd, LOCK_EX | LOCK_NB) }) == 0 { return IndexLock(path: path, fd: fd) }
        let code = errno
        close(fd)
        if code == EWOULDBLOCK { return nil }
        throw SystemCallError(operation: "lock", path: path, code: code)
    }

    /// Waits until the lock is free. Polls rather than blocking a thread of the
    /// cooperative pool; cancelling the task ends the wait with `CancellationError`.
    public static func acquire(path: String, pollInterval: Duration = .milliseconds(25)) async throws -> IndexLock {
        while true {
            if let lock = try tryAcquire(path: path) { return lock }
            try await Task.sleep(for: pollInterval)
        }
    }
}
