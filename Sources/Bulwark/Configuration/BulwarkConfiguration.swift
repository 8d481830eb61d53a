/// A whole rules document: the rules and the trusted proxies, as in a rules JSON file.
///
/// ```json
/// {"rules": [{"type": "fixedWindow", "mode": "LIVE", "window": 60, "max": 100}], "proxies": ["10.0.0.0/8"]}
/// ```
public struct BulwarkConfiguration: Sendable, Hashable, Codable {
    /// The rules, in the order written (the engine runs cheaper ones first).
    public var rules: [RuleSpecification]
    /// Trusted proxies: addresses or CIDR blocks whose `X-Forwarded-For` is believed.
    public var proxies: [String]
    /// The hosting platform whose client-IP header is trusted (`cloudflare`, `fly`, `vercel`,
    /// `render`, `firebase`), if any.
    public var platform: String?

    /// A configuration from its parts.
    public init(rules: [RuleSpecification], proxies: [String] = [], platform: String? = nil) {
        self.rules = rules
        self.proxies = proxies
        self.platform = platform
    }

    private enum CodingKeys: String, CodingKey { case rules, proxies, platform }

    /// Decodes a rules document; a problem throws a ``BulwarkConfigurationError``.
    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw BulwarkConfigurationError(
                code: .malformedDocument,
                message: "the rules document must be a JSON object"
            )
        }
        guard container.contains(.rules) else {
            throw BulwarkConfigurationError(code: .missingField, field: "rules", message: "is required")
        }
        do {
            self.rules = try container.decode([RuleSpecification].self, forKey: .rules)
        } catch let error as BulwarkConfigurationError {
            throw error
        } catch {
            throw BulwarkConfigurationError(
                code: .malformedDocument,
                field: "rules",
                message: "expected an array of rules"
            )
        }
        do {
            self.proxies = try container.decodeIfPresent([String].self, forKey: .proxies) ?? []
            self.platform = try container.decodeIfPresent(String.self, forKey: .platform)
        } catch {
            throw BulwarkConfigurationError(
                code: .malformedDocument,
                field: "proxies",
                message: "expected an array of strings (proxies) and a string (platform)"
            )
        }
    }
}
