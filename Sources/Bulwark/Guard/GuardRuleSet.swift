/// Named guard rules, as a guard rules file declares them for `bulwark guard`:
///
/// ```json
/// {"guardRules": {
///   "user-limit": {"type": "tokenBucket", "refillRate": 1, "interval": 60, "maxTokens": 3, "bucket": "user-tools"},
///   "injection": {"type": "detectPromptInjection", "threshold": 0.5},
///   "pii": {"type": "detectSensitiveInfo", "deny": ["EMAIL", "CREDIT_CARD_NUMBER"]}
/// }}
/// ```
///
/// Types: `tokenBucket` (`refillRate`, `interval`, `maxTokens`, `bucket`), `fixedWindow`
/// (`maxRequests`, `window`, `bucket`), `slidingWindow` (`maxRequests`, `interval`, `bucket`),
/// `detectPromptInjection` (`threshold`), `detectSensitiveInfo` (`allow` or `deny`); each may have
/// a `mode`, `LIVE` by default. Intervals are seconds or duration strings such as `"1h30m"`. A
/// problem throws a ``BulwarkConfigurationError`` whose field is `guardRules.NAME.FIELD`.
public struct GuardRuleSet: Sendable, Decodable {
    /// One named rule.
    public enum Rule: Sendable {
        /// A token bucket, called with a key and a number of tokens.
        case tokenBucket(TokenBucket)
        /// A fixed window, called with a key and a number of units.
        case fixedWindow(FixedWindow)
        /// A sliding window, called with a key and a number of units.
        case slidingWindow(SlidingWindow)
        /// Prompt-injection detection, called with a text.
        case detectPromptInjection(DetectPromptInjection)
        /// Sensitive-information detection, called with a text.
        case detectSensitiveInfo(LocalDetectSensitiveInfo)

        /// The rule's type, as in the file.
        public var type: String {
            switch self {
            case .tokenBucket(let rule): rule.type
            case .fixedWindow(let rule): rule.type
            case .slidingWindow(let rule): rule.type
            case .detectPromptInjection(let rule): rule.type
            case .detectSensitiveInfo(let rule): rule.type
            }
        }

        /// Whether the rule is called with a key (a rate limit) rather than a text.
        public var takesKey: Bool {
            switch self {
            case .tokenBucket, .fixedWindow, .slidingWindow: true
            case .detectPromptInjection, .detectSensitiveInfo: false
            }
        }

        /// Binds a rate limit to a key and a number of units; `nil` for a rule that takes a text.
        public func call(key: String, requested: Int) -> GuardRuleCall? {
            switch self {
            case .tokenBucket(let rule): rule(key: key, requested: requested)
            case .fixedWindow(let rule): rule(key: key, requested: requested)
            case .slidingWindow(let rule): rule(key: key, requested: requested)
            case .detectPromptInjection, .detectSensitiveInfo: nil
            }
        }

        /// Binds a detection rule to a text; `nil` for a rate limit.
        public func call(input: String) -> GuardRuleCall? {
            switch self {
            case .detectPromptInjection(let rule): rule(input)
            case .detectSensitiveInfo(let rule): rule(input)
            case .tokenBucket, .fixedWindow, .slidingWindow: nil
            }
        }
    }

    /// The guard rule types a rules file may use.
    public static let knownTypes = [
        "tokenBucket", "fixedWindow", "slidingWindow", "detectPromptInjection", "detectSensitiveInfo",
    ]

    /// The rules, by name.
    public var rules: [String: Rule]

    /// A set from rules configured in code.
    public init(rules: [String: Rule]) { self.rules = rules }

    private enum CodingKeys: String, CodingKey { case guardRules }

    /// Decodes `{"guardRules": {"NAME": {…}, …}}`.
    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw BulwarkConfigurationError(
                code: .malformedDocument,
                message: "the guard rules document must be a JSON object"
            )
        }
        guard container.contains(.guardRules) else {
            throw BulwarkConfigurationError(code: .missingField, field: "guardRules", message: "is required")
        }
        let named: [String: NamedRule]
        do {
            named = try container.decode([String: NamedRule].self, forKey: .guardRules)
        } catch let error as BulwarkConfigurationError {
            throw error
        } catch {
            throw BulwarkConfigurationError(
                code: .malformedDocument,
                field: "guardRules",
                message: "expected an object of named rules"
            )
        }
        rules = named.mapValues(\.rule)
    }

    /// One rule's object, decoded with its name from the coding path.
    private struct NamedRule: Decodable {
        let rule: Rule

        init(from decoder: any Decoder) throws {
            let name = decoder.codingPath.last?.stringValue ?? ""
            let prefix = "guardRules.\(name)."
            guard !name.isEmpty, name.utf8.count <= 128 else {
                throw BulwarkConfigurationError(
                    code: .invalidValue,
                    field: "guardRules",
                    message: "a rule's name must be 1 to 128 characters long"
                )
            }
            let container: KeyedDecodingContainer<RuleSpecification.Key>
            do {
                container = try decoder.container(keyedBy: RuleSpecification.Key.self)
            } catch {
                throw BulwarkConfigurationError(
                    code: .malformedDocument,
                    field: "guardRules.\(name)",
                    message: "a rule must be a JSON object"
                )
            }
            var fields = RuleFieldReader(container: container, ruleIndex: nil, ruleType: nil, prefix: prefix)
            let type: String = try fields.required("type")
            fields.ruleType = type
            let mode = try fields.optional("mode", as: String.self).map(RuleMode.init(rawValue:)) ?? .live
            do {
                switch type {
                case "tokenBucket":
                    rule = .tokenBucket(
                        try TokenBucket(
                            mode: mode,
                            refillRate: try fields.required("refillRate"),
                            interval: try fields.requiredInterval("interval"),
                            maxTokens: try fields.required("maxTokens"),
                            bucket: try fields.required("bucket")
                        )
                    )
                case "fixedWindow":
                    rule = .fixedWindow(
                        try FixedWindow(
                            mode: mode,
                            maxRequests: try fields.required("maxRequests"),
                            window: try fields.requiredInterval("window"),
                            bucket: try fields.required("bucket")
                        )
                    )
                case "slidingWindow":
                    rule = .slidingWindow(
                        try SlidingWindow(
                            mode: mode,
                            maxRequests: try fields.required("maxRequests"),
                            interval: try fields.requiredInterval("interval"),
                            bucket: try fields.required("bucket")
                        )
                    )
                case "detectPromptInjection":
                    rule = .detectPromptInjection(
                        try DetectPromptInjection(mode: mode, threshold: try fields.optional("threshold") ?? 0.5)
                    )
                case "detectSensitiveInfo":
                    let lists = try fields.allowOrDeny(SensitiveInfoType.self)
                    if let allow = lists.allow {
                        rule = .detectSensitiveInfo(try LocalDetectSensitiveInfo(mode: mode, allow: allow))
                    } else {
                        rule = .detectSensitiveInfo(try LocalDetectSensitiveInfo(mode: mode, deny: lists.deny ?? []))
                    }
                default:
                    throw fields.error(
                        .unknownRuleType,
                        "type",
                        "unknown guard rule type \"\(type.prefix(40))\"; known types are "
                            + GuardRuleSet.knownTypes.joined(separator: ", ")
                    )
                }
            } catch let error as BulwarkConfigurationError where error.field.map({ !$0.hasPrefix(prefix) }) ?? true {
                // The rule's own checks name a field of the rule; say which rule it is.
                throw BulwarkConfigurationError(
                    code: error.code,
                    ruleType: type,
                    field: prefix + (error.field ?? "type"),
                    message: error.message
                )
            }
        }
    }
}
