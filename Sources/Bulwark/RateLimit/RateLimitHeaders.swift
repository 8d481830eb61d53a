import HTTPTypes

/// The IETF `RateLimit` and `RateLimit-Policy` response headers for a decision's rate limits
/// (draft-ietf-httpapi-ratelimit-headers): one list member per LIVE rate-limit rule that ran.
///
/// ```
/// RateLimit-Policy: "fixedWindow_8f3a…";q=100;w=60
/// RateLimit: "fixedWindow_8f3a…";r=0;t=12
/// ```
public enum RateLimitHeaders {
    /// When a middleware adds the headers.
    public struct Policy: Sendable, Hashable {
        /// Whether allowed responses get them too (refusals always do).
        public let onAllowed: Bool

        /// Only on refusals (the middleware's default): allowed responses stay as the route made them,
        /// which under load keeps the middleware's cost to the decision itself.
        public static let onDenial = Policy(onAllowed: false)
        /// On every response of a rate-limited route, so that clients can pace themselves before a
        /// refusal; costs building and sending about 130 bytes on every allowed response.
        public static let always = Policy(onAllowed: true)
    }

    /// The `RateLimit` header's name.
    public static let rateLimit = HTTPField.Name("RateLimit")!
    /// The `RateLimit-Policy` header's name.
    public static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!

    /// The headers for a decision, empty when no LIVE rate-limit rule ran.
    public static func fields(for decision: Decision) -> HTTPFields {
        var fields = HTTPFields()
        append(to: &fields, for: decision)
        return fields
    }

    /// Adds the headers for a decision to existing fields (a response's).
    ///
    /// Each value is written in one pass into a buffer sized up front: this runs on every response
    /// of a protected route, so it avoids the many small appends of string interpolation.
    public static func append(to fields: inout HTTPFields, for decision: Decision) {
        var limits: [(id: String, limit: RateLimitReason)] = []
        for result in decision.results where result.mode == .live {
            if let limit = result.reason?.rateLimit { limits.append((result.ruleId, limit)) }
        }
        guard !limits.isEmpty else { return }
        fields.append(HTTPField(name: rateLimitPolicy, value: value(limits, policy: true)))
        fields.append(HTTPField(name: rateLimit, value: value(limits, policy: false)))
        if decision.isDenied, let reset = decision.reason.rateLimit?.reset {
            fields[.retryAfter] = String(reset)
        }
    }

    /// `"id";q=1;w=2, …` for the policy, `"id";r=1;t=2, …` for the limit; `"` and `\` (which rule
    /// ids should not hold) are dropped.
    private static func value(_ limits: [(id: String, limit: RateLimitReason)], policy: Bool) -> String {
        // Per entry: the id, two quotes, ", ", and two ";k=" with up to 20 digits and a sign each.
        let capacity = limits.reduce(0) { $0 + $1.id.utf8.count + 4 + 2 * 24 }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var count = 0
            func put(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func put(_ number: Int) {
                if number < 0 { put(UInt8(ascii: "-")) }
                var magnitude = number.magnitude
                var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, in reverse
                var length = 0
                withUnsafeMutableBytes(of: &digits) { scratch in
                    repeat {
                        scratch[length] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                        magnitude /= 10
                        length += 1
                    } while magnitude > 0
                    while length > 0 {
                        length -= 1
                        put(scratch[length])
                    }
                }
            }
            for (index, entry) in limits.enumerated() {
                if index > 0 {
                    put(UInt8(ascii: ","))
                    put(UInt8(ascii: " "))
                }
                put(UInt8(ascii: "\""))
                for byte in entry.id.utf8 where byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") { put(byte) }
                put(UInt8(ascii: "\""))
                put(UInt8(ascii: ";"))
                put(policy ? UInt8(ascii: "q") : UInt8(ascii: "r"))
                put(UInt8(ascii: "="))
                put(policy ? entry.limit.max : entry.limit.remaining)
                put(UInt8(ascii: ";"))
                put(policy ? UInt8(ascii: "w") : UInt8(ascii: "t"))
                put(UInt8(ascii: "="))
                put(policy ? entry.limit.window : entry.limit.reset)
            }
            return count
        }
    }
}
