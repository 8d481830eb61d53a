// swift-tools-version:6.2
import PackageDescription

// CI sets BULWARK_WARNINGS_AS_ERRORS=1 so that a warning fails the build there; users who depend on
// the package never get the flag, so a newer compiler's new warning cannot break their builds.
let strictSettings: [SwiftSetting] =
    Context.environment["BULWARK_WARNINGS_AS_ERRORS"] == "1" ? [.treatAllWarnings(as: .error)] : []
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)] + strictSettings
// In the core, async calls run on the caller's executor (SE-0461) instead of hopping to the global
// one: a decision is a microsecond of work, and executor hops would add to it. The adapters keep the
// frameworks' own conventions, whose middleware protocols expect the default.
let coreSwiftSettings: [SwiftSetting] = swiftSettings + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]

let package = Package(
    name: "bulwark",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Bulwark", targets: ["Bulwark"]),
        .library(name: "BulwarkHummingbird", targets: ["BulwarkHummingbird"]),
        .library(name: "BulwarkVapor", targets: ["BulwarkVapor"]),
        .library(name: "BulwarkTesting", targets: ["BulwarkTesting"]),
        .executable(name: "bulwark", targets: ["BulwarkCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
    ],
    targets: [
        .target(
            name: "Bulwark",
            dependencies: [
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: coreSwiftSettings
        ),
        .target(
            name: "BulwarkHummingbird",
            dependencies: [
                "Bulwark",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BulwarkVapor",
            dependencies: [
                "Bulwark",
                .product(name: "Vapor", package: "vapor"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BulwarkTesting",
            dependencies: ["Bulwark"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BulwarkCLI",
            dependencies: [
                "Bulwark",
                "BulwarkHummingbird",
                "BulwarkTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BulwarkTests",
            dependencies: ["Bulwark", "BulwarkTesting"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BulwarkHummingbirdTests",
            dependencies: [
                "BulwarkHummingbird",
                "BulwarkTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BulwarkVaporTests",
            dependencies: [
                "BulwarkVapor",
                "BulwarkTesting",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BulwarkCLITests",
            dependencies: [
                "BulwarkCLI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
