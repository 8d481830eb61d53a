/// The engine's rule for the three rate-limit families: keys the request by its characteristics and
/// asks the store.
struct RateLimitRule: Rule {
    let id: String
    let type: String
    let mode: RuleMode
    let policy: RateLimitPolicy
    let store: any RateLimitStore
    let characteristics: [Characteristic]?

    var cost: RuleCost { store.isRemote ? .network : .memory }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        guard context.requested >= 0 else {
            throw RuleEvaluationError("requested must be zero or more, got \(context.requested)")
        }
        let outcome = try await store.consume(
            key: fingerprint ?? id,
            policy: policy,
            requested: context.requested,
            now: context.now
        )
        let reason = RateLimitReason(outcome, policy: policy)
        return RuleOutcome(
            conclusion: outcome.allowed ? .allow : .deny,
            reason: .rateLimit(reason),
            // Rounded down: a cached DENY must never outlive the moment a request could pass.
            ttl: outcome.allowed ? 0 : Int(outcome.blockedNanoseconds / 1_000_000_000)
        )
    }
}

extension RateLimitReason {
    /// The reason for a store's outcome: the reset rounded up to whole seconds.
    init(_ outcome: RateLimitOutcome, policy: RateLimitPolicy) {
        self.init(
            max: outcome.max,
            remaining: outcome.remaining,
            reset: ceilSeconds(nanoseconds: outcome.resetNanoseconds),
            window: policy.windowSeconds
        )
    }
}

/// A failure inside a rule, reported as that rule's `ERROR` result with this message.
public struct RuleEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public let message: String

    /// An error with a message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
