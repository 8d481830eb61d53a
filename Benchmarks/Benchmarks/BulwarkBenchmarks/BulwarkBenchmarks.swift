import Benchmark
import Bulwark
import HTTPTypes

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .instructions, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000,
        thresholds: [
            .instructions: BenchmarkThresholds(relative: [.p50: 10, .p90: 15]),
            .mallocCountTotal: BenchmarkThresholds(absolute: [.p50: 2, .p90: 2]),
        ],
    )
    tokenBucketBenchmarks()
    protectBenchmarks()
    protectWithoutRulesBenchmark()
    clientIPBenchmarks()
}

/// A thousand operations an iteration, reported per operation: one operation alone is shorter than
/// the harness's own bookkeeping around an iteration.
var perOperation: Benchmark.Configuration { .init(scalingFactor: .kilo) }

/// The store alone: one token-bucket decision on one key, and the same under contention.
func tokenBucketBenchmarks() {
    let policy = RateLimitPolicy.tokenBucket(refillRate: 1_000_000, interval: .seconds(1), capacity: 1_000_000_000)
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)

    Benchmark("InMemoryTokenBucketDecision", configuration: perOperation) { benchmark in
        let store = InMemoryRateLimitStore()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(store.consumeNow(key: "user-42", policy: policy, requested: 1, now: now))
        }
    }

    // 8 tasks sharing 1,000 decisions per iteration, on one hot key and on 8 keys: the lock's cost
    // when both cores contend for it, and when the shards spread the load. Figures are per decision.
    for (name, keys) in [("OneKey", ["hot"]), ("EightKeys", (0..<8).map { "key-\($0)" })] {
        Benchmark(
            "InMemoryStoreContention8Tasks\(name)",
            configuration: .init(scalingFactor: .kilo)
        ) { benchmark in
            let store = InMemoryRateLimitStore()
            let perTask = benchmark.scaledIterations.count / 8
            benchmark.startMeasurement()
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    let key = keys[task % keys.count]
                    group.addTask {
                        for _ in 0..<perTask {
                            blackHole(store.consumeNow(key: key, policy: policy, requested: 1, now: now))
                        }
                    }
                }
            }
        }
    }
}

/// The whole decision: `protect` with one token-bucket rule keyed by a custom characteristic.
func protectBenchmarks() {
    Benchmark("ProtectOneTokenBucket", configuration: perOperation) { benchmark in
        let bulwark = try Bulwark(rules: [
            .tokenBucket(
                mode: .live,
                characteristics: ["userId"],
                refillRate: 1_000_000,
                interval: .seconds(1),
                capacity: 1_000_000_000
            )
        ])
        let request = BulwarkRequest(
            method: .post,
            authority: "api.example.com",
            path: "/v1/chat",
            headers: [.userAgent: "Mozilla/5.0", .contentType: "application/json"],
            remoteAddress: "203.0.113.7"
        )
        let characteristics = ["userId": "user-42"]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await bulwark.protect(request, characteristics: characteristics))
        }
    }
}

/// The engine's fixed cost: `protect` with no rules (client IP, context, decision id, decision).
func protectWithoutRulesBenchmark() {
    Benchmark("ProtectNoRules", configuration: perOperation) { benchmark in
        let bulwark = try Bulwark(rules: [])
        let request = BulwarkRequest(
            method: .get,
            authority: "api.example.com",
            path: "/",
            remoteAddress: "203.0.113.7"
        )
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await bulwark.protect(request))
        }
    }
}

/// Client-IP resolution behind a load balancer, with a three-hop `X-Forwarded-For`.
func clientIPBenchmarks() {
    Benchmark("ClientIP3HopForwardedFor", configuration: perOperation) { benchmark in
        let resolver = try ClientIPResolver(proxies: ["10.0.0.0/8", "172.16.0.0/12"])
        var headers = HTTPFields()
        headers[HTTPField.Name("x-forwarded-for")!] = "8.8.8.8, 10.1.2.3, 172.16.5.4"
        let peer = IPAddress("10.0.0.2")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(resolver.clientIP(peer: peer, headers: headers))
        }
    }
}
