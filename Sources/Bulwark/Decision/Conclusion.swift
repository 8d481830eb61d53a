/// What a decision or a rule concluded: `ALLOW`, `DENY` or `ERROR`.
public struct Conclusion: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire form: `ALLOW`, `DENY` or `ERROR`.
    public let rawValue: String

    /// Creates a conclusion from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The request may proceed.
    public static let allow = Conclusion(rawValue: "ALLOW")
    /// The request should be refused.
    public static let deny = Conclusion(rawValue: "DENY")
    /// A rule could not decide; the decision failed open (or closed, if so configured).
    public static let error = Conclusion(rawValue: "ERROR")

    /// The wire form.
    public var description: String { rawValue }
}

/// How a rule took part in a decision: `RUN`, `NOT_RUN`, `CACHED` or `DRY_RUN`.
public struct RuleState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire form.
    public let rawValue: String

    /// Creates a state from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The rule was evaluated.
    public static let run = RuleState(rawValue: "RUN")
    /// An earlier LIVE rule denied, so this rule was not evaluated.
    public static let notRun = RuleState(rawValue: "NOT_RUN")
    /// The result is a DENY remembered from an earlier decision for the same fingerprint.
    public static let cached = RuleState(rawValue: "CACHED")
    /// The rule is in DRY_RUN mode: its result is reported but never changes the conclusion.
    public static let dryRun = RuleState(rawValue: "DRY_RUN")

    /// The wire form.
    public var description: String { rawValue }
}

/// Whether a rule's DENY takes effect (`LIVE`) or is only reported (`DRY_RUN`).
public struct RuleMode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire form: `LIVE` or `DRY_RUN`.
    public let rawValue: String

    /// Creates a mode from its wire form; prefer ``live`` and ``dryRun``.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A DENY from the rule denies the request.
    public static let live = RuleMode(rawValue: "LIVE")
    /// The rule runs and reports, but its DENY never changes the conclusion.
    public static let dryRun = RuleMode(rawValue: "DRY_RUN")

    /// The modes Bulwark understands.
    public static let known: [RuleMode] = [.live, .dryRun]

    /// The wire form.
    public var description: String { rawValue }
}
