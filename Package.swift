// swift-tools-version: 6.2
import PackageDescription

/// One set of settings for every target: Swift 6 language mode plus the upcoming features the house style asks for.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "cdt-platform",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cdt", targets: ["cdt"]),
        .library(name: "CDTDomain", targets: ["CDTDomain"]),
        .library(name: "CDTPostgresClient", targets: ["CDTPostgresClient"]),
        .library(name: "CDTPostgres", targets: ["CDTPostgres"]),
        .library(name: "CDTModuleKit", targets: ["CDTModuleKit"]),
        .library(name: "CDTServer", targets: ["CDTServer"]),
        .library(name: "CDTFieldApp", targets: ["CDTFieldApp"]),
        .library(name: "CDTDemo", targets: ["CDTDemo"]),
        .library(name: "CDTTesting", targets: ["CDTTesting"]),
        .library(name: "CDTGoodPractices", targets: ["CDTGoodPractices"]),
        .library(name: "CDTCoverage", targets: ["CDTCoverage"]),
        .library(name: "CDTRewards", targets: ["CDTRewards"]),
        .library(name: "CDTPartnerDiscounts", targets: ["CDTPartnerDiscounts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: The core
        .target(
            name: "CDTDomain",
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // libpq under a Swift client: connections, pools, queries, values, migrations, a private cluster.
        .target(
            name: "CDTPostgresClient",
            dependencies: [
                "CDTDomain",
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The core's adapters: its schema (sql/core) and the stores of the domain's ports.
        .target(
            name: "CDTPostgres",
            dependencies: [
                "CDTDomain",
                "CDTPostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .target(
            name: "CDTModuleKit",
            dependencies: [
                "CDTDomain",
                "CDTPostgresClient",
                "CDTPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The field app members, team leaders and commune officers use on their phones: static files
        // (Documents/) the server serves at /app/; a client of the JSON API like any other.
        .target(
            name: "CDTFieldApp",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Documents"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .target(
            name: "CDTServer",
            dependencies: [
                "CDTDomain",
                "CDTFieldApp",
                "CDTPostgres",
                "CDTModuleKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Documents"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrationsPlugin"]
        ),
        // The demo's and the benchmarks' data: real units, synthetic villages and seasons of synthetic work.
        // Outside the server: `cdt demo`, `cdt bench` and the tests that load data depend on it.
        .target(
            name: "CDTDemo",
            dependencies: ["CDTDomain", "CDTPostgres", "CDTServer"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cdt",
            dependencies: [
                "CDTServer",
                "CDTDemo",
                "CDTPostgres",
                "CDTModuleKit",
                "CDTGoodPractices",
                "CDTCoverage",
                "CDTRewards",
                "CDTPartnerDiscounts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CDTTesting",
            dependencies: [
                "CDTServer",
                "CDTPostgres",
                "CDTModuleKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Feature modules (Plugins/<Name>, migrations in sql/<module-id>/)
        .target(
            name: "CDTGoodPractices",
            dependencies: ["CDTModuleKit", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Plugins/GoodPractices",
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .target(
            name: "CDTCoverage",
            dependencies: [
                "CDTModuleKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Plugins/Coverage",
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrationsPlugin"]
        ),
        .target(
            name: "CDTPartnerDiscounts",
            dependencies: [
                "CDTModuleKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Plugins/PartnerDiscounts",
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrationsPlugin"]
        ),

        .target(
            name: "CDTRewards",
            dependencies: [
                "CDTModuleKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Plugins/Rewards",
            swiftSettings: swiftSettings,
            plugins: ["EmbedMigrationsPlugin"]
        ),

        // MARK: Build tooling: embeds sql/<owner>/*.sql into the binary
        .executableTarget(
            name: "EmbedMigrationsTool",
            path: "Sources/EmbedMigrationsTool",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "EmbedMigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedMigrationsTool"],
            path: "Sources/EmbedMigrationsPlugin"
        ),

        // MARK: Tests
        .testTarget(
            name: "CDTModuleKitTests",
            dependencies: [
                "CDTModuleKit", "CDTDomain", "CDTPostgres", "CDTServer", "CDTTesting",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTFieldAppTests",
            dependencies: ["CDTFieldApp", "CDTServer", "CDTDomain", "CDTPostgres", "CDTPostgresClient", "CDTTesting", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTGoodPracticesTests",
            dependencies: ["CDTGoodPractices", "CDTModuleKit", "CDTPostgres", "CDTTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTCoverageTests",
            dependencies: [
                "CDTCoverage", "CDTModuleKit", "CDTPostgres", "CDTTesting", "CDTServer", "CDTDemo",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTRewardsTests",
            dependencies: [
                "CDTRewards", "CDTCoverage", "CDTModuleKit", "CDTTesting", "CDTDemo", "CDTPostgres",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTPartnerDiscountsTests",
            dependencies: [
                "CDTPartnerDiscounts", "CDTModuleKit", "CDTPostgres", "CDTTesting", "CDTServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTDomainTests",
            dependencies: ["CDTDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTPostgresTests",
            dependencies: ["CDTPostgres", "CDTTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CDTServerTests",
            dependencies: [
                "CDTServer",
                "CDTDemo",
                // The OpenAPI drift test mounts the installed modules beside the core.
                "CDTGoodPractices",
                "CDTCoverage",
                "CDTRewards",
                "CDTPartnerDiscounts",
                "CDTTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
