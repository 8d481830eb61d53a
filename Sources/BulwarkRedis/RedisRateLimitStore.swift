import Bulwark
import Logging
import Metrics
import NIOCore
import Synchronization

/// A ``Bulwark/RateLimitStore`` in Redis, so that every instance of an app shares its limits.
///
/// ```swift
/// let store = try RedisRateLimitStore(url: "redis://10.0.0.5:6379")
/// let bulwark = try Bulwark(rules: rules, options: BulwarkOptions(rateLimitStore: store))
/// ```
///
/// Each algorithm is a Lua script that Redis runs atomically, timed by the server's own clock
/// (`TIME`), so instances with skewed clocks still agree. Scripts are called by `EVALSHA` and sent
/// whole (`EVAL`) only when Redis answers `NOSCRIPT`, as after a restart. A key is stored as
/// `prefix{key}`: the hash tag keeps a limiter's state in one cluster slot. Every key expires when
/// its state could no longer differ from a new key's.
///
/// When Redis is slow or down, ``consume(key:policy:requested:now:)`` throws a ``RedisError`` by
/// the client's command timeout (100 ms by default): the rule gets an `ERROR` result and the
/// decision fails open, or closed if the client is configured so. The failure is logged (at most
/// once a second, with a count of those not logged) and counted in the
/// `bulwark_redis_store_errors_total` metric, by error code; the store recovers by itself when
/// Redis is back.
///
/// With a deny cache (on by default), a key that Redis has denied, with nothing admissible until
/// some instant, is answered locally until then: under a flood from one client, Redis sees one
/// call per blocked period instead of one per request. Cached answers are counted in
/// `bulwark_redis_store_cached_denials_total`.
public final class RedisRateLimitStore: RateLimitStore {
    /// Which clock the scripts use.
    public enum TimeSource: Sendable, Hashable {
        /// The Redis server's `TIME` (the default): one clock for every instance.
        case server
        /// The `now` that Bulwark passes in (its configured clock); for tests and replays.
        case caller
    }

    /// The client the store sends its scripts through.
    public let client: RedisClient
    /// The prefix of every key the store writes (default `bulwark:rl:`).
    public let keyPrefix: String
    /// Which clock the scripts use.
    public let timeSource: TimeSource
    private let scripts: [RateLimitPolicy.Algorithm: Script]
    private let denyCache: DenyCache?
    private let logger: Logger
    private let errorCounters: [RedisError.Code: Counter]
    private let cachedDenials: Counter
    private let health = Mutex(Health())

    private struct Script: Sendable {
        let source: String
        let sha: String
    }

    private struct Health {
        var failing = false
        var failures = 0
        var unlogged = 0
        var lastLog: ContinuousClock.Instant?
    }

    /// A store on a client.
    ///
    /// - Parameters:
    ///   - client: The Redis client.
    ///   - keyPrefix: The prefix of every key.
    ///   - timeSource: The server's clock (default) or the caller's.
    ///   - denyCacheCapacity: How many denied keys to remember locally; 0 turns the cache off.
    ///   - logger: Where failures and recoveries are logged.
    public init(
        client: RedisClient,
        keyPrefix: String = "bulwark:rl:",
        timeSource: TimeSource = .server,
        denyCacheCapacity: Int = 10_000,
        logger: Logger = Logger(label: "bulwark.redis")
    ) {
        self.client = client
        self.keyPrefix = keyPrefix
        self.timeSource = timeSource
        var scripts: [RateLimitPolicy.Algorithm: Script] = [:]
        for algorithm in [RateLimitPolicy.Algorithm.tokenBucket, .fixedWindow, .slidingWindow] {
            let source = RateLimitScripts.source(for: algorithm)
            scripts[algorithm] = Script(source: source, sha: SHA1.hexDigest(source))
        }
        self.scripts = scripts
        self.denyCache = denyCacheCapacity > 0 ? DenyCache(capacity: denyCacheCapacity) : nil
        self.logger = logger
        var counters: [RedisError.Code: Counter] = [:]
        for code in RedisError.Code.allCases {
            counters[code] = Counter(label: "bulwark_redis_store_errors_total", dimensions: [("code", code.rawValue)])
        }
        self.errorCounters = counters
        self.cachedDenials = Counter(label: "bulwark_redis_store_cached_denials_total")
    }

    /// A store on a new client for a `redis://` or `rediss://` URL.
    ///
    /// - Throws: ``RedisConfigurationError`` naming the part of the URL that is wrong.
    public convenience init(
        url: String,
        keyPrefix: String = "bulwark:rl:",
        timeSource: TimeSource = .server,
        denyCacheCapacity: Int = 10_000,
        logger: Logger = Logger(label: "bulwark.redis")
    ) throws(RedisConfigurationError) {
        self.init(
            client: try RedisClient(url: url, logger: logger),
            keyPrefix: keyPrefix,
            timeSource: timeSource,
            denyCacheCapacity: denyCacheCapacity,
            logger: logger
        )
    }

    /// The Lua source of an algorithm's script, as the store loads it into Redis.
    public static func script(for algorithm: RateLimitPolicy.Algorithm) -> String {
        RateLimitScripts.source(for: algorithm)
    }

    /// Rules on this store wait on the network, so the engine runs them after local rules.
    public var isRemote: Bool { true }

    /// Applies the policy in Redis; see the type's discussion for failures.
    ///
    /// - Throws: ``RedisError``.
    public func consume(
        key: String,
        policy: RateLimitPolicy,
        requested: Int,
        now: Timestamp
    ) async throws -> RateLimitOutcome {
        let started = localTime(now)
        let cacheKey = DenyCache.Key(key: key, policy: policy)
        if requested > 0, let denyCache, let cached = denyCache.lookup(cacheKey, at: started) {
            cachedDenials.increment()
            return cached
        }
        // The scripts count in doubles, exact below 2^53: larger figures would silently stop counting.
        guard policy.max <= Self.largestExact, policy.refillRate <= Self.largestExact, requested <= Self.largestExact
        else {
            throw RuleEvaluationError(
                "the Redis store counts up to 2^53 - 1; \(policy) with requested \(requested) is beyond it"
            )
        }
        let script = scripts[policy.algorithm]!
        var arguments = [script.sha, "1", keyPrefix + "{" + key + "}"]
        arguments += [
            String(policy.max), String(policy.refillRate),
            String(Self.microseconds(ceiling: policy.intervalNanoseconds)),
            String(requested),
            timeSource == .caller ? String(Self.microseconds(floor: now.nanosecondsSinceEpoch)) : "",
        ]
        let outcome: RateLimitOutcome
        // One deadline for both calls: a NOSCRIPT retry does not extend the wait.
        let deadline = client.deadline()
        do {
            let reply: RESPValue
            do {
                reply = try await client.send(RedisCommand("EVALSHA", arguments: arguments), deadline: deadline)
            } catch let error where error.isNoScript {
                arguments[0] = script.source
                reply = try await client.send(RedisCommand("EVAL", arguments: arguments), deadline: deadline)
            }
            outcome = try Self.outcome(of: reply)
        } catch {
            recordFailure(error)
            throw error
        }
        recordSuccess()
        if !outcome.allowed, outcome.blockedNanoseconds > 0, let denyCache {
            denyCache.insert(cacheKey, outcome: outcome, at: started)
        }
        return outcome
    }

    /// The instant used by the deny cache: the caller's clock when the scripts use it, else a
    /// monotonic one (the server's time is not known locally), in nanoseconds.
    private func localTime(_ now: Timestamp) -> Int64 {
        switch timeSource {
        case .caller: now.nanosecondsSinceEpoch
        case .server: Self.epoch.duration(to: .now).nanoseconds
        }
    }

    private static let epoch = ContinuousClock.now

    /// 2^53 − 1: the largest count, and the longest wait in µs, that the scripts handle exactly.
    static let largestExact = (1 << 53) - 1

    private static func microseconds(ceiling nanoseconds: Int64) -> Int64 {
        Swift.max(1, (nanoseconds + 999) / 1000)
    }

    private static func microseconds(floor nanoseconds: Int64) -> Int64 {
        nanoseconds >= 0 ? nanoseconds / 1000 : (nanoseconds - 999) / 1000
    }

    /// The outcome from a script's reply `{allowed, max, remaining, reset µs, blocked µs}`.
    static func outcome(of reply: RESPValue) throws(RedisError) -> RateLimitOutcome {
        guard let values = reply.array, values.count == 5 else {
            throw RedisError(.protocolViolation, "a rate-limit script returned \(reply), not five integers")
        }
        var numbers: [Int64] = []
        for value in values {
            guard case .integer(let number) = value else {
                throw RedisError(.protocolViolation, "a rate-limit script returned \(value) where an integer belongs")
            }
            numbers.append(number)
        }
        let longest = Int64(largestExact)
        guard numbers[0] == 0 || numbers[0] == 1, (0...longest).contains(numbers[3]),
            (0...longest).contains(numbers[4]),
            let max = Int(exactly: numbers[1]), let remaining = Int(exactly: numbers[2])
        else {
            throw RedisError(.protocolViolation, "a rate-limit script returned \(numbers), out of range")
        }
        return RateLimitOutcome(
            allowed: numbers[0] == 1,
            max: max,
            remaining: remaining,
            resetNanoseconds: numbers[3] * 1000,
            blockedNanoseconds: numbers[4] * 1000
        )
    }

    private func recordFailure(_ error: RedisError) {
        errorCounters[error.code]?.increment()
        let now = ContinuousClock.now
        let log: (unlogged: Int, first: Bool)? = health.withLock { health in
            let first = !health.failing
            health.failing = true
            health.failures += 1
            if first || health.lastLog.map({ $0.duration(to: now) >= .seconds(1) }) ?? true {
                let unlogged = health.unlogged
                health.unlogged = 0
                health.lastLog = now
                return (unlogged, first)
            }
            health.unlogged += 1
            return nil
        }
        guard let log else { return }
        logger.warning(
            log.first
                ? "Redis rate-limit store failing; rate-limit rules give ERROR results"
                : "Redis rate-limit store still failing",
            metadata: [
                "error": "\(error)", "code": "\(error.code.rawValue)", "notLogged": "\(log.unlogged)",
            ]
        )
    }

    private func recordSuccess() {
        let failures = health.withLock { health -> Int? in
            guard health.failing else { return nil }
            defer { health = Health() }
            return health.failures
        }
        if let failures {
            logger.notice("Redis rate-limit store recovered", metadata: ["failedCalls": "\(failures)"])
        }
    }
}

/// Keys that Redis denied with nothing admissible until some instant, answered locally until then.
final class DenyCache: Sendable {
    struct Key: Hashable, Sendable {
        let key: String
        let policy: RateLimitPolicy
    }

    private struct Entry {
        let outcome: RateLimitOutcome
        let at: Int64
        var until: Int64 {
            let (sum, overflow) = at.addingReportingOverflow(outcome.blockedNanoseconds)
            return overflow ? .max : sum
        }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var nextSweep: Int64 = .min
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The cached denial, its reset and blocked times counted down to `now`; `nil` if none holds.
    func lookup(_ key: Key, at now: Int64) -> RateLimitOutcome? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard now >= entry.at, now < entry.until else {
                state.entries.removeValue(forKey: key)
                return nil
            }
            var outcome = entry.outcome
            let elapsed = now - entry.at
            outcome.resetNanoseconds = Swift.max(0, outcome.resetNanoseconds - elapsed)
            outcome.blockedNanoseconds -= elapsed
            return outcome
        }
    }

    /// Remembers a denial measured from `at`, an instant taken before the call to Redis (so the
    /// entry ends no later than the server's block does).
    func insert(_ key: Key, outcome: RateLimitOutcome, at: Int64) {
        state.withLock { state in
            if state.entries.count >= capacity, state.entries[key] == nil {
                if at >= state.nextSweep {
                    state.entries = state.entries.filter { at < $0.value.until }
                    state.nextSweep = at + 1_000_000_000
                }
                if state.entries.count >= capacity { state.entries.remove(at: state.entries.startIndex) }
            }
            state.entries[key] = Entry(outcome: outcome, at: at)
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
