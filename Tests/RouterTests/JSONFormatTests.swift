import Foundation
import MetricModel
import NIOCore
import Remote
import Testing
@testable import Router

/// Merge mode evaluates queries itself; its answers must be written exactly as a replica (and
/// Prometheus) writes them: 3-digit millisecond fractions, Go's `%g`-style values.
@Suite(.serialized) struct JSONFormatTests {
    static let series: [(Labels, [Sample])] = [
        (Labels(["__name__": "m", "job": "j", "instance": "i0"]),
         [Sample(t: -500, v: 0.25), Sample(t: 1_780, v: 1e-7), Sample(t: 2_500, v: -0.5), Sample(t: 3_000, v: 1.78),
          Sample(t: 4_001, v: 1e21), Sample(t: 5_000, v: 123_456_789.125)]),
        (Labels(["__name__": "m", "job": "j", "instance": "i1"]),
         [Sample(t: 1_780, v: 0.000001), Sample(t: 3_100, v: 1e-9), Sample(t: 5_010, v: .infinity)]),
    ]

    @Test func mergeModeAnswersAreByteIdenticalToAReplicas() async throws {
        // Two replicas with the same data, merged by the router.
        let replicas = [APIReplica(), APIReplica()]
        for r in replicas {
            for (l, s) in Self.series { r.storage.add(l, s) }
            try await r.start()
        }
        var cfg = RouterConfig(mode: .merge, groups: [GroupConfig(name: "shard-0", scrapeIntervalMs: 1000, members: [
            MemberConfig(name: "a", replica: "a", url: replicas[0].url), MemberConfig(name: "b", replica: "b", url: replicas[1].url)])])
        cfg.probeIntervalMs = 60_000
        let router = try await TestRouter.start(cfg)
        let direct = PeerClient()

        let queries = [
            "/api/v1/query?query=m&time=5.5",
            "/api/v1/query?query=m&time=1.78",
            "/api/v1/query?query=m&time=-0.2",
            "/api/v1/query?query=" + FormEncoding.escape("m[10s]") + "&time=6",
            "/api/v1/query?query=" + FormEncoding.escape("m * 1e-3") + "&time=3.1",
            "/api/v1/query?query=" + FormEncoding.escape("scalar(sum(m{instance=\"i0\"}))") + "&time=2.6",
            "/api/v1/query_range?query=m&start=-0.5&end=5.5&step=0.25",
            "/api/v1/query_range?query=" + FormEncoding.escape("sum by (job) (m)") + "&start=1.78&end=5.5&step=0.5",
        ]
        var sawFraction = false, sawExponent = false
        for q in queries {
            let resp = try await direct.send(method: .GET, url: replicas[0].url + q, timeout: .seconds(10))
            let want = String(buffer: try await resp.body.collect(upTo: 1 << 20))
            let (code, got) = try await router.get(q)
            #expect(code == 200, "\(q): \(got)")
            #expect(got == want, "\(q)")
            #expect(got.hasPrefix("{\"status\":\"success\""), "\(q): \(got)")
            sawFraction = sawFraction || got.contains("1.780,") || got.contains("-0.500,")
            sawExponent = sawExponent || got.contains("\"1e-07\"")
        }
        // The cases above do exercise Prometheus's formats.
        #expect(sawFraction)
        #expect(sawExponent)

        // Errors: the same status and body as the replica's.
        let bad = [
            "/api/v1/query?query=" + FormEncoding.escape("sum(") + "&time=1",
            "/api/v1/query?query=&time=1",
            "/api/v1/query?query=m&time=yesterday",
            "/api/v1/query?query=m&time=1&timeout=zz",
            "/api/v1/query_range?query=m&end=5&step=1",
            "/api/v1/query_range?query=m&start=x&end=5&step=1",
            "/api/v1/query_range?query=m&start=5&end=1&step=1",
            "/api/v1/query_range?query=m&start=1&end=5&step=0",
            "/api/v1/query_range?query=m&start=1&end=5&step=zz",
            "/api/v1/query_range?query=m&start=0&end=100000&step=0.001",
            "/api/v1/query_range?query=" + FormEncoding.escape("m[1m]") + "&start=1&end=5&step=1",
        ]
        for q in bad {
            let resp = try await direct.send(method: .GET, url: replicas[0].url + q, timeout: .seconds(10))
            let want = String(buffer: try await resp.body.collect(upTo: 1 << 20))
            let (code, got) = try await router.get(q)
            #expect(code == Int(resp.status.code), "\(q): \(got)")
            #expect(got == want, "\(q)")
            #expect(got.hasPrefix("{\"status\":\"error\",\"errorType\":"), "\(q): \(got)")
        }

        try? await direct.shutdown()
        await router.stop()
        for r in replicas { await r.stop() }
    }
}
