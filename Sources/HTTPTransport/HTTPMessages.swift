import Foundation

/// One HTTP request for `HTTPSession`.
package struct HTTPRequest: Sendable {
    package var url: URL
    package var method = "GET"
    /// Sent in this order, as given.
    package var headers: [(name: String, value: String)] = []
    package var body: Data?
    /// Seconds for the whole transfer, connecting included; nil: no limit.
    package var timeout: Double?
    /// Seconds to connect; nil: the whole request's time, or 30 s.
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
}

package enum HTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request cannot be sent as given (a line break or NUL in a header).
    case invalidRequest(String)
    /// The time-out passed; the message says which.
    case timedOut(String)
    /// The body passed the limit, in bytes.
    case responseTooLarge(limit: Int)
    /// Writing the body to its file failed.
    case writeFailed(String)
    /// Resolving, connecting, TLS or the protocol failed; the message says which, and where.
    case failed(String)

    package var description: String {
        switch self {
        case .invalidRequest(let message), .timedOut(let message),
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

