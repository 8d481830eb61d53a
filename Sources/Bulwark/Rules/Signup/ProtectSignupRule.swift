/// The engine's `protectSignup` rule: bot detection, a sliding-window rate limit and email
/// validation, as one rule with one result.
///
/// The parts run in that order and the first that denies ends the rule; its reason becomes the
/// rule's, so the reason's type (`BOT`, `RATE_LIMIT` or `EMAIL`) says which part denied. Bots are
/// turned away before they count against the rate limit, and the rate limit runs before the email
/// checks so that a flood of attempts cannot make the rule send a flood of DNS and HTTP requests.
/// When every part allows, the reason is the email validation's.
struct ProtectSignupRule: Rule {
    let id: String
    let type = "protectSignup"
    let mode: RuleMode
    let bots: DetectBotRule
    let rateLimit: RateLimitRule
    let email: EmailValidator

    var cost: RuleCost { email.usesNetwork ? .network : max(rateLimit.cost, bots.cost) }
    var characteristics: [Characteristic]? { rateLimit.characteristics }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        let bot = try await bots.evaluate(context, fingerprint: nil)
        if bot.conclusion == .deny { return RuleOutcome(conclusion: .deny, reason: bot.reason) }
        // Keyed by this rule's fingerprint: the signup rule's id and the rate limit's characteristics.
        let limited = try await rateLimit.evaluate(context, fingerprint: fingerprint)
        if limited.conclusion == .deny { return limited }
        guard let address = context.email else {
            throw RuleEvaluationError("protectSignup needs the address signing up: pass it as protect(email:)")
        }
        return await email.validate(address)
    }
}
