/// The kind of a reason: `RATE_LIMIT`, `ERROR`, and one per rule family.
public struct ReasonType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire form.
    public let rawValue: String

    /// Creates a reason type from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Shield found (or looked for and did not find) an attack in the request.
    public static let shield = ReasonType(rawValue: "SHIELD")
    /// Bot detection: which bots were seen, allowed or denied, verified or spoofed.
    public static let bot = ReasonType(rawValue: "BOT")
    /// A filter rule: which of its expressions matched, and which could not be decided.
    public static let filter = ReasonType(rawValue: "FILTER")
    /// Sensitive information found in the scanned text: which entities were allowed and denied.
    public static let sensitiveInfo = ReasonType(rawValue: "SENSITIVE_INFO")
    /// Prompt-injection detection: whether the message reached the threshold, and its score.
    public static let promptInjection = ReasonType(rawValue: "PROMPT_INJECTION")
    /// Email validation: what the address is (invalid, disposable, free, without mail servers, …).
    public static let email = ReasonType(rawValue: "EMAIL")
    /// A custom guard rule's result: its data, as the rule's output encodes it.
    public static let custom = ReasonType(rawValue: "CUSTOM")
    /// A rate limit (token bucket, fixed window or sliding window).
    public static let rateLimit = ReasonType(rawValue: "RATE_LIMIT")
    /// A rule or store failed; the reason carries the message.
    public static let error = ReasonType(rawValue: "ERROR")
    /// No rule gave a reason: the client has no rules, or none ran.
    public static let none = ReasonType(rawValue: "NONE")

    /// The wire form.
    public var description: String { rawValue }
}

/// Why a rule or a decision concluded as it did.
///
/// Every reason has a ``type``; the typed accessors (``rateLimit``, ``error``, …) return the
/// details of the matching kind and `nil` for any other, so a caller writes
/// `if let limit = decision.reason.rateLimit { … }`. In JSON a reason is one object: `type` and the
/// kind's fields side by side, as in `{"type": "RATE_LIMIT", "max": 100, "remaining": 0, …}`.
public struct Reason: Sendable, Hashable {
    enum Details: Sendable, Hashable {
        case rateLimit(RateLimitReason)
        case shield(ShieldReason)
        case bot(BotReason)
        case filter(FilterReason)
        case sensitiveInfo(SensitiveInfoReason)
        case email(EmailReason)
        case promptInjection(PromptInjectionReason)
        case custom(CustomReason)
        case error(ErrorReason)
        case none
    }

    /// The kind of reason.
    public let type: ReasonType
    let details: Details

    init(type: ReasonType, details: Details) {
        self.type = type
        self.details = details
    }

    /// A SENSITIVE_INFO reason.
    public static func sensitiveInfo(_ details: SensitiveInfoReason) -> Reason {
        Reason(type: .sensitiveInfo, details: .sensitiveInfo(details))
    }

    /// An EMAIL reason.
    public static func email(_ details: EmailReason) -> Reason {
        Reason(type: .email, details: .email(details))
    }

    /// A PROMPT_INJECTION reason.
    public static func promptInjection(_ details: PromptInjectionReason) -> Reason {
        Reason(type: .promptInjection, details: .promptInjection(details))
    }

    /// A CUSTOM reason: what a custom guard rule reported.
    public static func custom(_ details: CustomReason) -> Reason {
        Reason(type: .custom, details: .custom(details))
    }

    /// A rate-limit reason.
    public static func rateLimit(_ details: RateLimitReason) -> Reason {
        Reason(type: .rateLimit, details: .rateLimit(details))
    }

    /// A SHIELD reason.
    public static func shield(_ details: ShieldReason) -> Reason {
        Reason(type: .shield, details: .shield(details))
    }

    /// A BOT reason.
    public static func bot(_ details: BotReason) -> Reason {
        Reason(type: .bot, details: .bot(details))
    }

    /// A FILTER reason.
    public static func filter(_ details: FilterReason) -> Reason {
        Reason(type: .filter, details: .filter(details))
    }

    /// An error reason with a message.
    public static func error(_ message: String) -> Reason {
        Reason(type: .error, details: .error(ErrorReason(message: message)))
    }

    /// The reason of a decision that no rule explained.
    public static let none = Reason(type: .none, details: .none)

    /// The rate-limit details, when this is a `RATE_LIMIT` reason.
    public var rateLimit: RateLimitReason? {
        if case .rateLimit(let details) = details { return details }
        return nil
    }

    /// The SHIELD details, when this is a `SHIELD` reason.
    public var shield: ShieldReason? {
        if case .shield(let details) = details { return details }
        return nil
    }

    /// The BOT details, when this is a `BOT` reason.
    public var bot: BotReason? {
        if case .bot(let details) = details { return details }
        return nil
    }

    /// The FILTER details, when this is a `FILTER` reason.
    public var filter: FilterReason? {
        if case .filter(let details) = details { return details }
        return nil
    }

    /// The details of a `SENSITIVE_INFO` reason, or `nil` for any other kind.
    public var sensitiveInfo: SensitiveInfoReason? {
        if case .sensitiveInfo(let details) = details { return details }
        return nil
    }

    /// The details of an `EMAIL` reason, or `nil` for any other kind.
    public var email: EmailReason? {
        if case .email(let details) = details { return details }
        return nil
    }

    /// The details of a `PROMPT_INJECTION` reason, or `nil` for any other kind.
    public var promptInjection: PromptInjectionReason? {
        if case .promptInjection(let details) = details { return details }
        return nil
    }

    /// The details of a `CUSTOM` reason, or `nil` for any other kind.
    public var custom: CustomReason? {
        if case .custom(let details) = details { return details }
        return nil
    }

    /// The error details, when this is an `ERROR` reason.
    public var error: ErrorReason? {
        if case .error(let details) = details { return details }
        return nil
    }
}

/// The details of a `RATE_LIMIT` reason. All durations are whole seconds.
public struct RateLimitReason: Sendable, Hashable, Codable {
    /// The most the limit admits: a bucket's capacity or a window's maximum.
    public var max: Int
    /// What is left after this request: tokens in the bucket, or requests left in the window.
    public var remaining: Int
    /// Seconds until the limit next resets: on a DENY, until the request could be admitted; on an
    /// ALLOW, until the bucket is full again or the window ends.
    public var reset: Int
    /// The length of the window, or the bucket's refill interval, in seconds.
    public var window: Int

    /// Creates rate-limit details.
    public init(max: Int, remaining: Int, reset: Int, window: Int) {
        self.max = max
        self.remaining = remaining
        self.reset = reset
        self.window = window
    }

    /// ``reset`` as a duration: how long to wait, as in "retry in 12 s".
    public var resetIn: Duration { .seconds(reset) }
}

/// The details of a `CUSTOM` reason: the output of a custom guard rule, as JSON.
///
/// In JSON: `{"type": "CUSTOM", "data": {...}}`. ``CustomGuardRule`` reads its typed output back
/// from a decision with ``GuardRule/result(_:)``.
public struct CustomReason: Sendable, Hashable, Codable {
    /// The rule's output, encoded.
    public var data: JSONValue

    /// Creates custom details.
    public init(data: JSONValue) { self.data = data }
}

/// The details of an `ERROR` reason.
public struct ErrorReason: Sendable, Hashable, Codable {
    /// What went wrong, in words a user can act on. Never contains the scanned text of a request.
    public var message: String

    /// Creates error details.
    public init(message: String) { self.message = message }
}

extension Reason: Codable {
    private enum TypeKey: String, CodingKey { case type }

    /// Decodes a reason from its flat JSON object; an unknown type keeps its name and no details.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TypeKey.self)
        let type = try container.decode(ReasonType.self, forKey: .type)
        switch type {
        case .rateLimit: self = .rateLimit(try RateLimitReason(from: decoder))
        case .shield: self = .shield(try ShieldReason(from: decoder))
        case .bot: self = .bot(try BotReason(from: decoder))
        case .filter: self = .filter(try FilterReason(from: decoder))
        case .sensitiveInfo: self = .sensitiveInfo(try SensitiveInfoReason(from: decoder))
        case .email: self = .email(try EmailReason(from: decoder))
        case .promptInjection: self = .promptInjection(try PromptInjectionReason(from: decoder))
        case .custom: self = .custom(try CustomReason(from: decoder))
        case .error: self = Reason(type: .error, details: .error(try ErrorReason(from: decoder)))
        default: self = Reason(type: type, details: .none)
        }
    }

    /// Encodes the reason as one flat object: `type` and the details' fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(type, forKey: .type)
        switch details {
        case .rateLimit(let details): try details.encode(to: encoder)
        case .shield(let details): try details.encode(to: encoder)
        case .bot(let details): try details.encode(to: encoder)
        case .filter(let details): try details.encode(to: encoder)
        case .sensitiveInfo(let details): try details.encode(to: encoder)
        case .email(let details): try details.encode(to: encoder)
        case .promptInjection(let details): try details.encode(to: encoder)
        case .custom(let details): try details.encode(to: encoder)
        case .error(let details): try details.encode(to: encoder)
        case .none: break
        }
    }
}
