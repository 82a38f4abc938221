import Platform

/// The writer lock: a `FileLock` (`flock(2)`) on a lock file beside the index. Released
/// when the value is released (or the process dies, even by `kill -9`).
public final class IndexLock: Sendable {
    public var path: String { lock.path }
    private let lock: FileLock

    private init(_ lock: FileLock) {
        self.lock = lock
    }

    /// Takes the lock, or returns nil at once when another writer holds it.
    public static func tryAcquire(path: String) throws -> IndexLock? {
        try FileLock.tryAcquire(path: path).map(IndexLock.init)
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
