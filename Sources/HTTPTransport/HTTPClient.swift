import CCurl
import Foundation

/// One HTTP request for `HTTPClient`.
package struct HTTPRequest: Sendable {
    package var url: URL
    package var method = "GET"
    /// Sent in this order, as given.
    package var headers: [(name: String, value: String)] = []
    package var body: Data?
    /// Seconds for the whole transfer, connecting included; nil: no limit.
    package var timeout: Double?
    /// Seconds to connect; nil: libcurl's default.
    package var connectTimeout: Double?
    /// Give up when nothing arrives for this many seconds; nil: wait.
    package var idleTimeout: Double?
    /// Redirects to follow; 0 makes a 3xx the response. Never more than 0 for a request that
    /// carries a key: following a redirect would send it wherever the server says.
    package var maxRedirects = 0

    package init(url: URL, method: String = "GET", headers: [(name: String, value: String)] = [], body: Data? = nil,
                 timeout: Double? = nil, connectTimeout: Double? = nil, idleTimeout: Double? = nil,
                 maxRedirects: Int = 0) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.maxRedirects = maxRedirects
    }
}

package struct HTTPResponse: Sendable {
    package var status: Int
    /// In the order received, as sent.
    package var headers: [(name: String, value: String)]
    /// Empty when the body went to a file.
    package var body: Data

    /// The first header with this name, compared without case.
    package func value(forHeader name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Header lines as libcurl hands them over: the status line, then `Name: value` lines.
    package static func parseHeaders(_ block: String) -> [(name: String, value: String)] {
        block.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }
}

package enum HTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libcurl is not installed (or too old); the message says what to install.
    case unavailable(String)
    /// The request cannot be sent as given (a line break or NUL in a header).
    case invalidRequest(String)
    /// The time-out passed; libcurl's message.
    case timedOut(String)
    /// The body passed the limit, in bytes.
    case responseTooLarge(limit: Int)
    /// Writing the body to its file failed.
    case writeFailed(String)
    /// Resolving, connecting, TLS or the protocol failed; libcurl's message.
    case failed(String)

    package var description: String {
        switch self {
        case .unavailable(let message), .invalidRequest(let message), .timedOut(let message),
             .failed(let message):
            return message
        case .responseTooLarge(let limit):
            let size = limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
            return "the response is larger than \(size)"
        case .writeFailed(let message):
            return "cannot write the download: \(message)"
        }
    }
}

/// HTTP with libcurl, which is loaded on the first request (see CCurl.h). Each transfer
/// runs on a thread of its own, off the cooperative pool, and stops at once when its task
/// is cancelled; any number may run at a time. Connections are kept for the next request.
package final class HTTPClient: Sendable {
    /// The largest body `send` keeps in memory unless told otherwise.
    package static let defaultMaxBodyLength = 256 << 20

    private let pool: HandlePool

    /// `idleConnections`: how many open connections (one per transfer in flight) to keep.
    package init(idleConnections: Int = 1) {
        pool = HandlePool(limit: max(1, idleConnections))
    }

    /// The response with its body in memory; `HTTPError.responseTooLarge` past `maxBodyLength`.
    package func send(_ request: HTTPRequest, maxBodyLength: Int = HTTPClient.defaultMaxBodyLength) async throws
        -> HTTPResponse
    {
        try await perform(request, sink: .memory(limit: maxBodyLength))
    }

    /// The response, its body written to `fileDescriptor` (whatever the status).
    package func download(_ request: HTTPRequest, to fileDescriptor: Int32) async throws -> HTTPResponse {
        try await perform(request, sink: .file(fileDescriptor))
    }

    package enum Sink: Sendable {
        case memory(limit: Int)
        case file(Int32)
    }

    private func perform(_ request: HTTPRequest, sink: Sink) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let transfer = Transfer()
        let pool = self.pool
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result { try transfer.run(request, sink: sink, pool: pool) })
                }
                thread.name = "codesearch-http"
                thread.start()
            }
        } onCancel: {
            transfer.cancel()
        }
    }
}

/// Idle libcurl handles, each keeping its connection open for the next transfer.
private final class HandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []
    private let limit: Int

    package init(limit: Int) { self.limit = limit }

    deinit { idle.forEach(codesearch_http_destroy) }

    package func take() throws -> OpaquePointer {
        if let handle = lock.withLock({ idle.popLast() }) { return handle }
        if codesearch_http_load() != 0 { throw HTTPError.unavailable(String(cString: codesearch_http_error())) }
        guard let handle = codesearch_http_create() else { throw HTTPError.failed("out of memory") }
        return handle
    }

    package func give(_ handle: OpaquePointer) {
        let kept = lock.withLock {
            guard idle.count < limit else { return false }
            idle.append(handle)
            return true
        }
        if !kept { codesearch_http_destroy(handle) }
    }
}

/// One transfer: where cancellation finds the handle while it runs.
private final class Transfer: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: OpaquePointer?
    private var cancelled = false

    package func cancel() {
        lock.withLock {
            cancelled = true
            if let handle { codesearch_http_cancel(handle) }
        }
    }

    /// Blocks this thread until the response is in (or the transfer failed or was cancelled).
    package func run(_ request: HTTPRequest, sink: HTTPClient.Sink, pool: HandlePool) throws -> HTTPResponse {
        var lines: [String] = []
        for (name, value) in request.headers {
            // Bytes, not Characters: "\r\n" is a single Character.
            guard !(name + value).utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                throw HTTPError.invalidRequest("the \(name) header contains a line break")
            }
            lines.append("\(name): \(value)")
        }
        let handle = try pool.take()
        codesearch_http_reset_cancel(handle)
        // Attached, a cancellation reaches the handle; detached, it can no longer reach it
        // (so it cannot stop the next transfer that takes the handle from the pool).
        let attached = lock.withLock {
            if !cancelled { self.handle = handle }
            return !cancelled
        }
        guard attached else {
            pool.give(handle)
            throw CancellationError()
        }
        var response = codesearch_http_response()
        Self.perform(handle, request, lines: lines, sink: sink, into: &response)
        lock.withLock { self.handle = nil }
        pool.give(handle)
        defer { codesearch_http_response_free(&response) }
        return try Self.result(&response, sink: sink)
    }

    private static func perform(_ handle: OpaquePointer, _ request: HTTPRequest, lines: [String],
                                sink: HTTPClient.Sink, into response: inout codesearch_http_response)
    {
        let copies = lines.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let headers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        func milliseconds(_ seconds: Double?) -> Int {
            guard let seconds, seconds > 0 else { return 0 }
            return max(1, Int((seconds * 1000).rounded(.up)))
        }
        let body = request.body ?? Data()
        body.withUnsafeBytes { bytes in
            request.url.absoluteString.withCString { url in
                request.method.withCString { method in
                    headers.withUnsafeBufferPointer { headerLines in
                        var c = codesearch_http_request()
                        c.url = url
                        c.method = method
                        c.headers = headerLines.baseAddress
                        c.header_count = Int32(headerLines.count)
                        if request.body != nil {
                            c.body = bytes.baseAddress ?? UnsafeRawPointer(url)  // empty: any valid address
                            c.body_length = bytes.count
                        }
                        c.timeout_ms = milliseconds(request.timeout)
                        c.connect_timeout_ms = milliseconds(request.connectTimeout)
                        c.idle_timeout_s = request.idleTimeout.map { max(1, Int($0.rounded(.up))) } ?? 0
                        c.max_redirects = request.maxRedirects
                        switch sink {
                        case .memory(let limit):
                            c.body_fd = -1
                            c.max_body_length = max(0, limit)
                        case .file(let fd):
                            c.body_fd = fd
                        }
                        _ = codesearch_http_perform(handle, &c, &response)
                    }
                }
            }
        }
    }

    private static func result(_ response: inout codesearch_http_response, sink: HTTPClient.Sink) throws
        -> HTTPResponse
    {
        let message = withUnsafeBytes(of: response.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch response.outcome {
        case CODESEARCH_HTTP_OK: break
        case CODESEARCH_HTTP_CANCELLED: throw CancellationError()
        case CODESEARCH_HTTP_UNAVAILABLE: throw HTTPError.unavailable(message)
        case CODESEARCH_HTTP_TIMED_OUT: throw HTTPError.timedOut(message)
        case CODESEARCH_HTTP_TOO_LARGE:
            guard case .memory(let limit) = sink else { throw HTTPError.failed(message) }
            throw HTTPError.responseTooLarge(limit: limit)
        case CODESEARCH_HTTP_WRITE_FAILED: throw HTTPError.writeFailed(message)
        default: throw HTTPError.failed(message)
        }
        let headers = response.headers.map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: response.headers_length), as: UTF8.self)
        } ?? ""
        var body = Data()
        if let bytes = response.body, response.body_length > 0 {
            // The buffer is handed over rather than copied (responses can be large).
            body = Data(bytesNoCopy: bytes, count: response.body_length, deallocator: .free)
            response.body = nil
            response.body_length = 0
        }
        return HTTPResponse(status: response.status, headers: HTTPResponse.parseHeaders(headers), body: body)
    }
}
