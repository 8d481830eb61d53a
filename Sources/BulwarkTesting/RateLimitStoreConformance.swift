import Bulwark

/// The checks every ``RateLimitStore`` must pass: the three algorithms' arithmetic, independent keys,
/// multi-unit requests, and exactness under concurrency.
///
/// Run it from a test of each store:
///
/// ```swift
/// @Test(arguments: RateLimitStoreConformance.Check.allCases)
/// func conformance(check: RateLimitStoreConformance.Check) async throws {
///     try await RateLimitStoreConformance(honoursInjectedTime: true) { InMemoryRateLimitStore() }.run(check)
/// }
/// ```
///
/// A store that keeps time by a clock of its own (Redis uses the server's `TIME`) sets
/// `honoursInjectedTime` to `false`; the checks that move time are then skipped, and the others use
/// intervals long enough that no refill or window change happens while they run.
public struct RateLimitStoreConformance: Sendable {
    /// One check of the suite.
    public enum Check: String, Sendable, CaseIterable, CustomStringConvertible {
        /// A token bucket admits its capacity, denies the next request, and says when to retry.
        case tokenBucketCapacity
        /// A token bucket refills `refillRate` tokens per interval, up to its capacity.
        case tokenBucketRefill
        /// A fixed window admits `max` per window and starts afresh in the next one.
        case fixedWindowLimit
        /// A sliding window weighs the previous window's count by the part still in the interval.
        case slidingWindowWeighting
        /// Requests of several units consume that many, and one too large is denied without consuming.
        case multiUnitRequests
        /// Two keys never share state.
        case independentKeys
        /// Concurrent requests on one key are admitted exactly up to the limit, for every algorithm.
        case concurrentExactness

        /// The check's name.
        public var description: String { rawValue }

        var movesTime: Bool {
            switch self {
            case .tokenBucketRefill, .fixedWindowLimit, .slidingWindowWeighting: true
            default: false
            }
        }
    }

    /// A check that did not hold.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The check.
        public let check: Check
        /// What was expected and what happened.
        public let message: String

        /// The check and the message.
        public var description: String { "\(check): \(message)" }
    }

    /// Whether the store uses the `now` it is given (so the checks can move time).
    public let honoursInjectedTime: Bool
    /// How many concurrent tasks the concurrency check starts.
    public let concurrentTasks: Int
    private let makeStore: @Sendable () async throws -> any RateLimitStore

    /// A suite for stores made by `makeStore` (called once per check).
    public init(
        honoursInjectedTime: Bool,
        concurrentTasks: Int = 64,
        makeStore: @escaping @Sendable () async throws -> any RateLimitStore
    ) {
        self.honoursInjectedTime = honoursInjectedTime
        self.concurrentTasks = concurrentTasks
        self.makeStore = makeStore
    }

    /// Runs every check, stopping at the first failure.
    public func runAll() async throws {
        for check in Check.allCases { try await run(check) }
    }

    /// Runs one check; a check that moves time is skipped for a store with a clock of its own.
    public func run(_ check: Check) async throws {
        if check.movesTime && !honoursInjectedTime { return }
        let store = try await makeStore()
        let key = "conformance-\(check.rawValue)-\(UInt64.random(in: 0...UInt64.max))"
        var probe = Probe(store: store, key: key, check: check, now: Timestamp(secondsSinceEpoch: 1_704_067_200))
        switch check {
        case .tokenBucketCapacity: try await tokenBucketCapacity(&probe)
        case .tokenBucketRefill: try await tokenBucketRefill(&probe)
        case .fixedWindowLimit: try await fixedWindowLimit(&probe)
        case .slidingWindowWeighting: try await slidingWindowWeighting(&probe)
        case .multiUnitRequests: try await multiUnitRequests(&probe)
        case .independentKeys: try await independentKeys(&probe)
        case .concurrentExactness: try await concurrentExactness(&probe)
        }
    }

    private struct Probe {
        let store: any RateLimitStore
        let key: String
        let check: Check
        var now: Timestamp

        func consume(
            _ policy: RateLimitPolicy,
            requested: Int = 1,
            key: String? = nil
        ) async throws
            -> RateLimitOutcome
        {
            try await store.consume(key: key ?? self.key, policy: policy, requested: requested, now: now)
        }

        func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
            if !condition { throw Failure(check: check, message: message()) }
        }

        func expectAdmissions(
            _ policy: RateLimitPolicy,
            _ expected: [Bool],
            _ context: String,
            key: String? = nil
        ) async throws {
            for (index, want) in expected.enumerated() {
                let outcome = try await consume(policy, key: key)
                try expect(
                    outcome.allowed == want,
                    "\(context): request \(index + 1) was \(outcome.allowed ? "allowed" : "denied"), expected "
                        + (want ? "allowed" : "denied") + " (\(outcome))"
                )
            }
        }
    }

    private func tokenBucketCapacity(_ probe: inout Probe) async throws {
        let policy = RateLimitPolicy.tokenBucket(refillRate: 1, interval: .seconds(3600), capacity: 3)
        for expectedRemaining in [2, 1, 0] {
            let outcome = try await probe.consume(policy)
            try probe.expect(outcome.allowed, "a request within capacity was denied")
            try probe.expect(
                outcome.remaining == expectedRemaining,
                "remaining \(outcome.remaining), expected \(expectedRemaining)"
            )
            try probe.expect(outcome.max == 3, "max \(outcome.max), expected 3")
        }
        let denied = try await probe.consume(policy)
        try probe.expect(!denied.allowed, "the request past capacity was allowed")
        try probe.expect(denied.remaining == 0, "remaining \(denied.remaining) on an empty bucket")
        try probe.expect(
            denied.resetNanoseconds > 0 && denied.resetNanoseconds <= 3_600_000_000_000,
            "reset \(denied.resetNanoseconds) ns is not within the refill interval"
        )
        try probe.expect(denied.blockedNanoseconds > 0, "an empty bucket must report how long it blocks")
    }

    private func tokenBucketRefill(_ probe: inout Probe) async throws {
        let policy = RateLimitPolicy.tokenBucket(refillRate: 2, interval: .seconds(10), capacity: 5)
        try await probe.expectAdmissions(policy, [true, true, true, true, true, false], "empty the bucket")
        probe.now = probe.now.advanced(by: .seconds(9))
        try await probe.expectAdmissions(policy, [false], "before the first refill")
        probe.now = probe.now.advanced(by: .seconds(1))
        try await probe.expectAdmissions(policy, [true, true, false], "after one refill of two tokens")
        probe.now = probe.now.advanced(by: .seconds(1000))
        let full = try await probe.consume(policy, requested: 0)
        try probe.expect(
            full.remaining == 5,
            "a long-idle bucket holds \(full.remaining) tokens, expected its capacity 5"
        )
    }

    private func fixedWindowLimit(_ probe: inout Probe) async throws {
        let policy = RateLimitPolicy.fixedWindow(max: 3, window: .seconds(60))
        try await probe.expectAdmissions(policy, [true, true, true, false], "first window")
        let denied = try await probe.consume(policy)
        try probe.expect(
            denied.resetNanoseconds == 60_000_000_000,
            "at a window's start the reset is the whole window, got \(denied.resetNanoseconds) ns"
        )
        probe.now = probe.now.advanced(by: .seconds(59))
        try await probe.expectAdmissions(policy, [false], "end of the first window")
        probe.now = probe.now.advanced(by: .seconds(1))
        try await probe.expectAdmissions(policy, [true, true, true, false], "second window")
    }

    private func slidingWindowWeighting(_ probe: inout Probe) async throws {
        let policy = RateLimitPolicy.slidingWindow(max: 10, interval: .seconds(60))
        try await probe.expectAdmissions(policy, Array(repeating: true, count: 10) + [false], "first window")
        // Halfway through the next window, half of the previous window's 10 still count.
        probe.now = probe.now.advanced(by: .seconds(90))
        try await probe.expectAdmissions(policy, Array(repeating: true, count: 5) + [false], "half-weighted window")
        // Further on, no earlier window overlaps the rolling interval: the limit is whole again.
        probe.now = probe.now.advanced(by: .seconds(150))
        try await probe.expectAdmissions(policy, Array(repeating: true, count: 10) + [false], "a fresh window")
    }

    private func multiUnitRequests(_ probe: inout Probe) async throws {
        let bucket = RateLimitPolicy.tokenBucket(refillRate: 1, interval: .seconds(3600), capacity: 10)
        let first = try await probe.consume(bucket, requested: 7)
        try probe.expect(first.allowed && first.remaining == 3, "7 of 10 tokens: \(first)")
        let tooMany = try await probe.consume(bucket, requested: 4)
        try probe.expect(
            !tooMany.allowed && tooMany.remaining == 3,
            "4 of 3 tokens must be denied, keeping 3: \(tooMany)"
        )
        let exact = try await probe.consume(bucket, requested: 3)
        try probe.expect(exact.allowed && exact.remaining == 0, "3 of 3 tokens: \(exact)")
        let window = RateLimitPolicy.fixedWindow(max: 10, window: .seconds(86_400))
        let windowKey = probe.key + "-window"
        let big = try await probe.consume(window, requested: 11, key: windowKey)
        try probe.expect(!big.allowed && big.remaining == 10, "11 units in a window of 10 must be denied: \(big)")
        let fits = try await probe.consume(window, requested: 10, key: windowKey)
        try probe.expect(fits.allowed && fits.remaining == 0, "10 units in a window of 10: \(fits)")
    }

    private func independentKeys(_ probe: inout Probe) async throws {
        let policy = RateLimitPolicy.fixedWindow(max: 2, window: .seconds(86_400))
        try await probe.expectAdmissions(policy, [true, true, false], "key A", key: probe.key + "-a")
        try await probe.expectAdmissions(policy, [true, true, false], "key B", key: probe.key + "-b")
    }

    private func concurrentExactness(_ probe: inout Probe) async throws {
        let policies: [(String, RateLimitPolicy)] = [
            ("tokenBucket", .tokenBucket(refillRate: 1, interval: .seconds(3600), capacity: 100)),
            ("fixedWindow", .fixedWindow(max: 100, window: .seconds(86_400))),
            ("slidingWindow", .slidingWindow(max: 100, interval: .seconds(86_400))),
        ]
        let tasks = concurrentTasks
        for (name, policy) in policies {
            let key = probe.key + "-" + name
            let store = probe.store
            let now = probe.now
            let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<tasks {
                    group.addTask {
                        var count = 0
                        for _ in 0..<5 {
                            if try await store.consume(key: key, policy: policy, requested: 1, now: now).allowed {
                                count += 1
                            }
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            let expected = min(100, tasks * 5)
            try probe.expect(
                admitted == expected,
                "\(name): \(tasks) tasks × 5 requests admitted \(admitted), expected exactly \(expected)"
            )
        }
    }
}
