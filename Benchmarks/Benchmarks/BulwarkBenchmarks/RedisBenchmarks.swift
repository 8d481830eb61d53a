import Benchmark
import Bulwark
import BulwarkRedis
import Foundation

/// A whole decision with a fixed window in Redis, against a redis-server the benchmark starts on a
/// free loopback port: one at a time (a round trip each), and 64 at once (pipelined). Defined only
/// where redis-server is installed (CI installs it). The figures beside redis-benchmark come from
/// `scripts/redis/bench.sh`.
func redisBenchmarks() {
    guard
        let server = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else { return }

    func withRedis(_ body: (Bulwark) async throws -> Void) async throws {
        let socket = try ServerSocketPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: server)
        process.arguments = [
            "--port", String(socket.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--loglevel", "warning", "--dir", NSTemporaryDirectory(),
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            // SIGKILL: the child inherits the benchmark's signal mask, which may block SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(socket.port)")
        configuration.commandTimeout = .seconds(2)
        let store = RedisRateLimitStore(client: try RedisClient(configuration: configuration))
        let bulwark = try Bulwark(
            rules: [
                .fixedWindow(mode: .live, characteristics: ["userId"], window: .seconds(86_400), max: 1_000_000_000)
            ],
            options: BulwarkOptions(rateLimitStore: store)
        )
        // Wait until it answers.
        for _ in 0..<200 {
            if await !bulwark.protect(benchmarkRequest, characteristics: ["userId": "warm-up"]).hasError { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        try await body(bulwark)
    }

    // Allocations on a network path vary a little with how replies are split into reads.
    let networkThresholds: [BenchmarkMetric: BenchmarkThresholds] = [
        .mallocCountTotal: BenchmarkThresholds(relative: [.p50: 5, .p90: 10])
    ]

    Benchmark(
        "RedisProtectFixedWindow",
        configuration: .init(scalingFactor: .kilo, thresholds: networkThresholds)
    ) { benchmark in
        try await withRedis { bulwark in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(await bulwark.protect(benchmarkRequest, characteristics: ["userId": "u1"]))
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark(
        "RedisProtectFixedWindow64Concurrent",
        configuration: .init(scalingFactor: .one, thresholds: networkThresholds)
    ) { benchmark in
        try await withRedis { bulwark in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                await withTaskGroup(of: Void.self) { group in
                    for task in 0..<64 {
                        group.addTask {
                            blackHole(await bulwark.protect(benchmarkRequest, characteristics: ["userId": "u\(task)"]))
                        }
                    }
                }
            }
            benchmark.stopMeasurement()
        }
    }
}

private let benchmarkRequest = BulwarkRequest(
    method: .get,
    authority: "bench.test",
    path: "/",
    remoteAddress: "203.0.113.7"
)

/// A port on 127.0.0.1 that was free a moment ago.
private struct ServerSocketPort {
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileNoSuchFile) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}
