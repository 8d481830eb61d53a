import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A Redis client on SwiftNIO: a small pool of connections, commands pipelined on each, a deadline
/// on every command, and reconnection with backoff.
///
/// ```swift
/// let client = try RedisClient(url: "redis://127.0.0.1:6379")
/// let reply = try await client.send(RedisCommand("PING"))
/// ```
///
/// Every call ends by its deadline (``RedisConfiguration/commandTimeout``), answered or failed with
/// a ``RedisError``: when Redis is slow the call times out; when it is down, connecting fails fast
/// and, while a connection waits out its backoff, calls fail at once with
/// ``RedisError/Code/unavailable`` instead of queueing. Connections reopen by themselves once the
/// server is back. A client is `Sendable`; share one.
public final class RedisClient: Sendable {
    /// The client's configuration.
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let sslContext: NIOSSLContext?
    private let timeout: TimeAmount
    private let logger: Logger
    private let state: Mutex<PoolState>

    private enum Slot {
        case idle(failures: Int)
        case connecting(EventLoopFuture<RedisConnection>, failures: Int)
        case connected(RedisConnection)
        case waiting(until: NIODeadline, failures: Int, error: RedisError)
    }

    private struct PoolState {
        var slots: [Slot]
        var next = 0
        var isShutDown = false
    }

    /// A client for the configured server. Nothing connects until the first command.
    ///
    /// - Throws: ``RedisConfigurationError`` for an option that cannot work, or TLS settings that
    ///   cannot be loaded.
    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "bulwark.redis")
    ) throws(RedisConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.timeout = .nanoseconds(configuration.commandTimeout.nanoseconds)
        if let tls = configuration.tls {
            do {
                sslContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw RedisConfigurationError(field: "tls", message: "the TLS settings cannot be used: \(error)")
            }
        } else {
            sslContext = nil
        }
        state = Mutex(PoolState(slots: Array(repeating: .idle(failures: 0), count: configuration.poolSize)))
    }

    /// A client for the server at a `redis://` or `rediss://` URL.
    public convenience init(
        url: String,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "bulwark.redis")
    ) throws(RedisConfigurationError) {
        try self.init(configuration: RedisConfiguration(url: url), eventLoopGroup: eventLoopGroup, logger: logger)
    }

    deinit {
        state.withLock { state in
            for slot in state.slots { if case .connected(let connection) = slot { connection.close() } }
        }
    }

    /// Sends a command and waits for its reply, at most the command timeout.
    ///
    /// - Throws: ``RedisError``: a timeout, a connection failure, or the server's error reply.
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        try await send(command, deadline: deadline())
    }

    /// The deadline of a command sent now.
    func deadline() -> NIODeadline { .now() + timeout }

    /// Sends a command that must be answered by `deadline`.
    func send(_ command: RedisCommand, deadline: NIODeadline) async throws(RedisError) -> RESPValue {
        do {
            return try await sendFuture(command, deadline: deadline).get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw RedisError(.connectionClosed, "\(error)")
        }
    }

    /// Sends a command; the future fails with ``RedisError`` (by the command timeout at the latest).
    public func sendFuture(_ command: RedisCommand) -> EventLoopFuture<RESPValue> {
        sendFuture(command, deadline: deadline())
    }

    func sendFuture(_ command: RedisCommand, deadline: NIODeadline) -> EventLoopFuture<RESPValue> {
        switch route(deadline: deadline) {
        case .ready(let connection):
            return connection.send(command, deadline: deadline)
        case .pending(let future):
            return Self.bounded(future, by: deadline).flatMap { $0.send(command, deadline: deadline) }
        case .failed(let error):
            return eventLoopGroup.any().makeFailedFuture(error)
        }
    }

    /// Closes every connection; later commands fail with ``RedisError/Code/shutDown``.
    public func shutdown() async {
        let connections = state.withLock { state -> [RedisConnection] in
            state.isShutDown = true
            defer { state.slots = state.slots.map { _ in .idle(failures: 0) } }
            return state.slots.compactMap { if case .connected(let connection) = $0 { connection } else { nil } }
        }
        for connection in connections { try? await connection.channel.close() }
    }

    private enum Route {
        case ready(RedisConnection)
        case pending(EventLoopFuture<RedisConnection>)
        case failed(RedisError)
    }

    /// Picks a connection: the next slot's, round-robin, if it is open; else any open one. The next
    /// slot, if it has no connection and may try again, starts opening one on the way (so the pool
    /// refills while open connections carry the traffic). With nothing open, the call waits for a
    /// connection being opened, or fails at once while every slot waits out its backoff.
    private func route(deadline: NIODeadline) -> Route {
        let now = NIODeadline.now()
        var opening: (index: Int, failures: Int, promise: EventLoopPromise<RedisConnection>)?
        let route = state.withLock { state -> Route in
            guard !state.isShutDown else { return .failed(RedisError(.shutDown, "the client has been shut down")) }
            let count = state.slots.count
            let first = state.next
            state.next = (first + 1) % count

            /// Marks a slot connecting inside the lock, so that one caller opens it and the others wait.
            func startOpening(_ index: Int, failures: Int) -> EventLoopFuture<RedisConnection> {
                let promise = eventLoopGroup.next().makePromise(of: RedisConnection.self)
                state.slots[index] = .connecting(promise.futureResult, failures: failures)
                opening = (index, failures, promise)
                return promise.futureResult
            }

            var waitable: EventLoopFuture<RedisConnection>?
            var soonest: (until: NIODeadline, error: RedisError)?
            for offset in 0..<count {
                let index = (first + offset) % count
                switch state.slots[index] {
                case .connected(let connection):
                    if connection.isActive { return .ready(connection) }
                    if opening == nil { waitable = waitable ?? startOpening(index, failures: 0) }
                case .idle(let failures):
                    if opening == nil { waitable = waitable ?? startOpening(index, failures: failures) }
                case .connecting(let future, _):
                    waitable = waitable ?? future
                case .waiting(let until, let failures, let error):
                    if until <= now, opening == nil {
                        waitable = waitable ?? startOpening(index, failures: failures)
                    } else if soonest == nil || until < soonest!.until {
                        soonest = (until, error)
                    }
                }
            }
            if let waitable { return .pending(waitable) }
            let retry = soonest.map { max(0, ($0.until - now).nanoseconds / 1_000_000) } ?? 0
            let last = soonest.map { "\($0.error.code.rawValue): \($0.error.message)" } ?? "none"
            return .failed(
                RedisError(
                    .unavailable,
                    "no connection to \(configuration.host):\(configuration.port) (retrying in \(retry) ms); last error: \(last)"
                )
            )
        }
        if let opening {
            open(slot: opening.index, failures: opening.failures, into: opening.promise, deadline: deadline)
        }
        return route
    }

    /// Opens a slot's connection, completing `promise` with it, and records the outcome in the slot.
    private func open(
        slot index: Int,
        failures: Int,
        into promise: EventLoopPromise<RedisConnection>,
        deadline: NIODeadline
    ) {
        // The handshake gets the whole timeout even if the caller that triggered it has less left.
        let future = RedisConnection.connect(
            configuration: configuration,
            sslContext: sslContext,
            eventLoop: promise.futureResult.eventLoop,
            deadline: max(deadline, .now() + timeout)
        )
        let endpoint = "\(configuration.host):\(configuration.port)"
        future.whenComplete { [weak self] result in
            guard let self else {
                if case .success(let connection) = result { connection.close() }
                promise.fail(RedisError(.shutDown, "the client was released"))
                return
            }
            switch result {
            case .success(let connection):
                let isShutDown = state.withLock { state in
                    if !state.isShutDown { state.slots[index] = .connected(connection) }
                    return state.isShutDown
                }
                if isShutDown {
                    connection.close()
                    promise.fail(RedisError(.shutDown, "the client has been shut down"))
                    return
                }
                if failures > 0 {
                    logger.notice(
                        "Redis connection restored",
                        metadata: ["endpoint": "\(endpoint)", "slot": "\(index)"]
                    )
                }
                connection.channel.closeFuture.whenComplete { [weak self] _ in
                    self?.state.withLock { state in
                        if case .connected(let current) = state.slots[index], current === connection {
                            state.slots[index] = .idle(failures: 1)
                        }
                    }
                }
                promise.succeed(connection)
            case .failure(let error):
                let redisError = error as? RedisError ?? RedisError(.connectionFailed, "\(error)")
                let delay = backoff(afterFailures: failures)
                state.withLock { state in
                    state.slots[index] = .waiting(until: .now() + delay, failures: failures + 1, error: redisError)
                }
                if failures <= 1 {
                    logger.warning(
                        "Redis connection failed; retrying with backoff",
                        metadata: ["endpoint": "\(endpoint)", "slot": "\(index)", "error": "\(redisError)"]
                    )
                } else {
                    logger.debug(
                        "Redis reconnection failed",
                        metadata: ["endpoint": "\(endpoint)", "error": "\(redisError)"]
                    )
                }
                promise.fail(redisError)
            }
        }
    }

    /// The wait before the next attempt: the initial delay doubled per failure, capped, with jitter
    /// in its upper half so that instances do not reconnect in step.
    private func backoff(afterFailures failures: Int) -> TimeAmount {
        let initial = configuration.initialReconnectDelay.nanoseconds
        let maximum = configuration.maximumReconnectDelay.nanoseconds
        let doubled = initial << Int64(min(failures, 30))
        let delay = doubled <= 0 || doubled > maximum ? maximum : doubled
        return .nanoseconds(Int64.random(in: (delay / 2)...delay))
    }

    /// The connection, or a timeout at `deadline` if it is not ready by then.
    private static func bounded(
        _ future: EventLoopFuture<RedisConnection>,
        by deadline: NIODeadline
    ) -> EventLoopFuture<RedisConnection> {
        let eventLoop = future.eventLoop
        let promise = eventLoop.makePromise(of: RedisConnection.self)
        let timer = eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(RedisError(.timeout, "no connection within the command timeout"))
        }
        future.whenComplete { result in
            timer.cancel()
            promise.completeWith(result)
        }
        return promise.futureResult
    }
}
