import BulwarkTesting
import NIOCore
import Testing

@testable import BulwarkRedis

@Suite("Redis client against a real redis-server", .enabled(if: RedisServer.shouldRun))
struct RedisClientTests {
    func client(_ url: String, timeout: Duration = answerTimeout, poolSize: Int = 2) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = timeout
        configuration.poolSize = poolSize
        return try RedisClient(configuration: configuration)
    }

    @Test("commands from many tasks are pipelined and every reply reaches its caller")
    func pipelining() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let client = try client(server.url)
        #expect(try await client.send(RedisCommand("PING")) == .simpleString("PONG"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<64 {
                group.addTask {
                    for index in 0..<50 {
                        let key = "k\(task)-\(index)"
                        _ = try await client.send(RedisCommand("SET", key, "v\(task)-\(index)"))
                        let value = try await client.send(RedisCommand("GET", key))
                        #expect(value.string == "v\(task)-\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await client.send(RedisCommand("DBSIZE")).integer == 3_200)
        #expect(try await client.send(RedisCommand("GET", "missing")) == .null)
        await client.shutdown()
    }

    @Test("an error reply is a serverError with the server's message, and the connection goes on")
    func serverError() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let client = try client(server.url)
        await #expect {
            _ = try await client.send(RedisCommand("EVALSHA", "0000000000000000000000000000000000000000", "0"))
        } throws: { error in
            (error as? RedisError)?.isNoScript == true
        }
        await #expect(throws: RedisError.self) { _ = try await client.send(RedisCommand("NO-SUCH-COMMAND")) }
        #expect(try await client.send(RedisCommand("ECHO", "still here")).string == "still here")
        // The digest Redis gives a script is the one the store computes.
        let sha = try await client.send(RedisCommand("SCRIPT", "LOAD", RateLimitScripts.tokenBucket))
        #expect(sha.string == SHA1.hexDigest(RateLimitScripts.tokenBucket))
    }

    @Test("AUTH with a password and with an ACL user, SELECT, and a wrong password failing the handshake")
    func authenticationAndDatabase() async throws {
        let server = try await RedisServer.start(password: "s3cret")
        defer { server.stop() }
        let client = try client(server.url + "/5")
        _ = try await client.send(RedisCommand("SET", "where", "five"))
        #expect(try await client.send(RedisCommand("CLIENT", "INFO")).string?.contains("db=5") == true)
        let other = try self.client(server.url + "/0")
        #expect(try await other.send(RedisCommand("GET", "where")) == .null)

        _ = try await client.send(RedisCommand("ACL", "SETUSER", "limiter", "on", ">pa ss", "~*", "+@all"))
        let user = try self.client("redis://limiter:pa%20ss@127.0.0.1:\(server.port)")
        #expect(try await user.send(RedisCommand("ACL", "WHOAMI")).string == "limiter")

        let wrong = try self.client("redis://:nope@127.0.0.1:\(server.port)")
        do {
            _ = try await wrong.send(RedisCommand("PING"))
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(error.code == .connectionFailed, "\(error)")
            #expect(error.message.contains("WRONGPASS") || error.message.contains("invalid"), "\(error)")
            #expect(!error.description.contains("nope"))
        }
        let none = try self.client("redis://127.0.0.1:\(server.port)")
        await #expect { _ = try await none.send(RedisCommand("PING")) } throws: { error in
            (error as? RedisError)?.message.contains("NOAUTH") == true
        }
    }

    @Test("a frozen server: calls time out by the deadline, and the client recovers when it thaws")
    func timeout() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let client = try client(server.url, timeout: .milliseconds(100))
        // The first call also connects, which on a busy machine can outlast 100 ms.
        try await eventually { _ = try await client.send(RedisCommand("PING")) }
        server.pause()
        try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    let (result, elapsed) = await timedSend(client, RedisCommand("PING"))
                    switch result {
                    case .success: Issue.record("a frozen server answered")
                    case .failure(let error):
                        let code = (error as? RedisError)?.code
                        #expect(code == .timeout || code == .connectionClosed, "\(error)")
                    }
                    return elapsed
                }
            }
            for try await elapsed in group {
                #expect(elapsed < .milliseconds(100) + eventLoopSlack, "a call took \(elapsed) with a 100 ms timeout")
            }
        }
        server.resume()
        try await eventually { _ = try await client.send(RedisCommand("PING")) }
    }

    @Test("a late reply fails its own call only; the calls behind it and the connection carry on")
    func lateReply() async throws {
        let server = try await RedisServer.start(options: ["--enable-debug-command", "yes"])
        defer { server.stop() }
        // A 2 s deadline against a 5 s reply: the gap, not the deadline's precision, is under test,
        // and the calls before and after need the deadline on a machine busy with other suites.
        let client = try client(server.url, timeout: .seconds(2), poolSize: 1)
        var id = RESPValue.null
        try await eventually { id = try await client.send(RedisCommand("CLIENT", "ID")) }
        let (result, elapsed) = await timedSend(client, RedisCommand("DEBUG", "SLEEP", "5"))
        #expect((try? result.get()) == nil, "a 5 s command answered within a 2 s timeout")
        if case .failure(let error) = result { #expect((error as? RedisError)?.code == .timeout, "\(error)") }
        #expect(elapsed < .seconds(5), "the call waited \(elapsed), for the reply")
        try await Task.sleep(for: .seconds(5) - elapsed + .milliseconds(200))
        // The late OK is swallowed: the next call gets its own reply, on the same connection.
        #expect(try await client.send(RedisCommand("ECHO", "next")).string == "next")
        #expect(try await client.send(RedisCommand("CLIENT", "ID")) == id)
    }

    @Test("a server that is down fails calls fast; a restarted one is reconnected to by itself")
    func downAndBack() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let client = try client(server.url, timeout: .milliseconds(100))
        try await eventually { _ = try await client.send(RedisCommand("SET", "a", "1")) }
        server.stop(immediately: true)
        var codes: Set<RedisError.Code> = []
        for _ in 0..<50 {
            let (result, elapsed) = await timedSend(client, RedisCommand("PING"))
            switch result {
            case .success: Issue.record("a stopped server answered")
            case .failure(let error): codes.insert((error as? RedisError)?.code ?? .protocolViolation)
            }
            #expect(elapsed < .milliseconds(100) + eventLoopSlack, "\(elapsed)")
        }
        #expect(codes.isSubset(of: [.connectionFailed, .connectionClosed, .unavailable, .timeout]), "\(codes)")
        #expect(codes.contains(.unavailable), "backoff should fail calls without trying: \(codes)")
        try await server.restart()
        try await eventually { _ = try await client.send(RedisCommand("PING")) }
    }

    @Test("rediss://: TLS with the certificate checked against the given CA and name; an untrusted one is refused")
    func tls() async throws {
        let files = try RedisServer.makeTLSFiles()
        let server = try await RedisServer.start(password: "over-tls", tls: files)
        defer { server.stop() }
        var configuration = try RedisConfiguration(url: "rediss://:over-tls@127.0.0.1:\(server.port)/1")
        configuration.tls?.trustRoots = .file(files.certificateAuthority)
        configuration.tlsServerName = "localhost"
        // A TLS handshake on a busy test machine can take longer than the default 100 ms.
        configuration.commandTimeout = answerTimeout
        let client = try RedisClient(configuration: configuration)
        #expect(try await client.send(RedisCommand("SET", "tls", "yes")) == .simpleString("OK"))
        #expect(try await client.send(RedisCommand("GET", "tls")).string == "yes")
        let store = RedisRateLimitStore(client: client)
        let outcome = try await store.consume(
            key: "tls",
            policy: .fixedWindow(max: 2, window: .seconds(60)),
            requested: 1,
            now: .init(secondsSinceEpoch: 0)
        )
        #expect(outcome.allowed && outcome.remaining == 1)

        // The system's trust roots do not know the self-signed certificate: the handshake fails.
        var untrustedConfiguration = try RedisConfiguration(url: "rediss://:over-tls@127.0.0.1:\(server.port)")
        untrustedConfiguration.commandTimeout = answerTimeout
        let untrusted = try RedisClient(configuration: untrustedConfiguration)
        await #expect { _ = try await untrusted.send(RedisCommand("PING")) } throws: { error in
            (error as? RedisError)?.code == .connectionFailed
        }
        // A plain-text client on the TLS port gets no answer it can use.
        let plain = try self.client("redis://:over-tls@127.0.0.1:\(server.port)", timeout: .milliseconds(300))
        await #expect(throws: RedisError.self) { _ = try await plain.send(RedisCommand("PING")) }
    }

    @Test("after shutdown, calls fail with shutDown")
    func shutdown() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let client = try client(server.url)
        _ = try await client.send(RedisCommand("PING"))
        await client.shutdown()
        await #expect { _ = try await client.send(RedisCommand("PING")) } throws: { error in
            (error as? RedisError)?.code == .shutDown
        }
    }
}

/// What a bound on a decision's time allows beyond its timeout when it is timed in the test's task:
/// the client enforces the deadline on its event loop, but the task that awaits the answer needs a
/// turn on Swift's shared threads, which the CPU-bound corpus suites running beside it have held
/// for over five seconds on two cores. A call that hangs on a frozen server never returns, and one
/// that waits for a TCP connect timeout takes ten seconds.
let schedulingSlack = Duration.seconds(10)

/// The command timeout of tests that check answers, not speed: a NOSCRIPT reply and the EVAL after it
/// share one deadline, and between them the caller's task waits for one of Swift's shared threads,
/// which the corpus suites beside it can hold for seconds.
let answerTimeout = Duration.seconds(10)

/// The same bound for a call timed where its answer lands, on the client's event loop: that thread
/// too can wait for a core while the corpus suites run, though far less. Two seconds still tell a
/// deadline that works from a hang or a ten-second TCP connect timeout.
let eventLoopSlack = Duration.seconds(2)

/// Sends a command; returns its result and the time until the client completed it, read on the
/// event loop where the reply or the failure lands (not when the test's task next gets a thread).
func timedSend(_ client: RedisClient, _ command: RedisCommand) async -> (Result<RESPValue, any Error>, Duration) {
    let started = ContinuousClock.now
    let timed = client.sendFuture(command)
        .map { value -> (Result<RESPValue, any Error>, ContinuousClock.Instant) in (.success(value), .now) }
        .recover { error in (.failure(error), .now) }
    // `recover` leaves nothing to throw; the fallback only satisfies the type checker.
    let (result, finished) =
        (try? await timed.get()) ?? (.failure(RedisError(.protocolViolation, "no result")), ContinuousClock.now)
    return (result, started.duration(to: finished))
}

/// Retries `body` every 20 ms for up to 15 seconds, until it does not throw.
func eventually(_ body: () async throws -> Void) async throws {
    let deadline = ContinuousClock.now.advanced(by: .seconds(15))
    while true {
        do {
            return try await body()
        } catch {
            if ContinuousClock.now > deadline { throw error }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
