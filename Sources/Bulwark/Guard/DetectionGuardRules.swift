extension RuleSpecification {
    /// Builds the engine's rule for a guard: the same checks as in a client's rules, with errors
    /// that name the field but no position in a list.
    func makeGuardRule<Built: Rule>(as: Built.Type) throws(BulwarkConfigurationError) -> Built {
        let environment = RuleBuildEnvironment(
            rateLimitStore: InMemoryRateLimitStore(),
            botVerifier: BotVerifier(),
            emailVerifier: EmailVerifier()
        )
        let rule: any Rule
        do {
            rule = try makeRule(index: 0, environment: environment)
        } catch {
            throw BulwarkConfigurationError(
                code: error.code,
                ruleType: error.ruleType,
                field: error.field,
                message: error.message
            )
        }
        guard let built = rule as? Built else {
            throw BulwarkConfigurationError(code: .invalidValue, ruleType: type, message: "not a rule guards can run")
        }
        return built
    }
}

/// A request rule that can also decide on one text alone, as the detection guards use it.
protocol TextRule: Rule {
    func outcome(for text: String) -> RuleOutcome
}

extension DetectPromptInjectionRule: TextRule {}
extension DetectSensitiveInfoRule: TextRule {}

extension TextRule {
    /// Binds the rule to one guard call on `text`.
    func guardCall(_ text: String) -> GuardRuleCall {
        GuardRuleCall(ruleId: id, type: type, mode: mode, cost: cost) { [self] _ in
            let outcome = outcome(for: text)
            return GuardOutcome(conclusion: outcome.conclusion, reason: outcome.reason, output: nil)
        }
    }
}

/// Prompt-injection detection for guards: scores a text (a tool's input, a fetched page, a tool's
/// result before it returns to the model) and denies when the score reaches the threshold.
///
/// ```swift
/// let injection = try DetectPromptInjection()
/// let verdict = await bulwark.guard(label: "tools.fetch-page", rules: [injection(pageText)])
/// ```
///
/// The text never appears in the decision, a log or an error: the result carries the score.
public struct DetectPromptInjection: GuardRule {
    private let rule: DetectPromptInjectionRule

    /// Configures the rule.
    ///
    /// - Parameters:
    ///   - mode: `LIVE` (the default) or `DRY_RUN`.
    ///   - threshold: The score, strictly between 0 and 1, from which a text is an injection.
    ///   - detector: The model to score with; the bundled one when `nil`.
    /// - Throws: ``BulwarkConfigurationError`` for a threshold out of range or a missing model.
    public init(
        mode: RuleMode = .live,
        threshold: Double = 0.5,
        detector: PromptInjectionDetector? = nil
    )
        throws(BulwarkConfigurationError)
    {
        rule = try RuleSpecification.detectPromptInjection(mode: mode, threshold: threshold, detector: detector)
            .makeGuardRule(as: DetectPromptInjectionRule.self)
    }

    /// The rule's identifier: its type and a hash of its mode and threshold.
    public var id: String { rule.id }
    /// `detectPromptInjection`.
    public var type: String { rule.type }
    /// The rule's mode.
    public var mode: RuleMode { rule.mode }
    /// The score from which a text is an injection.
    public var threshold: Double { rule.threshold }

    /// Binds the rule to one call: score `text`.
    public func callAsFunction(_ text: String) -> GuardRuleCall { rule.guardCall(text) }

    /// The score and verdict of one of this rule's results.
    public func value(of result: GuardRuleResult) -> PromptInjectionReason? { result.reason?.promptInjection }
}

/// Sensitive-information detection for guards, in process: scans a text (a tool's result, a
/// message about to leave) and denies by a list of types.
///
/// ```swift
/// let pii = try LocalDetectSensitiveInfo(deny: [.email, .creditCardNumber, .phoneNumber])
/// let verdict = await bulwark.guard(label: "tools.lookup-customer", rules: [pii(toolResult)])
/// ```
///
/// The text never appears in the decision: the result carries types and offsets.
public struct LocalDetectSensitiveInfo: GuardRule {
    private let rule: DetectSensitiveInfoRule

    /// Configures the rule to deny the listed types and allow any other.
    ///
    /// - Parameters:
    ///   - mode: `LIVE` (the default) or `DRY_RUN`.
    ///   - deny: The types to deny.
    ///   - detector: Finds types of your own in the text's tokens.
    ///   - limits: How much of the text is scanned.
    /// - Throws: ``BulwarkConfigurationError`` naming a type that is not known.
    public init(
        mode: RuleMode = .live,
        deny: [SensitiveInfoType],
        detector: SensitiveInfoDetector? = nil,
        limits: SensitiveInfoLimits = SensitiveInfoLimits()
    ) throws(BulwarkConfigurationError) {
        rule = try RuleSpecification.detectSensitiveInfo(mode: mode, deny: deny, detector: detector, limits: limits)
            .makeGuardRule(as: DetectSensitiveInfoRule.self)
    }

    /// Configures the rule to allow the listed types and deny any other.
    ///
    /// - Parameters:
    ///   - mode: `LIVE` (the default) or `DRY_RUN`.
    ///   - allow: The types to allow.
    ///   - detector: Finds types of your own in the text's tokens.
    ///   - limits: How much of the text is scanned.
    /// - Throws: ``BulwarkConfigurationError`` naming a type that is not known.
    public init(
        mode: RuleMode = .live,
        allow: [SensitiveInfoType],
        detector: SensitiveInfoDetector? = nil,
        limits: SensitiveInfoLimits = SensitiveInfoLimits()
    ) throws(BulwarkConfigurationError) {
        rule = try RuleSpecification.detectSensitiveInfo(mode: mode, allow: allow, detector: detector, limits: limits)
            .makeGuardRule(as: DetectSensitiveInfoRule.self)
    }

    /// The rule's identifier: its type and a hash of its mode and lists.
    public var id: String { rule.id }
    /// `detectSensitiveInfo`.
    public var type: String { rule.type }
    /// The rule's mode.
    public var mode: RuleMode { rule.mode }

    /// Binds the rule to one call: scan `text`.
    public func callAsFunction(_ text: String) -> GuardRuleCall { rule.guardCall(text) }

    /// The entities found by one of this rule's results.
    public func value(of result: GuardRuleResult) -> SensitiveInfoReason? { result.reason?.sensitiveInfo }
}
