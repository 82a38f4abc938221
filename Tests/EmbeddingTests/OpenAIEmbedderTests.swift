import Foundation
@testable import OpenAIProvider
import TestSupport
import Testing

private let secret = "sk-test-SECRET-0123456789"

/// A fake embeddings server's answer: input `text` gets the direction (len(text), 1, 0, 0…),
/// so a test can tell which vector belongs to which input.
private func embeddings(for request: LocalHTTPServer.Request, dimensions: Int = 4,
                        reversed: Bool = false) -> LocalHTTPServer.Response
{
    let inputs = request.json?["input"] as? [String] ?? []
    var data: [[String: Any]] = inputs.enumerated().map { index, text in
        var vector = [Double](repeating: 0, count: dimensions)
        vector[0] = Double(text.count)
        vector[1] = 1
        return ["object": "embedding", "index": index, "embedding": vector]
    }
    if reversed { data.reverse() }
    return .json(["object": "list", "data": data, "model": "test-model",
                  "usage": ["prompt_tokens": inputs.count, "total_tokens": inputs.count]])
}

/// The input length a vector from `embeddings(for:)` stands for.
private func length(of vector: [Float]) -> Int { Int((vector[0] / vector[1]).rounded()) }

private func texts(_ count: Int) -> [String] { (1...count).map { String(repeating: "x", count: $0) } }

private func configuration(_ server: LocalHTTPServer, _ change: (inout OpenAIConfiguration) -> Void = { _ in })
    -> OpenAIConfiguration
{
    var configuration = OpenAIConfiguration(
        baseURL: server.baseURL.appendingPathComponent("v1"), model: "test-model", dimensions: 4,
        apiKey: OpenAIAPIKey(secret), maxConcurrentRequests: 1, requestTimeout: 5,
        retry: OpenAIRetryPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.02, maxRetryAfter: 30))
    change(&configuration)
    return configuration
}

/// Records the waits between attempts instead of sleeping through them.
private final class Waits: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    var recorded: [Double] { lock.withLock { values } }
    var sleep: @Sendable (Double) async throws -> Void {
        { [self] seconds in lock.withLock { values.append(seconds) } }
    }
}

private func embedder(_ configuration: OpenAIConfiguration, waits: Waits = Waits(),
                      counter: any OpenAITokenCounter = UTF8ByteTokenBound()) throws -> OpenAIEmbedder
{
    try OpenAIEmbedder(configuration: configuration, tokenCounter: counter, sleep: waits.sleep)
}

private func openAIError(_ body: () async throws -> Void) async -> OpenAIError? {
    do {
        try await body()
        return nil
    } catch let error as OpenAIError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

@Suite struct OpenAIEmbedderTests {
    @Test func sendsTheGuidesRequestAndRestoresOrder() async throws {
        let server = try LocalHTTPServer { embeddings(for: $0, reversed: true) }
        defer { server.stop() }
        let embedder = try embedder(configuration(server))
        let input = ["func a() {}", "def b(): pass", "x"]
        let vectors = try await embedder.embed(documents: input)

        #expect(vectors.map(length) == input.map(\.count))
        for vector in vectors {
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        }
        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.target == "/v1/embeddings")
        #expect(request.headers["authorization"] == "Bearer \(secret)")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["api-key"] == nil)
        let body = try #require(request.json)
        #expect(body["input"] as? [String] == input)
        #expect(body["model"] as? String == "test-model")
        #expect(body["dimensions"] as? Int == 4)
        #expect(embedder.identity.provider == "openai")
        #expect(embedder.identity.dimensions == 4)
        #expect(embedder.identity.pooling == "remote")
        #expect(embedder.identity.maxTokens == 8191)
    }

    @Test func queryAndModelsWithoutDimensionsOmitTheField() async throws {
        let server = try LocalHTTPServer { embeddings(for: $0, dimensions: 1536) }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) {
            $0.model = "text-embedding-ada-002"
            $0.dimensions = nil
            $0.apiKey = nil
        })
        let vector = try await embedder.embed(query: "where is the index written")
        #expect(vector.count == 1536)
        let request = try #require(server.requests.first)
        #expect(request.json?["dimensions"] == nil)
        #expect(request.headers["authorization"] == nil)
    }

    @Test func splitsBatchesAtTheInputLimit() async throws {
        let server = try LocalHTTPServer { embeddings(for: $0) }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) { $0.maxInputsPerRequest = 4 })
        let vectors = try await embedder.embed(documents: texts(10))
        #expect(vectors.map(length) == Array(1...10))
        let sizes = server.requests.map { ($0.json?["input"] as? [String])?.count ?? 0 }
        #expect(sizes == [4, 4, 2])
    }

    @Test func splitsBatchesAtTheTokenLimitAndCutsLongInputs() async throws {
        let server = try LocalHTTPServer { embeddings(for: $0) }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) {
            $0.maxTokensPerRequest = 25
            $0.maxTokensPerInput = 20
        })
        // Byte bound: 10 tokens each, so two per request; the last is cut from 50 to 20.
        let input = Array(repeating: String(repeating: "a", count: 10), count: 6) + [String(repeating: "b", count: 50)]
        var batches: [Range<Int>] = []
        try await embedder.embed(documents: input) { batches.append($0.range) }
        #expect(batches == [0..<2, 2..<4, 4..<6, 6..<7])
        let sent = server.requests.compactMap { $0.json?["input"] as? [String] }
        #expect(sent.map(\.count) == [2, 2, 2, 1])
        #expect(sent.last == [String(repeating: "b", count: 20)])
    }

    @Test func cutsInputsToCl100kTokensWithTheTokenizer() async throws {
        let server = try LocalHTTPServer { embeddings(for: $0) }
        defer { server.stop() }
        let encoding = try subsetEncoding()
        let text = "The quick brown fox jumps over the lazy dog."
        let embedder = try embedder(configuration(server) { $0.maxTokensPerInput = 3 }, counter: encoding)
        _ = try await embedder.embed(documents: [text])
        let sent = try #require(server.requests.first?.json?["input"] as? [String])
        #expect(sent == ["The quick brown"])
    }

    @Test func keepsAtMostTheConfiguredRequestsInFlight() async throws {
        let gauge = Gauge()
        let server = try LocalHTTPServer { request in
            gauge.enter()
            defer { gauge.leave() }
            Thread.sleep(forTimeInterval: 0.1)
            return embeddings(for: request)
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) {
            $0.maxInputsPerRequest = 1
            $0.maxConcurrentRequests = 2
        })
        let vectors = try await embedder.embed(documents: texts(6))
        #expect(vectors.map(length) == Array(1...6))
        #expect(server.requests.count == 6)
        #expect(gauge.peak == 2)
    }

    @Test func waitsAsRetryAfterSaysOn429ThenSucceeds() async throws {
        let server = try LocalHTTPServer { request in
            request.sequence == 0
                ? .json(["error": ["message": "Rate limit reached", "type": "requests"]], status: 429,
                        headers: ["Retry-After": "7"])
                : embeddings(for: request)
        }
        defer { server.stop() }
        let waits = Waits()
        let vectors = try await embedder(configuration(server), waits: waits).embed(documents: ["a", "bb"])
        #expect(vectors.map(length) == [1, 2])
        #expect(server.requests.count == 2)
        #expect(waits.recorded == [7])
    }

    @Test func honoursRetryAfterInRealTime() async throws {
        let server = try LocalHTTPServer { request in
            request.sequence == 0 ? LocalHTTPServer.Response(status: 429, headers: ["retry-after-ms": "300"])
                : embeddings(for: request)
        }
        defer { server.stop() }
        let embedder = try OpenAIEmbedder(configuration: configuration(server), tokenCounter: UTF8ByteTokenBound())
        let start = Date()
        _ = try await embedder.embed(documents: ["a"])
        #expect(Date().timeIntervalSince(start) >= 0.3)
        #expect(server.requests.count == 2)
    }

    @Test func retriesA500ThenSucceeds() async throws {
        let server = try LocalHTTPServer { request in
            request.sequence == 0 ? .json(["error": ["message": "The server had an error"]], status: 500)
                : embeddings(for: request)
        }
        defer { server.stop() }
        let waits = Waits()
        let vectors = try await embedder(configuration(server), waits: waits).embed(documents: ["abc"])
        #expect(vectors.map(length) == [3])
        #expect(server.requests.count == 2)
        #expect(waits.recorded.count == 1 && waits.recorded.allSatisfy { $0 >= 0 && $0 <= 0.01 })
    }

    @Test func givesUpAfterTheLastAttemptOnA503() async throws {
        let server = try LocalHTTPServer { _ in .json(["error": ["message": "overloaded"]], status: 503) }
        defer { server.stop() }
        let error = await openAIError { _ = try await embedder(configuration(server)).embed(documents: ["a"]) }
        #expect(error == .retriesExhausted(endpoint: "\(server.baseURL)/v1/embeddings", attempts: 3,
                                           lastStatus: 503, message: "overloaded"))
        #expect(server.requests.count == 3)
    }

    @Test func retriesATimeOutThenSucceeds() async throws {
        let server = try LocalHTTPServer { request in
            var response = embeddings(for: request)
            if request.sequence == 0 { response.delay = 2 }
            return response
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) { $0.requestTimeout = 0.3 })
        let vectors = try await embedder.embed(documents: ["abcd"])
        #expect(vectors.map(length) == [4])
        // Two requests prove the first was abandoned at the time-out: had the client waited,
        // the slow answer would have succeeded on its own.
        #expect(server.requests.count == 2)
    }

    @Test func reportsATimeOutWhenEveryAttemptTimesOut() async throws {
        let server = try LocalHTTPServer { request in
            var response = embeddings(for: request)
            response.delay = 1
            return response
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) {
            $0.requestTimeout = 0.2
            $0.retry.maxAttempts = 2
        })
        let error = await openAIError { _ = try await embedder.embed(documents: ["a"]) }
        guard case .timedOut(_, let attempts, _)? = error else {
            Issue.record("expected a time-out, got \(String(describing: error))")
            return
        }
        #expect(attempts == 2)
        #expect(server.requests.count == 2)
    }

    @Test func malformedJSONIsAClearErrorAndNotRetried() async throws {
        let server = try LocalHTTPServer { _ in
            LocalHTTPServer.Response(status: 200, headers: ["Content-Type": "application/json"],
                                     body: Data("{\"data\": [{\"embedding\": [0.1, ".utf8))
        }
        defer { server.stop() }
        let error = await openAIError { _ = try await embedder(configuration(server)).embed(documents: ["a"]) }
        guard case .malformedResponse(_, let detail)? = error else {
            Issue.record("expected malformedResponse, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("not valid JSON"))
        #expect(error?.description.contains("OpenAI-compatible") == true)
        #expect(server.requests.count == 1)
    }

    @Test func wrongVectorSizeOrCountIsAnError() async throws {
        let sizes = try LocalHTTPServer { embeddings(for: $0, dimensions: 3) }
        defer { sizes.stop() }
        let sizeError = await openAIError { _ = try await embedder(configuration(sizes)).embed(documents: ["a"]) }
        guard case .malformedResponse(_, let detail)? = sizeError else {
            Issue.record("expected malformedResponse, got \(String(describing: sizeError))")
            return
        }
        #expect(detail.contains("3 dimensions, expected 4"))

        let counts = try LocalHTTPServer { _ in .json(["data": [["index": 0, "embedding": [1, 0, 0, 0]]]]) }
        defer { counts.stop() }
        let countError = await openAIError { _ = try await embedder(configuration(counts)).embed(documents: ["a", "b"]) }
        #expect(countError == .malformedResponse(endpoint: "\(counts.baseURL)/v1/embeddings",
                                                 detail: "1 embeddings for 2 inputs"))
    }

    @Test func a401IsSpecificAndNeverShowsTheKey() async throws {
        let server = try LocalHTTPServer { request in
            .json(["error": ["message": "Incorrect API key provided: \(secret). You passed \(request.headers["authorization"] ?? "").",
                             "type": "invalid_request_error", "code": "invalid_api_key"]], status: 401)
        }
        defer { server.stop() }
        let error = await openAIError { _ = try await embedder(configuration(server)).embed(documents: ["a"]) }
        guard case .unauthorized? = error, let error else {
            Issue.record("expected unauthorized, got \(String(describing: error))")
            return
        }
        #expect(server.requests.count == 1)
        for text in [error.description, String(describing: error), String(reflecting: error), "\(error.localizedDescription)"] {
            #expect(!text.contains("SECRET"), "\(text)")
            #expect(!text.contains("0123456789"), "\(text)")
        }
        #expect(error.description.contains("OPENAI_API_KEY"))
        #expect(error.description.contains("Incorrect API key provided"))
    }

    @Test func a403And400AreSpecific() async throws {
        let server = try LocalHTTPServer { request in
            request.sequence == 0
                ? .json(["error": ["message": "not allowed in this region"]], status: 403)
                : .json(["error": ["message": "This model does not support specifying dimensions."]], status: 400)
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server))
        let forbidden = await openAIError { _ = try await embedder.embed(documents: ["a"]) }
        let badRequest = await openAIError { _ = try await embedder.embed(documents: ["a"]) }
        let endpoint = "\(server.baseURL)/v1/embeddings"
        #expect(forbidden == .forbidden(endpoint: endpoint, message: "not allowed in this region"))
        #expect(badRequest == .badRequest(endpoint: endpoint, message: "This model does not support specifying dimensions."))
    }

    @Test func a404NamesTheModel() async throws {
        let server = try LocalHTTPServer { _ in
            .json(["error": ["message": "The model `text-embedding-4` does not exist", "code": "model_not_found"]],
                  status: 404)
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) { $0.model = "text-embedding-4" })
        let error = await openAIError { _ = try await embedder.embed(documents: ["a"]) }
        #expect(error == .notFound(endpoint: "\(server.baseURL)/v1/embeddings", model: "text-embedding-4",
                                   message: "The model `text-embedding-4` does not exist"))
        #expect(error?.description.contains("--model") == true)
        #expect(server.requests.count == 1)
    }

    @Test func usesAzuresURLAndHeader() async throws {
        let server = try LocalHTTPServer { embeddings(for: $0) }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) {
            $0.baseURL = server.baseURL
            $0.flavor = .azure(deployment: "my-embeddings", apiVersion: "2024-02-01")
        })
        _ = try await embedder.embed(documents: ["a"])
        let request = try #require(server.requests.first)
        #expect(request.target == "/openai/deployments/my-embeddings/embeddings?api-version=2024-02-01")
        #expect(request.headers["api-key"] == secret)
        #expect(request.headers["authorization"] == nil)
        #expect(!embedder.identity.fingerprint.isEmpty)
    }

    @Test func aFailureMidwayKeepsTheBatchesAlreadyDelivered() async throws {
        let server = try LocalHTTPServer { request in
            request.sequence == 1 ? .json(["error": ["message": "bad input"]], status: 400) : embeddings(for: request)
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) { $0.maxInputsPerRequest = 2 })
        var delivered: [OpenAIEmbeddingBatch] = []
        let error = await openAIError {
            try await embedder.embed(documents: texts(6)) { delivered.append($0) }
        }
        guard case .badRequest? = error else {
            Issue.record("expected badRequest, got \(String(describing: error))")
            return
        }
        #expect(delivered.map(\.range) == [0..<2])
        #expect(delivered.first?.vectors.map(length) == [1, 2])
        #expect(delivered.first?.promptTokens == 2)
        #expect(server.requests.count == 2, "no request starts after a failure")
    }

    @Test func requestsInFlightStillDeliverWhenAnotherFails() async throws {
        let server = try LocalHTTPServer { request in
            let inputs = request.json?["input"] as? [String] ?? []
            if inputs.first == "x" { return .json(["error": ["message": "no"]], status: 401) }
            var response = embeddings(for: request)
            response.delay = 0.2
            return response
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) {
            $0.maxInputsPerRequest = 1
            $0.maxConcurrentRequests = 3
        })
        var delivered: [Range<Int>] = []
        let error = await openAIError {
            try await embedder.embed(documents: ["x", "yy", "zzz", "wwww"]) { delivered.append($0.range) }
        }
        guard case .unauthorized? = error else {
            Issue.record("expected unauthorized, got \(String(describing: error))")
            return
        }
        #expect(delivered.sorted { $0.lowerBound < $1.lowerBound } == [1..<2, 2..<3])
        #expect(server.requests.count == 3)
    }

    @Test func neverFollowsARedirectThatWouldCarryTheKeyElsewhere() async throws {
        let elsewhere = try LocalHTTPServer { embeddings(for: $0) }
        defer { elsewhere.stop() }
        let target = "\(elsewhere.baseURL)/v1/embeddings"
        let server = try LocalHTTPServer { _ in LocalHTTPServer.Response(status: 307, headers: ["Location": target]) }
        defer { server.stop() }
        let error = await openAIError { _ = try await embedder(configuration(server)).embed(documents: ["a"]) }
        guard case .httpStatus(_, 307, let message)? = error else {
            Issue.record("expected a 307 error, got \(String(describing: error))")
            return
        }
        #expect(message.contains(target))
        #expect(server.requests.count == 1)
        #expect(elsewhere.requests.isEmpty, "the other server must receive nothing")
    }

    @Test func aRefusedConnectionIsRetriedThenReportedWithTheSystemsReason() async throws {
        let port = try ClosedPort()
        defer { port.close() }
        var config = OpenAIConfiguration(baseURL: URL(string: "http://127.0.0.1:\(port.number)/v1")!, model: "test-model",
                                         dimensions: 4, apiKey: OpenAIAPIKey(secret), requestTimeout: 5)
        config.retry = OpenAIRetryPolicy(maxAttempts: 2, initialDelay: 0.01, maxDelay: 0.02)
        let waits = Waits()
        let error = await openAIError { _ = try await embedder(config, waits: waits).embed(documents: ["a"]) }
        guard case .transport(let endpoint, let attempts, let message)? = error, let error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(endpoint == "http://127.0.0.1:\(port.number)/v1/embeddings")
        #expect(attempts == 2)
        #expect(waits.recorded.count == 1)
        #expect(message.contains("127.0.0.1") && message.localizedCaseInsensitiveContains("connect"), "\(message)")
        #expect(error.description.hasPrefix("cannot reach http://127.0.0.1:\(port.number)/v1/embeddings after 2 attempts: "))
        #expect(!error.description.contains("SECRET"))
    }

    @Test func cancellingTheEmbeddingStopsTheRequestInFlight() async throws {
        // Answers after a minute: only cancellation can end the request before that.
        let server = try LocalHTTPServer { request in
            var response = embeddings(for: request)
            response.delay = 60
            return response
        }
        defer { server.stop() }
        let embedder = try embedder(configuration(server) { $0.requestTimeout = 120 })
        let task = Task { try await embedder.embed(documents: ["a", "bb"]) }
        while server.requests.isEmpty { try await Task.sleep(nanoseconds: 10_000_000) }
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else {
            Issue.record("the request was not stopped: \(result)")
            return
        }
        #expect(error is CancellationError, "\(error)")
        #expect(server.requests.count == 1, "no retry after cancellation")
    }

    @Test func learnsTheSizeOfAnUnknownModelFromTheServer() async throws {
        let server = try LocalHTTPServer { embeddings(for: $0, dimensions: 3) }
        defer { server.stop() }
        let config = configuration(server) {
            $0.model = "nomic-embed-text"
            $0.dimensions = nil
        }
        #expect(throws: OpenAIError.unknownDimensions(model: "nomic-embed-text")) {
            try OpenAIEmbedder(configuration: config, tokenCounter: UTF8ByteTokenBound())
        }
        let embedder = try await OpenAIEmbedder.probing(configuration: config, tokenCounter: UTF8ByteTokenBound())
        #expect(embedder.identity.dimensions == 3)
        let vectors = try await embedder.embed(documents: ["ab"])
        #expect(vectors.map(\.count) == [3])
        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { $0.json?["dimensions"] == nil })
    }
}

/// Counts requests being handled at once.
private final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private var highest = 0
    var peak: Int { lock.withLock { highest } }
    func enter() { lock.withLock { current += 1; highest = max(highest, current) } }
    func leave() { lock.withLock { current -= 1 } }
}
