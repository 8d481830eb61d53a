import ArgumentParser
import Bulwark
import BulwarkRedis
import Foundation

/// `bulwark redis-load`: many concurrent decisions on one rate-limit key in Redis, counted.
///
/// Run from several processes at once, the admitted counts must add up to exactly the limit; run with
/// a limit above the request count, it measures decisions per second and their latency.
struct RedisLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis-load",
        abstract:
            "Run concurrent decisions on one Redis rate-limit key and report admissions, errors and latency as JSON.",
        discussion: """
            Every decision goes through a Bulwark client with one rate-limit rule on the key, its state in
            Redis. Start the command in several processes on the same --redis, --key and limit: the
            "admitted" figures they print add up to exactly --limit (when --requests in total exceed it).
            Output: {"algorithm", "requests", "admitted", "denied", "errors", "seconds",
            "decisionsPerSecond", "p50Microseconds", "p99Microseconds"}.
            """
    )

    @Option(name: .long, help: "The Redis URL.")
    var redis: String

    @Option(name: .long, help: "tokenBucket, fixedWindow or slidingWindow.")
    var algorithm: RateLimitPolicy.Algorithm = .fixedWindow

    @Option(name: .long, help: "The limit: a bucket's capacity or a window's maximum.")
    var limit: Int = 10_000

    @Option(name: .long, help: "The window, or refill interval, in seconds (long, so that the run stays in one).")
    var window: Int = 30 * 86_400

    @Option(name: .long, help: "The key every decision counts against.")
    var key: String = "redis-load"

    @Option(name: .long, help: "Concurrent tasks.")
    var tasks: Int = 64

    @Option(name: .long, help: "Decisions in all, shared among the tasks.")
    var requests: Int = 50_000

    @Option(name: .long, help: "How long a Redis call may take, in milliseconds.")
    var timeout: Int = 1_000

    @Option(name: .long, help: "Connections in the pool.")
    var poolSize: Int = 2

    @Flag(name: .long, help: "Send every denial to Redis (no local cache of denied keys).")
    var noDenyCache = false

    @Flag(
        name: .long,
        help: "Print the algorithm's Lua script (as loaded into Redis) and exit, for other tools to run it."
    )
    var printScript = false

    func validate() throws {
        guard tasks > 0, requests > 0, limit > 0, window > 0, timeout > 0 else {
            throw ValidationError("--tasks, --requests, --limit, --window and --timeout must be positive")
        }
    }

    func run() async throws {
        if printScript {
            print(RedisRateLimitStore.script(for: algorithm), terminator: "")
            return
        }
        let bulwark: Bulwark
        do {
            var configuration = try RedisConfiguration(url: redis)
            configuration.commandTimeout = .milliseconds(timeout)
            configuration.poolSize = poolSize
            let store = RedisRateLimitStore(
                client: try RedisClient(configuration: configuration),
                denyCacheCapacity: noDenyCache ? 0 : 10_000
            )
            let rule: RuleSpecification
            switch algorithm {
            case .tokenBucket:
                rule = .tokenBucket(
                    mode: .live,
                    characteristics: ["key"],
                    refillRate: 1,
                    interval: .seconds(window),
                    capacity: limit
                )
            case .fixedWindow:
                rule = .fixedWindow(mode: .live, characteristics: ["key"], window: .seconds(window), max: limit)
            case .slidingWindow:
                rule = .slidingWindow(mode: .live, characteristics: ["key"], interval: .seconds(window), max: limit)
            }
            bulwark = try Bulwark(
                rules: [rule],
                options: BulwarkOptions(rateLimitStore: store, decisionCacheCapacity: 0)
            )
        } catch {
            FileHandle.standardError.write(Data("bulwark: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let request = BulwarkRequest(method: .get, authority: "load.test", path: "/", remoteAddress: "203.0.113.7")
        let characteristics = ["key": key]
        let clock = ContinuousClock()
        let started = clock.now
        let perTask = (0..<tasks).map { requests / tasks + ($0 < requests % tasks ? 1 : 0) }
        let results = await withTaskGroup(of: (admitted: Int, errors: Int, latencies: [Int64]).self) { group in
            for count in perTask {
                group.addTask {
                    var admitted = 0
                    var errors = 0
                    var latencies: [Int64] = []
                    latencies.reserveCapacity(count)
                    for _ in 0..<count {
                        let before = clock.now
                        let decision = await bulwark.protect(request, characteristics: characteristics)
                        latencies.append(before.duration(to: clock.now).nanoseconds)
                        if decision.hasError {
                            errors += 1
                        } else if decision.conclusion == .allow {
                            admitted += 1
                        }
                    }
                    return (admitted, errors, latencies)
                }
            }
            var total = (admitted: 0, errors: 0, latencies: [Int64]())
            for await result in group {
                total.admitted += result.admitted
                total.errors += result.errors
                total.latencies += result.latencies
            }
            return total
        }
        let seconds = Double(started.duration(to: clock.now).nanoseconds) / 1e9
        let latencies = results.latencies.sorted()
        func percentile(_ fraction: Double) -> Double {
            Double(latencies[Swift.min(latencies.count - 1, Int(Double(latencies.count) * fraction))]) / 1000
        }
        let summary: [String: Any] = [
            "algorithm": algorithm.rawValue, "requests": requests, "admitted": results.admitted,
            "denied": requests - results.admitted - results.errors, "errors": results.errors,
            "seconds": (seconds * 1000).rounded() / 1000,
            "decisionsPerSecond": Int((Double(requests) / seconds).rounded()),
            "p50Microseconds": percentile(0.5), "p99Microseconds": percentile(0.99),
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// `--algorithm tokenBucket|fixedWindow|slidingWindow`: Argument Parser rejects any other word.
extension RateLimitPolicy.Algorithm: ExpressibleByArgument {}
