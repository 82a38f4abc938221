import Foundation
import TestSupport
import Testing

/// `codesearch serve` as a user starts it: its flags bound what one request may cost, its
/// refusals have OpenAI's error shape, and a port that is taken is named in a clear error.
@Suite struct ServeCommandTests {
    private let directory = FileManager.default.temporaryDirectory.path

    private func post(_ body: String, to port: Int) throws -> String {
        let client = try RawConnection(port: port)
        client.send("POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
        return try #require(client.readUntilClosed(seconds: 120))
    }

    /// The error object of a JSON answer, after its head.
    private func error(in answer: String) throws -> [String: Any] {
        let body = try #require(answer.components(separatedBy: "\r\n\r\n").last)
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return try #require(object?["error"] as? [String: Any], "\(answer)")
    }

    @Test func busyPortIsNamedInAClearError() throws {
        let holder = try LocalHTTPServer { _ in .init() }
        defer { holder.stop() }
        let result = try CodesearchBinary.run(["serve", "--port", String(holder.port)], in: directory)
        #expect(result.status == 2)
        #expect(result.stderr == "codesearch: error: port \(holder.port) on 127.0.0.1 is already in use; "
                + "stop the program listening there, or choose another port with --port (0: any free port)\n")
    }

    @Test func flagsBoundTheBodyAndTheInputsOfARequest() throws {
        let (serve, port) = try BackgroundProcess.codesearchServe(
            ["--max-body-size", "2k", "--max-inputs", "2", "--max-connections", "1", "--request-timeout", "30"])
        defer { serve.stop() }

        let client = try RawConnection(port: port)
        client.send("POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n")
        let tooLarge = try #require(client.readUntilClosed(seconds: 120))
        #expect(tooLarge.hasPrefix("HTTP/1.1 413 "), "\(tooLarge)")
        #expect(try error(in: tooLarge)["message"] as? String == "the request body exceeds 2048 bytes")
        #expect(try error(in: tooLarge)["type"] as? String == "invalid_request_error")

        let three = try post(#"{"input": ["a", "b", "c"], "model": "m"}"#, to: port)
        #expect(three.hasPrefix("HTTP/1.1 400 "), "\(three)")
        #expect(try error(in: three)["message"] as? String
                == "'input' holds 3 texts; this server takes 1 to 2 per request (codesearch serve --max-inputs)")

        let two = try post(#"{"input": ["a", "b"], "model": "m"}"#, to: port)
        #expect(two.hasPrefix("HTTP/1.1 200 "), "\(two)")
        let body = try #require(two.components(separatedBy: "\r\n\r\n").last)
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        #expect((object?["data"] as? [Any])?.count == 2)
    }

    @Test(arguments: [
        (["--max-connections", "0"], "--max-connections must be at least 1"),
        (["--max-inputs", "0"], "--max-inputs must be at least 1"),
        (["--max-body-size", "lots"], "--max-body-size 'lots' is not a size like 16777216, 512k or 16m"),
        (["--max-body-size", "99999999999999g"], "--max-body-size '99999999999999g' is not a size"),
        (["--request-timeout", "0"], "--request-timeout must be a positive number of seconds"),
    ])
    func badLimitsAreUsageErrors(flags: [String], message: String) throws {
        let result = try CodesearchBinary.run(["serve", "--port", "0"] + flags, in: directory)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func helpDescribesTheLimits() throws {
        let result = try CodesearchBinary.run(["serve", "--help"], in: directory)
        for flag in ["--max-connections", "--max-body-size", "--max-inputs", "--request-timeout"] {
            #expect(result.stdout.contains(flag), "\(flag)")
        }
    }
}
