/// Bulwark's answer for one guarded operation (a tool call, a queue job, an agent step): a value
/// that can be logged, stored and sent as JSON.
///
/// ```swift
/// let verdict = await bulwark.guard(label: "tools.get-weather", rules: [userLimit(key: userID)])
/// if verdict.isDenied, let limited = userLimit.deniedResult(verdict) {
///     return "Too many calls: retry in \(limited.reset) s"
/// }
/// ```
///
/// In JSON: `{"id": "gdec_…", "label": …, "conclusion": …, "reason": {…}, "results": […],
/// "metadata": {…}}`, with the same reason and result shapes as a request's ``Decision``.
public struct GuardDecision: Sendable, Hashable, Codable {
    /// `gdec_` and a time-ordered unique id.
    public var id: String
    /// What was guarded, as given to ``Bulwark/guard(label:rules:metadata:)``.
    public var label: String
    /// `ALLOW`, `DENY`, or `ERROR` (a rule failed and the decision failed open).
    public var conclusion: Conclusion
    /// Why: the denying rule's reason on a DENY, an `ERROR` reason on an error, otherwise the
    /// reason of the last LIVE rule that ran.
    public var reason: Reason
    /// Each rule's part, in the order they were evaluated.
    public var results: [GuardRuleResult]
    /// Free-form values the caller attached.
    public var metadata: [String: String]

    /// Creates a decision.
    public init(
        id: String,
        label: String,
        conclusion: Conclusion,
        reason: Reason,
        results: [GuardRuleResult],
        metadata: [String: String] = [:]
    ) {
        self.id = id
        self.label = label
        self.conclusion = conclusion
        self.reason = reason
        self.results = results
        self.metadata = metadata
    }

    /// Whether the operation should be refused.
    public var isDenied: Bool { conclusion == .deny }
    /// Whether the operation may proceed: `ALLOW`, or `ERROR` (fail open).
    public var isAllowed: Bool { conclusion != .deny }
    /// Whether an error decided: an `ERROR` conclusion, or a DENY because the client fails closed.
    public var isError: Bool { conclusion == .error || reason.type == .error }
    /// Whether any rule failed, whatever the conclusion.
    public var hasError: Bool { results.contains { $0.isError } || reason.type == .error }
    /// Whether a rule failed and the operation is allowed anyway: the decision failed open.
    public var hasFailedOpen: Bool { conclusion != .deny && hasError }

    /// A new guard decision id (`gdec_` and a ULID) for a decision made at `time`.
    public static func makeID(at time: Timestamp) -> String {
        DecisionID.make(prefix: "gdec_", at: time)
    }

    private enum CodingKeys: String, CodingKey { case id, label, conclusion, reason, results, metadata }

    /// Decodes a decision; `metadata` may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        label = try container.decode(String.self, forKey: .label)
        conclusion = try container.decode(Conclusion.self, forKey: .conclusion)
        reason = try container.decode(Reason.self, forKey: .reason)
        results = try container.decode([GuardRuleResult].self, forKey: .results)
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }

    /// Encodes the decision; `metadata` only when it has entries.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encode(conclusion, forKey: .conclusion)
        try container.encode(reason, forKey: .reason)
        try container.encode(results, forKey: .results)
        if !metadata.isEmpty { try container.encode(metadata, forKey: .metadata) }
    }
}

/// One rule's part in a guard decision.
public struct GuardRuleResult: Sendable, Hashable, Codable {
    /// The configured rule's identifier (``GuardRule/id``).
    public var ruleId: String
    /// The rule's type: `tokenBucket`, `detectPromptInjection`, or a custom rule's own.
    public var type: String
    /// The rule's mode.
    public var mode: RuleMode
    /// Whether the rule ran, was skipped, or ran in DRY_RUN.
    public var state: RuleState
    /// What the rule concluded.
    public var conclusion: Conclusion
    /// Why; absent for a rule that did not run.
    public var reason: Reason?
    /// A custom rule's typed output, kept as it was so that reading it back costs nothing; not
    /// encoded (``reason`` carries it as JSON) and not compared.
    let output: OutputBox?

    /// Creates a result.
    public init(
        ruleId: String,
        type: String,
        mode: RuleMode,
        state: RuleState,
        conclusion: Conclusion,
        reason: Reason?
    ) {
        self.init(
            ruleId: ruleId,
            type: type,
            mode: mode,
            state: state,
            conclusion: conclusion,
            reason: reason,
            output: nil
        )
    }

    init(
        ruleId: String,
        type: String,
        mode: RuleMode,
        state: RuleState,
        conclusion: Conclusion,
        reason: Reason?,
        output: OutputBox?
    ) {
        self.ruleId = ruleId
        self.type = type
        self.mode = mode
        self.state = state
        self.conclusion = conclusion
        self.reason = reason
        self.output = output
    }

    /// Whether the rule concluded DENY (in any mode).
    public var isDenied: Bool { conclusion == .deny }
    /// Whether the rule failed.
    public var isError: Bool { conclusion == .error }

    private enum CodingKeys: String, CodingKey { case ruleId, type, mode, state, conclusion, reason }

    /// Decodes a result.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            ruleId: try container.decode(String.self, forKey: .ruleId),
            type: try container.decode(String.self, forKey: .type),
            mode: try container.decode(RuleMode.self, forKey: .mode),
            state: try container.decode(RuleState.self, forKey: .state),
            conclusion: try container.decode(Conclusion.self, forKey: .conclusion),
            reason: try container.decodeIfPresent(Reason.self, forKey: .reason)
        )
    }

    /// Encodes a result; `reason` only when there is one.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ruleId, forKey: .ruleId)
        try container.encode(type, forKey: .type)
        try container.encode(mode, forKey: .mode)
        try container.encode(state, forKey: .state)
        try container.encode(conclusion, forKey: .conclusion)
        try container.encodeIfPresent(reason, forKey: .reason)
    }

    /// Equal when everything that is encoded is equal.
    public static func == (lhs: GuardRuleResult, rhs: GuardRuleResult) -> Bool {
        lhs.ruleId == rhs.ruleId && lhs.type == rhs.type && lhs.mode == rhs.mode && lhs.state == rhs.state
            && lhs.conclusion == rhs.conclusion && lhs.reason == rhs.reason
    }

    /// Hashes what is encoded.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ruleId)
        hasher.combine(type)
        hasher.combine(state)
        hasher.combine(conclusion)
        hasher.combine(reason)
    }
}

/// A custom rule's output, held without its type.
struct OutputBox: Sendable {
    let value: any Sendable
}
