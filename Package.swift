// swift-tools-version: 6.1
import PackageDescription

// Module layout: ../shared/DESIGN.md ("Modules"). Engine modules (MetricModel … PromQL) take no
// third-party dependency but swift-log; each library lives in the one module that needs it.
let package = Package(
    name: "promfleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "promfleet", targets: ["promfleet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        .target(name: "MetricModel"),
        .target(name: "Exposition", dependencies: ["MetricModel"]),
        .target(name: "Relabeling", dependencies: ["MetricModel"]),
        .target(name: "TSDB", dependencies: ["MetricModel", .product(name: "Logging", package: "swift-log")]),
        .target(name: "PromQL", dependencies: ["MetricModel", "TSDB"]),
        .target(name: "Config", dependencies: ["MetricModel", "Relabeling", .product(name: "Yams", package: "Yams")]),
        .target(name: "Catalog", dependencies: ["MetricModel", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Remote", dependencies: [
            "MetricModel", "TSDB",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Router", dependencies: [
            "MetricModel", "TSDB", "PromQL", "Relabeling", "Catalog", "Remote",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "HTTPAPI", dependencies: [
            "MetricModel", "TSDB", "PromQL", "Exposition", "CZlib",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Scrape", dependencies: [
            "MetricModel", "Exposition", "Relabeling", "TSDB", "Config", "CZlib",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Exporter", dependencies: ["MetricModel", "HTTPAPI"]),
        .target(name: "Replica", dependencies: [
            "MetricModel", "TSDB", "PromQL", "Config", "Scrape", "HTTPAPI",
            // Interim: BootstrapConfig reads prometheus.yml until Config's model lands.
            .product(name: "Yams", package: "Yams"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Fleet", dependencies: ["MetricModel", "Catalog", .product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "promfleet", dependencies: [
            "MetricModel", "Exposition", "Relabeling", "TSDB", "PromQL", "Config", "Catalog", "Fleet",
            "HTTPAPI", "Scrape", "Exporter", "Replica", "Remote", "Router",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "promql-bench", dependencies: ["PromQL", "TSDB", "MetricModel"],
                          path: "scripts/bench/query/engine"),
        .testTarget(name: "MetricModelTests", dependencies: ["MetricModel"]),
        .testTarget(name: "HTTPAPITests", dependencies: ["HTTPAPI", "Exporter", "MetricModel", "TSDB"]),
        .testTarget(name: "ScrapeTests", dependencies: ["Scrape", "MetricModel", "TSDB"]),
        .testTarget(name: "ReplicaTests", dependencies: ["Replica", "MetricModel"]),
        .testTarget(name: "ExpositionTests", dependencies: ["Exposition", "MetricModel"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RelabelingTests", dependencies: ["Relabeling", "MetricModel"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Relabeling", "MetricModel"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "MetricModel", .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Golden"]),
        .testTarget(name: "FleetTests", dependencies: ["Fleet", "Catalog", .product(name: "Yams", package: "Yams")],
                    exclude: ["Golden"]),
        .testTarget(name: "TSDBTests", dependencies: ["TSDB", "MetricModel"]),
        .testTarget(name: "PromQLTests", dependencies: ["PromQL", "TSDB", "MetricModel"],
                    exclude: ["known-failures.txt"], resources: [.copy("testdata")]),
        .testTarget(name: "RemoteTests", dependencies: [
            "Remote", "MetricModel",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "RouterTests", dependencies: [
            "Router", "Remote", "MetricModel", "TSDB", "PromQL", "Catalog", "Relabeling",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
