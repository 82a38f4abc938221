#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// swift-system's `errno` value, named here so that callers of this module can compare
/// codes (`.noSuchFileOrDirectory`) without importing swift-system themselves.
public typealias Errno = SystemPackage.Errno

/// A system call that failed: what was attempted, on which path, and `errno`.
/// The one error type of this module; every C and swift-system failure becomes one here.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Errno

    public init(operation: String, path: String, code: Errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// The error `errno` holds now, for the C call that just failed.
    init(_ operation: String, _ path: String) {
        self.init(operation: operation, path: path, code: Errno(rawValue: errno))
    }

    public var description: String {
        "\(operation) \(path) failed: \(reason); check permissions and free space"
    }

    /// The C library's text for the code, lower-cased ("no such file or directory").
    public var reason: String { SystemCallError.message(code).lowercased() }

    /// The C library's text for `code` as it gives it ("No such file or directory"),
    /// through `strerror_r` (thread-safe, unlike `strerror` for unknown codes).
    public static func message(errno code: Int32) -> String {
        message(Errno(rawValue: code))
    }

    public static func message(_ code: Errno) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            guard let base = buffer.baseAddress else { return "errno \(code.rawValue)" }
            base.initialize(to: 0)
            // glibc declares the GNU strerror_r (returns the text, maybe a static string,
            // not the buffer); Darwin and musl the POSIX one (fills the buffer, returns 0).
            // The overloads below take whichever the headers declare.
            guard let text = errorText(strerror_r(code.rawValue, base, buffer.count), base) else {
                return "errno \(code.rawValue)"
            }
            return String(cString: text)
        }
    }
}

/// GNU `strerror_r`: the text it returned.
@inline(__always)
private func errorText(_ result: UnsafeMutablePointer<CChar>?, _ buffer: UnsafeMutablePointer<CChar>) -> UnsafePointer<CChar>? {
    result.map { UnsafePointer($0) }
}

/// POSIX `strerror_r`: the buffer when it succeeded (it is NUL-terminated then).
@inline(__always)
private func errorText(_ result: Int32, _ buffer: UnsafeMutablePointer<CChar>) -> UnsafePointer<CChar>? {
    result == 0 ? UnsafePointer(buffer) : nil
}

/// Runs a swift-system call, turning the `Errno` it throws into a `SystemCallError`.
@inline(__always)
func attempt<Result>(_ operation: String, _ path: String, _ call: () throws -> Result) throws -> Result {
    do {
        return try call()
    } catch let code as Errno {
        throw SystemCallError(operation: operation, path: path, code: code)
    }
}

/// Runs a C call again while it fails with `EINTR` (a signal arrived before it did
/// anything); any other result, success or failure, is returned with `errno` as it left
/// it. The one such loop for the C calls made here; swift-system retries its own.
@inline(__always)
func retryOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}

/// A C call's result checked: a negative one throws `SystemCallError` with `errno`.
@inline(__always)
@discardableResult
func check<Result: BinaryInteger>(_ result: Result, _ operation: String, _ path: String) throws -> Result {
    if result < 0 { throw SystemCallError(operation, path) }
    return result
}
