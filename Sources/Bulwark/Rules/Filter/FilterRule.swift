/// The engine's `filter` rule: evaluates its expressions and allows or denies by an allow list or a
/// deny list.
///
/// An undetermined expression never counts as a match: a deny list fails open on unknown data (the
/// request is not denied for what is not known), an allow list fails closed (the request is not
/// allowed for what is not known). Either way the reason lists the undetermined expressions.
struct FilterRule: Rule {
    enum Policy: Sendable {
        /// Allow only requests that match one of the expressions.
        case allow
        /// Deny requests that match any of the expressions.
        case deny
    }

    let id: String
    let type = "filter"
    let mode: RuleMode
    let policy: Policy
    let expressions: [FilterExpression]

    var cost: RuleCost { .trivial }
    var characteristics: [Characteristic]? { nil }

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        var scratch = FilterScratch()
        var matched: [String] = []
        var undetermined: [String] = []
        for expression in expressions {
            switch expression.evaluate(context, scratch: &scratch) {
            case .matched: matched.append(expression.source)
            case .undetermined: undetermined.append(expression.source)
            case .notMatched: break
            }
        }
        let conclusion: Conclusion =
            switch policy {
            case .deny: matched.isEmpty ? .allow : .deny
            case .allow: matched.isEmpty ? .deny : .allow
            }
        let reason = FilterReason(matchedExpressions: matched, undeterminedExpressions: undetermined)
        return RuleOutcome(conclusion: conclusion, reason: .filter(reason))
    }
}

/// The details of a `FILTER` reason.
public struct FilterReason: Sendable, Hashable, Codable {
    /// The expressions that matched the request, as written.
    public var matchedExpressions: [String]
    /// The expressions that could not be decided for the request because a value they depend on was
    /// missing (no IP data, an absent header, an unknown flag), as written.
    public var undeterminedExpressions: [String]

    /// Creates filter details.
    public init(matchedExpressions: [String], undeterminedExpressions: [String]) {
        self.matchedExpressions = matchedExpressions
        self.undeterminedExpressions = undeterminedExpressions
    }
}
