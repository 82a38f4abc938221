#if MCP
import Foundation
import Logging
import MCP

/// The stdio transport, keeping count of the requests not yet answered, so that at end of
/// input the server answers what was asked before it exits (`echo REQUESTS | codesearch mcp`
/// gets every answer). Invariant: `open` holds the id of every request received whose
/// response has not been sent, and that no cancellation named.
actor DrainingTransport: Transport {
    private let base: StdioTransport
    private var open: Set<ID> = []
    nonisolated var logger: Logger { base.logger }

    init(_ base: StdioTransport) {
        self.base = base
    }

    func connect() async throws { try await base.connect() }
    func disconnect() async { await base.disconnect() }

    func send(_ data: Data) async throws {
        try await base.send(data)
        if let message = try? JSONDecoder().decode(Envelope.self, from: data), message.method == nil, let id = message.id {
            open.remove(id)
        }
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        let incoming = base
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await data in await incoming.receive() {
                        self.note(data)
                        continuation.yield(data)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Waits until every request received has been answered, or `limit` has passed.
    func drain(limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while !open.isEmpty && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    private func note(_ data: Data) {
        // A batch (an array) is not counted: the SDK answers it before reading on.
        guard let message = try? JSONDecoder().decode(Envelope.self, from: data), let method = message.method else { return }
        if let id = message.id {
            open.insert(id)
        } else if method == "notifications/cancelled", let id = message.params?.requestId {
            open.remove(id)
        }
    }

    /// The fields of a JSON-RPC message that say what it is.
    private struct Envelope: Decodable {
        struct Params: Decodable { var requestId: ID? }
        var id: ID?
        var method: String?
        var params: Params?
    }
}
#endif
