// swift-tools-version:6.2
import Foundation
import PackageDescription

// CI turns every warning of our own targets into an error; local builds stay forgiving while iterating.
let strictWarnings: [SwiftSetting] =
    ProcessInfo.processInfo.environment["KERBSIDE_WARNINGS_AS_ERRORS"] == "1"
    ? [.treatAllWarnings(as: .error)] : []

let package = Package(
    name: "kerbside",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kerbsided", targets: ["kerbsided"]),
        .executable(name: "kerbside-sim", targets: ["kerbside-sim"]),
        .executable(name: "kerbside-bench", targets: ["kerbside-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        .target(
            name: "MQTT",
            dependencies: [
                "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.strictMemorySafety()] + strictWarnings
        ),
        .target(
            name: "KerbsideCore",
            swiftSettings: strictWarnings
        ),
        .target(
            name: "KerbsideConfiguration",
            dependencies: [
                "KerbsideCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictWarnings
        ),
        .target(
            name: "KerbsideStore",
            dependencies: [
                "KerbsideCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictWarnings
        ),
        .target(
            name: "KerbsideHTTP",
            dependencies: [
                "KerbsideCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictWarnings
        ),
        .target(
            name: "KerbsideDaemon",
            dependencies: [
                "KerbsideConfiguration",
                "KerbsideCore",
                "KerbsideHTTP",
                "KerbsideStore",
                "MQTT",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictWarnings
        ),
        .executableTarget(
            name: "kerbsided",
            dependencies: [
                "KerbsideConfiguration",
                "KerbsideDaemon",
                "KerbsideHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictWarnings
        ),
        .executableTarget(
            name: "kerbside-bench",
            dependencies: ["KerbsideCore"],
            path: "Benchmarks/kerbside-bench",
            swiftSettings: strictWarnings
        ),
        .target(
            name: "KerbsideSimulation",
            dependencies: ["KerbsideCore"],
            swiftSettings: strictWarnings
        ),
        .executableTarget(
            name: "kerbside-sim",
            dependencies: [
                "KerbsideConfiguration",
                "KerbsideCore",
                "KerbsideSimulation",
                "MQTT",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Simulators/kerbside-sim",
            swiftSettings: strictWarnings
        ),
        .target(
            name: "KerbsideTesting",
            dependencies: ["KerbsideCore"],
            swiftSettings: strictWarnings
        ),
        .testTarget(
            name: "KerbsideCoreTests",
            dependencies: ["KerbsideCore", "KerbsideTesting"],
            // Reference payloads, read by path in the tests.
            exclude: ["Vectors", "Envelopes"]
        ),
        .testTarget(
            name: "KerbsideConfigurationTests",
            dependencies: ["KerbsideConfiguration", "KerbsideTesting"]
        ),
        .testTarget(
            name: "KerbsideStoreTests",
            dependencies: ["KerbsideStore", "KerbsideTesting"]
        ),
        .testTarget(
            name: "MQTTTests",
            dependencies: ["MQTT", "KerbsideTesting", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "KerbsideHTTPTests",
            dependencies: [
                "KerbsideHTTP", "KerbsideTesting", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "KerbsideDaemonTests",
            dependencies: [
                "KerbsideDaemon",
                "KerbsideSimulation",
                "KerbsideStore",
                "KerbsideTesting",
                "MQTT",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
