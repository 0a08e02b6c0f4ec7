import Logging
import MetricModel
import Synchronization
import Testing
import TSDB
@testable import Scrape

/// Returns the body set by the test.
final class FakeFetcher: ScrapeFetcher {
    let body = Mutex<Result<String, ScrapeError>>(.success(""))
    func set(_ s: String) { body.withLock { $0 = .success(s) } }
    func fail(_ m: String) { body.withLock { $0 = .failure(ScrapeError(m)) } }
    func fetch(_ target: ScrapeTarget) async throws -> ScrapeResponse {
        switch body.withLock({ $0 }) {
        case .success(let s): return ScrapeResponse(body: Array(s.utf8), contentType: "text/plain")
        case .failure(let e): throw e
        }
    }
}

struct FixedClock: ScrapeClock {
    let t: Int64
    init(_ t: Int64) { self.t = t }
    func now() -> Timestamp { t }
    func sleep(until: Timestamp) async throws { throw CancellationError() }
}

@Suite struct ScrapeLoopTests {
    let storage = MemoryStorage()
    let fetcher = FakeFetcher()

    func loop(_ configure: (inout ScrapeSettings) -> Void = { _ in }) -> ScrapeLoop {
        var s = ScrapeSettings(jobName: "job1", intervalMs: 1000, timeoutMs: 1000)
        configure(&s)
        let t = ScrapeTarget(labels: Labels(["job": "job1", "instance": "h:1"]), discoveredLabels: Labels(["__address__": "h:1"]),
                             url: "http://h:1/metrics", settings: s)
        return ScrapeLoop(target: t, storage: storage, fetcher: fetcher, clock: FixedClock(0), stats: ScrapeStats(), logger: Logger(label: "t"))
    }

    func samples(_ name: String, _ extra: [LabelMatcher] = []) throws -> [Labels: [Sample]] {
        let q = try storage.querier(mint: 0, maxt: .max)
        var out: [Labels: [Sample]] = [:]
        for s in try q.select(sorted: true, hints: nil, matchers: [.equal("__name__", name)] + extra) {
            var it = s.iterator()
            var arr: [Sample] = []
            while it.next() { arr.append(it.at) }
            out[s.labels] = arr
        }
        return out
    }

    func value(_ name: String, at t: Int64) throws -> Double? {
        try samples(name).values.first?.first { $0.t == t }?.v
    }

    @Test func appendsWithTargetLabelsAndReport() async throws {
        let l = loop()
        fetcher.set("a_total{x=\"1\"} 5\na_total{x=\"2\"} 6\ng 1.5\n")
        await l.scrapeAndReport(at: 1000)
        let a = try samples("a_total")
        #expect(a[Labels(["__name__": "a_total", "x": "1", "job": "job1", "instance": "h:1"])] == [Sample(t: 1000, v: 5)])
        #expect(a.count == 2)
        #expect(try value("up", at: 1000) == 1)
        #expect(try value("scrape_samples_scraped", at: 1000) == 3)
        #expect(try value("scrape_samples_post_metric_relabeling", at: 1000) == 3)
        #expect(try value("scrape_series_added", at: 1000) == 3)
        #expect(l.health.health == "up" && l.health.lastError == "")
        // Second scrape: all cached.
        fetcher.set("a_total{x=\"1\"} 7\na_total{x=\"2\"} 8\ng 2\n")
        await l.scrapeAndReport(at: 2000)
        #expect(try value("scrape_series_added", at: 2000) == 0)
        #expect(try value("g", at: 2000) == 2)
    }

    @Test func vanishedSeriesGetStaleMarkers() async throws {
        let l = loop()
        fetcher.set("a 1\nb 2\n")
        await l.scrapeAndReport(at: 1000)
        fetcher.set("a 3\n")
        await l.scrapeAndReport(at: 2000)
        let b = try samples("b").values.first!
        #expect(b.count == 2 && StaleNaN.isStale(b[1].v) && b[1].t == 2000)
        #expect(try value("a", at: 2000) == 3)
        // b stays gone: no second marker.
        await l.scrapeAndReport(at: 3000)
        #expect(try samples("b").values.first!.count == 2)
    }

    @Test func malformedBodyFailsWholeScrapeWithLine() async throws {
        let l = loop()
        fetcher.set("a 1\nb 2\n")
        await l.scrapeAndReport(at: 1000)
        fetcher.set("a 5\nb 6\nc{oops 7\n")
        await l.scrapeAndReport(at: 2000)
        #expect(l.health.health == "down")
        #expect(l.health.lastError.hasPrefix("line 3: "))
        #expect(try value("up", at: 2000) == 0)
        // No partial data: a's sample at 2000 is a stale marker, not 5.
        let a = try samples("a").values.first!
        #expect(a.count == 2 && StaleNaN.isStale(a[1].v))
    }

    @Test func fetchFailureMarksDownAndStale() async throws {
        let l = loop()
        fetcher.set("a 1\n")
        await l.scrapeAndReport(at: 1000)
        fetcher.fail("server returned HTTP status 500 Internal Server Error")
        await l.scrapeAndReport(at: 2000)
        #expect(l.health.lastError == "server returned HTTP status 500 Internal Server Error")
        #expect(try value("up", at: 2000) == 0)
        #expect(StaleNaN.isStale(try value("a", at: 2000)!))
    }

    @Test func sampleLimitFailsScrape() async throws {
        let l = loop { $0.sampleLimit = 2 }
        fetcher.set("a 1\nb 1\nc 1\n")
        await l.scrapeAndReport(at: 1000)
        #expect(l.health.lastError == "sample limit exceeded")
        #expect(try samples("a").isEmpty)
        #expect(try value("up", at: 1000) == 0)
    }

    @Test func labelLimitFailsScrape() async throws {
        let l = loop { $0.labelLimit = 3 }
        fetcher.set("a{x=\"1\",y=\"2\"} 1\n")
        await l.scrapeAndReport(at: 1000)
        #expect(l.health.lastError.hasPrefix("label_limit exceeded (metric: "))
        #expect(l.health.lastError.hasSuffix("number of labels: 5, limit: 3)"))
    }

    @Test func conflictsBecomeExportedUnlessHonorLabels() async throws {
        fetcher.set("m{job=\"inner\",exported_job=\"x\"} 1\n")
        await loop().scrapeAndReport(at: 1000)
        #expect(try samples("m").keys.first == Labels(["__name__": "m", "job": "job1", "instance": "h:1", "exported_job": "x", "exported_exported_job": "inner"]))
        let s2 = MemoryStorage()
        var s = ScrapeSettings(jobName: "job1", intervalMs: 1000, timeoutMs: 1000)
        s.honorLabels = true
        let t = ScrapeTarget(labels: Labels(["job": "job1", "instance": "h:1"]), discoveredLabels: .empty, url: "u", settings: s)
        fetcher.set("m{job=\"inner\"} 1\n")
        await ScrapeLoop(target: t, storage: s2, fetcher: fetcher, clock: FixedClock(0), stats: ScrapeStats(), logger: Logger(label: "t")).scrapeAndReport(at: 1000)
        let got = try s2.querier(mint: 0, maxt: 5000).select(sorted: true, hints: nil, matchers: [.equal("__name__", "m")])
        #expect(got.map(\.labels) == [Labels(["__name__": "m", "job": "inner", "instance": "h:1"])])
    }

    @Test func honorTimestampsAndMetricRelabel() async throws {
        let l = loop { s in
            s.metricRelabel = { l in l.metricName == "drop_me" ? nil : l.setting("added", "yes") }
        }
        fetcher.set("keep 1 1500\ndrop_me 2\n")
        await l.scrapeAndReport(at: 2000)
        let k = try samples("keep")
        #expect(k.keys.first?.get("added") == "yes")
        #expect(k.values.first == [Sample(t: 1500, v: 1)])
        #expect(try samples("drop_me").isEmpty)
        #expect(try value("scrape_samples_scraped", at: 2000) == 2)
        #expect(try value("scrape_samples_post_metric_relabeling", at: 2000) == 1)
    }

    @Test func removedTargetStalesEverything() async throws {
        let l = loop()
        fetcher.set("a 1\n")
        await l.scrapeAndReport(at: 1000)
        l.endOfRunStaleness(at: 2000)
        #expect(StaleNaN.isStale(try value("a", at: 2000)!))
        #expect(StaleNaN.isStale(try value("up", at: 2000)!))
    }

    @Test(arguments: [(Int64(10_500), Int64(1000), UInt64(300), Int64(11_300)), (10_200, 1000, 300, 10_300), (10_300, 1000, 1300, 10_300)])
    func offsetIsPhaseOfHash(now: Int64, interval: Int64, hash: UInt64, expected: Int64) {
        #expect(ScrapeLoop.firstScrapeTime(now: now, interval: interval, hash: hash) == expected)
    }
}
