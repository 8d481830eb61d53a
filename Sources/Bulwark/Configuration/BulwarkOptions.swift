import Logging

/// How a client behaves beyond its rules: time, state, failure and logging.
///
/// ```swift
/// var options = BulwarkOptions()
/// options.failureMode = .closed
/// let bulwark = try Bulwark(rules: rules, options: options)
/// ```
public struct BulwarkOptions: Sendable {
    /// What a decision concludes when a rule fails and no other LIVE rule denies.
    public struct FailureMode: Sendable, Hashable, CustomStringConvertible {
        let closed: Bool

        /// The decision is `ERROR` and the request is allowed (the default).
        public static let open = FailureMode(closed: false)
        /// The decision is `DENY` with the error as its reason.
        public static let closed = FailureMode(closed: true)

        /// `open` or `closed`.
        public var description: String { closed ? "closed" : "open" }
    }

    /// The source of time for rate limits, decision ids and the decision cache.
    public var clock: any BulwarkClock
    /// Where rate-limit state lives.
    public var rateLimitStore: any RateLimitStore
    /// What a rule's failure does to the decision.
    public var failureMode: FailureMode
    /// The most DENY results the decision cache holds (0 turns the cache off).
    public var decisionCacheCapacity: Int
    /// Verifies claims of verifiable bots for `detectBot` rules: published ranges and reverse DNS.
    public var botVerifier: BotVerifier
    /// Answers the network checks of email validation (`NO_MX_RECORDS`, `NO_GRAVATAR`) for
    /// `validateEmail` and `protectSignup` rules.
    public var emailVerifier: EmailVerifier
    /// Finds what is known of client addresses (country, network, anonymisers) for decisions' `ip`
    /// and filter expressions; by default, the data bundled with the package.
    public var ipAnalyzer: IPAnalyzer
    /// Where the client logs rule failures: at most once a second per rule, each line counting the
    /// failures not logged since the one before. It never logs the text it scans.
    public var logger: Logger

    /// Options with the system clock, an in-memory store, fail-open, and a 10,000-entry cache.
    public init(
        clock: any BulwarkClock = SystemClock(),
        rateLimitStore: any RateLimitStore = InMemoryRateLimitStore(),
        failureMode: FailureMode = .open,
        decisionCacheCapacity: Int = 10_000,
        logger: Logger = Logger(label: "bulwark"),
        botVerifier: BotVerifier = BotVerifier(),
        ipAnalyzer: IPAnalyzer = IPAnalyzer(),
        emailVerifier: EmailVerifier = EmailVerifier()
    ) {
        self.emailVerifier = emailVerifier
        self.ipAnalyzer = ipAnalyzer
        self.botVerifier = botVerifier
        self.clock = clock
        self.rateLimitStore = rateLimitStore
        self.failureMode = failureMode
        self.decisionCacheCapacity = decisionCacheCapacity
        self.logger = logger
    }
}

/// A rule's part in a decision, as concluding the decision reads it: a request's ``RuleResult`` or a
/// guard's ``GuardRuleResult``.
protocol ConcludableResult {
    var type: String { get }
    var mode: RuleMode { get }
    var reason: Reason? { get }
}

extension RuleResult: ConcludableResult {}
extension GuardRuleResult: ConcludableResult {}

extension BulwarkOptions.FailureMode {
    /// What a decision concludes, and why: DENY with the first LIVE denial's reason; else, when a
    /// rule failed, ERROR (DENY when failing closed) with its error; else ALLOW with the reason of
    /// the last LIVE rule that gave one. `protect` and guards conclude alike.
    func conclude<Result: ConcludableResult>(
        results: [Result],
        denial: Result?,
        error: Result?
    ) -> (conclusion: Conclusion, reason: Reason) {
        if let denial { return (.deny, denial.reason ?? .none) }
        if let error { return (closed ? .deny : .error, error.reason ?? .error("\(error.type) failed")) }
        return (.allow, results.last { $0.mode == .live && $0.reason != nil }?.reason ?? .none)
    }
}
