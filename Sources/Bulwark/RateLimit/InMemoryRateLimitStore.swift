/// Rate-limit state in process memory: exact under concurrency, bounded, with no global lock.
///
/// Each key's state is updated under its shard's lock, so concurrent requests on one key are
/// admitted exactly up to the limit. A key is forgotten once its state is equivalent to a new key's
/// (a full bucket, an ended window). At most `capacity` keys are held; past that, the oldest state
/// is evicted, which can only admit a request early, never deny one wrongly.
///
/// This is the default store. For limits shared across app instances, use the Redis store.
public final class InMemoryRateLimitStore: RateLimitStore {
    private let states: ExpiringMap<RateLimitState>

    /// A store holding at most `capacity` keys.
    public init(capacity: Int = 1_000_000) {
        self.states = ExpiringMap(capacity: capacity)
    }

    /// Applies the policy to the key atomically.
    public func consume(
        key: String,
        policy: RateLimitPolicy,
        requested: Int,
        now: Timestamp
    ) async throws -> RateLimitOutcome {
        consumeNow(key: key, policy: policy, requested: requested, now: now)
    }

    /// The synchronous form of ``consume(key:policy:requested:now:)``.
    public func consumeNow(key: String, policy: RateLimitPolicy, requested: Int, now: Timestamp) -> RateLimitOutcome {
        let nanoseconds = now.nanosecondsSinceEpoch
        return states.update(key, now: nanoseconds) { state in
            let (outcome, newState, expiresAt) = RateLimitState.apply(
                policy,
                to: state,
                requested: requested,
                now: nanoseconds
            )
            return (newState, expiresAt, outcome)
        }
    }

    /// The number of keys held (including expired ones not yet swept).
    public var keyCount: Int { states.count }

    /// Forgets every key whose state has expired at `now`.
    public func sweep(now: Timestamp) { states.sweep(now: now.nanosecondsSinceEpoch) }
}
