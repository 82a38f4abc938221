import Foundation
import LoopbackHTTP
import TestSupport
import Testing

/// The limits of issue 12 item 3, each met by a raw client: a body too large (declared or
/// chunked), headers too large, a client too slow or silent, too many clients at once.
/// Limits are small so each test is quick; the times in the tests are safety nets only.
@Suite struct ServerLimitsTests {
    /// Answers every request with its body, so a test sees what the server read.
    private func echoServer(_ limits: LoopbackHTTPServer.Limits) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer(limits: limits) { request in
            LoopbackHTTPServer.Response(status: 200, body: request.body)
        }
    }

    private static let small = LoopbackHTTPServer.Limits(maxHeaderBytes: 1024, maxBodyBytes: 1024)
    /// Time limits far beyond any test, so only the limit under test acts.
    private static let patient = LoopbackHTTPServer.Limits(headerTimeout: 600, idleTimeout: 600, requestTimeout: 600)

    @Test func bodyWithinTheLimitsIsAnswered() throws {
        let server = try echoServer(Self.small)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        let body = String(repeating: "b", count: 1024)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" + body)
        let answer = try #require(client.readUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(answer.hasSuffix("\r\n\r\n" + body))
    }

    @Test func declaredBodyOverTheLimitIsRefusedBeforeAnyOfItIsSent() throws {
        let server = try echoServer(Self.small)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n")
        let answer = try #require(client.readUntilClosed(), "the server waited for the body")
        #expect(answer.hasPrefix("HTTP/1.1 413 Content Too Large\r\n"), "\(answer)")
        #expect(answer.contains("the request body exceeds 1024 bytes"))
        #expect(server.requests.isEmpty)
    }

    @Test func chunkedBodyIsCountedAsItArrives() throws {
        let server = try echoServer(Self.small)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = "200\r\n" + String(repeating: "c", count: 512) + "\r\n"
        for _ in 0..<3 { client.send(chunk) }  // 1536 bytes: the third chunk crosses the limit
        let answer = try #require(client.readUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 413 "), "\(answer)")
        #expect(server.requests.isEmpty)
    }

    @Test func chunkedBodyWithinTheLimitIsReassembled() throws {
        let server = try echoServer(Self.small)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        let answer = try #require(client.readUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 200 "), "\(answer)")
        #expect(answer.hasSuffix("\r\n\r\nhello world"))
    }

    @Test func headersOverTheLimitAreRefused() throws {
        let server = try echoServer(Self.small)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("GET / HTTP/1.1\r\nX-Big: " + String(repeating: "h", count: 4096) + "\r\n\r\n")
        let answer = try #require(client.readUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "\(answer)")
        #expect(server.requests.isEmpty)
    }

    @Test(arguments: [
        ("Content-Length: 12abc\r\n", "Content-Length is not a number"),
        ("Content-Length: 3\r\nContent-Length: 4\r\n", "conflicting Content-Length"),
        ("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "both Content-Length and Transfer-Encoding"),
        ("Bad header line\r\n", "not 'Name: value'"),
    ])
    func ambiguousFramingIsRefused(headers: String, message: String) throws {
        let server = try echoServer(Self.small)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + headers + "\r\nabc")
        let answer = try #require(client.readUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(answer)")
        #expect(answer.contains(message), "\(answer)")
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() throws {
        let server = try echoServer(Self.small)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = client.read(until: { $0.hasSuffix("\r\n\r\n") })
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        client.send("body")
        let answer = try #require(client.readUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 200 ") && answer.hasSuffix("\r\n\r\nbody"), "\(answer)")
    }

    @Test func clientThatTricklesItsHeadersIsClosed() throws {
        var limits = Self.patient
        limits.headerTimeout = 1
        let server = try echoServer(limits)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("GET / HTTP/1.1\r\nX-Slow: ")
        // A byte every 0.1 s keeps any per-byte timeout from acting; only the header time can.
        let answer = try #require(client.trickle(every: 0.1), "still open")
        #expect(answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(answer)")
        #expect(answer.contains("headers not complete within 1 s"))
    }

    @Test func clientThatTricklesItsBodyIsClosed() throws {
        var limits = Self.patient
        limits.requestTimeout = 1
        let server = try echoServer(limits)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
        let answer = try #require(client.trickle(every: 0.1), "still open")
        #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer)")
        #expect(answer.contains("not complete within 1 s"))
        #expect(server.requests.isEmpty)
    }

    @Test func silentClientIsClosed() throws {
        var limits = Self.patient
        limits.idleTimeout = 0.3
        let server = try echoServer(limits)
        defer { server.stop() }
        let client = try RawConnection(port: server.port)
        client.send("POST /echo HTTP/1.1\r\n")
        let answer = try #require(client.readUntilClosed(), "still open")
        #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer)")
        #expect(answer.contains("no byte for 0.3 s"))
    }

    @Test func connectionsBeyondTheCapWaitForAFreeSlot() throws {
        var limits = Self.patient
        limits.maxConnections = 2
        let server = try echoServer(limits)
        defer { server.stop() }
        var holders = try (0..<2).map { _ in try RawConnection(port: server.port) }
        for holder in holders { holder.send("GET / HTTP/1.1\r\n") }  // and then nothing
        let waiting = try RawConnection(port: server.port)
        waiting.send("POST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nok")
        // Served with both slots held, it would be answered at once; a second is ample.
        #expect(!waiting.receivesAnything(within: 1))
        #expect(server.requests.isEmpty)
        holders.removeFirst().close()
        let answer = try #require(waiting.readUntilClosed())
        #expect(answer.hasPrefix("HTTP/1.1 200 ") && answer.hasSuffix("\r\n\r\nok"), "\(answer)")
        _ = holders
    }

    @Test func busyPortIsReportedByNumber() throws {
        let first = try echoServer(Self.small)
        defer { first.stop() }
        #expect(throws: LoopbackHTTPError.portInUse(port: first.port)) {
            _ = try LoopbackHTTPServer(port: UInt16(first.port)) { _ in .init() }
        }
    }
}
