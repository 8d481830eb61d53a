import HTTPTypes

/// The IETF `RateLimit` and `RateLimit-Policy` response headers for a decision's rate limits
/// (draft-ietf-httpapi-ratelimit-headers): one list member per LIVE rate-limit rule that ran.
///
/// ```
/// RateLimit-Policy: "fixedWindow_8f3a…";q=100;w=60
/// RateLimit: "fixedWindow_8f3a…";r=0;t=12
/// ```
public enum RateLimitHeaders {
    /// The `RateLimit` header's name.
    public static let rateLimit = HTTPField.Name("RateLimit")!
    /// The `RateLimit-Policy` header's name.
    public static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!

    /// The headers for a decision, empty when no LIVE rate-limit rule ran.
    public static func fields(for decision: Decision) -> HTTPFields {
        var policies: [String] = []
        var limits: [String] = []
        for result in decision.results where result.mode == .live {
            guard let limit = result.reason?.rateLimit else { continue }
            let name = "\"" + result.ruleId.filter { $0 != "\"" && $0 != "\\" } + "\""
            policies.append("\(name);q=\(limit.max);w=\(limit.window)")
            limits.append("\(name);r=\(limit.remaining);t=\(limit.reset)")
        }
        var fields = HTTPFields()
        guard !policies.isEmpty else { return fields }
        fields[rateLimitPolicy] = policies.joined(separator: ", ")
        fields[rateLimit] = limits.joined(separator: ", ")
        if decision.isDenied, let reset = decision.reason.rateLimit?.reset {
            fields[.retryAfter] = String(reset)
        }
        return fields
    }
}
