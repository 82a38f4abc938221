import Foundation
import HTTPTransport

/// Sends one embeddings request, with retries; the only place that touches the network.
final class OpenAIClient: Sendable {
    let configuration: OpenAIConfiguration
    /// Every vector must have this many values, when known.
    let expectedDimensions: Int?
    /// Never follows a redirect: that would send the key to whatever address the server names.
    let http: HTTPSession
    /// Waits between attempts; replaced in tests only to observe the waits.
    let sleep: @Sendable (Double) async throws -> Void

    init(configuration: OpenAIConfiguration,
         expectedDimensions: Int?? = nil,
         sleep: @escaping @Sendable (Double) async throws -> Void = OpenAIClient.taskSleep)
    {
        self.configuration = configuration
        self.expectedDimensions = expectedDimensions ?? configuration.expectedDimensions
        self.http = HTTPSession(connections: max(1, configuration.maxConcurrentRequests))
        self.sleep = sleep
    }

    static let taskSleep: @Sendable (Double) async throws -> Void = { seconds in
        if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) }
    }

    struct Reply: Sendable {
        var vectors: [[Float]]
        var promptTokens: Int?
    }

    var endpoint: String { OpenAIRedaction.endpoint(configuration.embeddingsURL) }

    /// Vectors for `inputs`, in their order.
    func embed(_ inputs: [String]) async throws -> Reply {
        let request = try makeRequest(inputs)
        let policy = configuration.retry
        var attempt = 0
        while true {
            attempt += 1
            let failure: Failure
            do {
                // Cancellation stops the transfer and throws CancellationError.
                let response = try await http.send(request)
                if (200..<300).contains(response.status) {
                    return try decode(response.body, count: inputs.count)
                }
                failure = try classify(status: response.status, data: response.body, response: response,
                                       attempts: attempt)
            } catch let error as HTTPError {
                switch error {
                case .timedOut:
                    failure = .retryable(.timedOut(endpoint: endpoint, attempts: attempt,
                                                   seconds: configuration.requestTimeout), retryAfter: nil)
                case .failed(let message):
                    failure = .retryable(.transport(endpoint: endpoint, attempts: attempt, message: message),
                                         retryAfter: nil)
                case .responseTooLarge:
                    failure = .final(.malformedResponse(endpoint: endpoint, detail: error.description))
                case .invalidRequest, .writeFailed:
                    // Trying again cannot help.
                    failure = .final(.transport(endpoint: endpoint, attempts: attempt, message: error.description))
                }
            }
            switch failure {
            case .final(let error):
                throw error
            case .retryable(let error, let retryAfter):
                try Task.checkCancellation()
                if attempt >= max(1, policy.maxAttempts) { throw error }
                try await sleep(policy.delay(beforeRetry: attempt - 1, retryAfter: retryAfter))
            }
        }
    }

    private enum Failure {
        case final(OpenAIError)
        case retryable(OpenAIError, retryAfter: Double?)
    }

    private func makeRequest(_ inputs: [String]) throws -> HTTPRequest {
        var request = HTTPRequest(url: configuration.embeddingsURL, method: "POST")
        // The whole request, body included: the transfer stops when it passes.
        request.timeout = configuration.requestTimeout
        request.headers = [("Content-Type", "application/json"), ("Accept", "application/json"),
                           ("User-Agent", "codesearch")]
        if let key = configuration.apiKey?.value, !key.isEmpty {
            switch configuration.flavor {
            case .openAI: request.headers.append(("Authorization", "Bearer \(key)"))
            case .azure: request.headers.append(("api-key", key))
            }
        }
        request.maxRedirects = 0  // the key goes to this address only
        let body = RequestBody(input: inputs, model: configuration.model, dimensions: configuration.dimensions)
        request.body = try JSONEncoder().encode(body)
        return request
    }

    private struct RequestBody: Encodable {
        var input: [String]
        var model: String
        var dimensions: Int?
    }

    private func classify(status: Int, data: Data, response: HTTPResponse, attempts: Int) throws -> Failure {
        let message = OpenAIRedaction.clean(Self.serverMessage(data), key: configuration.apiKey?.value)
        switch status {
        case 400: return .final(.badRequest(endpoint: endpoint, message: message))
        case 401: return .final(.unauthorized(endpoint: endpoint, message: message))
        case 403: return .final(.forbidden(endpoint: endpoint, message: message))
        case 404: return .final(.notFound(endpoint: endpoint, model: configuration.model, message: message))
        case 300...399:
            let target = response.value(forHeader: "Location")
                .flatMap { URL(string: $0, relativeTo: configuration.embeddingsURL) }
                .map { OpenAIRedaction.endpoint($0.absoluteURL) } ?? "another address"
            return .final(.httpStatus(
                endpoint: endpoint, status: status,
                message: "it redirects to \(target), and redirects are not followed so the key cannot leak; set the base URL to the final address"))
        case 408, 409, 429, 500...599:
            return .retryable(.retriesExhausted(endpoint: endpoint, attempts: attempts, lastStatus: status,
                                                message: message),
                              retryAfter: Self.retryAfter(response))
        default: return .final(.httpStatus(endpoint: endpoint, status: status, message: message))
        }
    }
}
