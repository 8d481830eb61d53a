/// The engine's `detectPromptInjection` rule: scores `protect(detectPromptInjectionMessage:)` and
/// denies when the score reaches the threshold.
///
/// The message is never copied into a log, an error or the decision: the reason carries the score.
struct DetectPromptInjectionRule: Rule {
    let id: String
    let type = "detectPromptInjection"
    let mode: RuleMode
    let threshold: Double
    let detector: PromptInjectionDetector

    var cost: RuleCost { .scan }
    var characteristics: [Characteristic]? { nil }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        guard let message = context.detectPromptInjectionMessage else {
            throw RuleEvaluationError(
                "detectPromptInjection needs a message to score: pass it as protect(detectPromptInjectionMessage:)"
            )
        }
        return outcome(for: message)
    }

    /// Scores one text against the threshold: the whole rule, without a request (guards use it).
    func outcome(for message: String) -> RuleOutcome {
        let score = detector.score(message)
        let detected = score >= threshold
        return RuleOutcome(
            conclusion: detected ? .deny : .allow,
            reason: .promptInjection(PromptInjectionReason(injectionDetected: detected, score: score))
        )
    }
}
