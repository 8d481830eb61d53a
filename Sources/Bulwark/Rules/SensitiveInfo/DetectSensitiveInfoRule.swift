/// The engine's `detectSensitiveInfo` rule: scans `protect(sensitiveInfoValue:)` (or, without one,
/// the request body when it is UTF-8 text) and denies by an allow list or a deny list of types.
///
/// The scanned text is read in place and never copied into a log, an error or the decision: the
/// reason carries types and offsets only.
struct DetectSensitiveInfoRule: Rule {
    let id: String
    let type = "detectSensitiveInfo"
    let mode: RuleMode
    let policy: TypeListPolicy<SensitiveInfoType>
    let scanner: SensitiveInfoScanner
    let detector: SensitiveInfoDetector?

    var cost: RuleCost { .scan }
    var characteristics: [Characteristic]? { nil }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        if let value = context.sensitiveInfoValue {
            return outcome(for: value)
        } else if let body = context.request.body, let text = String(validating: body, as: UTF8.self) {
            return outcome(for: text)
        }
        return RuleOutcome(conclusion: .allow, reason: .sensitiveInfo(SensitiveInfoReason(allowed: [], denied: [])))
    }

    /// Scans one text and applies the lists: the whole rule, without a request (guards use it).
    func outcome(for text: String) -> RuleOutcome {
        let entities = scanner.scan(text, detector: detector)
        var reason = SensitiveInfoReason(allowed: [], denied: [])
        for entity in entities {
            if policy.denies(entity.identifiedType) {
                reason.denied.append(entity)
            } else {
                reason.allowed.append(entity)
            }
        }
        return RuleOutcome(conclusion: reason.denied.isEmpty ? .allow : .deny, reason: .sensitiveInfo(reason))
    }
}
