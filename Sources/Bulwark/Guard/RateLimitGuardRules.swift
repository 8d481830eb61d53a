/// The part the three rate-limit guard rules share: the policy, the bucket, and the store key's prefix.
struct RateLimitGuard: Sendable {
    let id: String
    let type: String
    let mode: RuleMode
    let policy: RateLimitPolicy
    let bucket: String
    /// `g`, the bucket and the rule's id, each followed by U+001F: the caller's key completes it.
    let keyPrefix: String

    /// The longest key a call may pass, in bytes.
    static let maximumKeyLength = 1024

    init(
        type: String,
        mode: RuleMode,
        policy: RateLimitPolicy,
        bucket: String,
        fields: (max: String, interval: String)
    ) throws(BulwarkConfigurationError) {
        func fail(_ field: String, _ message: String) -> BulwarkConfigurationError {
            BulwarkConfigurationError(code: .invalidValue, ruleType: type, field: field, message: message)
        }
        try checkGuardMode(mode, type: type)
        if let problem = GuardSlug.problem(with: bucket) { throw fail("bucket", problem) }
        if policy.algorithm == .tokenBucket, policy.refillRate <= 0 {
            throw fail("refillRate", "must be greater than zero, got \(policy.refillRate)")
        }
        guard policy.max > 0 else { throw fail(fields.max, "must be greater than zero, got \(policy.max)") }
        guard policy.interval >= .milliseconds(1) else {
            throw fail(fields.interval, "must be at least one millisecond, got \(policy.interval)")
        }
        self.type = type
        self.mode = mode
        self.policy = policy
        self.bucket = bucket
        // The policy is part of the id, so two rules that share a bucket name but not a
        // configuration keep separate counters.
        self.id = derivedRuleID(type: type, mode: mode, canonical: bucket + "|" + policy.description)
        self.keyPrefix = "g\u{1F}" + bucket + "\u{1F}" + id + "\u{1F}"
    }

    func call(key: String, requested: Int) -> GuardRuleCall {
        GuardRuleCall(ruleId: id, type: type, mode: mode, cost: .memory) { [self] context in
            guard !key.isEmpty, key.utf8.count <= Self.maximumKeyLength else {
                throw RuleEvaluationError(
                    "\(type) '\(bucket)': the key must be 1 to \(Self.maximumKeyLength) bytes long, got \(key.utf8.count)"
                )
            }
            guard requested >= 0 else {
                throw RuleEvaluationError("\(type) '\(bucket)': requested must be zero or more, got \(requested)")
            }
            let outcome = try await context.rateLimitStore.consume(
                key: keyPrefix + key,
                policy: policy,
                requested: requested,
                now: context.now
            )
            let reason = RateLimitReason(outcome, policy: policy)
            return GuardOutcome(conclusion: outcome.allowed ? .allow : .deny, reason: .rateLimit(reason), output: nil)
        }
    }
}

/// The algorithm of a ``TokenBucket``.
public enum TokenBucketAlgorithm {}
/// The algorithm of a ``FixedWindow``.
public enum FixedWindowAlgorithm {}
/// The algorithm of a ``SlidingWindow``.
public enum SlidingWindowAlgorithm {}

/// A rate limit for guards: ``TokenBucket``, ``FixedWindow`` or ``SlidingWindow``, called with a
/// key and a number of units.
///
/// Counters are kept per bucket, configuration and key in the client's rate-limit store, so two
/// rules with the same bucket name and different limits never share a counter.
public struct RateLimitGuardRule<Algorithm>: GuardRule {
    private let core: RateLimitGuard

    fileprivate init(core: RateLimitGuard) { self.core = core }

    /// The rule's identifier: its type and a hash of its mode, bucket and limits.
    public var id: String { core.id }
    /// `tokenBucket`, `fixedWindow` or `slidingWindow`.
    public var type: String { core.type }
    /// The rule's mode.
    public var mode: RuleMode { core.mode }
    /// The counters' name.
    public var bucket: String { core.bucket }
    /// The algorithm and its limits.
    public var policy: RateLimitPolicy { core.policy }

    /// Binds the rule to one call: take `requested` units (tokens, requests) from `key`'s counter.
    public func callAsFunction(key: String, requested: Int = 1) -> GuardRuleCall {
        core.call(key: key, requested: requested)
    }

    /// The rate-limit details of one of this rule's results: what is left and when it resets.
    public func value(of result: GuardRuleResult) -> RateLimitReason? { result.reason?.rateLimit }
}

/// A token bucket for guards: `maxTokens` tokens per key, `refillRate` more at the end of every
/// `interval`; a call takes `requested` tokens (an LLM call's token count, a tool's cost).
///
/// ```swift
/// let budget = try TokenBucket(refillRate: 2_000, interval: .seconds(60), maxTokens: 10_000, bucket: "chat-tokens")
/// let verdict = await bulwark.guard(label: "agent.step", rules: [budget(key: userID, requested: 1_200)])
/// ```
public typealias TokenBucket = RateLimitGuardRule<TokenBucketAlgorithm>

/// A fixed window for guards: at most `maxRequests` units per key in each `window`, windows aligned
/// to the Unix epoch.
public typealias FixedWindow = RateLimitGuardRule<FixedWindowAlgorithm>

/// A sliding window for guards: at most `maxRequests` units per key in any rolling `interval`.
public typealias SlidingWindow = RateLimitGuardRule<SlidingWindowAlgorithm>

extension RateLimitGuardRule where Algorithm == TokenBucketAlgorithm {
    /// Configures a token bucket.
    ///
    /// - Parameters:
    ///   - mode: `LIVE` (the default) or `DRY_RUN`.
    ///   - refillRate: Tokens added at the end of each interval; greater than zero.
    ///   - interval: The refill interval; at least a millisecond.
    ///   - maxTokens: The bucket's capacity, and its level for a new key; greater than zero.
    ///   - bucket: The counters' name: a slug such as `user-tools`.
    /// - Throws: ``BulwarkConfigurationError`` naming the field that is wrong.
    public init(
        mode: RuleMode = .live,
        refillRate: Int,
        interval: Duration,
        maxTokens: Int,
        bucket: String
    ) throws(BulwarkConfigurationError) {
        self.init(
            core: try RateLimitGuard(
                type: "tokenBucket",
                mode: mode,
                policy: .tokenBucket(refillRate: refillRate, interval: interval, capacity: maxTokens),
                bucket: bucket,
                fields: ("maxTokens", "interval")
            )
        )
    }
}

extension RateLimitGuardRule where Algorithm == FixedWindowAlgorithm {
    /// Configures a fixed window.
    ///
    /// - Parameters:
    ///   - mode: `LIVE` (the default) or `DRY_RUN`.
    ///   - maxRequests: Units admitted per window; greater than zero.
    ///   - window: The window's length; at least a millisecond.
    ///   - bucket: The counters' name: a slug such as `queue-jobs`.
    /// - Throws: ``BulwarkConfigurationError`` naming the field that is wrong.
    public init(
        mode: RuleMode = .live,
        maxRequests: Int,
        window: Duration,
        bucket: String
    )
        throws(BulwarkConfigurationError)
    {
        self.init(
            core: try RateLimitGuard(
                type: "fixedWindow",
                mode: mode,
                policy: .fixedWindow(max: maxRequests, window: window),
                bucket: bucket,
                fields: ("maxRequests", "window")
            )
        )
    }
}

extension RateLimitGuardRule where Algorithm == SlidingWindowAlgorithm {
    /// Configures a sliding window.
    ///
    /// - Parameters:
    ///   - mode: `LIVE` (the default) or `DRY_RUN`.
    ///   - maxRequests: Units admitted in any rolling interval; greater than zero.
    ///   - interval: The rolling interval; at least a millisecond.
    ///   - bucket: The counters' name: a slug such as `agent-steps`.
    /// - Throws: ``BulwarkConfigurationError`` naming the field that is wrong.
    public init(
        mode: RuleMode = .live,
        maxRequests: Int,
        interval: Duration,
        bucket: String
    )
        throws(BulwarkConfigurationError)
    {
        self.init(
            core: try RateLimitGuard(
                type: "slidingWindow",
                mode: mode,
                policy: .slidingWindow(max: maxRequests, interval: interval),
                bucket: bucket,
                fields: ("maxRequests", "interval")
            )
        )
    }
}
