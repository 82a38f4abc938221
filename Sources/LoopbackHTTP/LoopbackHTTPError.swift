/// Failures of the loopback server: one it cannot start with, or a request it refused.
/// Messages are lower-case and say what to do; `status` is the HTTP answer a refused
/// request gets (nil: nothing is sent, the connection is just closed).
public enum LoopbackHTTPError: Error, Equatable, CustomStringConvertible {
    /// Another program listens on the port.
    case portInUse(port: Int)
    /// The socket could not be made, bound or listened on (e.g. a port below 1024 without privileges).
    case cannotListen(port: Int, reason: String)
    /// The request line and headers exceeded `Limits.maxHeaderBytes`.
    case headersTooLarge(limit: Int)
    /// The body (declared, or counted as chunks arrive) exceeded `Limits.maxBodyBytes`.
    case bodyTooLarge(limit: Int)
    /// The request was not complete within its time (`what` says which limit).
    case timedOut(String)
    /// The bytes are not an HTTP/1.x request this server understands.
    case malformed(String)
    /// A transfer coding other than `chunked`.
    case unsupportedTransferEncoding(String)
    /// The client closed the connection before its request was complete.
    case connectionClosed

    public var status: Int? {
        switch self {
        case .headersTooLarge: return 431
        case .bodyTooLarge: return 413
        case .timedOut: return 408
        case .malformed: return 400
        case .unsupportedTransferEncoding: return 501
        case .portInUse, .cannotListen, .connectionClosed: return nil
        }
    }

    public var description: String {
        switch self {
        case .portInUse(let port):
            return "port \(port) on 127.0.0.1 is already in use"
        case let .cannotListen(port, reason):
            return "cannot listen on 127.0.0.1:\(port): \(reason)"
        case .headersTooLarge(let limit):
            return "the request line and headers exceed \(limit) bytes"
        case .bodyTooLarge(let limit):
            return "the request body exceeds \(limit) bytes"
        case .timedOut(let what):
            return "the request took too long: \(what)"
        case .malformed(let what):
            return "malformed request: \(what)"
        case .unsupportedTransferEncoding(let coding):
            return "transfer encoding '\(coding)' is not supported; send Content-Length or chunked"
        case .connectionClosed:
            return "the client closed the connection before the request was complete"
        }
    }
}
