// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "revo",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "revo", targets: ["revo"]),
        .library(name: "RevoSim", targets: ["RevoSim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
    ],
    targets: [
        .target(
            name: "RevoSim",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "revo",
            dependencies: [
                "RevoSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RevoSimTests", dependencies: ["RevoSim"], swiftSettings: swiftSettings),
        .testTarget(name: "revoTests", dependencies: ["revo"], swiftSettings: swiftSettings),
    ]
)
