#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
import MachO
#endif
import CPlatform
import SystemPackage

/// Calls about this process: its id and executable, how it ends, replacing it, priority.
public enum CurrentProcess {
    public static var id: Int32 { getpid() }

    /// The path of this process's executable (`/proc/self/exe` on Linux,
    /// `_NSGetExecutablePath` on Darwin), or nil.
    public static func executablePath() -> String? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count)
        guard n > 0, n < buffer.count else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        guard _NSGetExecutablePath(&buffer, &size) == 0 else { return nil }
        return String(cString: buffer)
        #endif
    }

    /// Ends the process now: C standard I/O flushed (unless `flushing` is false: a flush
    /// can wait on a stream another thread holds), then `_exit`, so no exit handler runs
    /// (see `terminate` in Sources/codesearch for why).
    public static func exitImmediately(_ status: Int32, flushing: Bool = true) -> Never {
        if flushing { fflush(nil) }
        _exit(status)
    }

    /// Ends the process through `exit`: the C exit handlers run and standard I/O is flushed.
    public static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    /// Replaces this process with `path` run with `arguments`, the first being its name
    /// (`execv`; the environment is kept). Returns only when it could not, with the reason.
    public static func execute(_ path: String, arguments: [String]) -> SystemCallError {
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        execv(path, argv)
        return SystemCallError("execute", path)
    }

    /// Drops this process to the lowest CPU priority (nice 19) and the idle I/O class (see
    /// `codesearch_set_io_idle`); what took effect: the nice value, and the I/O class
    /// (3 idle, 2 best effort, 0 none, -1 unknown).
    public static func lowerPriority() -> (nice: Int, ioClass: Int) {
        #if canImport(Glibc)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        #else
        let which = PRIO_PROCESS
        #endif
        errno = 0
        _ = setpriority(which, 0, 19)
        _ = codesearch_set_io_idle()
        errno = 0
        return (Int(getpriority(which, 0)), Int(codesearch_io_class()))
    }
}

/// A signal this process may receive.
public struct Signal: Sendable, Equatable {
    public let rawValue: Int32

    public static let interrupt = Signal(rawValue: SIGINT)
    public static let terminate = Signal(rawValue: SIGTERM)
    public static let brokenPipe = Signal(rawValue: SIGPIPE)
    public static let childExited = Signal(rawValue: SIGCHLD)

    /// From now on the signal does nothing (`SIG_IGN`); for SIGCHLD, children are also
    /// reaped by the kernel without a wait. A dispatch signal source still sees it.
    public func ignore() {
        signal(rawValue, SIG_IGN)
    }
}

/// Standard input, output and error.
public enum StandardStream: Int32, Sendable {
    case input = 0, output = 1, error = 2

    /// Whether the stream is a terminal (for colour and progress).
    public var isTerminal: Bool { isatty(rawValue) == 1 }

    /// Writes all of `bytes` (each `write(2)` retried on EINTR); the error of the first that fails.
    public func writeAll(_ bytes: [UInt8]) throws(Errno) {
        do {
            _ = try FileDescriptor(rawValue: rawValue).writeAll(bytes)
        } catch let code as Errno {
            throw code
        } catch {
            throw .ioError  // swift-system throws only Errno
        }
    }
}
