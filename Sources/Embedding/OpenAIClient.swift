import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one embeddings request, with retries; the only place that touches the network.
final class OpenAIClient: Sendable {
    let configuration: OpenAIConfiguration
    /// Every vector must have this many values, when known.
    let expectedDimensions: Int?
    let session: URLSession
    /// Waits between attempts; replaced in tests only to observe the waits.
    let sleep: @Sendable (Double) async throws -> Void

    init(configuration: OpenAIConfiguration,
         expectedDimensions: Int?? = nil,
         sleep: @escaping @Sendable (Double) async throws -> Void = OpenAIClient.taskSleep)
    {
        self.configuration = configuration
        self.expectedDimensions = expectedDimensions ?? configuration.expectedDimensions
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        // A backstop only: swift-corelibs-foundation rounds these down to whole seconds, so
        // `send` enforces the exact time-out itself.
        sessionConfiguration.timeoutIntervalForRequest = (configuration.requestTimeout + 1).rounded(.up)
        sessionConfiguration.timeoutIntervalForResource = (configuration.requestTimeout * 2 + 1).rounded(.up)
        sessionConfiguration.httpMaximumConnectionsPerHost = max(1, configuration.maxConcurrentRequests)
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessionConfiguration.urlCache = nil
        sessionConfiguration.httpCookieStorage = nil
        sessionConfiguration.httpShouldSetCookies = false
        self.session = URLSession(configuration: sessionConfiguration, delegate: RedirectRefuser(),
                                  delegateQueue: nil)
        self.sleep = sleep
    }

    deinit { session.finishTasksAndInvalidate() }

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
                let (data, response) = try await send(request)
                if (200..<300).contains(response.statusCode) {
                    return try decode(data, count: inputs.count)
                }
                failure = try classify(status: response.statusCode, data: data, response: response,
                                       attempts: attempt)
            } catch let error as URLError {
                if error.code == .cancelled { throw CancellationError() }
                failure = error.code == .timedOut
                    ? .retryable(OpenAIError.timedOut(endpoint: endpoint, attempts: attempt,
                                                      seconds: configuration.requestTimeout), retryAfter: nil)
                    : .retryable(OpenAIError.transport(endpoint: endpoint, attempts: attempt,
                                                       message: error.localizedDescription), retryAfter: nil)
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

    private func makeRequest(_ inputs: [String]) throws -> URLRequest {
        var request = URLRequest(url: configuration.embeddingsURL)
        request.httpMethod = "POST"
        request.timeoutInterval = (configuration.requestTimeout + 1).rounded(.up)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("codesearch", forHTTPHeaderField: "User-Agent")
        if let key = configuration.apiKey?.value, !key.isEmpty {
            switch configuration.flavor {
            case .openAI: request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            case .azure: request.setValue(key, forHTTPHeaderField: "api-key")
            }
        }
        let body = RequestBody(input: inputs, model: configuration.model, dimensions: configuration.dimensions)
        request.httpBody = try JSONEncoder().encode(body)
        return request
    }

    private struct RequestBody: Encodable {
        var input: [String]
        var model: String
        var dimensions: Int?
    }

    /// The response, or `URLError(.timedOut)` once `requestTimeout` has passed.
    private func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let timeout = configuration.requestTimeout
        return try await withThrowingTaskGroup(of: (Data, HTTPURLResponse).self) { group in
            group.addTask { try await self.transfer(request) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
                throw URLError(.timedOut)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw URLError(.unknown) }
            return first
        }
    }

    private func transfer(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: (error as? URLError) ?? URLError(.unknown))
                    } else if let response = response as? HTTPURLResponse {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }

    private func classify(status: Int, data: Data, response: HTTPURLResponse, attempts: Int) throws -> Failure {
        let message = OpenAIRedaction.clean(Self.serverMessage(data), key: configuration.apiKey?.value)
        switch status {
        case 400: return .final(.badRequest(endpoint: endpoint, message: message))
        case 401: return .final(.unauthorized(endpoint: endpoint, message: message))
        case 403: return .final(.forbidden(endpoint: endpoint, message: message))
        case 404: return .final(.notFound(endpoint: endpoint, model: configuration.model, message: message))
        case 300...399:
            let target = response.value(forHTTPHeaderField: "Location")
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

/// Answers every redirect with "don't": following one would send the key to whatever
/// address the server names.
private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask,
                    willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
                    completionHandler: @escaping @Sendable (URLRequest?) -> Void)
    {
        completionHandler(nil)
    }
}

/// Holds the running task so cancellation can reach it.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        lock.lock()
        self.task = task
        let cancelNow = cancelled
        lock.unlock()
        if cancelNow { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let task = self.task
        lock.unlock()
        task?.cancel()
    }
}
