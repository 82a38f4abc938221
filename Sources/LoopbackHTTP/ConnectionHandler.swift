import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves one connection: reads one request within the server's `Limits`, has the handler
/// answer it on the worker pool, writes the answer and closes.
///
/// What must hold, whatever the client sends: memory held is at most the header and body
/// limits plus the decoder's buffer; a declared body over the limit is refused before any
/// of it is read, a chunked one as soon as the count passes it; the headers must be in
/// within `headerTimeout`, the whole request within `requestTimeout`, and no gap between
/// bytes may exceed `idleTimeout` (the `IdleStateHandler` in front of the decoder).
/// Every refusal with a status is answered before the connection closes.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What every connection of one server shares.
    struct Service: Sendable {
        var limits: LoopbackHTTPServer.Limits
        var workers: NIOThreadPool
        var log: RequestLog
        var handler: @Sendable (LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response
        var rejection: @Sendable (LoopbackHTTPError) -> LoopbackHTTPServer.Response
    }

    private enum State {
        case awaitingHead
        case readingBody(HTTPRequestHead, ByteBuffer)
        /// Answering, or refused: whatever else arrives is dropped.
        case done
    }

    private let service: Service
    private var state = State.awaitingHead
    private var timers: [Scheduled<Void>] = []
    /// A refusal was written; input is being dropped until the client closes or a second passes.
    private var draining = false

    init(service: Service) {
        self.service = service
    }

    /// The pipeline of one accepted connection.
    static func install(on channel: Channel, service: Service) throws {
        let limits = service.limits
        var parsing = NIOHTTPDecoderLimitConfiguration()
        parsing.maxHeaderFieldSize = limits.maxHeaderBytes
        parsing.maxHeaderListSize = limits.maxHeaderBytes
        try channel.pipeline.syncOperations.addHandlers([
            IdleStateHandler(readTimeout: .milliseconds(Self.milliseconds(limits.idleTimeout))),
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop,
                                                    limitConfiguration: parsing)),
            HTTPResponseEncoder(),
            ConnectionHandler(service: service),
        ])
    }

    static func milliseconds(_ seconds: Double) -> Int64 {
        max(1, Int64((min(seconds, 1e9) * 1000).rounded(.up)))
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    func channelActive(context: ChannelHandlerContext) {
        let limits = service.limits
        let loop = context.eventLoop.assumeIsolated()
        if limits.headerTimeout < limits.requestTimeout {
            timers.append(loop.scheduleTask(in: .milliseconds(Self.milliseconds(limits.headerTimeout))) { [self] in
                if case .awaitingHead = state {
                    refuse(.timedOut("headers not complete within \(Self.seconds(limits.headerTimeout))"), context)
                }
            })
        }
        timers.append(loop.scheduleTask(in: .milliseconds(Self.milliseconds(limits.requestTimeout))) { [self] in
            switch state {
            case .awaitingHead, .readingBody:
                refuse(.timedOut("not complete within \(Self.seconds(limits.requestTimeout))"), context)
            case .done:
                break
            }
        })
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        state = .done
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            switch state {
            case .awaitingHead, .readingBody:
                refuse(.timedOut("no byte for \(Self.seconds(service.limits.idleTimeout))"), context)
            case .done:
                break
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            switch state {
            case .awaitingHead, .readingBody:
                refuse(.connectionClosed, context)
            case .done:
                if draining { context.close(promise: nil) }  // else the answer is on its way
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .awaitingHead):
            if let refusal = Self.framingRefusal(head, limit: service.limits.maxBodyBytes) {
                refuse(refusal, context)
                return
            }
            // curl waits a second for this before sending a large body; answer at once.
            if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))),
                                      promise: nil)
            }
            state = .readingBody(head, context.channel.allocator.buffer(capacity: 0))
        case (.body(var chunk), .readingBody(let head, var body)):
            guard body.readableBytes + chunk.readableBytes <= service.limits.maxBodyBytes else {
                refuse(.bodyTooLarge(limit: service.limits.maxBodyBytes), context)
                return
            }
            state = .done  // no second reference to `body` while it grows
            body.writeBuffer(&chunk)
            state = .readingBody(head, body)
        case (.end, .readingBody(let head, let body)):
            state = .done
            cancelTimers()
            answer(head, body: body, context)
        default:
            break  // after a refusal or the answer: dropped
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard case .done = state else {
            refuse(Self.refusal(for: error, limits: service.limits), context)
            return
        }
        context.close(promise: nil)
    }

    /// Why a head's framing is refused: a declared body over the limit, or a transfer coding
    /// other than chunked, or both framings at once. (The decoder has refused lengths that
    /// are not numbers, or that disagree.)
    private static func framingRefusal(_ head: HTTPRequestHead, limit: Int) -> LoopbackHTTPError? {
        // Two framings would let a proxy and this server split the bytes into different requests.
        if head.headers.contains(name: "transfer-encoding"), head.headers.contains(name: "content-length") {
            return .malformed("both Content-Length and Transfer-Encoding")
        }
        if let coding = head.headers["transfer-encoding"].last,
           coding.split(separator: ",").last?.trimmingCharacters(in: .whitespaces).lowercased() != "chunked" {
            return .unsupportedTransferEncoding(coding)
        }
        if let text = head.headers["content-length"].first {
            // Any length of 19 digits or more is over every limit an Int can state.
            guard text.utf8.count < 19, let length = Int(text), length <= limit else { return .bodyTooLarge(limit: limit) }
        }
        return nil
    }

    /// A decoder error as the refusal the client is told.
    private static func refusal(for error: Error, limits: LoopbackHTTPServer.Limits) -> LoopbackHTTPError {
        guard let parsing = error as? HTTPParserError else { return .malformed("\(error)") }
        switch parsing {
        case .headerOverflow: return .headersTooLarge(limit: limits.maxHeaderBytes)
        case .invalidContentLength: return .malformed("Content-Length is not a number")
        case .unexpectedContentLength:
            // llhttp reports both cases as one error.
            return .malformed("conflicting Content-Length headers, or both Content-Length and Transfer-Encoding")
        case .invalidHeaderToken: return .malformed("a header line is not 'Name: value'")
        case .invalidChunkSize: return .malformed("a chunk size is not a hexadecimal number")
        case .invalidVersion: return .malformed("only HTTP/1.x is served")
        case .invalidMethod, .invalidURL: return .malformed("the request line is not 'METHOD TARGET HTTP/1.1'")
        case .unknown:
            // What llhttp reports for a bad transfer coding, among a few rarer faults.
            return .malformed("invalid framing (such as both Content-Length and Transfer-Encoding, "
                              + "or a transfer coding other than chunked)")
        default: return .malformed("\(parsing)")
        }
    }

    private func cancelTimers() {
        timers.forEach { $0.cancel() }
        timers.removeAll()
    }
}

extension ConnectionHandler {
    /// Runs the handler on the worker pool and writes its answer, after its delay if any.
    private func answer(_ head: HTTPRequestHead, body: ByteBuffer, _ context: ChannelHandlerContext) {
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { $0 + ", " + value } ?? value
        }
        let request = service.log.arrived(LoopbackHTTPServer.Request(
            method: head.method.rawValue, target: head.uri, headers: headers, body: Data(body.readableBytesView), sequence: 0))
        let handler = service.handler
        service.workers.runIfActive(eventLoop: context.eventLoop) { handler(request) }
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let response) where response.delay > 0:
                    context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Self.milliseconds(response.delay))) {
                        self.write(response, context, thenDrain: false)
                    }
                case .success(let response):
                    write(response, context, thenDrain: false)
                case .failure:
                    context.close(promise: nil)  // the server is stopping
                }
            }
    }

    /// Answers a request the limits refuse (or just closes, for a refusal without a status).
    private func refuse(_ refusal: LoopbackHTTPError, _ context: ChannelHandlerContext) {
        state = .done
        cancelTimers()
        guard refusal.status != nil else {
            context.close(promise: nil)
            return
        }
        write(service.rejection(refusal), context, thenDrain: true)
    }

    /// Writes `response` with `Connection: close` and closes. After a refusal the client
    /// may still be sending: closing with its bytes unread would reset the connection,
    /// and the reset can destroy the answer before the client reads it; so stop writing,
    /// drop what arrives for up to a second, then close.
    private func write(_ response: LoopbackHTTPServer.Response, _ context: ChannelHandlerContext, thenDrain: Bool) {
        var headers = HTTPHeaders()
        var fields = response.headers
        fields["Content-Length"] = String(response.body.count)
        fields["Connection"] = "close"
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        let status = HTTPResponseStatus.custom(code: UInt(clamping: response.status),
                                               reasonPhrase: LoopbackHTTPServer.reason(response.status))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        written.assumeIsolated().whenComplete { [self] _ in
            guard thenDrain else {
                context.close(promise: nil)
                return
            }
            draining = true
            context.close(mode: .output, promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { context.close(promise: nil) }
        }
    }
}
