import HTTPTypes

/// The engine's `detectBot` rule: classifies the User-Agent, verifies claims of verifiable bots,
/// and allows or denies by an allow list or a deny list.
struct DetectBotRule: Rule {
    enum Policy: Sendable {
        /// Deny every bot but these.
        case allow(Set<String>, categories: Set<BotCategory>)
        /// Allow every bot but these.
        case deny(Set<String>, categories: Set<BotCategory>)
    }

    let id: String
    let type = "detectBot"
    let mode: RuleMode
    let policy: Policy
    let classifier: UserAgentClassifier
    let verifier: BotVerifier

    var cost: RuleCost { .memory }
    var characteristics: [Characteristic]? { nil }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        let userAgent = context.request.headers[.userAgent]
        let client = classifier.classify(userAgent)
        guard client.isBot else {
            return RuleOutcome(
                conclusion: .allow,
                reason: .bot(BotReason(allowed: [], denied: [], verified: false, spoofed: false))
            )
        }
        var allowed: [String] = []
        var denied: [String] = []
        var verified = false
        var spoofed = false
        for botID in client.bots {
            var isSpoofed = false
            if let bot = classifier.catalogue.bot(botID), bot.isVerifiable {
                switch await verifier.verify(bot, address: context.clientIP, now: context.now) {
                case .verified: verified = true
                case .spoofed:
                    isSpoofed = true
                    spoofed = true
                case .unverifiable: break
                case .undetermined(let why):
                    context.logger.debug(
                        "bot claim could not be verified",
                        metadata: ["bot": "\(botID)", "reason": "\(why)"]
                    )
                }
            }
            // An impostor is denied whatever the lists say: allowing Googlebot must not allow
            // everyone who writes "Googlebot" in a header.
            if isSpoofed || !permits(botID) {
                denied.append(botID)
            } else {
                allowed.append(botID)
            }
        }
        let reason = BotReason(allowed: allowed, denied: denied, verified: verified && !spoofed, spoofed: spoofed)
        return RuleOutcome(conclusion: denied.isEmpty ? .allow : .deny, reason: .bot(reason))
    }

    private func permits(_ botID: String) -> Bool {
        let categories = classifier.catalogue.categories(of: botID)
        switch policy {
        case .allow(let ids, let allowedCategories):
            return ids.contains(botID) || categories.contains { allowedCategories.contains($0) }
        case .deny(let ids, let deniedCategories):
            return !ids.contains(botID) && !categories.contains { deniedCategories.contains($0) }
        }
    }
}
