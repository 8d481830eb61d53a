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
        case detectSensitiveInfo(SensitiveInfoSpecification)
        case validateEmail(EmailSpecification)
        case protectSignup(SignupSpecification)
        case detectPromptInjection(PromptInjectionSpecification)
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
        case .detectSensitiveInfo: "detectSensitiveInfo"
        case .validateEmail: "validateEmail"
        case .protectSignup: "protectSignup"
        case .detectPromptInjection: "detectPromptInjection"
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

extension RuleSpecification {
    /// Sensitive-information detection that denies the types listed, and allows the rest, in the
    /// text passed as `protect(sensitiveInfoValue:)` (or the request body when none is passed).
    ///
    /// ```swift
    /// .detectSensitiveInfo(mode: .live, deny: [.creditCardNumber, .email, .phoneNumber])
    /// ```
    ///
    /// - Parameters:
    ///   - deny: Built-in types, or types of your own that `detector` reports.
    ///   - detector: A closure that labels tokens with types of your own; see ``SensitiveInfoDetector``.
    ///   - limits: How much of the text is scanned.
    public static func detectSensitiveInfo(
        mode: RuleMode,
        deny: [SensitiveInfoType],
        detector: SensitiveInfoDetector? = nil,
        limits: SensitiveInfoLimits = SensitiveInfoLimits(),
        id: String? = nil
    ) -> RuleSpecification {
        let spec = SensitiveInfoSpecification(
            allow: nil,
            deny: deny,
            limits: limits,
            detector: detector.map(DetectorBox.init)
        )
        return RuleSpecification(mode: mode, id: id, configuration: .detectSensitiveInfo(spec))
    }

    /// Sensitive-information detection that denies every type found except those listed.
    /// `allow: []` denies any sensitive information at all.
    ///
    /// ```swift
    /// .detectSensitiveInfo(mode: .live, allow: [.email])
    /// ```
    public static func detectSensitiveInfo(
        mode: RuleMode,
        allow: [SensitiveInfoType],
        detector: SensitiveInfoDetector? = nil,
        limits: SensitiveInfoLimits = SensitiveInfoLimits(),
        id: String? = nil
    ) -> RuleSpecification {
        let spec = SensitiveInfoSpecification(
            allow: allow,
            deny: nil,
            limits: limits,
            detector: detector.map(DetectorBox.init)
        )
        return RuleSpecification(mode: mode, id: id, configuration: .detectSensitiveInfo(spec))
    }
}

extension RuleSpecification {
    /// Email validation of `protect(email:)` that denies addresses of the types listed.
    ///
    /// ```swift
    /// .validateEmail(mode: .live, deny: [.disposable, .invalid, .noMXRecords])
    /// ```
    ///
    /// - Parameters:
    ///   - requireTopLevelDomain: Whether the domain must be one that can exist on the Internet: two
    ///     labels or more, a top-level label ending in a letter, not `.test`, `.local`, `localhost`,
    ///     `.invalid`, `.onion` or `.arpa`; `true` by default.
    ///   - allowDomainLiteral: Whether an address may name its server by IP (`user@[192.0.2.1]`);
    ///     `false` by default.
    public static func validateEmail(
        mode: RuleMode,
        deny: [EmailType],
        requireTopLevelDomain: Bool = true,
        allowDomainLiteral: Bool = false,
        id: String? = nil
    ) -> RuleSpecification {
        let policy = SignupEmailPolicy.deny(
            deny,
            requireTopLevelDomain: requireTopLevelDomain,
            allowDomainLiteral: allowDomainLiteral
        )
        return RuleSpecification(mode: mode, id: id, configuration: .validateEmail(policy.specification))
    }

    /// Email validation of `protect(email:)` that denies addresses of any type found except those
    /// listed.
    ///
    /// ```swift
    /// .validateEmail(mode: .live, allow: [.free])
    /// ```
    public static func validateEmail(
        mode: RuleMode,
        allow: [EmailType],
        requireTopLevelDomain: Bool = true,
        allowDomainLiteral: Bool = false,
        id: String? = nil
    ) -> RuleSpecification {
        let policy = SignupEmailPolicy.allow(
            allow,
            requireTopLevelDomain: requireTopLevelDomain,
            allowDomainLiteral: allowDomainLiteral
        )
        return RuleSpecification(mode: mode, id: id, configuration: .validateEmail(policy.specification))
    }

    /// Signup protection: bot detection, a sliding-window rate limit and email validation as one
    /// rule, whose DENY reason is the denying part's (`BOT`, `RATE_LIMIT` or `EMAIL`).
    ///
    /// ```swift
    /// .protectSignup(
    ///     mode: .live,
    ///     rateLimit: SignupRateLimit(interval: .seconds(600), max: 5),
    ///     bots: .allow([]),
    ///     email: .deny([.disposable, .invalid, .noMXRecords])
    /// )
    /// ```
    public static func protectSignup(
        mode: RuleMode,
        rateLimit: SignupRateLimit,
        bots: SignupBotPolicy,
        email: SignupEmailPolicy,
        id: String? = nil
    ) -> RuleSpecification {
        let spec = SignupSpecification(rateLimit: rateLimit, bots: bots.specification, email: email.specification)
        return RuleSpecification(mode: mode, id: id, configuration: .protectSignup(spec))
    }
}

extension RuleSpecification {
    /// Prompt-injection detection of the message passed as `protect(detectPromptInjectionMessage:)`:
    /// denies when the model's score (0 to 1) is at or above `threshold`.
    ///
    /// ```swift
    /// .detectPromptInjection(mode: .live)
    /// .detectPromptInjection(mode: .live, threshold: 0.8)  // fewer false positives, more misses
    /// ```
    ///
    /// - Parameters:
    ///   - threshold: Strictly between 0 and 1; 0.5 by default. See the "Prompt injection" article
    ///     for what moving it trades.
    ///   - detector: The scorer; the bundled model when `nil`.
    public static func detectPromptInjection(
        mode: RuleMode,
        threshold: Double = 0.5,
        detector: PromptInjectionDetector? = nil,
        id: String? = nil
    ) -> RuleSpecification {
        let spec = PromptInjectionSpecification(threshold: threshold, detector: detector.map(DetectorBox.init))
        return RuleSpecification(mode: mode, id: id, configuration: .detectPromptInjection(spec))
    }
}

/// The parameters of a prompt-injection rule, as written.
struct PromptInjectionSpecification: Sendable, Hashable {
    var threshold: Double
    var detector: DetectorBox<PromptInjectionDetector>?
}

/// The parameters of a sensitive-information rule, as written.
struct SensitiveInfoSpecification: Sendable, Hashable {
    var allow: [SensitiveInfoType]?
    var deny: [SensitiveInfoType]?
    var limits: SensitiveInfoLimits
    var detector: DetectorBox<SensitiveInfoDetector>?
}

extension SensitiveInfoSpecification {
    /// Whether a type name is UPPER_SNAKE: a capital letter, then capitals, digits and `_`, at most 64.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z")
        else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        }
    }
}

/// A detector given in code, with an identity, so that specifications holding one stay `Hashable`:
/// two specifications are equal only when they hold the same boxed value.
final class DetectorBox<Detector: Sendable>: Sendable, Hashable {
    let detector: Detector

    init(_ detector: Detector) { self.detector = detector }

    static func == (lhs: DetectorBox, rhs: DetectorBox) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// The parameters of an email rule, or of a signup rule's email part, as written.
struct EmailSpecification: Sendable, Hashable {
    var allow: [EmailType]?
    var deny: [EmailType]?
    var requireTopLevelDomain: Bool
    var allowDomainLiteral: Bool
}

/// The parameters of a signup rule, as written.
struct SignupSpecification: Sendable, Hashable {
    var rateLimit: SignupRateLimit
    var bots: BotSpecification
    var email: EmailSpecification
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
