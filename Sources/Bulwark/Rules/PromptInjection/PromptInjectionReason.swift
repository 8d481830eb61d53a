/// The details of a `PROMPT_INJECTION` reason.
public struct PromptInjectionReason: Sendable, Hashable, Codable {
    /// Whether the score reached the rule's threshold.
    public var injectionDetected: Bool
    /// The model's probability, from 0 to 1, that the message carries a prompt injection.
    public var score: Double

    /// Creates prompt-injection details.
    public init(injectionDetected: Bool, score: Double) {
        self.injectionDetected = injectionDetected
        self.score = score
    }
}

extension Decision {
    /// The prompt-injection score from the decision's reason or from any rule's result (a
    /// DRY_RUN rule's too); `nil` when no prompt-injection rule ran.
    public var promptInjectionScore: Double? {
        if let reason = reason.promptInjection { return reason.score }
        return results.lazy.compactMap(\.reason?.promptInjection).first?.score
    }
}
