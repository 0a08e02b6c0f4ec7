import Exposition
import Logging
import MetricModel
import Testing
import TSDB
@testable import Scrape

@Suite struct ScrapeMetadataTests {
    let storage = MemoryStorage()
    let fetcher = FakeFetcher()

    func loop() -> ScrapeLoop {
        let s = ScrapeSettings(jobName: "job1", intervalMs: 1000, timeoutMs: 1000)
        let t = ScrapeTarget(labels: Labels(["job": "job1", "instance": "h:1"]), discoveredLabels: Labels(["__address__": "h:1"]),
                             url: "http://h:1/metrics", settings: s)
        return ScrapeLoop(target: t, storage: storage, fetcher: fetcher, clock: FixedClock(0), stats: ScrapeStats(), logger: Logger(label: "t"))
    }

    @Test func textFormatTypeHelpAndChanges() async {
        let l = loop()
        fetcher.set("# HELP a_total Requests \\\\ served.\\n\n# TYPE a_total counter\na_total 1\n# TYPE g gauge\ng 2\n# HELP h Only help.\nh 3\n# TYPE u untyped\nu 4\n")
        await l.scrapeAndReport(at: 1000)
        #expect(l.metadata == [
            MetricMetadata(metric: "a_total", type: "counter", help: "Requests \\ served.\n"),
            MetricMetadata(metric: "g", type: "gauge"),
            MetricMetadata(metric: "h", type: "unknown", help: "Only help."),
            MetricMetadata(metric: "u", type: "unknown"),
        ])
        // A changed help text and type are picked up; unchanged ones stay.
        fetcher.set("# HELP a_total Requests.\n# TYPE a_total counter\na_total 1\n# TYPE g counter\ng 2\n")
        await l.scrapeAndReport(at: 2000)
        #expect(l.metadata.first { $0.metric == "a_total" }?.help == "Requests.")
        #expect(l.metadata.first { $0.metric == "g" }?.type == "counter")
        // Families gone from the target are kept for 10 scrapes, then forgotten (as Prometheus).
        #expect(l.metadata.contains { $0.metric == "h" })
        for i in 3...13 { await l.scrapeAndReport(at: Int64(i) * 1000) }
        #expect(l.metadata.map(\.metric) == ["a_total", "g"])
    }

    @Test func openMetricsUnit() async {
        let l = loop()
        fetcher.contentType.withLock { $0 = "application/openmetrics-text; version=1.0.0; charset=utf-8" }
        fetcher.set("# TYPE req_seconds counter\n# UNIT req_seconds seconds\n# HELP req_seconds Time \\\"spent\\\".\nreq_seconds_total 1\n# EOF\n")
        await l.scrapeAndReport(at: 1000)
        #expect(l.metadata == [MetricMetadata(metric: "req_seconds", type: "counter", help: "Time \"spent\".", unit: "seconds")])
    }

    @Test func failedScrapeKeepsLastMetadata() async {
        let l = loop()
        fetcher.set("# TYPE g gauge\ng 1\n")
        await l.scrapeAndReport(at: 1000)
        fetcher.fail("connection refused")
        await l.scrapeAndReport(at: 2000)
        #expect(l.metadata == [MetricMetadata(metric: "g", type: "gauge")])
    }
}
