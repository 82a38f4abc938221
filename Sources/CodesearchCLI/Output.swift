import Platform
import Foundation
import Printers

/// Buffered standard output, the one way results reach stdout, and one function for
/// diagnostics on standard error.
///
/// A failed write is reported once (`codesearch: error writing output: No space left on
/// device`) and ends the run with status 2, so `codesearch functions > /dev/full` never
/// looks like a search that found nothing. A closed pipe (`codesearch ... | head`) ends the
/// run quietly with status 0, as grep and ripgrep do: the reader has what it wanted.
final class Output: TextSink, @unchecked Sendable {
    static let standard = Output(stream: .output)

    private let stream: StandardStream
    private var buffer: [UInt8] = []
    private let lock = NSLock()

    init(stream: StandardStream) { self.stream = stream }

    /// SIGPIPE would kill the process with status 141; a closed pipe is not an error for a search tool.
    static func ignoreBrokenPipe() {
        Signal.brokenPipe.ignore()
    }

    func write(_ text: String) {
        write(bytes: Array(text.utf8))
    }

    /// Raw bytes, for output that is not text (a path git holds as non-UTF-8 bytes).
    func write(bytes: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        buffer.append(contentsOf: bytes)
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
        do throws(Errno) {
            try stream.writeAll(buffer)
        } catch {
            Self.writeFailed(error)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the run after a failed write to standard output: quietly for a closed pipe,
    /// with the reason and status 2 otherwise.
    static func writeFailed(_ code: Errno) -> Never {
        if code == .brokenPipe { terminate(0) }
        diagnostic("codesearch: error writing output: " + SystemCallError.message(code))
        terminate(2)
    }

    /// A line on standard error (diagnostics and progress never go to stdout).
    static func diagnostic(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether a file descriptor is a terminal (for colour and progress).
    static func isTerminal(_ fd: Int32) -> Bool { StandardStream(rawValue: fd)?.isTerminal ?? false }
}
