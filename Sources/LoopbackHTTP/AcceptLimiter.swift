import NIOCore

/// On the listening channel: stops accepting while `limit` connections are open, so
/// further clients wait in the kernel's accept queue (delayed, never refused) until one
/// closes. It holds back the channel's `read` (each read accepts one connection, see
/// `maxMessagesPerRead`) and lets it through again when a connection closes.
final class AcceptLimiter: ChannelDuplexHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel
    typealias OutboundIn = Never

    private let limit: Int
    private var open = 0
    private var readHeld = false

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let connection = unwrapInboundIn(data)
        open += 1
        // The close is seen on the connection's own loop; it is counted on this one.
        let loop = context.eventLoop
        connection.closeFuture.hop(to: loop).assumeIsolated().whenComplete { [self] _ in
            open -= 1
            if readHeld, open < limit {
                readHeld = false
                context.read()
            }
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if open >= limit {
            readHeld = true
        } else {
            context.read()
        }
    }
}
