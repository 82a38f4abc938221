import Foundation
@testable import OpenAIProvider
import TestSupport
import Testing

/// Every window of `width` characters of `key`: what must never appear in a message.
private func fragments(of key: String, width: Int = SecretRedaction.shortestFragment) -> [String] {
    let characters = Array(key)
    return (0...(characters.count - width)).map { String(characters[$0..<$0 + width]) }
}

private func leaked(_ key: String, in text: String) -> String? {
    fragments(of: key).first { text.contains($0) }
}

/// A 26-character key and a 168-character one (the length of OpenAI's project keys).
private let keys = [
    "sk-abcdefghijklmnopqrstuvw",
    "sk-proj-" + String((0..<160).map { i in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")[(i * 7 + 3) % 62] }),
]

@Suite struct RedactionTests {
    /// The key placed at every offset across the cut, whole or cut short by the server.
    @Test(arguments: keys) func noPieceOfTheKeySurvivesTheCut(key: String) {
        for limit in [80, 300] {
            for offset in (limit - key.count - 2)...(limit + 2) where offset >= 0 {
                let body = String(repeating: "x", count: offset) + key + " tail"
                let text = OpenAIRedaction.clean(body, key: key, limit: limit)
                #expect(leaked(key, in: text) == nil, "offset \(offset), limit \(limit): \(text)")
                // An echo of part of the key, as a server that shortens what it repeats.
                let partial = String(repeating: "y", count: offset) + String(key.dropLast(key.count / 3))
                let shown = OpenAIRedaction.clean(partial, key: key, limit: limit)
                #expect(leaked(key, in: shown) == nil, "partial, offset \(offset), limit \(limit): \(shown)")
            }
        }
    }

    @Test func anyRunOfEightCharactersOfTheKeyGoesButShorterOnesStay() {
        let key = keys[0]
        #expect(OpenAIRedaction.clean("id \(key.dropFirst(5).prefix(8)) end", key: key) == "id [redacted] end")
        #expect(OpenAIRedaction.clean("id \(key.dropFirst(5).prefix(7)) end", key: key) == "id cdefghi end")
        #expect(OpenAIRedaction.clean("\(key)\(key)", key: key) == "[redacted]")
    }

    @Test func credentialsInHeaderFormAreRedacted() {
        let text = OpenAIRedaction.clean(
            #"you sent Authorization: Bearer tok.en-1 and api-key: abc123; {"api_key": "zzz9"} Authorization=Basic dXNlcjpw"#,
            key: nil)
        for secret in ["tok.en-1", "abc123", "zzz9", "dXNlcjpw"] { #expect(!text.contains(secret), "\(text)") }
        #expect(text.contains("Bearer [redacted]"))
    }

    /// Through the client: an error page and a malformed 200 that echo the key where the
    /// message is cut (300 and 80 characters).
    @Test(arguments: keys) func serverEchoesNeverShowTheKey(key: String) async throws {
        let offsets = Array(Set([300 - key.count / 2, 300 - 3, 80 - key.count / 2, 80 - 3].filter { $0 >= 0 }))
        for offset in offsets {
            for status in [200, 500, 400] {
                let body = String(repeating: "x", count: offset) + key + "\n"
                let server = try LocalHTTPServer { _ in
                    LocalHTTPServer.Response(status: status, headers: ["Content-Type": "text/plain"], body: Data(body.utf8))
                }
                defer { server.stop() }
                let configuration = OpenAIConfiguration(
                    baseURL: server.baseURL.appendingPathComponent("v1"), model: "test-model", dimensions: 4,
                    apiKey: OpenAIAPIKey(key), maxConcurrentRequests: 1, requestTimeout: 5,
                    retry: OpenAIRetryPolicy(maxAttempts: 1, initialDelay: 0.01, maxDelay: 0.02, maxRetryAfter: 1))
                let embedder = try OpenAIEmbedder(configuration: configuration, tokenCounter: UTF8ByteTokenBound())
                do {
                    _ = try await embedder.embed(documents: ["a"])
                    Issue.record("status \(status): expected an error")
                } catch {
                    let text = "\(error)"
                    #expect(leaked(key, in: text) == nil, "status \(status), offset \(offset): \(text)")
                }
            }
        }
    }
}
