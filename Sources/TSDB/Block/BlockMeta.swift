import Foundation
import MetricModel

/// A block's `meta.json` (Prometheus `tsdb.BlockMeta`). Times are ms; the block covers
/// [minTime, maxTime) — maxTime is exclusive, as in Prometheus.
public struct BlockMeta: Codable, Equatable, Sendable {
    public struct Stats: Codable, Equatable, Sendable {
        public var numSamples: UInt64
        public var numSeries: UInt64
        public var numChunks: UInt64

        public init(numSamples: UInt64 = 0, numSeries: UInt64 = 0, numChunks: UInt64 = 0) {
            self.numSamples = numSamples
            self.numSeries = numSeries
            self.numChunks = numChunks
        }
    }

    public struct Parent: Codable, Equatable, Sendable {
        public var ulid: ULID
        public var minTime: Timestamp
        public var maxTime: Timestamp
    }

    public struct Compaction: Codable, Equatable, Sendable {
        /// 1 for blocks cut from the head or imported; parents' max + 1 after compaction.
        public var level: Int
        /// ULIDs of all level-1 blocks this block was built from (itself for level 1).
        public var sources: [ULID]
        public var parents: [Parent]?
        /// Set when a compaction of this block failed; the planner skips it.
        public var failed: Bool?

        public init(level: Int, sources: [ULID], parents: [Parent]? = nil) {
            self.level = level
            self.sources = sources
            self.parents = parents
        }
    }

    public var ulid: ULID
    public var minTime: Timestamp
    public var maxTime: Timestamp
    public var stats: Stats
    public var compaction: Compaction
    public var version: Int

    public static let currentVersion = 1

    public init(ulid: ULID, minTime: Timestamp, maxTime: Timestamp, stats: Stats = Stats(),
                compaction: Compaction? = nil) {
        self.ulid = ulid
        self.minTime = minTime
        self.maxTime = maxTime
        self.stats = stats
        self.compaction = compaction ?? Compaction(level: 1, sources: [ulid])
        self.version = BlockMeta.currentVersion
    }

    public func encoded() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try e.encode(self)) + [0x0A]
    }

    public static func decode(_ bytes: [UInt8]) throws -> BlockMeta {
        let m = try JSONDecoder().decode(BlockMeta.self, from: Data(bytes))
        guard m.version == currentVersion else { throw FormatError.unsupportedVersion("meta.json version \(m.version)") }
        return m
    }

    public static func read(dir: String) throws -> BlockMeta {
        try decode(FS.readFile(dir + "/meta.json"))
    }

    /// Writes meta.json atomically (tmp file, fsync, rename).
    public func write(dir: String) throws {
        let tmp = dir + "/meta.json.tmp"
        try FS.writeFile(tmp, try encoded())
        try FS.rename(tmp, dir + "/meta.json")
    }

    /// Whether [minTime, maxTime) intersects the closed query range [mint, maxt].
    public func overlaps(mint: Timestamp, maxt: Timestamp) -> Bool {
        minTime <= maxt && mint < maxTime
    }
}
