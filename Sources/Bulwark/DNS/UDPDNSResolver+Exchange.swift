import NIOCore
import NIOPosix

extension UDPDNSResolver {
    /// Sends one query to one server and waits, at most `limit`, for the response that matches it.
    ///
    /// The socket is connected to the server, so the kernel drops datagrams from anywhere else, and
    /// a closed port comes back as an ICMP error (``DNSError/Code/unreachable``) instead of silence.
    /// The channel is closed however the exchange ends, cancellation included.
    func exchange(
        _ query: DNSQuery,
        with server: Nameserver,
        within limit: Duration
    ) async throws(DNSError)
        -> DNSResponse
    {
        let eventLoop = eventLoopGroup.next()
        let promise = eventLoop.makePromise(of: DNSResponse.self)
        guard let bootstrap = DatagramBootstrap(validatingGroup: eventLoop) else {
            let error = DNSError(code: .invalidConfiguration, message: "the event loop cannot open sockets")
            promise.fail(error)
            throw error
        }
        let serverText = server.text
        let timeout = TimeAmount(limit)
        let channel =
            bootstrap
            .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4_096))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DNSExchangeHandler(query: query, server: serverText, timeout: timeout, promise: promise)
                    )
                }
            }
            .connect(to: server.address)
        channel.whenFailure { error in
            promise.fail(DNSError(code: .unreachable, message: "cannot open a socket to \(serverText): \(error)"))
        }
        channel.flatMap { channel -> EventLoopFuture<Void> in
            channel.writeAndFlush(ByteBuffer(bytes: query.bytes))
        }.whenFailure { error in
            promise.fail(DNSError(code: .unreachable, message: "cannot send to \(serverText): \(error)"))
        }
        promise.futureResult.whenComplete { _ in
            channel.whenSuccess { $0.close(promise: nil) }
        }
        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(DNSError(code: .timeout, message: "the query to \(serverText) was cancelled"))
            }
        } catch let error as DNSError {
            throw error
        } catch {
            throw DNSError(code: .unreachable, message: "\(serverText): \(error)")
        }
    }
}

/// Completes a promise with the first datagram that answers the query, or fails it when time runs
/// out, the socket reports an error (an ICMP port unreachable), or the channel closes.
///
/// Datagrams that do not parse or do not match the query's id and question are ignored, so that a
/// forged or late reply cannot end the exchange; if only unreadable ones came, the timeout reports
/// the last parse error instead of a bare timeout.
final class DNSExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let query: DNSQuery
    private let server: String
    private let timeout: TimeAmount
    private let promise: EventLoopPromise<DNSResponse>
    private var timeoutTask: Scheduled<Void>?
    private var lastParseError: DNSError?

    init(query: DNSQuery, server: String, timeout: TimeAmount, promise: EventLoopPromise<DNSResponse>) {
        self.query = query
        self.server = server
        self.timeout = timeout
        self.promise = promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            let error =
                lastParseError.map {
                    DNSError(code: .malformedResponse, message: "\(server) sent no usable response: \($0.message)")
                }
                ?? DNSError(code: .timeout, message: "no answer from \(server) for \(query.name) \(query.type)")
            promise.fail(error)
            timeoutTask = nil
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
        promise.fail(DNSError(code: .unreachable, message: "the socket to \(server) closed before an answer"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var datagram = unwrapInboundIn(data).data
        guard let bytes = datagram.readBytes(length: datagram.readableBytes) else { return }
        do {
            let response = try DNSResponse(parsing: bytes)
            guard query.isAnswered(by: response) else { return }
            finish()
            promise.succeed(response)
        } catch {
            lastParseError = error
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish()
        promise.fail(DNSError(code: .unreachable, message: "\(server) is unreachable: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        promise.fail(DNSError(code: .unreachable, message: "the socket to \(server) closed before an answer"))
        context.fireChannelInactive()
    }

    private func finish() {
        timeoutTask?.cancel()
        timeoutTask = nil
    }
}
