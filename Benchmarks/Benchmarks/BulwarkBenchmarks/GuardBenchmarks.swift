import Benchmark
import Bulwark

/// Guards: the whole decision for one operation with one token bucket (the 2 µs target),
/// and with a bucket and a prompt-injection check on a short tool input.
func guardBenchmarks() {
    Benchmark("GuardOneTokenBucket", configuration: perOperation) { benchmark in
        let bulwark = try Bulwark(rules: [])
        let limit = try TokenBucket(
            refillRate: 1_000_000,
            interval: .seconds(1),
            maxTokens: 1_000_000_000,
            bucket: "user-tools"
        )
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await bulwark.guard(label: "tools.get-weather", rules: [limit(key: "user-42", requested: 1)]))
        }
    }

    Benchmark("GuardTokenBucketAndPromptInjection", configuration: perOperation) { benchmark in
        let bulwark = try Bulwark(rules: [])
        let limit = try TokenBucket(
            refillRate: 1_000_000,
            interval: .seconds(1),
            maxTokens: 1_000_000_000,
            bucket: "user-tools"
        )
        let injection = try DetectPromptInjection()
        let input = "What is the weather in Lyon tomorrow afternoon, and should I bring an umbrella?"
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(
                await bulwark.guard(
                    label: "tools.get-weather",
                    rules: [limit(key: "user-42", requested: 1), injection(input)]
                )
            )
        }
    }
}
