/// A rate-limit algorithm with its parameters, as a store applies it to one key.
public struct RateLimitPolicy: Sendable, Hashable, CustomStringConvertible {
    /// The algorithms.
    public enum Algorithm: String, Sendable, Hashable {
        /// A bucket of `capacity` tokens, refilled by `refillRate` tokens at the end of each `interval`.
        case tokenBucket
        /// At most `max` units in each window aligned to the Unix epoch.
        case fixedWindow
        /// At most `max` units in any rolling `interval`, estimated from the current and previous windows.
        case slidingWindow
    }

    /// The algorithm.
    public let algorithm: Algorithm
    /// A bucket's capacity, or a window's maximum.
    public let max: Int
    /// Tokens added per interval (token bucket only; 0 otherwise).
    public let refillRate: Int
    /// The refill interval or window length.
    public let interval: Duration
    /// ``interval`` in nanoseconds, kept so that the hot path does no conversion.
    public let intervalNanoseconds: Int64

    private init(algorithm: Algorithm, max: Int, refillRate: Int, interval: Duration) {
        self.algorithm = algorithm
        self.max = max
        self.refillRate = refillRate
        self.interval = interval
        self.intervalNanoseconds = interval.nanoseconds
    }

    /// A token bucket: `capacity` tokens, `refillRate` more at the end of every `interval`.
    public static func tokenBucket(refillRate: Int, interval: Duration, capacity: Int) -> RateLimitPolicy {
        RateLimitPolicy(algorithm: .tokenBucket, max: capacity, refillRate: refillRate, interval: interval)
    }

    /// A fixed window: at most `max` units per `window`, windows aligned to the Unix epoch.
    public static func fixedWindow(max: Int, window: Duration) -> RateLimitPolicy {
        RateLimitPolicy(algorithm: .fixedWindow, max: max, refillRate: 0, interval: window)
    }

    /// A sliding window: at most `max` units in any rolling `interval`.
    public static func slidingWindow(max: Int, interval: Duration) -> RateLimitPolicy {
        RateLimitPolicy(algorithm: .slidingWindow, max: max, refillRate: 0, interval: interval)
    }

    /// The window (or refill interval) in whole seconds, rounded up, as reported in reasons.
    public var windowSeconds: Int { ceilSeconds(nanoseconds: intervalNanoseconds) }

    /// A compact form such as `tokenBucket(100/60s, capacity 1000)`.
    public var description: String {
        switch algorithm {
        case .tokenBucket: "tokenBucket(\(refillRate)/\(interval), capacity \(max))"
        case .fixedWindow: "fixedWindow(\(max)/\(interval))"
        case .slidingWindow: "slidingWindow(\(max)/\(interval))"
        }
    }
}

/// What a store answered for one request on one key.
public struct RateLimitOutcome: Sendable, Hashable {
    /// Whether the request was admitted (and its units consumed).
    public var allowed: Bool
    /// The policy's capacity or maximum.
    public var max: Int
    /// Units left after this request.
    public var remaining: Int
    /// Nanoseconds until the limit resets: on a denial, until the request could be admitted; on an
    /// admission, until the bucket is full again or the window ends.
    public var resetNanoseconds: Int64
    /// Nanoseconds during which no request at all can be admitted on this key (0 if one could be
    /// now): how long a denial may be cached.
    public var blockedNanoseconds: Int64

    /// Creates an outcome.
    public init(allowed: Bool, max: Int, remaining: Int, resetNanoseconds: Int64, blockedNanoseconds: Int64) {
        self.allowed = allowed
        self.max = max
        self.remaining = remaining
        self.resetNanoseconds = resetNanoseconds
        self.blockedNanoseconds = blockedNanoseconds
    }
}
