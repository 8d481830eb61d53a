// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for Bulwark's parsers of untrusted input. Build and run with
// `scripts/fuzz.sh [SECONDS]`; they need `-sanitize=fuzzer,address`, so they live outside the
// main package's normal build.
let package = Package(
    name: "BulwarkFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "bulwark", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "ParsersFuzzer",
            dependencies: [
                .product(name: "Bulwark", package: "bulwark"),
                .product(name: "BulwarkRedis", package: "bulwark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        )
    ]
)
