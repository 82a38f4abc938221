import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Platform

/// A request's time limit, and the library's errors said as `HTTPError`s that name the
/// host and port and say what went wrong, in words a user can act on.
enum HTTPFailure {
    /// `host:port` of `url`, as messages name it (the path and query may hold a key; they are never named).
    static func place(of url: URL) -> String {
        let host = url.host() ?? "?"
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// `operation`, stopped with `HTTPError.timedOut` when `seconds` pass first (nil: no limit).
    /// A cancelled task stops it too, with `CancellationError`.
    static func within<T: Sendable>(_ seconds: Double?, place: String,
                                    _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let seconds, seconds > 0, seconds.isFinite else { return try await operation() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                return nil
            }
            defer { group.cancelAll() }
            // The first to finish decides: a result, an error, or nil for the time running out.
            guard let first = try await group.next(), let result = first else {
                throw HTTPError.timedOut("the request to \(place) timed out after \(seconds.formatted()) s")
            }
            return result
        }
    }

    /// `error` (from AsyncHTTPClient or SwiftNIO) as `HTTPError`; a cancellation stays `CancellationError`.
    static func translate(_ error: Error, place: String, request: HTTPRequest) -> Error {
        if error is CancellationError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled, .requestStreamCancelled:
                return CancellationError()
            case .connectTimeout:
                let seconds = (request.connectTimeout ?? request.timeout ?? 30).formatted()
                return HTTPError.timedOut("cannot connect to \(place): timed out after \(seconds) s")
            case .readTimeout:
                let seconds = (request.idleTimeout ?? 0).formatted()
                return HTTPError.timedOut("\(place) sent nothing for \(seconds) s: timed out")
            case .tlsHandshakeTimeout:
                return HTTPError.timedOut("the TLS handshake with \(place) timed out")
            case .remoteConnectionClosed:
                return HTTPError.failed("\(place) closed the connection before its response was complete")
            case .redirectLimitReached:
                return HTTPError.failed("\(place) redirected more than \(request.maxRedirects) times")
            case .redirectCycleDetected:
                return HTTPError.failed("\(place) redirects in a cycle")
            default:
                return HTTPError.failed("the request to \(place) failed: \(error)")
            }
        }
        if let error = error as? NIOConnectionError {
            let reasons = error.connectionErrors.map { detail($0.error) }
            if reasons.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return HTTPError.failed("cannot connect to \(place): the host name does not resolve")
            }
            return HTTPError.failed("cannot connect to \(place): \(reasons.first ?? "\(error)")")
        }
        if let error = error as? IOError {
            return HTTPError.failed("cannot connect to \(place): \(detail(error))")
        }
        if error is NIOSSLError || error is NIOSSLExtraError {
            return HTTPError.failed("TLS with \(place) failed: \(error)")
        }
        return HTTPError.failed("the request to \(place) failed: \(error)")
    }

    /// An OS error as the system says it ("Connection refused"), not as the call that failed.
    private static func detail(_ error: Error) -> String {
        guard let io = error as? IOError else { return "\(error)" }
        return SystemCallError.message(errno: io.errnoCode)
    }
}
