import Logging

/// A rule for guards, configured once and bound to each call's input: ``TokenBucket``,
/// ``FixedWindow``, ``SlidingWindow``, ``DetectPromptInjection``, ``LocalDetectSensitiveInfo``, or a
/// ``CustomGuardRule`` of your own.
///
/// Calling a configured rule with the call's input (`limit(key: userID)`, `injection(text)`) gives
/// a ``GuardRuleCall`` for ``Bulwark/guard(label:rules:metadata:)``. Afterwards the same rule value
/// reads its own typed results back from the decision:
///
/// ```swift
/// let limit = try TokenBucket(refillRate: 10, interval: .seconds(60), maxTokens: 100, bucket: "user-tools")
/// let verdict = await bulwark.guard(label: "tools.search", rules: [limit(key: userID, requested: 1)])
/// if let denied = limit.deniedResult(verdict) { print("retry in \(denied.reset) s") }
/// ```
public protocol GuardRule: Sendable {
    /// The typed result the rule reports for each call.
    associatedtype Result: Sendable

    /// A stable identifier derived from the rule's type, mode and configuration, reported as
    /// ``GuardRuleResult/ruleId``.
    var id: String { get }
    /// The rule's type, as in a guard rules file (`tokenBucket`, `detectPromptInjection`, …).
    var type: String { get }
    /// Whether a DENY takes effect (`LIVE`, the default for guards) or is only reported.
    var mode: RuleMode { get }

    /// This rule's typed result from one of a decision's results, or `nil` when the result is not
    /// one of this rule's or the rule did not run.
    func value(of result: GuardRuleResult) -> Result?
}

extension GuardRule {
    /// This rule's results in a decision, one for each time the rule was called, in evaluation order.
    public func results(_ decision: GuardDecision) -> [Result] {
        decision.results.compactMap { $0.ruleId == id ? value(of: $0) : nil }
    }

    /// This rule's first result in a decision, or `nil` when it did not run.
    public func result(_ decision: GuardDecision) -> Result? {
        for result in decision.results where result.ruleId == id {
            if let value = value(of: result) { return value }
        }
        return nil
    }

    /// This rule's first DENY result in a decision (in either mode), or `nil` when it denied nothing:
    /// for a rate limit, what is left and when it resets.
    public func deniedResult(_ decision: GuardDecision) -> Result? {
        for result in decision.results where result.ruleId == id && result.isDenied {
            if let value = value(of: result) { return value }
        }
        return nil
    }
}

/// One configured rule bound to one call's input, ready for ``Bulwark/guard(label:rules:metadata:)``.
///
/// Made by calling a ``GuardRule`` (`limit(key: "u1")`, `injection(text)`); a call evaluates once.
public struct GuardRuleCall: Sendable {
    /// The configured rule's identifier.
    public let ruleId: String
    /// The configured rule's type.
    public let type: String
    /// The configured rule's mode.
    public let mode: RuleMode
    /// How expensive the call is; cheaper calls run first.
    public let cost: RuleCost
    let evaluate: @Sendable (GuardContext) async throws -> GuardOutcome

    init(
        ruleId: String,
        type: String,
        mode: RuleMode,
        cost: RuleCost,
        evaluate: @escaping @Sendable (GuardContext) async throws -> GuardOutcome
    ) {
        self.ruleId = ruleId
        self.type = type
        self.mode = mode
        self.cost = cost
        self.evaluate = evaluate
    }
}

/// What a guard rule concluded for one call.
struct GuardOutcome: Sendable {
    var conclusion: Conclusion
    var reason: Reason
    var output: OutputBox?
}

/// What a guard rule may read about the call besides its own input.
public struct GuardContext: Sendable {
    /// What is guarded, as given to ``Bulwark/guard(label:rules:metadata:)``.
    public let label: String
    /// The values the caller attached.
    public let metadata: [String: String]
    /// The time of the decision, from the client's clock.
    public let now: Timestamp
    /// The client's logger.
    public let logger: Logger
    /// The client's rate-limit store.
    let rateLimitStore: any RateLimitStore
}

/// Names that guards accept for labels and buckets: lower-case letters, digits, `.` and `-`,
/// starting and ending with a letter or digit, at most 256 bytes (`tools.get-weather`, `user-tools`).
public enum GuardSlug {
    /// The longest slug, in bytes.
    public static let maximumLength = 256

    /// Why `text` is not a slug, or `nil` when it is one.
    public static func problem(with text: String) -> String? {
        let bytes = text.utf8
        guard !bytes.isEmpty else { return "must not be empty" }
        guard bytes.count <= maximumLength else {
            return "must be at most \(maximumLength) bytes long, got \(bytes.count)"
        }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        for byte in bytes where !isAlphanumeric(byte) && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "-") {
            let shown = text.unicodeScalars.count > 60 ? String(text.unicodeScalars.prefix(60)) + "…" : text
            return "\"\(shown)\" has a character other than a-z, 0-9, '.' and '-'"
        }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return "\"\(text)\" must start and end with a letter or digit"
        }
        return nil
    }

    /// Whether `text` is a slug.
    public static func isValid(_ text: String) -> Bool { problem(with: text) == nil }
}

/// Checks a guard rule's mode, naming the rule's type.
func checkGuardMode(_ mode: RuleMode, type: String) throws(BulwarkConfigurationError) {
    guard RuleMode.known.contains(mode) else {
        throw BulwarkConfigurationError(
            code: .invalidValue,
            ruleType: type,
            field: "mode",
            message: "must be LIVE or DRY_RUN, got \(mode.rawValue)"
        )
    }
}
