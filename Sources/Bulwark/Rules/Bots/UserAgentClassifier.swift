/// What a request's User-Agent says about its client: the bots it names, or the browser.
///
/// ```swift
/// let client = DetectedClient(userAgent: request.headers[.userAgent])
/// if client.isBot { logger.info("bot", metadata: ["ids": "\(client.bots)"]) }
/// ```
public struct DetectedClient: Sendable, Hashable, Codable {
    /// The ids of the bots the user agent matched (`GOOGLE_CRAWLER`, `CURL`, …), `UNKNOWN_BOT` when
    /// only a generic signal matched, or `MISSING_USER_AGENT`; empty for a browser.
    public var bots: [String]
    /// The categories of those bots, each once.
    public var categories: [BotCategory]
    /// The browser family (`Chrome`, `Firefox`, `Safari`, `Edge`, `Opera`, `Samsung Internet`)
    /// when no bot matched and the user agent names one.
    public var browser: String?

    /// Creates a detected client.
    public init(bots: [String], categories: [BotCategory], browser: String?) {
        self.bots = bots
        self.categories = categories
        self.browser = browser
    }

    /// Classifies a user agent with the bundled catalogue (and its cache of recent user agents).
    public init(userAgent: String?) {
        self = UserAgentClassifier.shared.classify(userAgent)
    }

    /// Classifies a user agent without the cache, for measurements of the matching itself.
    @_spi(Benchmarking)
    public init(classifyingUncached userAgent: String) {
        self = UserAgentClassifier.shared.classifyUncached(userAgent)
    }

    /// Whether the user agent is a bot's, or missing.
    public var isBot: Bool { !bots.isEmpty }
}

/// Matches user agents against the catalogue: a literal prefilter picks the few patterns that can
/// match, which are then run for real; results are cached per user agent.
final class UserAgentClassifier: Sendable {
    let catalogue: BotCatalogue
    private let prefilter: LiteralPrefilter
    private let cache: ExpiringMap<DetectedClient>?

    /// Bytes of a user agent that are inspected; a longer one is cut (no browser sends more).
    static let maxBytes = 1024

    /// The classifier over the bundled catalogue, shared by every rule and ``DetectedClient``.
    static let shared = UserAgentClassifier(catalogue: .bundled, cacheCapacity: 10_000)

    init(catalogue: BotCatalogue, cacheCapacity: Int) {
        self.catalogue = catalogue
        self.prefilter = LiteralPrefilter(
            requiredLiterals: catalogue.patterns.map(\.requiredLiterals)
                + catalogue.genericPatterns.map(\.requiredLiterals)
        )
        self.cache = cacheCapacity > 0 ? ExpiringMap(capacity: cacheCapacity) : nil
    }

    /// Classifies a user agent, from the cache when it was seen recently.
    func classify(_ userAgent: String?) -> DetectedClient {
        guard let userAgent, userAgent.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
            return DetectedClient(bots: [BotCatalogue.missingUserAgentID], categories: [.unknown], browser: nil)
        }
        if let cache, let cached = cache.value(for: userAgent, now: 0) { return cached }
        let client = classifyUncached(userAgent)
        cache?.set(userAgent, client, expiresAt: .max, now: 0)
        return client
    }

    /// Classifies a user agent without the cache.
    func classifyUncached(_ userAgent: String) -> DetectedClient {
        let bytes = Array(userAgent.utf8.prefix(Self.maxBytes))
        let lowered = ShieldDecoding.lowercased(bytes)
        let bot = bytes.withUnsafeBufferPointer { original in
            lowered.withUnsafeBufferPointer { lower in
                bots(original: original, lower: lower, lowered: lowered)
            }
        }
        return bot ?? DetectedClient(bots: [], categories: [], browser: Self.browser(lowered))
    }

    /// The lower-cased user agent without the model of an Android comment (the segment after
    /// `android <version>;`, or after a locale there, up to the next `;` or `)`: "B BOT 550
    /// Build/MRA58K"), or `nil` when it has none. The segments after it (`wv`, a crawler's own
    /// token) stay.
    ///
    /// Generic signals are words (`bot`, `spider`, `discovery`, `capture`) that phone makers also
    /// use in model names ("B BOT 550", "Spider 8", "GM Discovery II"), so they are not searched
    /// there. Named bots still are: a crawler's name is matched wherever it appears.
    static func withoutAndroidModel(_ lower: [UInt8]) -> [UInt8]? {
        guard let android = lower.firstIndex(of: "android ", from: 0),
            android > 0, lower[..<android].contains(UInt8(ascii: "(")),
            let versionEnd = segmentEnd(lower, from: android), lower[versionEnd] == UInt8(ascii: ";"),
            var modelEnd = segmentEnd(lower, from: versionEnd + 1)
        else { return nil }
        if isLocale(lower[(versionEnd + 1)..<modelEnd]), lower[modelEnd] == UInt8(ascii: ";"),
            let next = segmentEnd(lower, from: modelEnd + 1)
        {
            modelEnd = next
        }
        var stripped: [UInt8] = []
        stripped.reserveCapacity(lower.count - (modelEnd - versionEnd - 1))
        stripped.append(contentsOf: lower[...versionEnd])
        stripped.append(contentsOf: lower[modelEnd...])
        return stripped
    }

    /// The index of the first `;` or `)` at or after `start`.
    private static func segmentEnd(_ lower: [UInt8], from start: Int) -> Int? {
        guard start < lower.count else { return nil }
        return lower[start...].firstIndex { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ")") }
    }

    /// Whether a comment segment is a locale: `en-us`, `zh_cn`, `ru`.
    private static func isLocale(_ segment: ArraySlice<UInt8>) -> Bool {
        let trimmed = segment.drop { $0 == 0x20 }
        guard (2...6).contains(trimmed.count) else { return false }
        let separators = trimmed.reduce(0) { $1 == UInt8(ascii: "-") || $1 == UInt8(ascii: "_") ? $0 + 1 : $0 }
        guard trimmed.count == 2 || separators == 1 else { return false }
        return trimmed.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }

    /// The bots the user agent names, or `nil` when it names none. Named patterns run on the user
    /// agent as sent (`original`); generic signals on its lower-cased form (`lower`, the same bytes
    /// as `lowered`) without an Android device's model, which is cut only when a generic signal is
    /// a candidate and no named bot matched (candidates come in order, named ones first).
    private func bots(
        original: UnsafeBufferPointer<UInt8>,
        lower: UnsafeBufferPointer<UInt8>,
        lowered: [UInt8]
    ) -> DetectedClient? {
        let named = catalogue.patterns.count
        var matchedBots: [Int] = []
        var genericMatch: Int?
        var generic: [UInt8]?
        for candidate in prefilter.candidates(in: lower) {
            if candidate < named {
                let owner = catalogue.patternOwners[candidate]
                guard !matchedBots.contains(owner), catalogue.patterns[candidate].matches(original) else { continue }
                if catalogue.bots[owner].forbidden.contains(where: { $0.matches(original) }) { continue }
                matchedBots.append(owner)
            } else if matchedBots.isEmpty, genericMatch == nil {
                let input = generic ?? Self.withoutAndroidModel(lowered) ?? lowered
                generic = input
                let pattern = catalogue.genericPatterns[candidate - named]
                if input.withUnsafeBufferPointer({ pattern.matches($0) }) { genericMatch = candidate - named }
            }
        }
        if !matchedBots.isEmpty {
            matchedBots.sort()
            var categories: [BotCategory] = []
            for owner in matchedBots {
                for category in catalogue.bots[owner].categories where !categories.contains(category) {
                    categories.append(category)
                }
            }
            return DetectedClient(bots: matchedBots.map { catalogue.bots[$0].id }, categories: categories, browser: nil)
        }
        if let genericMatch {
            let signal = catalogue.genericSignals[genericMatch]
            return DetectedClient(bots: [signal.id], categories: [signal.category], browser: nil)
        }
        return nil
    }

    private static let browsers: [(marker: [UInt8], name: String)] = [
        ("edg/", "Edge"), ("edge/", "Edge"), ("edga/", "Edge"), ("edgios/", "Edge"), ("opr/", "Opera"),
        ("opera", "Opera"), ("samsungbrowser/", "Samsung Internet"), ("firefox/", "Firefox"),
        ("fxios/", "Firefox"), ("crios/", "Chrome"), ("chrome/", "Chrome"), ("chromium/", "Chrome"),
        ("safari/", "Safari"),
    ].map { (Array($0.0.utf8), $0.1) }

    /// The browser family a user agent (lower-cased) names, by the first marker found in precedence
    /// order.
    static func browser(_ lower: [UInt8]) -> String? {
        for (marker, name) in browsers where lower.firstIndex(of: marker, from: 0) != nil { return name }
        return nil
    }
}
