import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Platform

/// HTTP requests with a deadline, on AsyncHTTPClient (SwiftNIO, TLS by swift-nio-ssl).
///
/// Each request runs under its own time limit (`HTTPRequest.timeout`, covering connecting,
/// the response head and the whole body), stops at once when its task is cancelled, and
/// holds at most a bounded body in memory. Connections are kept for the next request by
/// AsyncHTTPClient's pool. Nothing here starts before the first request: the event loops
/// and clients are made then, so a command that never sends one never pays for them.
package final class HTTPSession: Sendable {
    /// The largest body `send` keeps in memory unless told otherwise.
    package static let defaultMaxBodyLength = 256 << 20

    /// Connections to one host at a time (requests beyond them wait for one).
    private let connections: Int

    package init(connections: Int = 8) {
        self.connections = max(1, connections)
    }

    /// The response with its body in memory; `HTTPError.responseTooLarge` past `maxBodyLength`.
    package func send(_ request: HTTPRequest, maxBodyLength: Int = HTTPSession.defaultMaxBodyLength) async throws
        -> HTTPResponse
    {
        let limit = max(0, maxBodyLength)
        return try await transfer(request) { response in
            if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > limit {
                throw HTTPError.responseTooLarge(limit: limit)
            }
            var body = Data()
            for try await chunk in response.body {
                guard body.count + chunk.readableBytes <= limit else { throw HTTPError.responseTooLarge(limit: limit) }
                body.append(contentsOf: chunk.readableBytesView)
            }
            return body
        }
    }

    /// The response, its body written to `file` (whatever the status).
    package func download(_ request: HTTPRequest, to file: OpenFile) async throws -> HTTPResponse {
        try await transfer(request) { response in
            for try await chunk in response.body {
                do {
                    // The bytes are the chunk's own, valid for this call only; write copies them out.
                    try chunk.withUnsafeReadableBytes { try file.write($0) }
                } catch {
                    throw HTTPError.writeFailed("\(error)")
                }
            }
            return Data()
        }
    }

    /// Sends `request` and hands its response to `readBody`, all within the request's time.
    private func transfer(_ request: HTTPRequest,
                          readBody: @escaping @Sendable (HTTPClientResponse) async throws -> Data) async throws
        -> HTTPResponse
    {
        try Task.checkCancellation()
        let prepared = try Self.prepare(request)
        let client = ClientPool.shared.client(for: ClientPolicy(request, connections: connections))
        let place = HTTPFailure.place(of: request.url)
        do {
            return try await HTTPFailure.within(request.timeout, place: place) {
                // The deadline is ours (within), which also covers the body; this one only
                // has to be later.
                let response = try await client.execute(prepared, deadline: .distantFuture)
                let body = try await readBody(response)
                return HTTPResponse(status: Int(response.status.code),
                                    headers: response.headers.map { (name: $0.name, value: $0.value) }, body: body)
            }
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPFailure.translate(error, place: place, request: request)
        }
    }

    /// The request as AsyncHTTPClient takes it; refuses headers that would split the request.
    private static func prepare(_ request: HTTPRequest) throws -> HTTPClientRequest {
        var prepared = HTTPClientRequest(url: request.url.absoluteString)
        prepared.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers {
            // Bytes, not Characters: "\r\n" is a single Character.
            guard !(name + value).utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                throw HTTPError.invalidRequest("the \(name) header contains a line break")
            }
            prepared.headers.add(name: name, value: value)
        }
        if let body = request.body {
            prepared.body = .bytes(ByteBuffer(bytes: body))
        }
        return prepared
    }
}
