import Catalog
import Fleet
import Foundation
import Testing

struct UsageReaderTests {
    static let metrics = """
        # HELP prometheus_tsdb_head_series Total number of series in the head block.
        # TYPE prometheus_tsdb_head_series gauge
        prometheus_tsdb_head_series 1234
        # TYPE prometheus_tsdb_head_samples_appended_total counter
        prometheus_tsdb_head_samples_appended_total{type="float"} 1000
        prometheus_tsdb_head_samples_appended_total{type="histogram",note="a } b"} 24
        prometheus_tsdb_head_series_created_total 99
        go_goroutines 12
        """

    @Test func sumsNamedMetricsAcrossLabels() {
        let s = UsageReader.sums(Self.metrics, names: [UsageReader.headSeries, UsageReader.samplesAppended, "absent"])
        #expect(s == [UsageReader.headSeries: 1234, UsageReader.samplesAppended: 1024])
    }

    static let targets = """
        {"status":"success","data":{"activeTargets":[
          {"health":"up","lastScrapeDuration":0.25,"scrapeInterval":"1s","discoveredLabels":{"__address__":"a"}},
          {"health":"up","lastScrapeDuration":0.5,"scrapeInterval":"5s"},
          {"health":"down","lastScrapeDuration":4.9,"scrapeInterval":"5s"}],"droppedTargets":[]}}
        """

    @Test func targetsAndWorstDurationRatio() throws {
        let t = try #require(UsageReader.targets(Array(Self.targets.utf8)))
        #expect(t.count == 3)
        #expect(t.up == 2)
        #expect(t.durationRatio == 0.25, "the failed scrape's 4.9 s is not load")
        #expect(UsageReader.targets(Array("{\"status\":\"error\"}".utf8)) == nil)
    }

    @Test func samplesPerSecondFromTwoObservations() {
        var tracker = UsageTracker()
        let first = tracker.observe(member: "m", ts: 10_000, metrics: Self.metrics, targetsJSON: Array(Self.targets.utf8),
                                    diskBytes: 4096)
        #expect(first == UsageObservation(member: "m", ts: 10_000, headSeries: 1234, samplesPerSecond: nil, targets: 3,
                                          scrapeDurationRatio: 0.25, diskBytes: 4096))
        let later = Self.metrics.replacingOccurrences(of: "} 1000", with: "} 4000")
        let second = tracker.observe(member: "m", ts: 25_000, metrics: later, targetsJSON: nil, diskBytes: nil)
        #expect(second.samplesPerSecond == 200, "3000 samples in 15 s")
        #expect(second.targets == nil)
        // A counter reset (restart) gives no rate rather than a negative one.
        let reset = tracker.observe(member: "m", ts: 40_000, metrics: Self.metrics, targetsJSON: nil, diskBytes: nil)
        #expect(reset.samplesPerSecond == nil)
    }

    @Test func directorySizeCountsRegularFiles() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(atPath: dir.path("d/wal"), withIntermediateDirectories: true)
        try Data(count: 1000).write(to: URL(fileURLWithPath: dir.path("d/wal/00000000")))
        try Data(count: 24).write(to: URL(fileURLWithPath: dir.path("d/lock")))
        #expect(directorySize(dir.path("d")) == 1024)
        #expect(directorySize(dir.path("missing")) == 0)
    }
}
