@_spi(Training) import Bulwark
import BulwarkTesting
import Logging
import Metrics
import MetricsTestKit
import NIOCore
import Synchronization
import Testing

@testable import BulwarkRedis

/// The metrics every store in this test process reports to (bootstrapped once, before any store).
let testMetrics: TestMetrics = {
    let metrics = TestMetrics()
    MetricsSystem.bootstrap(metrics)
    return metrics
}()

@Suite("Redis rate-limit store against a real redis-server", .enabled(if: RedisServer.shouldRun), .serialized)
struct RedisRateLimitStoreTests {
    static func store(
        _ server: RedisServer,
        timeSource: RedisRateLimitStore.TimeSource = .server,
        timeout: Duration = .milliseconds(100),
        denyCacheCapacity: Int = 10_000,
        logger: Logger = Logger(label: "bulwark.redis")
    ) throws -> RedisRateLimitStore {
        _ = testMetrics
        var configuration = try RedisConfiguration(url: server.url)
        configuration.commandTimeout = timeout
        return RedisRateLimitStore(
            client: try RedisClient(configuration: configuration, logger: logger),
            timeSource: timeSource,
            denyCacheCapacity: denyCacheCapacity,
            logger: logger
        )
    }

    @Test(
        "passes the RateLimitStore conformance suite on the server's clock",
        arguments: RateLimitStoreConformance.Check.allCases
    )
    func conformanceOnServerTime(check: RateLimitStoreConformance.Check) async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        try await RateLimitStoreConformance(honoursInjectedTime: false) {
            try Self.store(server, timeout: answerTimeout)
        }.run(check)
    }

    @Test(
        "passes the conformance suite on the caller's clock, the checks that move time included",
        arguments: RateLimitStoreConformance.Check.allCases
    )
    func conformanceOnCallerTime(check: RateLimitStoreConformance.Check) async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        try await RateLimitStoreConformance(honoursInjectedTime: true) {
            try Self.store(server, timeSource: .caller, timeout: answerTimeout)
        }.run(check)
    }

    @Test("the Lua scripts admit exactly what the in-memory store admits on random traffic, for each algorithm")
    func sameAsInMemory() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let redis = try Self.store(server, timeSource: .caller, timeout: answerTimeout, denyCacheCapacity: 0)
        let memory = InMemoryRateLimitStore()
        var generator = SplitMix64(seed: 20_261_122)
        let policies: [RateLimitPolicy] = [
            .tokenBucket(refillRate: 1, interval: .seconds(1), capacity: 5),
            .tokenBucket(refillRate: 7, interval: .milliseconds(250), capacity: 20),
            .tokenBucket(refillRate: 3, interval: .seconds(86_400), capacity: 1_000_000),
            // Millions of tokens short at one a month: the wait is capped, alike in both stores.
            .tokenBucket(refillRate: 1, interval: .seconds(30 * 86_400), capacity: 5_000_000_000),
            .fixedWindow(max: 10, window: .seconds(2)),
            .fixedWindow(max: 3, window: .milliseconds(1500)),
            .slidingWindow(max: 10, interval: .seconds(2)),
            .slidingWindow(max: 7, interval: .milliseconds(333)),
            // A count times a remaining time past 2^53 µs: the scripts must divide exactly.
            .slidingWindow(max: 5_000_000_000, interval: .seconds(30 * 86_400)),
        ]
        var compared = 0
        for (index, policy) in policies.enumerated() {
            var now = Timestamp(nanosecondsSinceEpoch: 1_764_000_000_123_456_000)
            let key = "same-\(index)"
            for _ in 0..<400 {
                // Steps from 0 to 1.2 intervals, at microsecond resolution.
                let step = Int64(generator.next() % UInt64(policy.intervalNanoseconds / 1000 * 6 / 5 / 8 + 1)) * 1000
                now = Timestamp(nanosecondsSinceEpoch: now.nanosecondsSinceEpoch + step)
                let requested: Int =
                    policy.max > 1_000 ? Int(generator.next() % UInt64(policy.max / 2)) : Int(generator.next() % 4)
                let expected = try await memory.consume(key: key, policy: policy, requested: requested, now: now)
                let actual = try await redis.consume(key: key, policy: policy, requested: requested, now: now)
                // The scripts count in microseconds: admissions and counts are identical; times may be
                // rounded up to the next microsecond, never down (a cached denial never ends early).
                let context =
                    "\(policy), requested \(requested) at \(now.nanosecondsSinceEpoch): \(actual) ≠ \(expected)"
                #expect(actual.allowed == expected.allowed && actual.remaining == expected.remaining, "\(context)")
                #expect(actual.max == expected.max, "\(context)")
                #expect((0..<1000).contains(actual.resetNanoseconds - expected.resetNanoseconds), "\(context)")
                #expect((0..<1000).contains(actual.blockedNanoseconds - expected.blockedNanoseconds), "\(context)")
                compared += 1
            }
        }
        #expect(compared == 3_600)
    }

    @Test("state lives in one hash per key, hash-tagged, and expires when it could not differ from a new key")
    func keysAndExpiry() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let store = try Self.store(server, timeSource: .caller, timeout: answerTimeout)
        let client = store.client
        let now = Timestamp(secondsSinceEpoch: 1_764_000_000)
        _ = try await store.consume(
            key: "user:1",
            policy: .fixedWindow(max: 5, window: .seconds(60)),
            requested: 1,
            now: now
        )
        #expect(try await client.send(RedisCommand("TYPE", "bulwark:rl:{user:1}")).string == "hash")
        let ttl = try #require(try await client.send(RedisCommand("PTTL", "bulwark:rl:{user:1}")).integer)
        #expect(ttl > 0 && ttl <= 60_001, "fixed window TTL \(ttl) ms")

        let bucket = RateLimitPolicy.tokenBucket(refillRate: 1, interval: .seconds(10), capacity: 3)
        _ = try await store.consume(key: "b", policy: bucket, requested: 2, now: now)
        let bucketTTL = try #require(try await client.send(RedisCommand("PTTL", "bulwark:rl:{b}")).integer)
        #expect(bucketTTL > 19_000 && bucketTTL <= 20_002, "two tokens short: refilled in 20 s, TTL \(bucketTTL)")
        // A request of zero on a full bucket leaves nothing worth keeping.
        _ = try await store.consume(key: "full", policy: bucket, requested: 0, now: now)
        #expect(try await client.send(RedisCommand("EXISTS", "bulwark:rl:{full}")).integer == 0)
        let sliding = RateLimitPolicy.slidingWindow(max: 5, interval: .seconds(60))
        _ = try await store.consume(key: "s", policy: sliding, requested: 1, now: now)
        let slidingTTL = try #require(try await client.send(RedisCommand("PTTL", "bulwark:rl:{s}")).integer)
        #expect(slidingTTL > 60_000 && slidingTTL <= 120_002, "sliding TTL \(slidingTTL)")
    }

    @Test("counts past 2^53, which the scripts cannot keep exactly, are refused with a message")
    func beyondExact() async throws {
        let store = RedisRateLimitStore(client: try RedisClient(url: "redis://127.0.0.1:1"))
        let now = Timestamp(secondsSinceEpoch: 0)
        await #expect(throws: RuleEvaluationError.self) {
            _ = try await store.consume(
                key: "k",
                policy: .fixedWindow(max: 1 << 60, window: .seconds(1)),
                requested: 1,
                now: now
            )
        }
        await #expect(throws: RuleEvaluationError.self) {
            _ = try await store.consume(
                key: "k",
                policy: .fixedWindow(max: 10, window: .seconds(1)),
                requested: 1 << 54,
                now: now
            )
        }
    }

    @Test("after SCRIPT FLUSH (as after a restart) the store sends the script whole and goes on")
    func noScript() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let store = try Self.store(server, timeout: answerTimeout)
        let policy = RateLimitPolicy.fixedWindow(max: 2, window: .seconds(3600))
        #expect(
            try await store.consume(key: "n", policy: policy, requested: 1, now: .init(secondsSinceEpoch: 0)).allowed
        )
        _ = try await store.client.send(RedisCommand("SCRIPT", "FLUSH"))
        #expect(
            try await store.consume(key: "n", policy: policy, requested: 1, now: .init(secondsSinceEpoch: 0)).allowed
        )
        #expect(
            !(try await store.consume(key: "n", policy: policy, requested: 1, now: .init(secondsSinceEpoch: 0)).allowed)
        )
        let loaded = try await store.client.send(
            RedisCommand("SCRIPT", "EXISTS", SHA1.hexDigest(RateLimitScripts.fixedWindow))
        )
        #expect(loaded == .array([.integer(1)]))
    }

    @Test("a key Redis denied is answered locally until it could pass: Redis down, the denial still holds")
    func denyCache() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let store = try Self.store(server, timeSource: .caller, timeout: answerTimeout)
        let policy = RateLimitPolicy.fixedWindow(max: 2, window: .seconds(60))
        var now = Timestamp(secondsSinceEpoch: 1_764_000_000)
        for _ in 0..<2 {
            #expect(try await store.consume(key: "flood", policy: policy, requested: 1, now: now).allowed)
        }
        let denied = try await store.consume(key: "flood", policy: policy, requested: 1, now: now)
        #expect(!denied.allowed && denied.blockedNanoseconds == 60_000_000_000)
        let before = testMetrics.counterTotal(label: "bulwark_redis_store_cached_denials_total")
        server.stop(immediately: true)
        now = Timestamp(secondsSinceEpoch: 1_764_000_030)
        let cached = try await store.consume(key: "flood", policy: policy, requested: 1, now: now)
        #expect(!cached.allowed && cached.remaining == 0)
        #expect(cached.resetNanoseconds == 30_000_000_000 && cached.blockedNanoseconds == 30_000_000_000)
        #expect(testMetrics.counterTotal(label: "bulwark_redis_store_cached_denials_total") == before + 1)
        // Other keys, and this one once its window has passed, need Redis.
        await #expect(throws: RedisError.self) {
            _ = try await store.consume(key: "other", policy: policy, requested: 1, now: now)
        }
        await #expect(throws: RedisError.self) {
            _ = try await store.consume(
                key: "flood",
                policy: policy,
                requested: 1,
                now: .init(secondsSinceEpoch: 1_764_000_060)
            )
        }
    }

    @Test(
        "Redis killed and restarted mid-run: every decision within the timeout, ERROR results failing open, a log line and a metric, then recovery"
    )
    func failOpenAndRecover() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let logs = CapturedLogs()
        // A stopped Redis fails calls at once (refused, reset, backoff), so the timeout need not be
        // short to see it; a short one would also fail calls that a busy machine merely delays.
        let timeout = Duration.seconds(2)
        let store = try Self.store(server, timeout: timeout, logger: logs.logger())
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, characteristics: ["userId"], window: .seconds(3600), max: 1_000_000)],
            options: BulwarkOptions(rateLimitStore: store, decisionCacheCapacity: 0)
        )
        // The script loaded first, so that the phases below time only EVALSHA.
        try await eventually {
            let decision = await bulwark.protect(.get("/api"), characteristics: ["userId": "warm-up"])
            if decision.hasError { throw RedisError(.unavailable, "not yet") }
        }
        let errorsBefore = testMetrics.counterTotal(label: "bulwark_redis_store_errors_total")
        let clock = ContinuousClock()
        let phase = Shared(0)  // 0 up, 1 down, 2 back, 3 stop
        let tallies = Shared<[Int: Tally]>([:])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    while true {
                        let current = phase.withLock { $0 }
                        if current == 3 { return }
                        let started = clock.now
                        let decision = await bulwark.protect(.get("/api"), characteristics: ["userId": "u\(task)"])
                        let elapsed = started.duration(to: clock.now)
                        // A decision that spans a change of phase is counted apart (-1).
                        let key = phase.withLock { $0 } == current ? current : -1
                        tallies.withLock { tallies in
                            var tally = tallies[key] ?? Tally()
                            if decision.conclusion == .allow { tally.allowed += 1 }
                            if decision.hasError { tally.errors += 1 }
                            #expect(decision.conclusion != .deny, "fail-open: \(decision)")
                            tally.slowest = max(tally.slowest, elapsed)
                            tallies[key] = tally
                        }
                    }
                }
            }
            // Each phase lasts until its decisions are in, not a fixed time a busy machine may not give.
            try await eventually { try Self.expect(tallies, phase: 0) { $0.allowed > 0 } }
            phase.withLock { $0 = 1 }
            server.stop(immediately: true)
            try await eventually { try Self.expect(tallies, phase: 1) { $0.errors > 0 } }
            try await server.restart()
            // The store reconnects by itself, after its backoff (at most 2 s): wait for a clean decision.
            try await eventually {
                let decision = await bulwark.protect(.get("/api"), characteristics: ["userId": "probe"])
                if decision.hasError { throw RedisError(.unavailable, "not yet") }
            }
            phase.withLock { $0 = 2 }
            try await eventually { try Self.expect(tallies, phase: 2) { $0.allowed > 0 } }
            phase.withLock { $0 = 3 }
            try await group.waitForAll()
        }
        let results = tallies.withLock { $0 }
        let up = try #require(results[0])
        let down = try #require(results[1])
        let back = try #require(results[2])
        #expect(up.errors == 0 && up.allowed > 0, "before: \(up)")
        #expect(down.errors > 0, "while Redis was down: \(down)")
        #expect(back.errors == 0 && back.allowed > 0, "after the restart: \(back)")
        for (phase, tally) in results {
            #expect(
                tally.slowest < timeout + schedulingSlack,
                "phase \(phase): a decision took \(tally.slowest)"
            )
        }
        #expect(testMetrics.counterTotal(label: "bulwark_redis_store_errors_total") > errorsBefore)
        let lines = logs.records.map(\.line)
        #expect(lines.contains { $0.hasPrefix("warning Redis rate-limit store failing") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("notice Redis rate-limit store recovered") }, "\(lines)")
    }

    /// Throws until the tally of `phase` exists and satisfies `condition`.
    private static func expect(_ tallies: Shared<[Int: Tally]>, phase: Int, _ condition: (Tally) -> Bool) throws {
        let tally = tallies.withLock { $0[phase] }
        guard let tally, condition(tally) else { throw RedisError(.unavailable, "phase \(phase) not reached yet") }
    }

    @Test("with the client failing closed, an unreachable Redis denies, and the reason names the error")
    func failClosed() async throws {
        let server = try await RedisServer.start()
        let url = server.url
        server.stop(immediately: true)
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = .milliseconds(100)
        let store = RedisRateLimitStore(client: try RedisClient(configuration: configuration))
        let bulwark = try Bulwark(
            rules: [.tokenBucket(mode: .live, refillRate: 1, interval: .seconds(1), capacity: 5)],
            options: BulwarkOptions(rateLimitStore: store, failureMode: .closed)
        )
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.conclusion == .deny && decision.hasError, "\(decision)")
        let error = try #require(decision.results.first?.reason?.error)
        #expect(error.message.contains("redis"), "\(error.message)")
    }

    @Test("a frozen Redis: decisions come within the timeout with ERROR results")
    func frozen() async throws {
        let server = try await RedisServer.start()
        defer { server.stop() }
        let store = try Self.store(server, timeout: .milliseconds(100))
        let policy = RateLimitPolicy.slidingWindow(max: 100, interval: .seconds(60))
        try await eventually {
            _ = try await store.consume(key: "f", policy: policy, requested: 1, now: .init(secondsSinceEpoch: 0))
        }
        server.pause()
        defer { server.resume() }
        let clock = ContinuousClock()
        for _ in 0..<5 {
            let started = clock.now
            await #expect(throws: RedisError.self) {
                _ = try await store.consume(key: "f", policy: policy, requested: 1, now: .init(secondsSinceEpoch: 0))
            }
            #expect(started.duration(to: clock.now) < .milliseconds(100) + schedulingSlack)
        }
        server.resume()
        try await eventually {
            _ = try await store.consume(key: "f", policy: policy, requested: 1, now: .init(secondsSinceEpoch: 0))
        }
    }
}

/// A value shared by concurrent tasks.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}

/// Decisions of one phase of a run.
struct Tally: Sendable {
    var allowed = 0
    var errors = 0
    var slowest = Duration.zero
}
