import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to 127.0.0.1 driven byte by byte, to test what a server does with
/// clients no HTTP library would be: too large, too slow, silent. Closed on `deinit`.
public final class RawConnection {
    private var fd: Int32

    /// Connects (blocking) to 127.0.0.1:`port`.
    public init(port: Int) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED
            close()
            throw POSIXError(code)
        }
    }

    deinit { close() }

    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Sends all of `text`; false once the server has closed or reset the connection.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// What the server sent until it closed the connection (a reset counts as closing), or
    /// nil if it is still open after `seconds`, a safety net and not a measured time.
    public func readUntilClosed(seconds: Double = 60) -> String? {
        read(seconds: seconds, stopWhen: { _ in false }).closed
    }

    /// Reads until `predicate` holds for the text so far, the server closes, or `seconds` pass.
    public func read(seconds: Double = 60, until predicate: @escaping (String) -> Bool) -> String {
        let result = read(seconds: seconds, stopWhen: predicate)
        return result.closed ?? result.text
    }

    /// Sends `filler` once every `interval` seconds, as a client that trickles its request
    /// would, until the server closes the connection; returns what the server sent, or nil
    /// if it is still open after `seconds` (a safety net).
    public func trickle(_ filler: UInt8 = UInt8(ascii: "a"), every interval: Double, seconds: Double = 60) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        var text = ""
        while Date() < deadline {
            let result = read(seconds: interval, stopWhen: { _ in false })
            text += result.text
            if let rest = result.closed { return text + rest }
            guard send([filler]) else { return text + (readUntilClosed(seconds: seconds) ?? "") }
        }
        return nil
    }

    /// Whether anything arrives (or the server closes) within `seconds`.
    public func receivesAnything(within seconds: Double) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, Int32(seconds * 1000)) > 0
    }

    /// `closed` is all the text when the server closed; otherwise `text` is what came so far.
    private func read(seconds: Double, stopWhen predicate: (String) -> Bool) -> (text: String, closed: String?) {
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !predicate(String(decoding: bytes, as: UTF8.self)) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { break }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, min(left, 3600) * 1000)))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return ("", String(decoding: bytes, as: UTF8.self)) }
            bytes += chunk[0..<n]
        }
        return (String(decoding: bytes, as: UTF8.self), nil)
    }
}
