import BulwarkTesting
import Testing

@testable import Bulwark

@Suite("In-memory rate-limit store")
struct InMemoryRateLimitStoreTests {
    @Test("passes the store conformance suite", arguments: RateLimitStoreConformance.Check.allCases)
    func conformance(_ check: RateLimitStoreConformance.Check) async throws {
        try await RateLimitStoreConformance(honoursInjectedTime: true) { InMemoryRateLimitStore() }.run(check)
    }

    @Test("64 concurrent tasks on one key admit exactly the capacity, over many rounds")
    func concurrentExactnessManyRounds() async throws {
        let store = InMemoryRateLimitStore()
        let policy = RateLimitPolicy.tokenBucket(refillRate: 50, interval: .seconds(1), capacity: 50)
        for round in 0..<20 {
            let now = Timestamp(secondsSinceEpoch: 1_800_000_000 + Double(round))
            let admitted = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        var count = 0
                        for _ in 0..<4
                        where store.consumeNow(key: "hot", policy: policy, requested: 1, now: now).allowed {
                            count += 1
                        }
                        return count
                    }
                }
                return await group.reduce(0, +)
            }
            #expect(admitted == 50, "round \(round)")
        }
    }

    @Test("idle keys expire and the store stays within its capacity")
    func boundedMemory() {
        let store = InMemoryRateLimitStore(capacity: 1_000)
        let policy = RateLimitPolicy.fixedWindow(max: 10, window: .seconds(60))
        let start = Timestamp(secondsSinceEpoch: 1_800_000_000)
        for index in 0..<10_000 {
            _ = store.consumeNow(key: "key-\(index)", policy: policy, requested: 1, now: start)
        }
        #expect(store.keyCount <= 1_000)
        store.sweep(now: start.advanced(by: .seconds(61)))
        #expect(store.keyCount == 0)
    }

    @Test("no capacity is ever exceeded, whatever the shard count and however the keys fall")
    func capacityIsAHardBound() {
        let policy = RateLimitPolicy.fixedWindow(max: 10, window: .seconds(60))
        let start = Timestamp(secondsSinceEpoch: 1_800_000_000)
        for capacity in [1, 2, 3, 5, 17, 63, 64, 65, 100, 999, 1_000, 1_025] {
            let store = InMemoryRateLimitStore(capacity: capacity)
            for index in 0..<(capacity * 20) {
                _ = store.consumeNow(key: "k\(capacity)-\(index)", policy: policy, requested: 1, now: start)
                if index % 97 == 0 { #expect(store.keyCount <= capacity, "capacity \(capacity)") }
            }
            #expect(store.keyCount <= capacity, "capacity \(capacity)")
            #expect(store.keyCount > 0)
        }
    }

    @Test("a full bucket is forgotten: its state is the same as a new key's")
    func fullBucketForgotten() {
        let store = InMemoryRateLimitStore()
        let policy = RateLimitPolicy.tokenBucket(refillRate: 1, interval: .seconds(10), capacity: 2)
        let start = Timestamp(secondsSinceEpoch: 1_800_000_000)
        _ = store.consumeNow(key: "k", policy: policy, requested: 1, now: start)
        #expect(store.keyCount == 1)
        store.sweep(now: start.advanced(by: .seconds(10)))
        #expect(store.keyCount == 0)
    }

    @Test("a clock that goes back never refills a bucket")
    func clockGoesBack() {
        let store = InMemoryRateLimitStore()
        let policy = RateLimitPolicy.tokenBucket(refillRate: 5, interval: .seconds(10), capacity: 5)
        let start = Timestamp(secondsSinceEpoch: 1_800_000_000)
        #expect(store.consumeNow(key: "k", policy: policy, requested: 5, now: start).allowed)
        #expect(
            !store.consumeNow(key: "k", policy: policy, requested: 1, now: start.advanced(by: .seconds(-30))).allowed
        )
    }

    @Test("reset figures: token bucket and sliding window say when to retry")
    func resets() {
        let store = InMemoryRateLimitStore()
        let start = Timestamp(secondsSinceEpoch: 1_800_000_000)
        let bucket = RateLimitPolicy.tokenBucket(refillRate: 1, interval: .seconds(30), capacity: 3)
        for _ in 0..<3 { _ = store.consumeNow(key: "b", policy: bucket, requested: 1, now: start) }
        let denied = store.consumeNow(key: "b", policy: bucket, requested: 2, now: start.advanced(by: .seconds(5)))
        #expect(!denied.allowed)
        #expect(denied.resetNanoseconds == 55_000_000_000)  // two refills: at 30 s and 60 s
        #expect(denied.blockedNanoseconds == 25_000_000_000)  // one token arrives at 30 s
        let window = RateLimitPolicy.slidingWindow(max: 4, interval: .seconds(60))
        for _ in 0..<4 { _ = store.consumeNow(key: "s", policy: window, requested: 1, now: start) }
        // 1_800_000_000 is 0 mod 60: at +75 s the previous window's 4 weigh floor(4 × 45/60) = 3.
        let later = start.advanced(by: .seconds(75))
        let admitted = store.consumeNow(key: "s", policy: window, requested: 1, now: later)
        #expect(admitted.allowed)
        let full = store.consumeNow(key: "s", policy: window, requested: 1, now: later)
        #expect(!full.allowed)
        // It fits once floor(4 × r / 60) + 1 + 1 <= 4, i.e. once the remaining r = 45 s drops below 45 s.
        #expect(full.resetNanoseconds == 1)
        let retried = store.consumeNow(
            key: "s",
            policy: window,
            requested: 1,
            now: later.advanced(by: .nanoseconds(full.resetNanoseconds))
        )
        #expect(retried.allowed)
    }

    @Test("a bucket far from full at a slow refill reports a capped wait instead of overflowing")
    func cappedWait() {
        let store = InMemoryRateLimitStore()
        let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
        // 30,000 tokens at one a month: refilling all of them takes 2,500 years, past Int64 nanoseconds.
        let bucket = RateLimitPolicy.tokenBucket(refillRate: 1, interval: .seconds(30 * 86_400), capacity: 30_000)
        let emptied = store.consumeNow(key: "slow", policy: bucket, requested: 30_000, now: now)
        #expect(emptied.allowed && emptied.remaining == 0)
        #expect(emptied.resetNanoseconds == RateLimitState.maximumNanoseconds)
        #expect(emptied.blockedNanoseconds == 30 * 86_400 * 1_000_000_000)
        let denied = store.consumeNow(key: "slow", policy: bucket, requested: 1, now: now)
        #expect(!denied.allowed && denied.resetNanoseconds == 30 * 86_400 * 1_000_000_000)
    }
}
