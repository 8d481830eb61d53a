// swift-tools-version:6.2
import PackageDescription

// Benchmarks live in their own package so that the benchmark library and its malloc interposer
// never become dependencies of Bulwark's users.
let package = Package(
    name: "BulwarkBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "bulwark", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "BulwarkBenchmarks",
            dependencies: [
                .product(name: "Bulwark", package: "bulwark"),
                .product(name: "BulwarkRedis", package: "bulwark"),
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/BulwarkBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MiddlewareOverheadServer",
            dependencies: [
                .product(name: "Bulwark", package: "bulwark"),
                .product(name: "BulwarkHummingbird", package: "bulwark"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
