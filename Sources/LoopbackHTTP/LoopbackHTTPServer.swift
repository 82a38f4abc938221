import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server bound to the loopback address only: one thread per
/// connection, at most `Limits.maxConnections` of them, one request per connection
/// (`Connection: close`) read within `Limits` (see `RequestReader`), each answered by a
/// handler closure. `codesearch serve` runs on it, and the tests script it (with
/// `recordRequests`, every request is kept for inspection).
public final class LoopbackHTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        /// Path and query, as sent: `/v1/embeddings?api-version=1`.
        public var target: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: Data
        /// 0 for the first request the server received.
        public var sequence: Int

        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        /// Seconds to wait before answering (to make the client time out).
        public var delay: Double

        public init(status: Int = 200, headers: [String: String] = [:], body: Data = Data(), delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        public static func json(_ object: Any, status: Int = 200, headers: [String: String] = [:],
                                delay: Double = 0) -> Response {
            let body = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
            var headers = headers
            headers["Content-Type"] = "application/json"
            return Response(status: status, headers: headers, body: body, delay: delay)
        }
    }

    public let port: Int
    public var baseURL: URL {
        var components = URLComponents()
        components.scheme = "http"
        components.host = "127.0.0.1"
        components.port = port
        return components.url ?? URL(fileURLWithPath: "/")
    }

    /// The limits every connection is served under.
    public let limits: Limits

    private let listener: Int32
    private let handler: @Sendable (Request) -> Response
    private let rejection: @Sendable (LoopbackHTTPError) -> Response
    private let recordRequests: Bool
    private let lock = NSLock()
    private var received: [Request] = []
    private var sequence = 0
    private var stopped = false
    private let acceptDone = DispatchSemaphore(value: 0)
    /// Connections being served; the accept loop waits while there are `limits.maxConnections`.
    private let slots = NSCondition()
    private var activeConnections = 0

    /// Starts listening on 127.0.0.1:`port` (0: a free port, see `port`); call `stop()` when done.
    /// A request the limits refuse is answered with `rejection(error)` (default: the error's
    /// status and message as plain text) and the connection closed.
    public init(port requestedPort: UInt16 = 0, limits: Limits = Limits(), recordRequests: Bool = true,
                rejection: @escaping @Sendable (LoopbackHTTPError) -> Response = LoopbackHTTPServer.plainRejection,
                handler: @escaping @Sendable (Request) -> Response) throws {
        self.limits = limits
        self.handler = handler
        self.rejection = rejection
        self.recordRequests = recordRequests
        (listener, port) = try Self.listen(on: requestedPort)
        let thread = Thread { [self] in self.acceptLoop() }  // stop() ends it
        thread.start()
    }

    /// A socket bound to 127.0.0.1:`requestedPort` and listening, and the port it got.
    private static func listen(on requestedPort: UInt16) throws(LoopbackHTTPError) -> (Int32, Int) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .cannotListen(port: Int(requestedPort), reason: String(cString: strerror(errno))) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requestedPort.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #if canImport(Glibc)
        let listening = bound == 0 && Glibc.listen(fd, 64) == 0
        #else
        let listening = bound == 0 && Darwin.listen(fd, 64) == 0
        #endif
        guard listening else {
            let code = errno
            close(fd)
            if code == EADDRINUSE { throw .portInUse(port: Int(requestedPort)) }
            throw .cannotListen(port: Int(requestedPort), reason: String(cString: strerror(code)))
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Requests received so far, in arrival order (empty unless `recordRequests`).
    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Stops accepting and closes the listening socket; connections being served finish. Idempotent.
    public func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if wasStopped { return }
        acceptDone.wait()
        close(listener)
    }

    /// The default answer to a refused request: its status, and its message as plain text.
    public static func plainRejection(_ error: LoopbackHTTPError) -> Response {
        Response(status: error.status ?? 400, headers: ["Content-Type": "text/plain; charset=utf-8"],
                 body: Data((error.description + "\n").utf8))
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Accepts while a slot is free; at the cap, new connections wait in the kernel's queue.
    private func acceptLoop() {
        defer { acceptDone.signal() }
        while !isStopped {
            guard waitForSlot() else { continue }
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let acceptedAt = ContinuousClock.now
            slots.lock()
            activeConnections += 1
            slots.unlock()
            let thread = Thread { [self] in
                defer { releaseSlot() }
                self.serve(connection, acceptedAt: acceptedAt)
            }
            thread.start()
        }
    }

    /// True when fewer than `maxConnections` are being served; waits briefly (so `stop()` is seen) if not.
    private func waitForSlot() -> Bool {
        slots.lock()
        defer { slots.unlock() }
        if activeConnections >= limits.maxConnections { _ = slots.wait(until: Date(timeIntervalSinceNow: 0.02)) }
        return activeConnections < limits.maxConnections
    }

    private func releaseSlot() {
        slots.lock()
        activeConnections -= 1
        slots.signal()
        slots.unlock()
    }

    private func serve(_ connection: Int32, acceptedAt: ContinuousClock.Instant) {
        defer { close(connection) }
        let socket = ClientSocket(fd: connection, idleTimeout: limits.idleTimeout)
        var reader = RequestReader(socket: socket, limits: limits, acceptedAt: acceptedAt)
        var request: Request
        do {
            request = try reader.read()
        } catch {
            guard error.status != nil else { return }
            send(rejection(error), on: socket)
            socket.drainBeforeClose()
            return
        }
        lock.lock()
        request.sequence = sequence
        sequence += 1
        if recordRequests { received.append(request) }
        lock.unlock()
        let response = handler(request)
        if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
        send(response, on: socket)
    }

    private func send(_ response: Response, on socket: ClientSocket) {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        var headers = response.headers
        headers["Content-Length"] = String(response.body.count)
        headers["Connection"] = "close"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        socket.send(Array(head.utf8) + Array(response.body))
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
