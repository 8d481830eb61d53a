/// One rule's part in a decision.
public struct RuleResult: Sendable, Hashable, Codable {
    /// The rule's identifier: the `id` given in its specification, or one derived from its configuration.
    public var ruleId: String
    /// The rule's type, as in the rules JSON (`tokenBucket`, `fixedWindow`, …).
    public var type: String
    /// The rule's mode.
    public var mode: RuleMode
    /// Whether the rule ran, was skipped, answered from the cache, or ran in DRY_RUN.
    public var state: RuleState
    /// What the rule concluded.
    public var conclusion: Conclusion
    /// Why; absent for a rule that did not run.
    public var reason: Reason?
    /// Seconds for which a DENY stays valid for the same fingerprint (0: not cacheable).
    public var ttl: Int

    /// Creates a result.
    public init(
        ruleId: String,
        type: String,
        mode: RuleMode,
        state: RuleState,
        conclusion: Conclusion,
        reason: Reason?,
        ttl: Int = 0
    ) {
        self.ruleId = ruleId
        self.type = type
        self.mode = mode
        self.state = state
        self.conclusion = conclusion
        self.reason = reason
        self.ttl = ttl
    }

    /// Whether the rule concluded DENY (in any mode).
    public var isDenied: Bool { conclusion == .deny }
    /// Whether the rule failed.
    public var isError: Bool { conclusion == .error }
}
