import NIOCore
import NIOPosix
import NIOSSL

/// One command in flight: what to send, where its reply goes, and when to give up on it.
struct RedisRequest: Sendable {
    let command: RedisCommand
    let promise: EventLoopPromise<RESPValue>
    let deadline: NIODeadline
}

/// The pipeline's end for one connection: encodes commands, matches replies to them in order, and
/// fails what is in flight when the connection breaks or a reply is late.
///
/// Replies come in the order commands were sent, so commands from many tasks share the connection
/// (pipelining). Writes made in one turn of the event loop are flushed together.
///
/// A request whose reply is late fails with ``RedisError/Code/timeout`` at its deadline; its entry
/// stays in line to swallow the reply if it comes, so the requests behind it are not disturbed. A
/// connection whose oldest request has had no reply for a grace period past its deadline is stuck:
/// everything on it fails and it is closed, and the pool opens a fresh one.
final class RedisChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private struct Pending {
        let promise: EventLoopPromise<RESPValue>
        let deadline: NIODeadline
        /// Failed at its deadline: its reply, if it comes, is dropped.
        var abandoned = false
    }

    private let parser: RESPParser
    private let maxBufferedBytes: Int
    private let grace: TimeAmount
    private var pending = CircularBuffer<Pending>(initialCapacity: 32)
    private var cumulation: ByteBuffer?
    private var context: ChannelHandlerContext?
    /// Once set, the connection is finished and every new request fails with it.
    private var failure: RedisError?
    private var flushScheduled = false
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(limits: RESPLimits, grace: TimeAmount) {
        self.parser = RESPParser(limits: limits)
        self.maxBufferedBytes = limits.maxReplyBytes
        self.grace = grace
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(RedisError(.connectionClosed, "the connection was closed"))
        self.context = nil
    }

    /// Sends a request (on the event loop); fails it at once if the connection is finished or the
    /// request's deadline has passed.
    func enqueue(_ request: RedisRequest) {
        guard let context, failure == nil else {
            request.promise.fail(failure ?? RedisError(.connectionClosed, "the connection is closed"))
            return
        }
        guard request.deadline > .now() else {
            request.promise.fail(RedisError(.timeout, "the command timeout passed before the command could be sent"))
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        request.command.encode(into: &buffer)
        pending.append(Pending(promise: request.promise, deadline: request.deadline))
        context.write(NIOAny(buffer), promise: nil)
        if !flushScheduled {
            flushScheduled = true
            // Commands written in this turn of the loop leave in one write.
            context.eventLoop.assumeIsolated().execute {
                self.flushScheduled = false
                self.context?.flush()
            }
        }
        arm(at: request.deadline)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if cumulation == nil || cumulation!.readableBytes == 0 {
            cumulation = bytes
        } else {
            cumulation!.writeBuffer(&bytes)
        }
        while true {
            let value: RESPValue?
            do {
                value = try parser.parse(&cumulation!)
            } catch {
                fail(context, RedisError(.protocolViolation, error.message))
                return
            }
            guard let value else { break }
            guard let head = pending.popFirst() else {
                fail(context, RedisError(.protocolViolation, "a reply arrived that no command was waiting for"))
                return
            }
            if head.abandoned { continue }
            if case .error(let message) = value {
                head.promise.fail(RedisError(.serverError, message))
            } else {
                head.promise.succeed(value)
            }
        }
        if cumulation!.readableBytes == 0 {
            cumulation = nil
        } else if cumulation!.readableBytes > maxBufferedBytes {
            fail(context, RedisError(.protocolViolation, "a reply larger than \(maxBufferedBytes) bytes"))
            return
        } else if cumulation!.readerIndex > 1 << 16 {
            cumulation!.discardReadBytes()
        }
        if pending.isEmpty { disarm() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(RedisError(.connectionClosed, "the connection was closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, RedisError(.connectionClosed, "connection error: \(error)"))
    }

    /// Fails everything in flight and closes the connection.
    private func fail(_ context: ChannelHandlerContext, _ error: RedisError) {
        finish(error)
        context.close(promise: nil)
    }

    private func finish(_ error: RedisError) {
        if failure == nil { failure = error }
        disarm()
        while let head = pending.popFirst() { head.promise.fail(error) }
    }

    /// Makes sure a timer fires by `deadline`.
    private func arm(at deadline: NIODeadline) {
        if let current = timerDeadline, current <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.timerFired() }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    /// Fails the requests whose deadline has passed, and closes the connection if the oldest has
    /// waited a grace period beyond its own.
    private func timerFired() {
        timer = nil
        timerDeadline = nil
        guard let context, let head = pending.first else { return }
        let now = NIODeadline.now()
        if head.deadline + grace <= now {
            let milliseconds = (now - head.deadline).nanoseconds / 1_000_000
            fail(
                context,
                RedisError(.timeout, "no reply for \(milliseconds) ms past the command timeout; reconnecting")
            )
            return
        }
        var next = head.deadline + grace
        for index in pending.indices where !pending[index].abandoned {
            if pending[index].deadline <= now {
                pending[index].abandoned = true
                pending[index].promise.fail(RedisError(.timeout, "no reply within the command timeout"))
            } else {
                next = min(next, pending[index].deadline)
            }
        }
        arm(at: next)
    }
}

/// An open connection: commands are pipelined on it by any number of tasks.
final class RedisConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<RedisChannelHandler>

    private init(channel: any Channel, handler: NIOLoopBound<RedisChannelHandler>) {
        self.channel = channel
        self.handler = handler
    }

    var isActive: Bool { channel.isActive }

    /// Sends a command; the future fails with ``RedisError`` (a server error reply included).
    func send(_ command: RedisCommand, deadline: NIODeadline) -> EventLoopFuture<RESPValue> {
        let eventLoop = channel.eventLoop
        let promise = eventLoop.makePromise(of: RESPValue.self)
        let request = RedisRequest(command: command, promise: promise, deadline: deadline)
        if eventLoop.inEventLoop {
            handler.value.enqueue(request)
        } else {
            eventLoop.execute { [handler] in handler.value.enqueue(request) }
        }
        return promise.futureResult
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Connects, sets up TLS, authenticates and selects the database, all by `deadline`.
    static func connect(
        configuration: RedisConfiguration,
        sslContext: NIOSSLContext?,
        eventLoop: any EventLoop,
        deadline: NIODeadline
    ) -> EventLoopFuture<RedisConnection> {
        let limits = configuration.limits
        // A connection is given up for stuck once its oldest reply is this late.
        let grace = TimeAmount.nanoseconds(max(250_000_000, configuration.commandTimeout.nanoseconds * 4))
        let serverName = configuration.tlsServerName ?? (isAddress(configuration.host) ? nil : configuration.host)
        let connectTimeout = max(.milliseconds(1), deadline - .now())
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let tls = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(limits: limits, grace: grace))
                }
            }
        let host = configuration.host
        let port = configuration.port
        return bootstrap.connect(host: host, port: port)
            .flatMapErrorThrowing { error in
                throw RedisError(.connectionFailed, "cannot connect to \(host):\(port): \(error)")
            }
            .flatMapThrowing { channel -> RedisConnection in
                let handler = try channel.pipeline.syncOperations.handler(type: RedisChannelHandler.self)
                return RedisConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
            .flatMap { connection in
                // PING proves the whole path (TLS included) and that the server takes a client: one that
                // accepts and hangs up (max clients, a proxy without a backend) fails here, with backoff.
                var setup: [RedisCommand] = []
                if let password = configuration.password {
                    setup.append(
                        configuration.username.map { RedisCommand("AUTH", $0, password) }
                            ?? RedisCommand("AUTH", password)
                    )
                }
                if configuration.database != 0 { setup.append(RedisCommand("SELECT", String(configuration.database))) }
                setup.append(RedisCommand("PING"))
                let replies = setup.map { connection.send($0, deadline: deadline) }
                return EventLoopFuture.whenAllSucceed(replies, on: connection.channel.eventLoop)
                    .map { _ in connection }
                    .flatMapError { error in
                        connection.close()
                        let message = (error as? RedisError).map { "\($0.code.rawValue): \($0.message)" } ?? "\(error)"
                        return eventLoop.makeFailedFuture(
                            RedisError(.connectionFailed, "handshake with \(host):\(port) failed: \(message)")
                        )
                    }
            }
    }

    private static func isAddress(_ host: String) -> Bool {
        host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }
}
