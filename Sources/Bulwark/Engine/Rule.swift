/// One protection the engine evaluates: a rate limit, a detector, a filter.
///
/// The engine knows rules only through this protocol: it orders them by ``cost``, computes the
/// fingerprint of their ``characteristics``, answers from the decision cache where it can, and turns
/// what ``evaluate(_:fingerprint:)`` returns (or throws) into a ``RuleResult``. A rule that throws
/// gets an `ERROR` result; it never takes the decision down with it.
///
/// Implement it for a protection of your own and pass it to ``Bulwark/init(rules:customRules:proxies:platform:options:)``.
public protocol Rule: Sendable {
    /// A stable identifier, unique within a client, reported as `ruleId`.
    var id: String { get }
    /// The rule's type, as in the rules JSON.
    var type: String { get }
    /// Whether a DENY takes effect or is only reported.
    var mode: RuleMode { get }
    /// How expensive the rule is; cheaper rules run first.
    var cost: RuleCost { get }
    /// What the rule is keyed by, or `nil` when it is not keyed. The engine fingerprints the rule's
    /// ``id`` and these values to key the decision cache, and passes the fingerprint to
    /// ``evaluate(_:fingerprint:)``.
    var characteristics: [Characteristic]? { get }

    /// Decides for one request.
    ///
    /// - Parameters:
    ///   - context: The request and everything the caller passed to `protect`.
    ///   - fingerprint: The rule's ``id`` and the values of ``characteristics``, joined by U+001F: a
    ///     key unique to this rule and this client. `nil` when the rule is not keyed.
    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome
}

/// What a rule concluded, before the engine adds the rule's identity and state.
public struct RuleOutcome: Sendable, Hashable {
    /// `ALLOW` or `DENY`.
    public var conclusion: Conclusion
    /// Why.
    public var reason: Reason
    /// Seconds for which a DENY holds for the same fingerprint; 0 when it must not be cached.
    public var ttl: Int

    /// Creates an outcome.
    public init(conclusion: Conclusion, reason: Reason, ttl: Int = 0) {
        self.conclusion = conclusion
        self.reason = reason
        self.ttl = ttl
    }
}

/// The relative cost of evaluating a rule; the engine runs cheaper rules first.
public struct RuleCost: Sendable, Hashable, Comparable {
    /// The rank; lower runs earlier.
    public let rank: Int

    /// A cost of a given rank.
    public init(rank: Int) { self.rank = rank }

    /// Reads a few request fields: header checks, filters.
    public static let trivial = RuleCost(rank: 10)
    /// A lookup in process memory: an in-memory rate limit, a cached detector.
    public static let memory = RuleCost(rank: 20)
    /// Scans request content: shield, sensitive information, prompt injection.
    public static let scan = RuleCost(rank: 30)
    /// Waits on the network: a shared store, DNS.
    public static let network = RuleCost(rank: 40)

    /// Orders costs by rank.
    public static func < (lhs: RuleCost, rhs: RuleCost) -> Bool { lhs.rank < rhs.rank }
}
