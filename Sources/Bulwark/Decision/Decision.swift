/// Bulwark's answer for one request: a value that can be logged, stored and sent as JSON.
///
/// ```swift
/// let decision = await bulwark.protect(request, characteristics: ["userId": user.id])
/// if decision.isDenied {
///     return decision.reason.rateLimit != nil ? .tooManyRequests : .forbidden
/// }
/// ```
public struct Decision: Sendable, Hashable, Codable {
    /// `lreq_` and a time-ordered unique id for a local decision (`req_` when a server took part).
    public var id: String
    /// `ALLOW`, `DENY`, or `ERROR` (a rule failed and the decision failed open).
    public var conclusion: Conclusion
    /// Why: the denying rule's reason on a DENY, an `ERROR` reason on an error, otherwise the
    /// reason of the last LIVE rule that ran.
    public var reason: Reason
    /// Each rule's part, in the order they were evaluated.
    public var results: [RuleResult]
    /// What is known of the client's address.
    public var ip: IPDetails
    /// Seconds for which a DENY will hold for this client (0 when it will not).
    public var ttl: Int

    /// Creates a decision.
    public init(
        id: String,
        conclusion: Conclusion,
        reason: Reason,
        results: [RuleResult],
        ip: IPDetails,
        ttl: Int
    ) {
        self.id = id
        self.conclusion = conclusion
        self.reason = reason
        self.results = results
        self.ip = ip
        self.ttl = ttl
    }

    /// Whether the request should be refused.
    public var isDenied: Bool { conclusion == .deny }
    /// Whether the request may proceed: `ALLOW`, or `ERROR` (fail open).
    public var isAllowed: Bool { conclusion != .deny }
    /// Whether an error decided: an `ERROR` conclusion, or a DENY because the client fails closed.
    public var isError: Bool { conclusion == .error || reason.type == .error }
    /// Whether any rule failed, whatever the conclusion.
    public var hasError: Bool { results.contains { $0.isError } }

    /// Whether a bot rule found the client claiming a verifiable bot (a search engine, an AI
    /// crawler) from an address its operator does not publish: an impostor.
    public var isSpoofedBot: Bool { results.contains { $0.reason?.bot?.spoofed == true } }
    /// Whether a bot rule verified the client as the bot it claims.
    public var isVerifiedBot: Bool { results.contains { $0.reason?.bot?.verified == true } }

    /// The rate-limit result that matters for response headers: the denying one, or else the one
    /// with the fewest units remaining.
    public var rateLimit: RateLimitReason? {
        if let denied = reason.rateLimit, isDenied { return denied }
        return results.lazy.filter { $0.mode == .live }.compactMap(\.reason?.rateLimit)
            .min { $0.remaining < $1.remaining }
    }
}
