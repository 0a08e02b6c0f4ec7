import Config
import Catalog
import MetricModel

/// A fleet as an operator describes it in `topologies/*.yaml` (docs/topologies.md).
///
/// Load with `Topology.load(path:)` or `Topology.parse(_:)`; both validate, so a `Topology`
/// value always passed validation. `members()` lays out the members (names, ports, data dirs)
/// deterministically; `Renderer.render(_:)` produces their configs.
public struct Topology: Sendable, Equatable {
    public var fleet: String
    /// Where members keep their data and the catalog lives; relative paths are relative to the
    /// directory `promfleet` runs in. Default `./data/<fleet>`.
    public var dataDir: String
    /// Replicas per shard group (and default per federator group).
    public var replicas: Int
    public var shards: Int
    public var shardBy: [String]
    public var scrapeInterval: PromDuration
    public var ports: Ports
    /// The topology's `scrape_configs`, each as YAML text, passed through verbatim.
    public var scrapeConfigs: [ScrapeConfigSource]
    public var exporter: Exporter?
    /// Whether the shards also scrape every member's own /metrics (job `promfleet`).
    public var selfScrape: Bool
    public var federation: Federation?
    public var router: Router?
    /// Limits of each shard group.
    public var limits: Limits
    /// The YAML text this topology was read from.
    public var source: String

    public struct Ports: Sendable, Equatable {
        /// Address members listen on. Default 127.0.0.1.
        public var host: String
        /// Member i in layout order (router, federators, shard replicas) gets `base + i`.
        public var base: Int
        /// Explicit ports by member name; they override the base layout.
        public var members: [String: Int]
    }

    public struct ScrapeConfigSource: Sendable, Equatable {
        public var jobName: String
        public var yaml: String
    }

    /// The built-in `promfleet exporter`: one process serving `count` targets on consecutive ports.
    public struct Exporter: Sendable, Equatable {
        public var count: Int
        public var seriesPerTarget: Int
        public var basePort: Int

        public init(count: Int, seriesPerTarget: Int, basePort: Int) {
            self.count = count
            self.seriesPerTarget = seriesPerTarget
            self.basePort = basePort
        }

        /// `host:port` of each target.
        public func targets(host: String) -> [String] { (0..<count).map { "\(host):\(basePort + $0)" } }
    }

    public struct Federation: Sendable, Equatable {
        /// `match[]` selectors pulled from every shard.
        public var match: [String]
        public var replicas: Int
        public var scrapeInterval: PromDuration
        public var limits: Limits
    }

    public enum RouterMode: String, Sendable, Equatable, CaseIterable {
        case failover, merge
    }

    public struct Router: Sendable, Equatable {
        public var port: Int?
        public var mode: RouterMode

        public init(port: Int?, mode: RouterMode) {
            self.port = port
            self.mode = mode
        }
    }
}

/// Where things live by default.
public enum FleetPaths {
    /// The catalog's file name inside a fleet's data dir: `<data_dir>/catalog.sqlite`.
    public static let catalogFileName = "catalog.sqlite"
    /// The data dir of a fleet whose topology names none: `./data/<fleet>`.
    public static func defaultDataDir(fleet: String) -> String { "./data/\(fleet)" }
    /// Where `up` keeps the catalog of `fleet` when its topology sets no data_dir — where
    /// `status` and `catalog` look by default.
    public static func defaultCatalog(fleet: String) -> String {
        defaultDataDir(fleet: fleet) + "/" + catalogFileName
    }
}

extension Topology {
    /// This fleet's catalog file: `<data_dir>/catalog.sqlite`.
    public var catalogPath: String { dataDir + "/" + FleetPaths.catalogFileName }
}
