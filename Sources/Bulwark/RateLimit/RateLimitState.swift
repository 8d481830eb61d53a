/// The state of one rate-limit key, and the three algorithms as pure transitions on it.
///
/// The Redis store runs the same arithmetic in Lua, so both stores admit the same requests; keep
/// the two in step.
enum RateLimitState: Sendable, Hashable {
    /// Tokens left and the time the bucket was last refilled.
    case tokenBucket(tokens: Int, refilledAt: Int64)
    /// The start of the current window and the units counted in it.
    case fixedWindow(start: Int64, count: Int)
    /// The start of the current window, the units counted in it and in the one before.
    case slidingWindow(start: Int64, current: Int, previous: Int)

    /// Applies the policy at `now` (nanoseconds since the epoch) to the state (`nil` for a new or
    /// expired key), returning the outcome, the new state, and when that state expires: after that
    /// instant it is indistinguishable from a new key and may be forgotten.
    static func apply(
        _ policy: RateLimitPolicy,
        to state: RateLimitState?,
        requested: Int,
        now: Int64
    ) -> (outcome: RateLimitOutcome, state: RateLimitState, expiresAt: Int64) {
        switch policy.algorithm {
        case .tokenBucket: tokenBucket(policy, state, requested, now)
        case .fixedWindow: fixedWindow(policy, state, requested, now)
        case .slidingWindow: slidingWindow(policy, state, requested, now)
        }
    }

    private static func tokenBucket(
        _ policy: RateLimitPolicy,
        _ state: RateLimitState?,
        _ requested: Int,
        _ now: Int64
    ) -> (outcome: RateLimitOutcome, state: RateLimitState, expiresAt: Int64) {
        let interval = policy.intervalNanoseconds
        let capacity = policy.max
        let rate = policy.refillRate
        var tokens = capacity
        var refilledAt = now
        if case .tokenBucket(let oldTokens, let oldRefill) = state, now >= oldRefill {
            let intervals = (now - oldRefill) / interval
            let refill = intervals.multipliedReportingOverflow(by: Int64(rate))
            tokens =
                refill.overflow || refill.partialValue >= Int64(capacity)
                ? capacity : Swift.min(capacity, oldTokens + Int(refill.partialValue))
            refilledAt = oldRefill + intervals * interval
        } else if case .tokenBucket(let oldTokens, _) = state {
            tokens = oldTokens  // the clock went back: no refill, never a free bucket
        }
        let allowed = tokens >= requested
        if allowed { tokens -= requested }
        let nextRefill = refilledAt + interval - now
        // The time until `tokens` reaches `target`, refill by refill (capped: a bucket refilled by one
        // token a month and missing millions would overflow).
        func timeUntil(_ target: Int) -> Int64 {
            guard target > tokens else { return 0 }
            let refills = Int64((target - tokens - 1) / rate) + 1
            let (wait, overflow) = (refills - 1).multipliedReportingOverflow(by: interval)
            guard !overflow, wait < maximumNanoseconds - nextRefill else { return maximumNanoseconds }
            return nextRefill + wait
        }
        let reset = allowed || requested > capacity ? timeUntil(capacity) : timeUntil(requested)
        let outcome = RateLimitOutcome(
            allowed: allowed,
            max: capacity,
            remaining: tokens,
            resetNanoseconds: reset,
            blockedNanoseconds: tokens == 0 ? nextRefill : 0
        )
        return (outcome, .tokenBucket(tokens: tokens, refilledAt: refilledAt), saturatingSum(now, timeUntil(capacity)))
    }

    private static func fixedWindow(
        _ policy: RateLimitPolicy,
        _ state: RateLimitState?,
        _ requested: Int,
        _ now: Int64
    ) -> (outcome: RateLimitOutcome, state: RateLimitState, expiresAt: Int64) {
        let window = policy.intervalNanoseconds
        let start = now - floorModulo(now, window)
        var count = 0
        if case .fixedWindow(let oldStart, let oldCount) = state, oldStart == start { count = oldCount }
        let allowed = count + requested <= policy.max
        if allowed { count += requested }
        let reset = start + window - now
        let remaining = Swift.max(0, policy.max - count)
        let outcome = RateLimitOutcome(
            allowed: allowed,
            max: policy.max,
            remaining: remaining,
            resetNanoseconds: reset,
            blockedNanoseconds: remaining == 0 ? reset : 0
        )
        return (outcome, .fixedWindow(start: start, count: count), saturatingSum(start, window))
    }

    private static func slidingWindow(
        _ policy: RateLimitPolicy,
        _ state: RateLimitState?,
        _ requested: Int,
        _ now: Int64
    ) -> (outcome: RateLimitOutcome, state: RateLimitState, expiresAt: Int64) {
        let interval = policy.intervalNanoseconds
        let start = now - floorModulo(now, interval)
        var current = 0
        var previous = 0
        if case .slidingWindow(let oldStart, let oldCurrent, let oldPrevious) = state {
            if oldStart == start {
                current = oldCurrent
                previous = oldPrevious
            } else if oldStart == start - interval {
                previous = oldCurrent
            }
        }
        let elapsed = now - start
        let estimate = weighted(previous, remaining: interval - elapsed, of: interval) + current
        let allowed = estimate + requested <= policy.max
        if allowed { current += requested }
        let used = estimate + (allowed ? requested : 0)
        let remaining = Swift.max(0, policy.max - used)
        // When a request of `units` fits: the previous window's weight falls linearly to zero over
        // the current window, after which the current window becomes the previous one.
        func timeUntilFits(_ units: Int) -> Int64 {
            let room = policy.max - current - units
            if room >= 0 {
                return timeUntilWeightFallsTo(room, count: previous, elapsed: elapsed, interval: interval)
            }
            guard units <= policy.max else { return interval - elapsed }
            let untilNext = interval - elapsed
            return untilNext
                + timeUntilWeightFallsTo(policy.max - units, count: current, elapsed: 0, interval: interval)
        }
        let outcome = RateLimitOutcome(
            allowed: allowed,
            max: policy.max,
            remaining: remaining,
            resetNanoseconds: allowed ? interval - elapsed : timeUntilFits(requested),
            blockedNanoseconds: remaining == 0 ? timeUntilFits(1) : 0
        )
        let expiresAt = saturatingSum(saturatingSum(start, interval), interval)
        return (outcome, .slidingWindow(start: start, current: current, previous: previous), expiresAt)
    }

    /// The longest wait an outcome reports, 2^53 − 1 µs (about 285 years): the Redis store's Lua
    /// scripts count microseconds in doubles, exact up to there, and cap at the same value.
    static let maximumNanoseconds: Int64 = ((1 << 53) - 1) * 1000

    @inline(__always)
    static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// `floor(count × remaining / interval)`: the part of a window's count still inside the rolling interval.
    @inline(__always)
    static func weighted(_ count: Int, remaining: Int64, of interval: Int64) -> Int {
        guard count > 0, remaining > 0 else { return 0 }
        let (high, low) = Int64(count).multipliedFullWidth(by: remaining)
        return Int(Int64(interval).dividingFullWidth((high, low)).quotient)
    }

    /// Nanoseconds from `elapsed` until `weighted(count, interval - t, interval) <= limit`.
    private static func timeUntilWeightFallsTo(
        _ limit: Int,
        count: Int,
        elapsed: Int64,
        interval: Int64
    ) -> Int64 {
        if weighted(count, remaining: interval - elapsed, of: interval) <= limit { return 0 }
        // floor(count × r / interval) <= limit  ⇔  r < (limit + 1) × interval / count.
        let (high, low) = Int64(limit + 1).multipliedFullWidth(by: interval)
        let division = Int64(count).dividingFullWidth((high, low))
        let bound = division.remainder == 0 ? division.quotient - 1 : division.quotient  // the largest r that fits
        return Swift.max(0, (interval - elapsed) - bound)
    }

    @inline(__always)
    private static func floorModulo(_ value: Int64, _ modulus: Int64) -> Int64 {
        let remainder = value % modulus
        return remainder < 0 ? remainder + modulus : remainder
    }
}
