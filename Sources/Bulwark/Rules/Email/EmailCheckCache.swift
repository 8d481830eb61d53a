/// A bounded cache of network check results, by key, each kept for a fixed time: the Gravatar
/// check's answers by address hash, so that an address seen again costs no request.
///
/// DNS answers for the MX check are cached by the ``CachingDNSResolver`` that the check asks, so
/// they need no cache of their own here.
///
/// At most `capacity` results are held; when full, expired ones are swept and, failing that, some
/// live ones are evicted (see ``ExpiringMap``). It is sharded, each shard behind its own `Mutex`, so
/// concurrent checks rarely contend. Which results are worth keeping is the caller's decision:
/// the Gravatar check keeps definite answers and never a timeout or a failure.
///
/// ```swift
/// let cache = EmailCheckCache<GravatarStatus>(capacity: 10_000, ttl: .seconds(3_600))
/// cache.store(.found, for: hash)
/// cache.value(for: hash)  // .found, for the next hour
/// ```
final class EmailCheckCache<Value: Sendable>: Sendable {
    /// How long a result is kept.
    let ttl: Duration

    private let entries: ExpiringMap<Value>
    private let clock: any BulwarkClock

    /// A cache of at most `capacity` results (at least one), each kept for `ttl`.
    ///
    /// - Parameters:
    ///   - capacity: The most results held (10,000 by default).
    ///   - ttl: How long a result is kept (an hour by default); zero or less keeps nothing.
    ///   - clock: The clock that times the entries: the client's, so that a manual clock drives it in tests.
    init(capacity: Int = 10_000, ttl: Duration = .seconds(3_600), clock: some BulwarkClock = SystemClock()) {
        self.ttl = ttl
        self.clock = clock
        self.entries = ExpiringMap(capacity: Swift.max(1, capacity))
    }

    /// The result stored for `key`, if it has not expired.
    func value(for key: String) -> Value? {
        entries.value(for: key, now: clock.now().nanosecondsSinceEpoch)
    }

    /// Stores `value` for `key` for the cache's `ttl`, replacing any earlier result.
    func store(_ value: Value, for key: String) {
        guard ttl > .zero else { return }
        let now = clock.now()
        entries.set(key, value, expiresAt: now.advanced(by: ttl).nanosecondsSinceEpoch, now: now.nanosecondsSinceEpoch)
    }

    /// The number of results held, expired or not (for tests).
    var count: Int { entries.count }
}
