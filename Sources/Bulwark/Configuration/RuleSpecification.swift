/// One rule's configuration: the same value in code, in a rules JSON file, on the command line and in
/// the server's remote-rules API.
///
/// Build one with the static functions (`.tokenBucket(…)`, `.fixedWindow(…)`, `.slidingWindow(…)`),
/// or decode it from JSON such as `{"type": "fixedWindow", "mode": "LIVE", "window": 60, "max": 100}`.
/// A specification is checked when a ``Bulwark`` client is built from it; a problem throws a
/// ``BulwarkConfigurationError`` that names the rule and the field.
public struct RuleSpecification: Sendable, Hashable {
    enum Configuration: Sendable, Hashable {
        case rateLimit(RateLimitSpecification)
        case shield(ShieldSpecification)
        case detectBot(BotSpecification)
        case filter(FilterSpecification)
    }

    /// The rule's type, as in the rules JSON (`tokenBucket`, `fixedWindow`, `slidingWindow`, …).
    public var type: String { configuration.type }
    /// Whether the rule's DENY takes effect.
    public var mode: RuleMode
    /// An identifier for the rule, reported as `ruleId`; derived from the configuration when `nil`.
    public var id: String?
    let configuration: Configuration

    init(mode: RuleMode, id: String?, configuration: Configuration) {
        self.mode = mode
        self.id = id
        self.configuration = configuration
    }
}

extension RuleSpecification.Configuration {
    var type: String {
        switch self {
        case .rateLimit(let spec): spec.algorithm.rawValue
        case .shield: "shield"
        case .detectBot: "detectBot"
        case .filter: "filter"
        }
    }
}

extension RuleSpecification {
    /// A token bucket per key: each request takes `requested` tokens (1 by default) from a bucket of
    /// `capacity`, which gains `refillRate` tokens at the end of every `interval`.
    ///
    /// ```swift
    /// .tokenBucket(mode: .live, characteristics: ["userId"], refillRate: 100, interval: .seconds(60), capacity: 1000)
    /// ```
    public static func tokenBucket(
        mode: RuleMode,
        characteristics: [String]? = nil,
        refillRate: Int,
        interval: Duration,
        capacity: Int,
        id: String? = nil
    ) -> RuleSpecification {
        rateLimit(.tokenBucket, mode, characteristics, max: capacity, refillRate: refillRate, interval: interval, id)
    }

    /// A fixed window per key: at most `max` requests (or units) per `window`, windows aligned to
    /// the Unix epoch.
    public static func fixedWindow(
        mode: RuleMode,
        characteristics: [String]? = nil,
        window: Duration,
        max: Int,
        id: String? = nil
    ) -> RuleSpecification {
        rateLimit(.fixedWindow, mode, characteristics, max: max, refillRate: nil, interval: window, id)
    }

    /// A sliding window per key: at most `max` requests (or units) in any rolling `interval`.
    public static func slidingWindow(
        mode: RuleMode,
        characteristics: [String]? = nil,
        interval: Duration,
        max: Int,
        id: String? = nil
    ) -> RuleSpecification {
        rateLimit(.slidingWindow, mode, characteristics, max: max, refillRate: nil, interval: interval, id)
    }

    private static func rateLimit(
        _ algorithm: RateLimitPolicy.Algorithm,
        _ mode: RuleMode,
        _ characteristics: [String]?,
        max: Int,
        refillRate: Int?,
        interval: Duration,
        _ id: String?
    ) -> RuleSpecification {
        let spec = RateLimitSpecification(
            algorithm: algorithm,
            characteristics: characteristics,
            max: max,
            refillRate: refillRate,
            interval: interval
        )
        return RuleSpecification(mode: mode, id: id, configuration: .rateLimit(spec))
    }
}

extension RuleSpecification {
    /// Shield: inspects every request for attacks (SQL injection, XSS, path traversal, command
    /// injection, SSRF, template injection, Log4Shell, Shellshock, XXE, NoSQL and code injection, …)
    /// and denies those that carry one. Needs no configuration.
    ///
    /// ```swift
    /// .shield(mode: .live)
    /// .shield(mode: .live, exclusions: [ShieldExclusion(location: "body.json.post.html", attacks: [.crossSiteScripting])])
    /// ```
    public static func shield(
        mode: RuleMode,
        sensitivity: ShieldSensitivity = .standard,
        exclusions: [ShieldExclusion] = [],
        limits: ShieldLimits = ShieldLimits(),
        id: String? = nil
    ) -> RuleSpecification {
        RuleSpecification(
            mode: mode,
            id: id,
            configuration: .shield(
                ShieldSpecification(sensitivity: sensitivity, exclusions: exclusions, limits: limits)
            )
        )
    }
}

extension RuleSpecification {
    /// Bot detection that denies every bot except those allowed, by id or category. `allow: []`
    /// denies every bot. A client claiming a verifiable bot from an address its operator does not
    /// publish is denied even when allowed.
    ///
    /// ```swift
    /// .detectBot(mode: .live, allow: [.category(.searchEngine), "CURL"])
    /// ```
    public static func detectBot(mode: RuleMode, allow: [BotSelector], id: String? = nil) -> RuleSpecification {
        RuleSpecification(mode: mode, id: id, configuration: .detectBot(BotSpecification(allow: allow, deny: nil)))
    }

    /// Bot detection that allows every bot except those denied, by id or category; spoofed
    /// verifiable bots are denied as well.
    ///
    /// ```swift
    /// .detectBot(mode: .live, deny: [.category(.ai), "CURL"])
    /// ```
    public static func detectBot(mode: RuleMode, deny: [BotSelector], id: String? = nil) -> RuleSpecification {
        RuleSpecification(mode: mode, id: id, configuration: .detectBot(BotSpecification(allow: nil, deny: deny)))
    }
}

extension RuleSpecification {
    /// A filter that allows only requests matching one of the expressions, and denies the rest.
    ///
    /// An expression that cannot be decided for a request (it reads a value the request does not
    /// have, such as the country of a private address) does not match, so an allow list fails
    /// closed on unknown data. See <doc:Filters>.
    ///
    /// ```swift
    /// .filter(mode: .live, allow: [#"ip.src.country in {"US" "CA"}"#])
    /// ```
    public static func filter(mode: RuleMode, allow: [String], id: String? = nil) -> RuleSpecification {
        RuleSpecification(mode: mode, id: id, configuration: .filter(FilterSpecification(allow: allow, deny: nil)))
    }

    /// A filter that denies requests matching any of the expressions, and allows the rest.
    ///
    /// An expression that cannot be decided for a request does not match, so a deny list fails
    /// open on unknown data; the reason still lists it. See <doc:Filters>.
    ///
    /// ```swift
    /// .filter(mode: .live, deny: ["ip.src.vpn or ip.src.proxy or ip.src.tor"])
    /// ```
    public static func filter(mode: RuleMode, deny: [String], id: String? = nil) -> RuleSpecification {
        RuleSpecification(mode: mode, id: id, configuration: .filter(FilterSpecification(allow: nil, deny: deny)))
    }
}

/// The parameters of a filter rule, as written: exactly one non-empty list of expressions.
struct FilterSpecification: Sendable, Hashable {
    var allow: [String]?
    var deny: [String]?
}

/// The parameters of a bot rule, as written: exactly one of the lists.
struct BotSpecification: Sendable, Hashable {
    var allow: [BotSelector]?
    var deny: [BotSelector]?
}

/// The parameters of a shield rule, as written.
struct ShieldSpecification: Sendable, Hashable {
    var sensitivity: ShieldSensitivity
    var exclusions: [ShieldExclusion]
    var limits: ShieldLimits
}

/// The parameters of a rate-limit rule, as written.
struct RateLimitSpecification: Sendable, Hashable {
    var algorithm: RateLimitPolicy.Algorithm
    var characteristics: [String]?
    var max: Int
    var refillRate: Int?
    var interval: Duration

    /// The JSON field that holds the interval: `window` for a fixed window, `interval` otherwise.
    var intervalField: String { algorithm == .fixedWindow ? "window" : "interval" }
    /// The JSON field that holds the maximum: `capacity` for a token bucket, `max` otherwise.
    var maxField: String { algorithm == .tokenBucket ? "capacity" : "max" }
}
