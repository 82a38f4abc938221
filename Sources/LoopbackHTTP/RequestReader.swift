import Foundation

/// Reads one HTTP/1.1 request from an accepted connection within `Limits`: the head
/// (request line and headers) is bounded in bytes and must arrive before the header
/// deadline; the body is framed by `Content-Length` or `chunked` coding, refused before
/// it is read when its declared length is over the limit, counted as chunks arrive, and
/// must arrive before the request deadline. Memory held is at most the limits plus one
/// receive buffer, whatever the client sends.
struct RequestReader {
    private enum Framing { case length(Int), chunked }

    private let socket: ClientSocket
    private let limits: LoopbackHTTPServer.Limits
    private let headerDeadline: Deadline
    private let requestDeadline: Deadline
    /// Bytes received and not yet consumed.
    private var pending: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 64 << 10)

    init(socket: ClientSocket, limits: LoopbackHTTPServer.Limits, acceptedAt start: ContinuousClock.Instant) {
        self.socket = socket
        self.limits = limits
        let requestDeadline = Deadline(after: limits.requestTimeout, from: start,
                                       name: "not complete within \(ClientSocket.seconds(limits.requestTimeout))")
        let headerDeadline = Deadline(after: limits.headerTimeout, from: start,
                                      name: "headers not complete within \(ClientSocket.seconds(limits.headerTimeout))")
        self.requestDeadline = requestDeadline
        self.headerDeadline = Deadline.earlier(headerDeadline, requestDeadline)
    }

    mutating func read() throws(LoopbackHTTPError) -> LoopbackHTTPServer.Request {
        let head = try readHead()
        let (method, target, headers) = try Self.parse(head)
        let framing = try Self.framing(headers, limit: limits.maxBodyBytes)
        // curl waits a second for this before sending a large body; answer at once.
        if headers["expect"]?.lowercased() == "100-continue", pending.isEmpty {
            socket.send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let body: Data
        switch framing {
        case .length(let length): body = try readBytes(length)
        case .chunked: body = try readChunkedBody()
        }
        return LoopbackHTTPServer.Request(method: method, target: target, headers: headers, body: body, sequence: 0)
    }

    /// The bytes before the first empty line.
    private mutating func readHead() throws(LoopbackHTTPError) -> [UInt8] {
        var searchFrom = 0
        while true {
            if let end = Self.find([13, 10, 13, 10], in: pending, from: searchFrom) {
                guard end <= limits.maxHeaderBytes else { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                let head = Array(pending[..<end])
                pending.removeFirst(end + 4)
                return head
            }
            guard pending.count <= limits.maxHeaderBytes else { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
            searchFrom = max(0, pending.count - 3)
            try receive(before: headerDeadline)
        }
    }

    /// Method, target and headers (names lower-cased, repeated ones joined with ", ").
    private static func parse(_ head: [UInt8]) throws(LoopbackHTTPError) -> (String, String, [String: String]) {
        var lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, !requestLine[1].isEmpty else {
            throw .malformed("the request line is not 'METHOD TARGET HTTP/1.1'")
        }
        guard requestLine[2].hasPrefix("HTTP/1.") else { throw .malformed("only HTTP/1.x is served") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                throw .malformed("a header line is not 'Name: value'")
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let earlier = headers[name] {
                // Two lengths that disagree would let a proxy and this server frame the body differently.
                guard name != "content-length" || earlier == value else {
                    throw .malformed("conflicting Content-Length headers")
                }
                if name != "content-length" { headers[name] = earlier + ", " + value }
            } else {
                headers[name] = value
            }
        }
        return (String(requestLine[0]), String(requestLine[1]), headers)
    }

    private static func framing(_ headers: [String: String], limit: Int) throws(LoopbackHTTPError) -> Framing {
        if let coding = headers["transfer-encoding"] {
            guard headers["content-length"] == nil else {
                throw .malformed("both Content-Length and Transfer-Encoding")
            }
            guard coding.lowercased() == "chunked" else { throw .unsupportedTransferEncoding(coding) }
            return .chunked
        }
        guard let text = headers["content-length"] else { return .length(0) }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .malformed("Content-Length is not a number")
        }
        // Any length of 19 digits or more is over every limit an Int can state.
        guard text.utf8.count < 19, let length = Int(text), length <= limit else { throw .bodyTooLarge(limit: limit) }
        return .length(length)
    }

    /// Exactly `count` bytes (`count` is within the body limit).
    private mutating func readBytes(_ count: Int) throws(LoopbackHTTPError) -> Data {
        var body = Data()
        body.reserveCapacity(count)
        while body.count < count {
            if pending.isEmpty { try receive(before: requestDeadline) }
            let take = min(count - body.count, pending.count)
            body.append(contentsOf: pending[..<take])
            pending.removeFirst(take)
        }
        return body
    }

    /// A `chunked` body: `SIZE[;ext]CRLF DATA CRLF` ... `0CRLF [trailers] CRLF`.
    private mutating func readChunkedBody() throws(LoopbackHTTPError) -> Data {
        var body = Data()
        while true {
            let line = try readLine(maxBytes: 1024, tooLong: .malformed("a chunk size line is too long"))
            let sizeText = line.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !sizeText.isEmpty, sizeText.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .malformed("a chunk size is not a hexadecimal number")
            }
            if size == 0 { break }
            guard size <= limits.maxBodyBytes - body.count else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
            body.append(try readBytes(size))
            guard try readLine(maxBytes: 0, tooLong: .malformed("a chunk is longer than its size")).isEmpty else {
                throw .malformed("a chunk is longer than its size")
            }
        }
        var trailerBytes = 0
        while true {
            let trailer = try readLine(maxBytes: limits.maxHeaderBytes - trailerBytes,
                                       tooLong: .headersTooLarge(limit: limits.maxHeaderBytes))
            if trailer.isEmpty { return body }
            trailerBytes += trailer.utf8.count + 2
        }
    }

    /// The bytes up to the next CRLF (consumed, CRLF dropped), at most `maxBytes` of them.
    private mutating func readLine(maxBytes: Int, tooLong: LoopbackHTTPError) throws(LoopbackHTTPError) -> String {
        var searchFrom = 0
        while true {
            if let end = Self.find([13, 10], in: pending, from: searchFrom) {
                guard end <= maxBytes else { throw tooLong }
                let line = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeFirst(end + 2)
                return line
            }
            guard pending.count <= maxBytes + 1 else { throw tooLong }
            searchFrom = max(0, pending.count - 1)
            try receive(before: requestDeadline)
        }
    }

    private mutating func receive(before deadline: Deadline) throws(LoopbackHTTPError) {
        let socket = socket
        // `withUnsafeMutableBytes` rethrows untyped, so the typed error travels in a Result.
        let received = scratch.withUnsafeMutableBytes { buffer in
            Result { () throws(LoopbackHTTPError) in try socket.receive(into: buffer, before: deadline) }
        }
        pending.append(contentsOf: scratch[..<(try received.get())])
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }
}
