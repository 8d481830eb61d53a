/// The rate limit of a `protectSignup` rule: at most ``max`` signups in any rolling ``interval``, per
/// client address by default.
///
/// ```swift
/// SignupRateLimit(interval: .seconds(600), max: 5)
/// ```
public struct SignupRateLimit: Sendable, Hashable {
    /// The rolling window.
    public var interval: Duration
    /// The most signups admitted in any window.
    public var max: Int
    /// What the limit is keyed by; `nil` keys it by the client's address (`ip.src`).
    public var characteristics: [String]?

    /// A sliding-window limit of `max` signups per `interval`.
    public init(interval: Duration, max: Int, characteristics: [String]? = nil) {
        self.interval = interval
        self.max = max
        self.characteristics = characteristics
    }
}

/// Which bots a `protectSignup` rule lets sign up: an allow list or a deny list, as in `detectBot`.
///
/// ```swift
/// .allow([])                 // no bot signs up
/// .deny([.category(.ai)])    // every bot but AI agents
/// ```
public struct SignupBotPolicy: Sendable, Hashable {
    let specification: BotSpecification

    /// Deny every bot except those listed; `.allow([])` denies every bot.
    public static func allow(_ selectors: [BotSelector]) -> SignupBotPolicy {
        SignupBotPolicy(specification: BotSpecification(allow: selectors, deny: nil))
    }

    /// Allow every bot except those listed (spoofed verifiable bots are denied too).
    public static func deny(_ selectors: [BotSelector]) -> SignupBotPolicy {
        SignupBotPolicy(specification: BotSpecification(allow: nil, deny: selectors))
    }
}

/// Which addresses a `protectSignup` rule accepts: an allow list or a deny list of email types, as
/// in `validateEmail`.
///
/// ```swift
/// .deny([.disposable, .invalid, .noMXRecords])
/// ```
public struct SignupEmailPolicy: Sendable, Hashable {
    let specification: EmailSpecification

    /// Deny an address of any type found except those listed.
    public static func allow(
        _ types: [EmailType],
        requireTopLevelDomain: Bool = true,
        allowDomainLiteral: Bool = false
    ) -> SignupEmailPolicy {
        SignupEmailPolicy(
            specification: EmailSpecification(
                allow: types,
                deny: nil,
                requireTopLevelDomain: requireTopLevelDomain,
                allowDomainLiteral: allowDomainLiteral
            )
        )
    }

    /// Deny an address of any of the types listed.
    public static func deny(
        _ types: [EmailType],
        requireTopLevelDomain: Bool = true,
        allowDomainLiteral: Bool = false
    ) -> SignupEmailPolicy {
        SignupEmailPolicy(
            specification: EmailSpecification(
                allow: nil,
                deny: types,
                requireTopLevelDomain: requireTopLevelDomain,
                allowDomainLiteral: allowDomainLiteral
            )
        )
    }
}
