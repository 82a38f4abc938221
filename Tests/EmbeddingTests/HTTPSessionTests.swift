import Foundation
@testable import HTTPTransport
import Platform
import TestSupport
import Testing

/// The AsyncHTTPClient transport against the real loopback server: no stubs.
@Suite struct HTTPSessionTests {
    @Test func postsHeadersAndBodyAndReadsTheResponse() async throws {
        let server = try LocalHTTPServer { request in
            LocalHTTPServer.Response(status: 201, headers: ["X-Echo": request.headers["x-test"] ?? "", "Retry-After": "3"],
                                     body: request.body + Data(" back".utf8))
        }
        defer { server.stop() }
        var request = HTTPRequest(url: server.baseURL.appending(path: "echo"), method: "POST")
        request.headers = [("X-Test", "value with: colon"), ("Content-Type", "text/plain")]
        request.body = Data("hello".utf8)
        let response = try await HTTPSession().send(request)
        #expect(response.status == 201)
        #expect(response.value(forHeader: "x-echo") == "value with: colon")
        #expect(response.value(forHeader: "RETRY-AFTER") == "3")
        #expect(String(decoding: response.body, as: UTF8.self) == "hello back")
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.target == "/echo")
        #expect(received.headers["content-type"] == "text/plain")
        #expect(received.headers["expect"] == nil)
        #expect(received.body == Data("hello".utf8))
    }

    @Test func aRedirectIsTheResponseAndItsTargetReceivesNothing() async throws {
        let elsewhere = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200, body: Data("took the bait".utf8)) }
        defer { elsewhere.stop() }
        let target = "\(elsewhere.baseURL)/collect"
        let server = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 302, headers: ["Location": target]) }
        defer { server.stop() }
        var request = HTTPRequest(url: server.baseURL.appending(path: "v1/embeddings"), method: "POST")
        request.headers = [("Authorization", "Bearer sk-secret")]
        request.body = Data("{}".utf8)
        let response = try await HTTPSession().send(request)
        #expect(response.status == 302)
        #expect(response.value(forHeader: "Location") == target)
        #expect(server.requests.count == 1)
        #expect(elsewhere.requests.isEmpty, "the Location target must receive nothing")
    }

    @Test func followsRedirectsOnlyWhenAsked() async throws {
        let elsewhere = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200, body: Data("the file".utf8)) }
        defer { elsewhere.stop() }
        let server = try LocalHTTPServer { _ in
            LocalHTTPServer.Response(status: 302, headers: ["Location": "\(elsewhere.baseURL)/file"])
        }
        defer { server.stop() }
        var request = HTTPRequest(url: server.baseURL.appending(path: "file"))
        request.maxRedirects = 3
        let response = try await HTTPSession().send(request)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "the file")
        #expect(elsewhere.requests.map(\.target) == ["/file"])
    }

    @Test func aSlowServerTimesOut() async throws {
        let server = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200, body: Data("late".utf8), delay: 3) }
        defer { server.stop() }
        var request = HTTPRequest(url: server.baseURL)
        request.timeout = 0.2
        await #expect {
            _ = try await HTTPSession().send(request)
        } throws: { error in
            guard case HTTPError.timedOut(let message)? = error as? HTTPError else { return false }
            return message.contains("timed out")
        }
    }

    @Test func aRefusedConnectionSaysSo() async throws {
        let port = try ClosedPort()
        defer { port.close() }
        let url = URL(string: "http://127.0.0.1:\(port.number)/v1")!
        await #expect {
            _ = try await HTTPSession().send(HTTPRequest(url: url))
        } throws: { error in
            guard case HTTPError.failed(let message)? = error as? HTTPError else { return false }
            return message.contains("127.0.0.1") && message.contains("\(port.number)")
                && message.localizedCaseInsensitiveContains("connect")
        }
    }

    @Test func cancellingTheTaskStopsASlowTransfer() async throws {
        // Answers after a minute: only cancellation can end the request before that.
        let server = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200, body: Data("late".utf8), delay: 60) }
        defer { server.stop() }
        let client = HTTPSession()
        let task = Task { try await client.send(HTTPRequest(url: server.baseURL)) }
        while server.requests.isEmpty { try await Task.sleep(nanoseconds: 10_000_000) }
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else {
            Issue.record("the transfer was not stopped: \(result)")
            return
        }
        #expect(error is CancellationError, "\(error)")
        // The handle is clean for the next request.
        let again = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200, body: Data("ok".utf8)) }
        defer { again.stop() }
        #expect(try await client.send(HTTPRequest(url: again.baseURL)).body == Data("ok".utf8))
    }

    @Test func anAlreadyCancelledTaskSendsNothing() async throws {
        let server = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200) }
        defer { server.stop() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await HTTPSession().send(HTTPRequest(url: server.baseURL))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(server.requests.isEmpty)
    }

    @Test func aBigBodyArrivesWholeAndTheLimitHolds() async throws {
        var block = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        var built = Data()
        for index in 0..<48 {
            block[0] = UInt8(index)
            built.append(block)
        }
        let body = built
        let size = body.count
        let server = try LocalHTTPServer(recordRequests: false) { _ in LocalHTTPServer.Response(status: 200, body: body) }
        defer { server.stop() }
        let client = HTTPSession()
        let response = try await client.send(HTTPRequest(url: server.baseURL))
        #expect(response.body.count == size)
        #expect(response.body == body)
        await #expect(throws: HTTPError.responseTooLarge(limit: 1 << 20)) {
            _ = try await client.send(HTTPRequest(url: server.baseURL), maxBodyLength: 1 << 20)
        }
        #expect(HTTPError.responseTooLarge(limit: 256 << 20).description.contains("256 MiB"))
    }

    @Test func concurrentRequestsEachGetTheirOwnAnswer() async throws {
        let server = try LocalHTTPServer { request in
            LocalHTTPServer.Response(status: 200, body: Data(request.target.utf8), delay: 0.05)
        }
        defer { server.stop() }
        let client = HTTPSession(connections: 2)
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<12 {
                group.addTask {
                    let response = try await client.send(HTTPRequest(url: server.baseURL.appending(path: "n\(index)")))
                    return (index, String(decoding: response.body, as: UTF8.self))
                }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 12)
        #expect(answers.allSatisfy { $0.value == "/n\($0.key)" })
    }

    @Test func aLineBreakInAHeaderIsRefusedBeforeSending() async throws {
        let server = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200) }
        defer { server.stop() }
        var request = HTTPRequest(url: server.baseURL)
        request.headers = [("Authorization", "Bearer sk-1\r\nX-Injected: yes")]
        await #expect(throws: HTTPError.invalidRequest("the Authorization header contains a line break")) {
            _ = try await HTTPSession().send(request)
        }
        #expect(server.requests.isEmpty)
    }

    @Test func downloadsIntoAFile() async throws {
        let body = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0) })
        let server = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 200, body: body) }
        defer { server.stop() }
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appending(path: "download")
        let response = try await HTTPSession().download(HTTPRequest(url: server.baseURL),
                                                        to: OpenFile.open(file.path, .creatingNew))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(try Data(contentsOf: file) == body)
    }
}

/// Which proxy a request goes through, read from the environment as curl reads it.
@Suite struct ProxyChoiceTests {
    private func proxy(_ url: String, _ environment: [String: String]) -> ClientPolicy.Proxy? {
        ClientPolicy.proxy(for: URL(string: url)!, environment: environment)
    }

    @Test func httpsUsesHttpsProxyAndHttpOnlyTheLowerCaseName() {
        let environment = ["https_proxy": "http://proxy.example:3128", "HTTP_PROXY": "http://cgi-set.example:1"]
        #expect(proxy("https://api.example.com/v1", environment)
            == ClientPolicy.Proxy(host: "proxy.example", port: 3128, user: nil, password: nil))
        // HTTP_PROXY can be set by a CGI request's Proxy header; curl ignores it, and so do we.
        #expect(proxy("http://api.example.com/v1", environment) == nil)
        #expect(proxy("http://api.example.com/v1", ["http_proxy": "proxy.example:8080"])?.port == 8080)
    }

    @Test func noProxyAndLoopbackGoDirect() {
        let environment = ["HTTPS_PROXY": "http://user:p%40ss@proxy.example:3128", "no_proxy": "internal.example, .corp"]
        #expect(proxy("https://api.internal.example/v1", environment) == nil)
        #expect(proxy("https://host.corp/v1", environment) == nil)
        #expect(proxy("https://127.0.0.1:8765/v1", environment) == nil)
        #expect(proxy("https://localhost/v1", environment) == nil)
        let through = proxy("https://api.openai.com/v1", environment)
        #expect(through?.user == "user" && through?.password == "p@ss")
        #expect(proxy("https://api.openai.com/v1", ["https_proxy": "http://p:1", "NO_PROXY": "*"]) == nil)
    }
}
