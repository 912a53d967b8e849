// swift-tools-version:6.1
import PackageDescription

import class Foundation.ProcessInfo

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A nonisolated async function runs on its caller's executor instead of hopping to the global one on every call:
    // a chat made dozens of such hops, each a runtime call, and in a simulation each a check of the task's executor.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "revo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "revo", targets: ["revo"]),
        .library(name: "RevoRuntime", targets: ["RevoRuntime"]),
        .library(name: "RevoCore", targets: ["RevoCore"]),
        .library(name: "RevoSim", targets: ["RevoSim"]),
        .library(name: "RevoScenarios", targets: ["RevoScenarios"]),
        .library(name: "RevoLive", targets: ["RevoLive"]),
        .library(name: "RevoBenchmarks", targets: ["RevoBenchmarks"]),
        .library(name: "RevoServer", targets: ["RevoServer"]),
        .library(name: "RevoDrivers", targets: ["RevoDrivers"]),
        .library(name: "RevoFaultProxy", targets: ["RevoFaultProxy"]),
        .library(name: "RevoFakeLLM", targets: ["RevoFakeLLM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", exact: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", exact: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0", traits: []),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", exact: "1.7.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
    ],
    targets: [
        // Clock, deadlines, seeded randomness, ids and digests: what every module below the CLI shares.
        .target(name: "RevoRuntime", swiftSettings: swiftSettings),
        .target(
            name: "RevoCore",
            dependencies: [
                "RevoRuntime",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RevoSim",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RevoScenarios",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                "RevoSim",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                // The simulation enters through the application `revo serve` builds.
                "RevoServer",
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Live mode: throwaway PostgreSQL and Redis, fault proxies, `revo fake-llm` upstreams, `revo serve` as a child
        // process, the same driver and clients over loopback, probes in a real browser.
        .target(
            name: "RevoLive",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                "RevoSim",
                "RevoScenarios",
                "RevoServer",
                "RevoDrivers",
                "RevoFaultProxy",
                "RevoFakeLLM",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RevoServer",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Spans of each chat, exported over OTLP by RevoDrivers when --otlp-endpoint is set.
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                // SHA-256 of passwords longer than bcrypt's 72 bytes (already under JWTKit).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Debian's libhiredis-dev (ci/setup installs it).
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .target(
            name: "RevoDrivers",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                "CHiredis",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The pool's own errors (cancelled lease, closed pool, tripped breaker) reach callers unwrapped.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RevoFaultProxy",
            dependencies: [
                "RevoRuntime",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RevoFakeLLM",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                "RevoSim",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks: the executor, RevoCore's fallback cost, the fault proxy, the API in process, the simulation.
        .target(
            name: "RevoBenchmarks",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                "RevoSim",
                "RevoServer",
                "RevoDrivers",
                "RevoFaultProxy",
                "RevoScenarios",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // NIOAsyncTestingChannel: the channel of the API benchmark's in-process request contexts.
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "revo",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                "RevoSim",
                "RevoScenarios",
                "RevoLive",
                "RevoBenchmarks",
                "RevoServer",
                "RevoDrivers",
                "RevoFaultProxy",
                "RevoFakeLLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // One reader of serve's settings: flags, then the environment, then a --config file.
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RevoCoreTests", dependencies: ["RevoRuntime", "RevoCore", "RevoSim"], swiftSettings: swiftSettings),
        .testTarget(name: "RevoSimTests", dependencies: ["RevoRuntime", "RevoSim", "RevoBenchmarks"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RevoScenariosTests",
            dependencies: [
                "RevoRuntime",
                "RevoScenarios",
                "RevoLive",
                "RevoFaultProxy",
                "RevoServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RevoServerTests",
            dependencies: [
                "RevoRuntime",
                "RevoServer",
                "RevoSim",
                "RevoDrivers",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                "RevoScenarios",
                "RevoLive",
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RevoDriversTests",
            dependencies: [
                "RevoRuntime",
                "RevoCore",
                "RevoDrivers",
                "RevoFakeLLM",
                "RevoSim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RevoFaultProxyTests",
            dependencies: [
                "RevoFaultProxy",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RevoFakeLLMTests",
            dependencies: ["RevoRuntime", "RevoFakeLLM", "RevoCore", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "revoTests",
            dependencies: [
                "revo",
                // The in-process OTLP collector the trace export is tested against.
                .product(name: "Hummingbird", package: "hummingbird"),
                // The deployment files, read to check them against the code.
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// The allocation benchmarks (ci/bench-allocations) count mallocs with ordo-one/package-benchmark's interposer. They
// join the package only when REVO_BENCHMARKS is set, so everyday builds and ci/test do not build the benchmark tool;
// their release build shares .build/release with revo's.
if ProcessInfo.processInfo.environment["REVO_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "Allocations",
            dependencies: [
                "RevoBenchmarks",
                "RevoDrivers",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Allocations",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}
