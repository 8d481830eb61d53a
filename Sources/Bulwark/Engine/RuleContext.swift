import Logging

/// Everything a rule may read about one request: the request, the client's address, and the values
/// the caller passed to `protect`.
public struct RuleContext: Sendable {
    /// The request.
    public let request: BulwarkRequest
    /// The client's address, resolved through the trusted proxies (or given as `ipSrc`).
    public let clientIP: IPAddress?
    /// What the client's ``BulwarkOptions/ipAnalyzer`` knows of ``clientIP``.
    public let ip: IPDetails
    /// How many units the request consumes from rate limits (tokens, requests).
    public let requested: Int
    /// Custom characteristics' values, by name.
    public let characteristics: [String: String]
    /// The email address to validate, if any.
    public let email: String?
    /// The text to scan for sensitive information, if any.
    public let sensitiveInfoValue: String?
    /// The message to scan for prompt injection, if any.
    public let detectPromptInjectionMessage: String?
    /// Values for filter expressions' `local` fields.
    public let filterLocal: [String: String]
    /// Free-form values the caller attached to the decision.
    public let metadata: [String: String]
    /// The time of the decision, from the client's clock.
    public let now: Timestamp
    /// The client's logger.
    public let logger: Logger
}
