import Logging

/// The Bulwark client: built once from rules, asked for a ``Decision`` per request.
///
/// ```swift
/// let bulwark = try Bulwark(
///     rules: [.tokenBucket(mode: .live, characteristics: ["userId"], refillRate: 100, interval: .seconds(60), capacity: 1000)],
///     proxies: ["10.0.0.0/8"]
/// )
/// let decision = await bulwark.protect(request, requested: 5, characteristics: ["userId": userID])
/// ```
///
/// Rules run cheapest first; the first LIVE DENY ends evaluation; DRY_RUN rules report a DENY but
/// never change the conclusion. A rule that fails gets an `ERROR` result and the decision fails open
/// (or closed, with ``BulwarkOptions/FailureMode/closed``). A client is `Sendable`: share one.
public final class Bulwark: Sendable {
    /// The rules in evaluation order.
    let rules: [any Rule]
    /// How the client's address is found.
    public let clientIPResolver: ClientIPResolver
    /// The client's options.
    public let options: BulwarkOptions
    private let decisionCache: ExpiringMap<RuleResult>?
    /// Rule failures are logged at most once a second per rule.
    let failureLog = FailureLogThrottle()

    /// Builds a client from rule specifications (and, optionally, rules of your own).
    ///
    /// - Parameters:
    ///   - rules: The rules' specifications.
    ///   - customRules: Rules implemented outside Bulwark.
    ///   - proxies: Trusted proxies, as addresses or CIDR blocks.
    ///   - platform: The hosting platform whose client-IP header to trust.
    ///   - options: Clock, store, failure mode, cache and logger.
    /// - Throws: ``BulwarkConfigurationError`` naming the rule and field that are wrong.
    public init(
        rules: [RuleSpecification],
        customRules: [any Rule] = [],
        proxies: [String] = [],
        platform: HostingPlatform? = nil,
        options: BulwarkOptions = BulwarkOptions()
    ) throws(BulwarkConfigurationError) {
        let environment = RuleBuildEnvironment(
            rateLimitStore: options.rateLimitStore,
            botVerifier: options.botVerifier,
            emailVerifier: options.emailVerifier
        )
        var built: [any Rule] = []
        for (index, specification) in rules.enumerated() {
            built.append(try specification.makeRule(index: index, environment: environment))
        }
        built += customRules
        var seen: [String: Int] = [:]
        for (index, rule) in built.enumerated() {
            if let first = seen[rule.id] {
                throw BulwarkConfigurationError(
                    code: .duplicateRule,
                    ruleIndex: index,
                    ruleType: rule.type,
                    field: "id",
                    message: "rule \(first) has the same id '\(rule.id)'; two identical rules would count twice"
                )
            }
            seen[rule.id] = index
        }
        let resolver: ClientIPResolver
        do {
            resolver = try ClientIPResolver(proxies: proxies, platform: platform)
        } catch {
            throw BulwarkConfigurationError(
                code: .invalidValue,
                field: "proxies[\(error.index)]",
                message: error.description
            )
        }
        // A stable sort: equal costs keep the order the user wrote.
        self.rules = built.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }
            .map(\.element)
        self.clientIPResolver = resolver
        self.options = options
        self.decisionCache =
            options.decisionCacheCapacity > 0 ? ExpiringMap(capacity: options.decisionCacheCapacity) : nil
    }

    /// Builds a client from a rules document (as read from a rules JSON file).
    public convenience init(
        configuration: BulwarkConfiguration,
        options: BulwarkOptions = BulwarkOptions()
    ) throws(BulwarkConfigurationError) {
        var platform: HostingPlatform?
        if let name = configuration.platform {
            guard let known = HostingPlatform.named(name) else {
                throw BulwarkConfigurationError(
                    code: .invalidValue,
                    field: "platform",
                    message: "unknown platform '\(name)'; known are "
                        + HostingPlatform.all.map(\.name).joined(separator: ", ")
                )
            }
            platform = known
        }
        try self.init(rules: configuration.rules, proxies: configuration.proxies, platform: platform, options: options)
    }

    /// Decides for one request.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - requested: Units the request takes from rate limits (tokens for a token bucket).
    ///   - characteristics: Values of custom characteristics, such as `["userId": "u1"]`.
    ///   - email: An email address to validate.
    ///   - sensitiveInfoValue: Text to scan for sensitive information.
    ///   - detectPromptInjectionMessage: A message to scan for prompt injection.
    ///   - filterLocal: Values for filter expressions' `local` fields.
    ///   - ipSrc: The client's address, when the caller knows it better than the request does.
    ///   - metadata: Free-form values attached to the decision.
    /// - Returns: The decision; this never throws; failures become `ERROR` results.
    public func protect(
        _ request: BulwarkRequest,
        requested: Int = 1,
        characteristics: [String: String] = [:],
        email: String? = nil,
        sensitiveInfoValue: String? = nil,
        detectPromptInjectionMessage: String? = nil,
        filterLocal: [String: String] = [:],
        ipSrc: String? = nil,
        metadata: [String: String] = [:]
    ) async -> Decision {
        let now = options.clock.now()
        let clientIP =
            ipSrc.flatMap { IPAddress($0) }
            ?? clientIPResolver.clientIP(peer: request.remoteAddress, headers: request.headers)
        let ip = options.ipAnalyzer.details(for: clientIP, logger: options.logger)
        let context = RuleContext(
            request: request,
            clientIP: clientIP,
            ip: ip,
            requested: requested,
            characteristics: characteristics,
            email: email,
            sensitiveInfoValue: sensitiveInfoValue,
            detectPromptInjectionMessage: detectPromptInjectionMessage,
            filterLocal: filterLocal,
            metadata: metadata,
            now: now,
            logger: options.logger
        )
        var results: [RuleResult] = []
        results.reserveCapacity(rules.count)
        var denial: RuleResult?
        var firstError: RuleResult?
        for rule in rules {
            if denial != nil {
                results.append(
                    RuleResult(
                        ruleId: rule.id,
                        type: rule.type,
                        mode: rule.mode,
                        state: .notRun,
                        conclusion: .allow,
                        reason: nil
                    )
                )
                continue
            }
            let result = await evaluate(rule, context: context)
            if result.conclusion == .deny, rule.mode == .live { denial = result }
            if result.conclusion == .error, firstError == nil { firstError = result }
            results.append(result)
        }
        return conclude(results: results, denial: denial, error: firstError, ip: ip, now: now)
    }

    private func evaluate(_ rule: any Rule, context: RuleContext) async -> RuleResult {
        let state: RuleState = rule.mode == .live ? .run : .dryRun
        func result(_ conclusion: Conclusion, _ reason: Reason, ttl: Int = 0, state: RuleState = state) -> RuleResult {
            RuleResult(
                ruleId: rule.id,
                type: rule.type,
                mode: rule.mode,
                state: state,
                conclusion: conclusion,
                reason: reason,
                ttl: ttl
            )
        }
        // The fingerprint starts with the rule's id, so that it keys this rule's cache entries and
        // store state and no other rule's.
        var fingerprint: String?
        if let characteristics = rule.characteristics {
            var key = rule.id
            for characteristic in characteristics {
                guard let value = characteristic.value(in: context) else {
                    let message =
                        characteristic == .ipSource
                        ? "the client's IP address is unknown, so the rule cannot key the request by ip.src"
                        : "characteristic '\(characteristic.name)' has no value for this request"
                    return result(.error, .error(message))
                }
                key.append("\u{1F}")
                key.append(value)
            }
            fingerprint = key
        }
        let now = context.now.nanosecondsSinceEpoch
        if rule.mode == .live, let fingerprint, let decisionCache,
            var cached = decisionCache.value(for: fingerprint, now: now)
        {
            cached.state = .cached
            return cached
        }
        do {
            let outcome = try await rule.evaluate(context, fingerprint: fingerprint)
            let evaluated = result(
                outcome.conclusion,
                outcome.reason,
                ttl: outcome.conclusion == .deny ? outcome.ttl : 0
            )
            if rule.mode == .live, outcome.conclusion == .deny, outcome.ttl > 0, let fingerprint, let decisionCache {
                decisionCache.set(
                    fingerprint,
                    evaluated,
                    expiresAt: now + Int64(outcome.ttl) * 1_000_000_000,
                    now: now
                )
            }
            return evaluated
        } catch {
            let message = ruleFailed(error, ruleID: rule.id, type: rule.type, log: "Bulwark rule failed")
            return result(.error, .error(message))
        }
    }

    /// A failed rule's message (a ``RuleEvaluationError``'s own, else the type and the error),
    /// logged at most once a second per rule with the count of failures not logged since.
    func ruleFailed(
        _ error: any Error,
        ruleID: String,
        type: String,
        log: Logger.Message,
        metadata: Logger.Metadata = [:]
    ) -> String {
        let message = (error as? RuleEvaluationError)?.message ?? "\(type) failed: \(error)"
        if let notLogged = failureLog.admit(ruleID) {
            let fields: Logger.Metadata = [
                "rule.id": "\(ruleID)", "rule.type": "\(type)", "error": "\(message)", "notLogged": "\(notLogged)",
            ]
            options.logger.warning(log, metadata: metadata.merging(fields) { $1 })
        }
        return message
    }

    private func conclude(
        results: [RuleResult],
        denial: RuleResult?,
        error: RuleResult?,
        ip: IPDetails,
        now: Timestamp
    ) -> Decision {
        let (conclusion, reason) = options.failureMode.conclude(results: results, denial: denial, error: error)
        return Decision(
            id: Decision.localID(at: now),
            conclusion: conclusion,
            reason: reason,
            results: results,
            ip: ip,
            ttl: denial?.ttl ?? 0
        )
    }
}
