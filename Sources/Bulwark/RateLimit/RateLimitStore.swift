/// Where rate-limit state lives: in process memory, or shared (Redis) across app instances.
///
/// A store applies a policy to a key atomically: two concurrent calls on one key never both take
/// the last unit. Every implementation passes the conformance suite in `BulwarkTesting`.
public protocol RateLimitStore: Sendable {
    /// Applies the policy to the key for a request of `requested` units at time `now`, consuming
    /// the units if the request is admitted.
    ///
    /// A store with a clock of its own (Redis uses the server's `TIME`) may ignore `now`.
    func consume(
        key: String,
        policy: RateLimitPolicy,
        requested: Int,
        now: Timestamp
    ) async throws
        -> RateLimitOutcome

    /// Whether rules on this store wait on the network, so the engine runs them after local rules.
    var isRemote: Bool { get }
}

extension RateLimitStore {
    /// Stores are local unless they say otherwise.
    public var isRemote: Bool { false }
}
