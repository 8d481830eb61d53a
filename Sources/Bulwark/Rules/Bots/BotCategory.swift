/// A family of bots, as in `CATEGORY:SEARCH_ENGINE`.
public struct BotCategory: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The wire form, e.g. `SEARCH_ENGINE`.
    public let rawValue: String

    /// A category from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Academic and research crawlers.
    public static let academic = BotCategory(rawValue: "ACADEMIC")
    /// Advertising verification and ad-network crawlers.
    public static let advertising = BotCategory(rawValue: "ADVERTISING")
    /// AI crawlers and assistants: training, search and user-triggered fetches.
    public static let ai = BotCategory(rawValue: "AI")
    /// Amazon's bots.
    public static let amazon = BotCategory(rawValue: "AMAZON")
    /// Apple's bots.
    public static let apple = BotCategory(rawValue: "APPLE")
    /// Web archivers.
    public static let archive = BotCategory(rawValue: "ARCHIVE")
    /// Known malicious automation.
    public static let botnet = BotCategory(rawValue: "BOTNET")
    /// Feed readers and fetchers.
    public static let feedFetcher = BotCategory(rawValue: "FEEDFETCHER")
    /// Google's bots.
    public static let google = BotCategory(rawValue: "GOOGLE")
    /// Meta's bots.
    public static let meta = BotCategory(rawValue: "META")
    /// Microsoft's bots.
    public static let microsoft = BotCategory(rawValue: "MICROSOFT")
    /// Uptime and performance monitors.
    public static let monitor = BotCategory(rawValue: "MONITOR")
    /// SEO and site optimisation crawlers.
    public static let optimizer = BotCategory(rawValue: "OPTIMIZER")
    /// Link-preview fetchers (chat apps, social networks, office suites and mail clients).
    public static let preview = BotCategory(rawValue: "PREVIEW")
    /// HTTP libraries and programmatic clients.
    public static let programmatic = BotCategory(rawValue: "PROGRAMMATIC")
    /// Search engine crawlers.
    public static let searchEngine = BotCategory(rawValue: "SEARCH_ENGINE")
    /// Slack's bots.
    public static let slack = BotCategory(rawValue: "SLACK")
    /// Social network crawlers.
    public static let social = BotCategory(rawValue: "SOCIAL")
    /// Command-line tools, scanners and automation tools.
    public static let tool = BotCategory(rawValue: "TOOL")
    /// Bots of no known family, including those caught only by a generic signal.
    public static let unknown = BotCategory(rawValue: "UNKNOWN")
    /// Vercel's bots.
    public static let vercel = BotCategory(rawValue: "VERCEL")
    /// Webhook senders.
    public static let webhook = BotCategory(rawValue: "WEBHOOK")
    /// Yahoo's bots.
    public static let yahoo = BotCategory(rawValue: "YAHOO")

    /// Every category.
    public static let allCases: [BotCategory] = [
        .academic, .advertising, .ai, .amazon, .apple, .archive, .botnet, .feedFetcher, .google, .meta, .microsoft,
        .monitor, .optimizer, .preview, .programmatic, .searchEngine, .slack, .social, .tool, .unknown, .vercel,
        .webhook, .yahoo,
    ]

    /// The wire form.
    public var description: String { rawValue }
}

/// A bot or a category of bots in a `detectBot` rule's `allow` or `deny` list.
///
/// Written as a bot id (`"CURL"`, `"GOOGLE_CRAWLER"`) or as `"CATEGORY:SEARCH_ENGINE"`:
///
/// ```swift
/// .detectBot(mode: .live, allow: [.category(.searchEngine), "CURL"])
/// ```
public struct BotSelector: Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The wire form: a bot id, or `CATEGORY:` and a category.
    public let rawValue: String

    /// A selector from its wire form; it is checked when the client is built.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// A selector from a string literal.
    public init(stringLiteral value: String) { self.init(value) }

    /// Every bot of a category.
    public static func category(_ category: BotCategory) -> BotSelector {
        BotSelector("CATEGORY:" + category.rawValue)
    }

    /// One bot, by its UPPER_SNAKE id.
    public static func bot(_ id: String) -> BotSelector { BotSelector(id) }

    /// The category, when this selects one.
    public var category: BotCategory? {
        guard rawValue.hasPrefix("CATEGORY:") else { return nil }
        return BotCategory(rawValue: String(rawValue.dropFirst("CATEGORY:".count)))
    }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The wire form.
    public var description: String { rawValue }
}

/// The details of a `BOT` reason.
public struct BotReason: Sendable, Hashable, Codable {
    /// Bots detected that the rule allows.
    public var allowed: [String]
    /// Bots detected that the rule denies.
    public var denied: [String]
    /// Whether the client proved to be the bot it claims (published ranges or reverse DNS).
    public var verified: Bool
    /// Whether the client claims a verifiable bot and failed the check: an impostor.
    public var spoofed: Bool

    /// Creates bot details.
    public init(allowed: [String], denied: [String], verified: Bool, spoofed: Bool) {
        self.allowed = allowed
        self.denied = denied
        self.verified = verified
        self.spoofed = spoofed
    }
}
