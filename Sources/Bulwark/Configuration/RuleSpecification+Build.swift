/// What building a rule may use from the client.
struct RuleBuildEnvironment {
    let rateLimitStore: any RateLimitStore
    let botVerifier: BotVerifier
    let emailVerifier: EmailVerifier
}

extension RuleSpecification {
    /// Checks the specification and builds the engine's rule; throws naming the rule and the field.
    func makeRule(index: Int, environment: RuleBuildEnvironment) throws(BulwarkConfigurationError) -> any Rule {
        func fail(
            _ code: BulwarkConfigurationError.Code,
            _ field: String,
            _ message: String
        ) -> BulwarkConfigurationError {
            BulwarkConfigurationError(code: code, ruleIndex: index, ruleType: type, field: field, message: message)
        }
        guard RuleMode.known.contains(mode) else {
            throw fail(.invalidValue, "mode", "must be LIVE or DRY_RUN, got \(mode.rawValue)")
        }
        if let id, id.isEmpty || id.utf8.count > 128 {
            throw fail(.invalidValue, "id", "must be 1 to 128 characters long")
        }
        switch configuration {
        case .shield(let spec):
            guard ShieldSensitivity.known.contains(spec.sensitivity) else {
                throw fail(.invalidValue, "sensitivity", "must be STANDARD or STRICT, got \(spec.sensitivity.rawValue)")
            }
            for (position, exclusion) in spec.exclusions.enumerated() {
                guard !exclusion.location.isEmpty, exclusion.location.utf8.count <= 512 else {
                    throw fail(.invalidValue, "exclude[\(position)].location", "must be 1 to 512 characters long")
                }
                for (attackPosition, attack) in (exclusion.attacks ?? []).enumerated()
                where !ShieldAttack.allCases.contains(attack) {
                    throw fail(
                        .invalidValue,
                        "exclude[\(position)].attacks[\(attackPosition)]",
                        "unknown attack \"\(attack.rawValue.prefix(40))\"; known attacks are "
                            + ShieldAttack.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
            }
            for (field, value) in [
                ("maxBodyBytes", spec.limits.maxBodyBytes), ("maxValues", spec.limits.maxValues),
                ("maxDepth", spec.limits.maxDepth),
            ] where value <= 0 {
                throw fail(.invalidValue, field, "must be greater than zero, got \(value)")
            }
            let canonical =
                spec.sensitivity.rawValue + "|"
                + spec.exclusions.map { $0.location + ":" + ($0.attacks ?? []).map(\.rawValue).joined(separator: ",") }
                .joined(separator: ";")
            return ShieldRule(
                id: id ?? derivedID(canonical),
                mode: mode,
                shield: Shield(sensitivity: spec.sensitivity, exclusions: spec.exclusions, limits: spec.limits)
            )
        case .detectBot(let spec):
            return try botRule(spec, field: "", environment: environment, fail: fail)
        case .detectSensitiveInfo(let spec):
            let field = spec.allow != nil ? "allow" : "deny"
            guard let types = spec.allow ?? spec.deny, (spec.allow == nil) != (spec.deny == nil) else {
                throw fail(.invalidValue, "allow", "give exactly one of allow and deny")
            }
            for (position, type) in types.enumerated() {
                guard SensitiveInfoSpecification.isValidName(type.rawValue) else {
                    throw fail(
                        .invalidValue,
                        "\(field)[\(position)]",
                        "\"\(type.rawValue.prefix(60))\" is not a type name: use UPPER_SNAKE letters, digits and _"
                    )
                }
                guard type.isBuiltIn || spec.detector != nil else {
                    throw fail(
                        .invalidValue,
                        "\(field)[\(position)]",
                        "unknown type \"\(type.rawValue)\"; built-in types are "
                            + SensitiveInfoType.builtIn.map(\.rawValue).joined(separator: ", ")
                            + " (a type of your own needs a detector, given in code)"
                    )
                }
            }
            guard spec.limits.maxBytes > 0 else {
                throw fail(.invalidValue, "maxBytes", "must be greater than zero, got \(spec.limits.maxBytes)")
            }
            let names = Set(types)
            return DetectSensitiveInfoRule(
                id: id ?? derivedID(field + "|" + names.map(\.rawValue).sorted().joined(separator: ",")),
                mode: mode,
                policy: spec.allow != nil ? .allow(names) : .deny(names),
                scanner: SensitiveInfoScanner(limits: spec.limits),
                detector: spec.detector?.detector
            )
        case .detectPromptInjection(let spec):
            guard spec.threshold > 0, spec.threshold < 1 else {
                throw fail(.invalidValue, "threshold", "must be strictly between 0 and 1, got \(spec.threshold)")
            }
            let detector: PromptInjectionDetector
            if let given = spec.detector?.detector {
                detector = given
            } else {
                do {
                    detector = try PromptInjectionDetector.bundled()
                } catch {
                    throw fail(.missingResource, "type", error.message)
                }
            }
            return DetectPromptInjectionRule(
                id: id ?? derivedID("threshold:\(spec.threshold)"),
                mode: mode,
                threshold: spec.threshold,
                detector: detector
            )
        case .validateEmail(let spec):
            let validator = try emailValidator(spec, field: "", environment: environment, fail: fail)
            return ValidateEmailRule(
                id: id ?? derivedID(Self.canonical(spec)),
                mode: mode,
                validator: validator
            )
        case .protectSignup(let spec):
            let bots = try botRule(spec.bots, field: "bots.", environment: environment, fail: fail)
            let email = try emailValidator(spec.email, field: "email.", environment: environment, fail: fail)
            guard spec.rateLimit.max > 0 else {
                throw fail(.invalidValue, "rateLimit.max", "must be greater than zero, got \(spec.rateLimit.max)")
            }
            guard spec.rateLimit.interval >= .milliseconds(1) else {
                throw fail(
                    .invalidValue,
                    "rateLimit.interval",
                    "must be at least one millisecond, got \(spec.rateLimit.interval)"
                )
            }
            var characteristics: [Characteristic] = []
            for (position, name) in (spec.rateLimit.characteristics ?? ["ip.src"]).enumerated() {
                do {
                    characteristics.append(try Characteristic(name))
                } catch {
                    throw fail(.invalidCharacteristic, "rateLimit.characteristics[\(position)]", error.description)
                }
            }
            let policy = RateLimitPolicy.slidingWindow(max: spec.rateLimit.max, interval: spec.rateLimit.interval)
            let ruleID =
                id
                ?? derivedID(
                    policy.description + "|" + characteristics.map(\.name).joined(separator: "\u{1F}") + "|"
                        + (spec.bots.allow != nil ? "allow" : "deny") + ":"
                        + (spec.bots.allow ?? spec.bots.deny ?? []).map(\.rawValue).sorted().joined(separator: ",")
                        + "|" + Self.canonical(spec.email)
                )
            return ProtectSignupRule(
                id: ruleID,
                mode: mode,
                bots: bots,
                rateLimit: RateLimitRule(
                    id: ruleID,
                    type: "slidingWindow",
                    mode: mode,
                    policy: policy,
                    store: environment.rateLimitStore,
                    characteristics: characteristics
                ),
                email: email
            )
        case .filter(let spec):
            let field = spec.allow != nil ? "allow" : "deny"
            guard let sources = spec.allow ?? spec.deny, (spec.allow == nil) != (spec.deny == nil) else {
                throw fail(.invalidValue, "allow", "give exactly one of allow and deny")
            }
            guard !sources.isEmpty else {
                throw fail(.invalidValue, field, "must hold at least one expression")
            }
            var expressions: [FilterExpression] = []
            for (position, source) in sources.enumerated() {
                do {
                    expressions.append(try FilterExpression(source))
                } catch {
                    throw fail(.invalidExpression, "\(field)[\(position)]", error.description)
                }
            }
            return FilterRule(
                id: id ?? derivedID(field + "|" + sources.joined(separator: "\u{1F}")),
                mode: mode,
                policy: spec.allow != nil ? .allow : .deny,
                expressions: expressions
            )
        case .rateLimit(let spec):
            if let rate = spec.refillRate, rate <= 0 {
                throw fail(.invalidValue, "refillRate", "must be greater than zero, got \(rate)")
            }
            guard spec.max > 0 else {
                throw fail(.invalidValue, spec.maxField, "must be greater than zero, got \(spec.max)")
            }
            guard spec.interval >= .milliseconds(1) else {
                throw fail(.invalidValue, spec.intervalField, "must be at least one millisecond, got \(spec.interval)")
            }
            var characteristics: [Characteristic] = []
            for (position, name) in (spec.characteristics ?? ["ip.src"]).enumerated() {
                do {
                    characteristics.append(try Characteristic(name))
                } catch {
                    throw fail(.invalidCharacteristic, "characteristics[\(position)]", error.description)
                }
            }
            let policy: RateLimitPolicy =
                switch spec.algorithm {
                case .tokenBucket:
                    .tokenBucket(refillRate: spec.refillRate ?? 0, interval: spec.interval, capacity: spec.max)
                case .fixedWindow: .fixedWindow(max: spec.max, window: spec.interval)
                case .slidingWindow: .slidingWindow(max: spec.max, interval: spec.interval)
                }
            return RateLimitRule(
                id: id ?? derivedID(policy.description + "|" + characteristics.map(\.name).joined(separator: "\u{1F}")),
                type: type,
                mode: mode,
                policy: policy,
                store: environment.rateLimitStore,
                characteristics: characteristics
            )
        }
    }

    private typealias Failure = (BulwarkConfigurationError.Code, String, String) -> BulwarkConfigurationError

    /// A bot rule from its lists; `field` prefixes the fields named in errors (`bots.` in a signup rule).
    private func botRule(
        _ spec: BotSpecification,
        field prefix: String,
        environment: RuleBuildEnvironment,
        fail: Failure
    ) throws(BulwarkConfigurationError) -> DetectBotRule {
        let field = spec.allow != nil ? "allow" : "deny"
        guard let selectors = spec.allow ?? spec.deny, (spec.allow == nil) != (spec.deny == nil) else {
            throw fail(.invalidValue, prefix + "allow", "give exactly one of allow and deny")
        }
        let classifier = UserAgentClassifier.shared
        var ids = Set<String>()
        var categories = Set<BotCategory>()
        for (position, selector) in selectors.enumerated() {
            if let category = selector.category {
                guard BotCategory.allCases.contains(category) else {
                    throw fail(
                        .invalidValue,
                        "\(prefix)\(field)[\(position)]",
                        "unknown category \"\(category.rawValue.prefix(40))\"; known categories are "
                            + BotCategory.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                categories.insert(category)
            } else {
                guard classifier.catalogue.knows(selector.rawValue) else {
                    throw fail(
                        .invalidValue,
                        "\(prefix)\(field)[\(position)]",
                        "unknown bot \"\(selector.rawValue.prefix(60))\"; use an UPPER_SNAKE bot id such as "
                            + "GOOGLE_CRAWLER or CURL, or CATEGORY:NAME"
                    )
                }
                ids.insert(selector.rawValue)
            }
        }
        return DetectBotRule(
            id: id ?? derivedID(field + "|" + selectors.map(\.rawValue).sorted().joined(separator: ",")),
            mode: mode,
            policy: spec.allow != nil ? .allow(ids, categories: categories) : .deny(ids, categories: categories),
            classifier: classifier,
            verifier: environment.botVerifier
        )
    }

    /// An email validator from its list and options; `field` prefixes the fields named in errors.
    private func emailValidator(
        _ spec: EmailSpecification,
        field prefix: String,
        environment: RuleBuildEnvironment,
        fail: Failure
    ) throws(BulwarkConfigurationError) -> EmailValidator {
        let field = spec.allow != nil ? "allow" : "deny"
        guard let types = spec.allow ?? spec.deny, (spec.allow == nil) != (spec.deny == nil) else {
            throw fail(.invalidValue, prefix + "allow", "give exactly one of allow and deny")
        }
        for (position, type) in types.enumerated() where !EmailType.allCases.contains(type) {
            throw fail(
                .invalidValue,
                "\(prefix)\(field)[\(position)]",
                "unknown email type \"\(type.rawValue.prefix(40))\"; known types are "
                    + EmailType.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let validator = EmailValidator(
            policy: spec.allow != nil ? .allow(Set(types)) : .deny(Set(types)),
            syntax: EmailSyntaxOptions(
                requireTopLevelDomain: spec.requireTopLevelDomain,
                allowDomainLiteral: spec.allowDomainLiteral
            ),
            verifier: environment.emailVerifier
        )
        if validator.checksGravatar {
            do {
                _ = try environment.emailVerifier.gravatarCheck()
            } catch {
                throw fail(.invalidValue, "\(prefix)\(field)", "NO_GRAVATAR cannot be checked: \(error.message)")
            }
        }
        return validator
    }

    private static func canonical(_ spec: EmailSpecification) -> String {
        (spec.allow != nil ? "allow" : "deny") + ":"
            + (spec.allow ?? spec.deny ?? []).map(\.rawValue).sorted().joined(separator: ",")
            + "|tld=\(spec.requireTopLevelDomain)|literal=\(spec.allowDomainLiteral)"
    }

    private func derivedID(_ canonical: String) -> String {
        derivedRuleID(type: type, mode: mode, canonical: canonical)
    }
}

/// `type_` and 16 hex digits of an FNV-1a hash of the mode and configuration: stable across
/// processes, so that instances sharing a store share the counters of the same rule.
func derivedRuleID(type: String, mode: RuleMode, canonical: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in (mode.rawValue + "|" + canonical).utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return type + "_" + String(repeating: "0", count: 16 - hex.count) + hex
}
