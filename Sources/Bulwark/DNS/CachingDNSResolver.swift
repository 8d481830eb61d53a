import Synchronization

/// A ``DNSResolver`` that remembers another resolver's answers, so that a crawler's thousand
/// requests cost one reverse lookup and one forward lookup.
///
/// Answers are kept for `positiveTTL`, empty answers (no such name, no such records) for
/// `negativeTTL`; errors are not kept, so the next call asks again. The records' own TTLs are not
/// consulted. At most `capacity` answers are held; when full, the oldest-expiring are swept and,
/// failing that, some are evicted. Identical lookups made while one is under way wait for it
/// instead of asking again (a waiting caller's cancellation does not end the shared lookup, which
/// the upstream resolver's timeout bounds).
///
/// ```swift
/// let resolver = CachingDNSResolver(wrapping: try UDPDNSResolver.system(), positiveTTL: .seconds(1_800))
/// ```
public final class CachingDNSResolver: DNSResolver, Sendable {
    /// One cached answer, of whichever lookup it came from.
    enum Answer: Sendable {
        case names([String])
        case addresses([IPAddress])
        case exchangers([MailExchanger])

        var isEmpty: Bool {
            switch self {
            case .names(let names): return names.isEmpty
            case .addresses(let addresses): return addresses.isEmpty
            case .exchangers(let exchangers): return exchangers.isEmpty
            }
        }
    }

    /// How long a non-empty answer is kept.
    public let positiveTTL: Duration
    /// How long an empty answer is kept.
    public let negativeTTL: Duration

    private let upstream: any DNSResolver
    private let clock: any BulwarkClock
    private let cache: ExpiringMap<Answer>
    private let inFlight = Mutex<[String: Task<Answer, any Error>]>([:])

    /// A cache in front of `upstream`.
    ///
    /// - Parameters:
    ///   - upstream: The resolver that answers what the cache does not hold.
    ///   - capacity: The most answers held (10,000 by default).
    ///   - positiveTTL: How long a non-empty answer is kept (an hour by default).
    ///   - negativeTTL: How long an empty answer is kept (five minutes by default); zero keeps none.
    ///   - clock: The clock that times the entries; `BulwarkTesting`'s `ManualClock` in tests.
    public init(
        wrapping upstream: some DNSResolver,
        capacity: Int = 10_000,
        positiveTTL: Duration = .seconds(3_600),
        negativeTTL: Duration = .seconds(300),
        clock: some BulwarkClock = SystemClock()
    ) {
        self.upstream = upstream
        self.positiveTTL = positiveTTL
        self.negativeTTL = negativeTTL
        self.clock = clock
        self.cache = ExpiringMap(capacity: Swift.max(1, capacity))
    }

    /// The upstream resolver's names for the address, from the cache when it holds them.
    public func reverseLookup(_ address: IPAddress) async throws -> [String] {
        let upstream = self.upstream
        let answer = try await cachedAnswer(for: "ptr " + address.description) {
            .names(try await upstream.reverseLookup(address))
        }
        guard case .names(let names) = answer else { return [] }
        return names
    }

    /// The upstream resolver's addresses for the host, from the cache when it holds them.
    public func addresses(of host: String) async throws -> [IPAddress] {
        let upstream = self.upstream
        let answer = try await cachedAnswer(for: "addr " + Self.normalized(host)) {
            .addresses(try await upstream.addresses(of: host))
        }
        guard case .addresses(let addresses) = answer else { return [] }
        return addresses
    }

    /// The upstream resolver's mail exchangers for the domain, from the cache when it holds them.
    public func mailExchangers(of domain: String) async throws -> [MailExchanger] {
        let upstream = self.upstream
        let answer = try await cachedAnswer(for: "mx " + Self.normalized(domain)) {
            .exchangers(try await upstream.mailExchangers(of: domain))
        }
        guard case .exchangers(let exchangers) = answer else { return [] }
        return exchangers
    }

    /// The number of answers held, expired or not (for tests).
    var cachedCount: Int { cache.count }

    /// The cached answer for `key`, or the answer of the lookup under way for it, or a new lookup's.
    private func cachedAnswer(
        for key: String,
        _ fetch: @escaping @Sendable () async throws -> Answer
    ) async throws -> Answer {
        if let cached = cache.value(for: key, now: clock.now().nanosecondsSinceEpoch) { return cached }
        let task = inFlight.withLock { tasks -> Task<Answer, any Error> in
            if let running = tasks[key] { return running }
            // The task removes itself when done; it cannot do so before this insertion, which holds the lock.
            let task = Task<Answer, any Error> {
                do {
                    let answer = try await fetch()
                    self.store(answer, for: key)
                    self.inFlight.withLock { $0[key] = nil }
                    return answer
                } catch {
                    self.inFlight.withLock { $0[key] = nil }
                    throw error
                }
            }
            tasks[key] = task
            return task
        }
        return try await task.value
    }

    private func store(_ answer: Answer, for key: String) {
        let now = clock.now()
        let ttl = answer.isEmpty ? negativeTTL : positiveTTL
        cache.set(key, answer, expiresAt: now.advanced(by: ttl).nanosecondsSinceEpoch, now: now.nanosecondsSinceEpoch)
    }

    /// A name as a cache key: lower case, without the trailing dot.
    private static func normalized(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}
