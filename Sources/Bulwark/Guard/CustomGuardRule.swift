import Foundation

/// What a custom guard rule concluded for one call, with its typed output.
public struct CustomGuardVerdict<Output: Sendable & Codable>: Sendable {
    /// `ALLOW` or `DENY`.
    public var conclusion: Conclusion
    /// What the rule reports, read back with ``GuardRule/result(_:)``.
    public var output: Output

    /// The call may proceed; `output` says why.
    public static func allow(_ output: Output) -> CustomGuardVerdict {
        CustomGuardVerdict(conclusion: .allow, output: output)
    }
    /// The call should be refused; `output` says why.
    public static func deny(_ output: Output) -> CustomGuardVerdict {
        CustomGuardVerdict(conclusion: .deny, output: output)
    }
}

/// A guard rule of your own, with a typed configuration, input and output; its check may be
/// synchronous or `async`.
///
/// ```swift
/// struct Spend: Codable, Sendable { let amount: Int; let limit: Int }
/// let maxRefund = try CustomGuardRule(type: "max-refund", configuration: 500) { (limit: Int, amount: Int, _) in
///     amount <= limit ? .allow(Spend(amount: amount, limit: limit)) : .deny(Spend(amount: amount, limit: limit))
/// }
/// let verdict = await bulwark.guard(label: "tools.refund", rules: [maxRefund(amount)])
/// if let spend = maxRefund.deniedResult(verdict) { print("refund of \(spend.amount) is over \(spend.limit)") }
/// ```
///
/// A check that throws gives the rule an `ERROR` result (the message is the error's description),
/// and the decision fails open or closed as the client is configured. The output is reported in the
/// decision as a `CUSTOM` reason, `{"type": "CUSTOM", "data": …}`.
public struct CustomGuardRule<Configuration: Sendable, Input: Sendable, Output: Sendable & Codable>: GuardRule {
    /// The check: the configuration, the call's input, and what else the call knows.
    public typealias Check = @Sendable (Configuration, Input, GuardContext) async throws -> CustomGuardVerdict<Output>

    /// The rule's identifier: `id` as given, or its type and a hash of its mode and configuration.
    public let id: String
    /// The rule's type, a slug of your choosing.
    public let type: String
    /// The rule's mode.
    public let mode: RuleMode
    /// The configuration the check receives on every call.
    public let configuration: Configuration
    /// How expensive the check is; cheaper rules run first.
    public let cost: RuleCost
    private let check: Check

    /// Configures a custom rule.
    ///
    /// - Parameters:
    ///   - type: The rule's type: a slug (`[a-z0-9.-]`), such as `max-refund`.
    ///   - mode: `LIVE` (the default) or `DRY_RUN`.
    ///   - configuration: What the check receives on every call.
    ///   - id: The rule's identifier; by default derived from the type, mode and configuration.
    ///   - cost: How expensive the check is (``RuleCost/memory`` by default; ``RuleCost/network``
    ///     for a check that waits on a service).
    ///   - check: Decides for one call.
    /// - Throws: ``BulwarkConfigurationError`` when the type or id is not acceptable.
    public init(
        type: String,
        mode: RuleMode = .live,
        configuration: Configuration,
        id: String? = nil,
        cost: RuleCost = .memory,
        check: @escaping Check
    ) throws(BulwarkConfigurationError) {
        if let problem = GuardSlug.problem(with: type) {
            throw BulwarkConfigurationError(code: .invalidValue, ruleType: type, field: "type", message: problem)
        }
        try checkGuardMode(mode, type: type)
        if let id, id.isEmpty || id.utf8.count > 128 {
            throw BulwarkConfigurationError(
                code: .invalidValue,
                ruleType: type,
                field: "id",
                message: "must be 1 to 128 characters long"
            )
        }
        self.type = type
        self.mode = mode
        self.configuration = configuration
        self.cost = cost
        self.check = check
        self.id = id ?? derivedRuleID(type: type, mode: mode, canonical: String(reflecting: configuration))
    }

    /// Binds the rule to one call's input.
    public func callAsFunction(_ input: Input) -> GuardRuleCall {
        GuardRuleCall(ruleId: id, type: type, mode: mode, cost: cost) { [check, configuration] context in
            let verdict = try await check(configuration, input, context)
            guard verdict.conclusion == .allow || verdict.conclusion == .deny else {
                throw RuleEvaluationError("a custom rule concludes ALLOW or DENY, got \(verdict.conclusion)")
            }
            let data: JSONValue
            do {
                data = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(verdict.output))
            } catch {
                throw RuleEvaluationError("the rule's output cannot be encoded as JSON: \(error)")
            }
            return GuardOutcome(
                conclusion: verdict.conclusion,
                reason: .custom(CustomReason(data: data)),
                output: OutputBox(value: verdict.output)
            )
        }
    }

    /// The typed output of one of this rule's results: as the check returned it, or decoded from
    /// the reason's data for a decision read back from JSON.
    public func value(of result: GuardRuleResult) -> Output? {
        if let output = result.output?.value as? Output { return output }
        guard let data = result.reason?.custom?.data, let encoded = try? JSONEncoder().encode(data) else { return nil }
        return try? JSONDecoder().decode(Output.self, from: encoded)
    }
}
