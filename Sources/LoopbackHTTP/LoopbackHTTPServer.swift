import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server bound to the loopback address only, on SwiftNIO: one request
/// per connection (`Connection: close`), read within `Limits` (see `ConnectionHandler`),
/// at most `Limits.maxConnections` connections served at once (`AcceptLimiter`), each
/// request answered by a handler closure that runs on a thread of the server's pool, off
/// the event loops. `codesearch serve` runs on it, and the tests script it (with
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

    private let listener: Channel
    /// Where handlers run: they may block (the encoder does), and an event loop must not.
    private let workers: NIOThreadPool
    private let log: RequestLog
    private let stopped = NIOLockedValueBox(false)

    /// Starts listening on 127.0.0.1:`port` (0: a free port, see `port`); call `stop()` when done.
    /// A request the limits refuse is answered with `rejection(error)` (default: the error's
    /// status and message as plain text) and the connection closed.
    public init(port requestedPort: UInt16 = 0, limits: Limits = Limits(), recordRequests: Bool = true,
                rejection: @escaping @Sendable (LoopbackHTTPError) -> Response = LoopbackHTTPServer.plainRejection,
                handler: @escaping @Sendable (Request) -> Response) throws {
        self.limits = limits
        let log = RequestLog(recording: recordRequests)
        self.log = log
        let workers = NIOThreadPool(numberOfThreads: limits.maxConnections)
        workers.start()
        self.workers = workers
        let service = ConnectionHandler.Service(limits: limits, workers: workers, log: log, handler: handler,
                                                rejection: rejection)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 64)
            // One connection per accept, so the limiter sees each before the next is taken.
            .serverChannelOption(.maxMessagesPerRead, value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptLimiter(limit: limits.maxConnections))
                }
            }
            // A client that stops sending after its request still gets the answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try ConnectionHandler.install(on: channel, service: service) }
            }
        do {
            listener = try bootstrap.bind(host: "127.0.0.1", port: Int(requestedPort)).wait()
        } catch {
            try? workers.syncShutdownGracefully()
            if (error as? IOError)?.errnoCode == POSIXErrorCode.EADDRINUSE.rawValue {
                throw LoopbackHTTPError.portInUse(port: Int(requestedPort))
            }
            throw LoopbackHTTPError.cannotListen(port: Int(requestedPort), reason: "\(error)")
        }
        port = listener.localAddress?.port ?? Int(requestedPort)
    }

    /// Requests received so far, in arrival order (empty unless `recordRequests`).
    public var requests: [Request] { log.requests }

    /// Stops accepting and closes the listening socket; connections being served finish. Idempotent.
    public func stop() {
        let wasStopped = stopped.withLockedValue { stopped in
            defer { stopped = true }
            return stopped
        }
        if wasStopped { return }
        try? listener.close().wait()
        try? workers.syncShutdownGracefully()
    }

    /// The default answer to a refused request: its status, and its message as plain text.
    public static func plainRejection(_ error: LoopbackHTTPError) -> Response {
        Response(status: error.status ?? 400, headers: ["Content-Type": "text/plain; charset=utf-8"],
                 body: Data((error.description + "\n").utf8))
    }

    static func reason(_ status: Int) -> String {
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
        default: return HTTPResponseStatus(statusCode: status).reasonPhrase
        }
    }
}
