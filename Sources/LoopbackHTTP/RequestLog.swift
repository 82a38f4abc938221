import NIOConcurrencyHelpers

/// Numbers the requests a server receives and, when asked, keeps them for the tests.
final class RequestLog: Sendable {
    private let recording: Bool
    private let state = NIOLockedValueBox((next: 0, kept: [LoopbackHTTPServer.Request]()))

    init(recording: Bool) {
        self.recording = recording
    }

    /// `request` with its arrival number.
    func arrived(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Request {
        state.withLockedValue { state in
            var request = request
            request.sequence = state.next
            state.next += 1
            if recording { state.kept.append(request) }
            return request
        }
    }

    var requests: [LoopbackHTTPServer.Request] {
        state.withLockedValue { $0.kept }
    }
}
