import NIOCore

/// Notices that a client went away while its request is being handled. Hummingbird does not
/// cancel handlers, and with remote half-closure a client's close arrives only as an input-closed
/// event: this handler, added to every connection's pipeline, runs the registered callbacks then
/// (or when the channel goes inactive). Event-loop confined.
final class ConnectionCloseWatcher: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = Never

    private var callbacks: [@Sendable () -> Void] = []
    private var closed = false

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed { fire() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fire()
        context.fireChannelInactive()
    }

    private func fire() {
        closed = true
        let cbs = callbacks
        callbacks.removeAll()
        for cb in cbs { cb() }
    }

    /// Runs `cb` when the client closes its side (at once when it already has). Call on the
    /// channel's event loop.
    func onClose(_ cb: @escaping @Sendable () -> Void) {
        if closed { cb() } else { callbacks.append(cb) }
    }

    /// Runs `cb` when `channel`'s client goes away; no-op when the channel has no watcher.
    static func whenClosed(_ channel: any Channel, _ cb: @escaping @Sendable () -> Void) {
        channel.pipeline.handler(type: ConnectionCloseWatcher.self).whenSuccess { w in
            w.onClose(cb)
        }
        channel.closeFuture.whenComplete { _ in cb() }
    }
}
