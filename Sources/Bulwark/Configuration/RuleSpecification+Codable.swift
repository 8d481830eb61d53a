extension RuleSpecification: Codable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The rule types this version of Bulwark understands.
    public static let knownTypes = [
        "detectBot", "detectPromptInjection", "detectSensitiveInfo", "filter", "protectSignup", "shield", "tokenBucket",
        "fixedWindow",
        "slidingWindow", "validateEmail",
    ]

    /// Decodes a rule from its JSON object; a problem throws a ``BulwarkConfigurationError`` naming
    /// the rule's position and the field.
    public init(from decoder: any Decoder) throws {
        let index = decoder.codingPath.last?.intValue
        let container: KeyedDecodingContainer<Key>
        do {
            container = try decoder.container(keyedBy: Key.self)
        } catch {
            throw BulwarkConfigurationError(
                code: .malformedDocument,
                ruleIndex: index,
                message: "a rule must be a JSON object"
            )
        }
        var fields = RuleFieldReader(container: container, ruleIndex: index, ruleType: nil)
        let type: String = try fields.required("type")
        fields.ruleType = type
        let mode = try fields.optional("mode", as: String.self).map(RuleMode.init(rawValue:)) ?? .live
        guard RuleMode.known.contains(mode) else {
            throw fields.error(.invalidValue, "mode", "must be \"LIVE\" or \"DRY_RUN\", got \"\(mode.rawValue)\"")
        }
        let id: String? = try fields.optional("id")
        switch type {
        case "shield":
            let defaults = ShieldLimits()
            let spec = ShieldSpecification(
                sensitivity: try fields.optional("sensitivity", as: String.self).map(ShieldSensitivity.init(rawValue:))
                    ?? .standard,
                exclusions: try fields.optional("exclude", as: [ShieldExclusion].self) ?? [],
                limits: ShieldLimits(
                    maxBodyBytes: try fields.optional("maxBodyBytes") ?? defaults.maxBodyBytes,
                    maxValues: try fields.optional("maxValues") ?? defaults.maxValues,
                    maxDepth: try fields.optional("maxDepth") ?? defaults.maxDepth
                )
            )
            self.init(mode: mode, id: id, configuration: .shield(spec))
        case "detectBot":
            self.init(mode: mode, id: id, configuration: .detectBot(try Self.botSpecification(fields)))
        case "filter":
            let lists = try fields.allowOrDeny(String.self)
            let spec = FilterSpecification(allow: lists.allow, deny: lists.deny)
            self.init(mode: mode, id: id, configuration: .filter(spec))
        case "detectSensitiveInfo":
            let lists = try fields.allowOrDeny(SensitiveInfoType.self)
            let spec = SensitiveInfoSpecification(
                allow: lists.allow,
                deny: lists.deny,
                limits: SensitiveInfoLimits(
                    maxBytes: try fields.optional("maxBytes") ?? SensitiveInfoLimits().maxBytes
                ),
                detector: nil
            )
            self.init(mode: mode, id: id, configuration: .detectSensitiveInfo(spec))
        case "detectPromptInjection":
            let spec = PromptInjectionSpecification(threshold: try fields.optional("threshold") ?? 0.5, detector: nil)
            self.init(mode: mode, id: id, configuration: .detectPromptInjection(spec))
        case "validateEmail":
            self.init(mode: mode, id: id, configuration: .validateEmail(try Self.emailSpecification(fields)))
        case "protectSignup":
            let rateLimit = try fields.nested("rateLimit")
            let spec = SignupSpecification(
                rateLimit: SignupRateLimit(
                    interval: try rateLimit.requiredInterval("interval"),
                    max: try rateLimit.required("max"),
                    characteristics: try rateLimit.optional("characteristics")
                ),
                bots: try Self.botSpecification(try fields.nested("bots")),
                email: try Self.emailSpecification(try fields.nested("email"))
            )
            self.init(mode: mode, id: id, configuration: .protectSignup(spec))
        case "tokenBucket", "fixedWindow", "slidingWindow":
            let algorithm = RateLimitPolicy.Algorithm(rawValue: type)!
            var spec = RateLimitSpecification(
                algorithm: algorithm,
                characteristics: try fields.optional("characteristics"),
                max: 0,
                refillRate: nil,
                interval: .zero
            )
            spec.max = try fields.required(spec.maxField)
            spec.interval = try fields.requiredInterval(spec.intervalField)
            if algorithm == .tokenBucket { spec.refillRate = try fields.required("refillRate", as: Int.self) }
            self.init(mode: mode, id: id, configuration: .rateLimit(spec))
        default:
            throw fields.error(
                .unknownRuleType,
                "type",
                "unknown rule type \"\(type.prefix(80))\"; known types are \(Self.knownTypes.joined(separator: ", "))"
            )
        }
    }

    private static func botSpecification(_ fields: RuleFieldReader) throws -> BotSpecification {
        let lists = try fields.allowOrDeny(BotSelector.self)
        return BotSpecification(allow: lists.allow, deny: lists.deny)
    }

    private static func emailSpecification(_ fields: RuleFieldReader) throws -> EmailSpecification {
        let lists = try fields.allowOrDeny(EmailType.self)
        return EmailSpecification(
            allow: lists.allow,
            deny: lists.deny,
            requireTopLevelDomain: try fields.optional("requireTopLevelDomain") ?? true,
            allowDomainLiteral: try fields.optional("allowDomainLiteral") ?? false
        )
    }

    private static func encode(_ spec: EmailSpecification, to container: inout KeyedEncodingContainer<Key>) throws {
        try container.encodeIfPresent(spec.allow, forKey: Key("allow"))
        try container.encodeIfPresent(spec.deny, forKey: Key("deny"))
        try container.encode(spec.requireTopLevelDomain, forKey: Key("requireTopLevelDomain"))
        try container.encode(spec.allowDomainLiteral, forKey: Key("allowDomainLiteral"))
    }

    /// Encodes the rule as its JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type, forKey: Key("type"))
        try container.encode(mode, forKey: Key("mode"))
        try container.encodeIfPresent(id, forKey: Key("id"))
        switch configuration {
        case .shield(let spec):
            try container.encode(spec.sensitivity, forKey: Key("sensitivity"))
            if !spec.exclusions.isEmpty { try container.encode(spec.exclusions, forKey: Key("exclude")) }
            try container.encode(spec.limits.maxBodyBytes, forKey: Key("maxBodyBytes"))
            try container.encode(spec.limits.maxValues, forKey: Key("maxValues"))
            try container.encode(spec.limits.maxDepth, forKey: Key("maxDepth"))
        case .detectBot(let spec):
            try container.encodeIfPresent(spec.allow, forKey: Key("allow"))
            try container.encodeIfPresent(spec.deny, forKey: Key("deny"))
        case .filter(let spec):
            try container.encodeIfPresent(spec.allow, forKey: Key("allow"))
            try container.encodeIfPresent(spec.deny, forKey: Key("deny"))
        case .detectSensitiveInfo(let spec):
            try container.encodeIfPresent(spec.allow, forKey: Key("allow"))
            try container.encodeIfPresent(spec.deny, forKey: Key("deny"))
            try container.encode(spec.limits.maxBytes, forKey: Key("maxBytes"))
        case .validateEmail(let spec):
            try Self.encode(spec, to: &container)
        case .detectPromptInjection(let spec):
            try container.encode(spec.threshold, forKey: Key("threshold"))
        case .protectSignup(let spec):
            var rateLimit = container.nestedContainer(keyedBy: Key.self, forKey: Key("rateLimit"))
            try rateLimit.encode(spec.rateLimit.interval.seconds, forKey: Key("interval"))
            try rateLimit.encode(spec.rateLimit.max, forKey: Key("max"))
            try rateLimit.encodeIfPresent(spec.rateLimit.characteristics, forKey: Key("characteristics"))
            var bots = container.nestedContainer(keyedBy: Key.self, forKey: Key("bots"))
            try bots.encodeIfPresent(spec.bots.allow, forKey: Key("allow"))
            try bots.encodeIfPresent(spec.bots.deny, forKey: Key("deny"))
            var email = container.nestedContainer(keyedBy: Key.self, forKey: Key("email"))
            try Self.encode(spec.email, to: &email)
        case .rateLimit(let spec):
            try container.encodeIfPresent(spec.characteristics, forKey: Key("characteristics"))
            try container.encodeIfPresent(spec.refillRate, forKey: Key("refillRate"))
            try container.encode(spec.interval.seconds, forKey: Key(spec.intervalField))
            try container.encode(spec.max, forKey: Key(spec.maxField))
        }
    }
}

/// Reads a rule's fields, turning every decoding failure into an error that names the rule and field.
struct RuleFieldReader {
    let container: KeyedDecodingContainer<RuleSpecification.Key>
    let ruleIndex: Int?
    var ruleType: String?
    /// What the fields named in errors start with: `rateLimit.` for the fields of a nested object.
    var prefix = ""

    func error(_ code: BulwarkConfigurationError.Code, _ field: String, _ message: String) -> BulwarkConfigurationError
    {
        BulwarkConfigurationError(
            code: code,
            ruleIndex: ruleIndex,
            ruleType: ruleType,
            field: prefix + field,
            message: message
        )
    }

    /// A rule's `allow` and `deny` lists, exactly one of which must be given.
    func allowOrDeny<Element: Decodable>(_ type: Element.Type) throws -> (allow: [Element]?, deny: [Element]?) {
        let allow: [Element]? = try optional("allow")
        let deny: [Element]? = try optional("deny")
        guard (allow == nil) != (deny == nil) else {
            throw error(.invalidValue, "allow", "give exactly one of \"allow\" and \"deny\"")
        }
        return (allow, deny)
    }

    /// The reader of a required nested object, such as a signup rule's `rateLimit`.
    func nested(_ field: String) throws -> RuleFieldReader {
        let key = RuleSpecification.Key(field)
        guard container.contains(key), try !container.decodeNil(forKey: key) else {
            throw error(.missingField, field, "is required")
        }
        do {
            let inner = try container.nestedContainer(keyedBy: RuleSpecification.Key.self, forKey: key)
            return RuleFieldReader(
                container: inner,
                ruleIndex: ruleIndex,
                ruleType: ruleType,
                prefix: prefix + field + "."
            )
        } catch {
            throw self.error(.invalidValue, field, "expected a JSON object")
        }
    }

    func required<T: Decodable>(_ field: String, as type: T.Type = T.self) throws -> T {
        guard let value = try optional(field, as: type) else {
            throw error(.missingField, field, "is required")
        }
        return value
    }

    func optional<T: Decodable>(_ field: String, as type: T.Type = T.self) throws -> T? {
        let key = RuleSpecification.Key(field)
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        do {
            return try container.decode(T.self, forKey: key)
        } catch {
            throw self.error(.invalidValue, field, "expected \(Self.describe(T.self))")
        }
    }

    /// An interval: a number of seconds, or a duration string such as `"1h30m"`.
    func requiredInterval(_ field: String) throws -> Duration {
        let key = RuleSpecification.Key(field)
        guard container.contains(key), try !container.decodeNil(forKey: key) else {
            throw error(.missingField, field, "is required")
        }
        if let seconds = try? container.decode(Double.self, forKey: key) {
            guard seconds.isFinite, seconds > 0, seconds <= 9_000_000_000 else {
                throw error(.invalidValue, field, "must be a positive number of seconds, got \(seconds)")
            }
            return .nanoseconds(Int64((seconds * 1e9).rounded()))
        }
        guard let text = try? container.decode(String.self, forKey: key) else {
            throw error(.invalidValue, field, "expected a number of seconds or a duration such as \"1h30m\"")
        }
        do {
            return try DurationParser.parse(text)
        } catch let problem {
            throw error(.invalidValue, field, problem.message)
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is [String].Type, is [BotSelector].Type, is [SensitiveInfoType].Type, is [EmailType].Type:
            "an array of strings"
        case is [ShieldExclusion].Type: "an array of {\"location\": string, \"attacks\": [string]} objects"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a value of type \(type)"
        }
    }
}

/// Parses durations such as `"90s"`, `"1h30m"`, `"2d"` or `"500ms"`.
enum DurationParser {
    struct Problem: Error {
        let message: String
    }

    static func parse(_ text: String) throws(Problem) -> Duration {
        let units: [(suffix: String, nanoseconds: Int64)] = [
            ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
            ("d", 86_400_000_000_000),
        ]
        let expected = "expected a duration such as \"30s\", \"15m\", \"1h30m\" or \"1d\", got \"\(text.prefix(40))\""
        var total: Int64 = 0
        var rest = Substring(text)
        guard !rest.isEmpty, rest.count <= 64 else { throw Problem(message: expected) }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int64(digits) else { throw Problem(message: expected) }
            rest = rest.dropFirst(digits.count)
            let unitText = rest.prefix { $0.isASCII && $0.isLetter }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { throw Problem(message: expected) }
            rest = rest.dropFirst(unitText.count)
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.nanoseconds)
            guard !overflow, total <= Int64.max - product else { throw Problem(message: "duration too long") }
            total += product
        }
        guard total > 0 else { throw Problem(message: "must be longer than zero") }
        return .nanoseconds(total)
    }
}
