import Synchronization

/// Checks that a client claiming a verifiable bot (Googlebot, Bingbot, GPTBot, …) is that bot: by
/// the address ranges its operator publishes, or by reverse DNS with forward confirmation.
///
/// One verifier is shared by a client's bot rules through ``BulwarkOptions/botVerifier``. It starts
/// with the ranges bundled in the package; ``BotRangeRefresher`` replaces them from a file or URL.
/// When the operator publishes ranges, they decide: an address outside them is spoofed unless
/// reverse DNS (where the operator supports it) proves otherwise. When reverse DNS is the only
/// check, a lookup that fails or times out leaves the claim undetermined (neither verified nor
/// spoofed), so a slow resolver never denies a real crawler. DNS verdicts are cached.
///
/// ```swift
/// var options = BulwarkOptions()
/// options.botVerifier = BotVerifier(resolver: try UDPDNSResolver(nameservers: ["127.0.0.1:5353"]))
/// ```
public final class BotVerifier: Sendable {
    enum Verdict: Sendable, Hashable {
        /// The client is the bot it claims.
        case verified
        /// The client claims a verifiable bot and fails the check.
        case spoofed
        /// Nobody publishes a way to check this bot.
        case unverifiable
        /// The check could not be completed (no address, DNS failure or timeout).
        case undetermined(String)
    }

    private let configuredResolver: (any DNSResolver)?
    private let systemResolver: Mutex<(any DNSResolver)?> = Mutex(nil)
    /// Range sets loaded since start; the bundled ones answer for the rest (read lazily, so a
    /// client without bot rules never parses the catalogue).
    private let ranges: Mutex<[String: IPSet]>
    private let verdicts: ExpiringMap<Verdict>
    private let timeout: Duration
    private let cacheTTL: Duration

    /// A verifier.
    ///
    /// - Parameters:
    ///   - resolver: Answers DNS queries; `nil` uses the nameservers of `/etc/resolv.conf`.
    ///   - timeout: The longest one DNS verification may take; past it the claim is undetermined.
    ///   - cacheCapacity: How many DNS verdicts (per bot and address) are remembered.
    ///   - cacheTTL: How long a DNS verdict is remembered.
    public init(
        resolver: (any DNSResolver)? = nil,
        timeout: Duration = .seconds(2),
        cacheCapacity: Int = 10_000,
        cacheTTL: Duration = .seconds(3600)
    ) {
        self.configuredResolver = resolver
        self.timeout = timeout
        self.cacheTTL = cacheTTL
        self.verdicts = ExpiringMap(capacity: Swift.max(1, cacheCapacity))
        self.ranges = Mutex([:])
    }

    /// Replaces the named range sets (others keep their bundled or last loaded ranges).
    ///
    /// - Parameter update: Range sets by the names the catalogue uses, such as `google-googlebot`.
    public func updateRanges(_ update: [String: IPSet]) {
        ranges.withLock { current in
            for (name, set) in update { current[name] = set }
        }
    }

    /// The names of the range sets the verifier knows.
    public var rangeSetNames: [String] {
        Set(ranges.withLock { Array($0.keys) }).union(BotCatalogue.bundled.ranges.keys).sorted()
    }

    func contains(_ address: IPAddress, inRangeSet name: String) -> Bool {
        if let loaded = ranges.withLock({ $0[name] }) { return loaded.contains(address) }
        return BotCatalogue.bundled.ranges[name]?.contains(address) ?? false
    }

    func verify(_ bot: BotCatalogue.Bot, address: IPAddress?, now: Timestamp) async -> Verdict {
        guard bot.isVerifiable else { return .unverifiable }
        guard let address else { return .undetermined("the client's address is unknown") }
        if bot.rangeSets.contains(where: { contains(address, inRangeSet: $0) }) { return .verified }
        guard !bot.dnsMasks.isEmpty else { return .spoofed }
        let key = bot.id + "|" + address.description
        let nanoseconds = now.nanosecondsSinceEpoch
        if let cached = verdicts.value(for: key, now: nanoseconds) { return cached }
        let verdict = await verifyByDNS(bot, address: address)
        if verdict == .verified || verdict == .spoofed {
            verdicts.set(key, verdict, expiresAt: nanoseconds + cacheTTL.nanoseconds, now: nanoseconds)
        }
        // The operator's published ranges already said no; DNS was a second chance, and a DNS
        // failure does not turn that no into a maybe.
        if case .undetermined = verdict, !bot.rangeSets.isEmpty { return .spoofed }
        return verdict
    }

    private func resolver() -> (any DNSResolver)? {
        if let configuredResolver { return configuredResolver }
        return systemResolver.withLock { cached in
            if let cached { return cached }
            let made: (any DNSResolver)? = try? UDPDNSResolver.system(timeout: timeout / 2, attempts: 2)
            cached = made
            return made
        }
    }

    private func verifyByDNS(_ bot: BotCatalogue.Bot, address: IPAddress) async -> Verdict {
        guard let resolver = resolver() else { return .undetermined("no DNS resolver is configured") }
        let masks = bot.dnsMasks
        let timeout = self.timeout
        let verdict = await withDeadline(timeout) { () async -> Verdict in
            do {
                let names = try await resolver.reverseLookup(address)
                for name in names where masks.contains(where: { Self.host(name, matches: $0) }) {
                    let addresses = try await resolver.addresses(of: name)
                    if addresses.contains(address) { return .verified }
                }
                return .spoofed
            } catch {
                return .undetermined("reverse DNS failed: \(error)")
            }
        }
        return verdict ?? .undetermined("reverse DNS did not answer within \(timeout)")
    }

    /// Whether a host name (lower-case, no trailing dot) fits a mask: `@.example.com` is the domain
    /// or any name under it; `***` stands for one or more characters within a label; anything else
    /// must be equal.
    static func host(_ host: String, matches mask: String) -> Bool {
        let host = host.hasSuffix(".") ? String(host.dropLast()) : host
        if mask.hasPrefix("@.") {
            let domain = mask.dropFirst(2)
            return host == domain || host.hasSuffix("." + domain)
        }
        let hostLabels = host.split(separator: ".", omittingEmptySubsequences: false)
        let maskLabels = mask.split(separator: ".", omittingEmptySubsequences: false)
        guard hostLabels.count == maskLabels.count else { return false }
        return zip(hostLabels, maskLabels).allSatisfy { label(Array($0.utf8), matches: Array($1.utf8)) }
    }

    private static func label(_ label: [UInt8], matches mask: [UInt8]) -> Bool {
        // Split the mask on `***`; the pieces must appear in order, the first at the start and the
        // last at the end, each wildcard covering at least one character.
        var pieces: [[UInt8]] = [[]]
        var index = 0
        while index < mask.count {
            if index + 2 < mask.count, mask[index] == 0x2A, mask[index + 1] == 0x2A, mask[index + 2] == 0x2A {
                pieces.append([])
                index += 3
            } else {
                pieces[pieces.count - 1].append(mask[index])
                index += 1
            }
        }
        if pieces.count == 1 { return label == pieces[0] }
        guard label.starts(with: pieces[0]) else { return false }
        var cursor = pieces[0].count
        for (position, piece) in pieces.enumerated().dropFirst() {
            cursor += 1  // the wildcard before this piece covers at least one character
            if position == pieces.count - 1 {
                return label.count - piece.count >= cursor && label.suffix(piece.count).elementsEqual(piece)
            }
            guard cursor <= label.count else { return false }
            if piece.isEmpty { continue }  // `******`: two wildcards in a row
            guard let found = label.firstIndex(of: piece, from: cursor) else { return false }
            cursor = found + piece.count
        }
        return true
    }
}
