import Foundation

/// Buffered standard output that exits quietly when the reader goes away
/// (`codesearch ... | head`), and one function for diagnostics on standard error.
final class Output: @unchecked Sendable {
    static let standard = Output()

    private var buffer: [UInt8] = []
    private let lock = NSLock()

    /// SIGPIPE would kill the process with status 141; a closed pipe is not an error for a search tool.
    static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    func write(_ text: String) {
        lock.lock(); defer { lock.unlock() }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flushLocked() }
    }

    func line(_ text: String) {
        write(text + "\n")
    }

    func flush() {
        lock.lock(); defer { lock.unlock() }
        flushLocked()
    }

    private func flushLocked() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                // EPIPE or any other failure to write results: stop quietly.
                terminate(errno == EPIPE ? 0 : 2)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// A line on standard error (diagnostics and progress never go to stdout).
    static func diagnostic(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether a file descriptor is a terminal (for colour and progress).
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}
