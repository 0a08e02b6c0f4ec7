import Foundation
import Hummingbird
import MetricModel
import NIOCore
import Remote
import Synchronization
import Testing
@testable import Router

/// Merge mode over fake replicas that serve raw samples: replicas of a shard are merged, shards
/// are unioned, pinned selectors skip the shards that cannot hold them.
@Suite(.serialized) struct MergeModeTests {
    /// A fake replica answering `/api/v1/query?query={…}[Nms]&time=T` with the given series
    /// (samples in (T-N, T]), and /-/ready.
    final class RawReplica: Sendable {
        let series: [(Labels, [Sample])]
        let hits = Atomic<Int>(0)
        let server = Mutex<TestServer?>(nil)
        init(_ series: [(Labels, [Sample])]) { self.series = series }
        var url: String { server.withLock { $0!.url } }

        func start() async throws {
            let s = try await TestServer.start { r in
                r.get("/-/ready") { _, _ in Response(status: .ok) }
                r.get("/api/v1/query") { req, _ in
                    self.hits.add(1, ordering: .relaxed)
                    let q = req.uri.queryParameters.get("query") ?? ""
                    let t = Int64((Double(req.uri.queryParameters.get("time") ?? "0")! * 1000).rounded())
                    let rangeMs = Int64(q[q.index(after: q.lastIndex(of: "[")!)...].dropLast(3))!
                    let name = q.range(of: "__name__=\"").map { String(q[$0.upperBound...].prefix { $0 != "\"" }) }
                    var o = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                    var first = true
                    for (l, samples) in self.series where name == nil || l.metricName == name {
                        let inWindow = samples.filter { $0.t > t - rangeMs && $0.t <= t }
                        if inWindow.isEmpty { continue }
                        if !first { o += "," }
                        first = false
                        o += "{\"metric\":{" + l.list.map { "\"\($0.name)\":\"\($0.value)\"" }.joined(separator: ",") + "},\"values\":["
                        o += inWindow.map { "[\(PromJSON.formatTime($0.t)),\"\($0.v)\"]" }.joined(separator: ",") + "]}"
                    }
                    o += "]}}"
                    return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: o)))
                }
            }
            server.withLock { $0 = s }
        }
    }

    func counter(_ from: Int64, _ to: Int64, phase: Int64) -> [Sample] {
        stride(from: from + phase, to: to, by: 1000).map { Sample(t: $0, v: Double($0) / 1000) }
    }

    @Test func mergesReplicasAndUnionsShards() async throws {
        let l0 = Labels(["__name__": "c_total", "instance": "h0:9100", "job": "j"])
        let l1 = Labels(["__name__": "c_total", "instance": "h1:9100", "job": "j"])
        // Shard 0: replica a has a 10 s hole that b fills; replicas carry their replica label.
        let s0a = RawReplica([(l0.setting("replica", "a"), counter(0, 20_000, phase: 0) + counter(30_000, 60_000, phase: 0))])
        let s0b = RawReplica([(l0.setting("replica", "b"), counter(0, 60_000, phase: 400))])
        let s1a = RawReplica([(l1.setting("replica", "a"), counter(0, 60_000, phase: 100))])
        let s1b = RawReplica([(l1.setting("replica", "b"), counter(0, 60_000, phase: 600))])
        for r in [s0a, s0b, s1a, s1b] { try await r.start() }
        let owner0 = ShardPruning.owner([LabelMatcher.equal("instance", "h0:9100")], shardBy: ["__address__"], shards: 2)!
        // Put h0 into the shard that owns it, h1 into the other.
        let g = { (i: Int, rs: [RawReplica]) in
            GroupConfig(name: "shard-\(i)", shard: i, shards: 2, shardBy: ["__address__"], scrapeIntervalMs: 1000,
                        members: rs.enumerated().map { MemberConfig(name: "shard-\(i)-\($0.offset)", replica: "\($0.offset)", url: $0.element.url) })
        }
        var cfg = RouterConfig(mode: .merge, groups: [g(owner0, [s0a, s0b]), g(1 - owner0, [s1a, s1b])].sorted { $0.name < $1.name })
        cfg.probeIntervalMs = 60_000
        let router = try await TestRouter.start(cfg)

        // Raw samples of shard 0's series: no gap, no reset, replica label dropped.
        let (code, body) = try await router.get("/api/v1/query?query=" + FormEncoding.escape("c_total{instance=\"h0:9100\"}[59s]") + "&time=59.9")
        #expect(code == 200)
        let m = try PromJSON.decodeMatrix(ByteBuffer(string: body))
        #expect(m.count == 1)
        #expect(m.first?.labels == l0)
        let ts = m.first?.samples ?? []
        #expect(zip(ts, ts.dropFirst()).allSatisfy { $1.t > $0.t && $1.v >= $0.v && $1.t - $0.t <= 1400 })
        // That pinned query asked only the owning shard's replicas.
        #expect(s1a.hits.load(ordering: .relaxed) + s1b.hits.load(ordering: .relaxed) == 0)
        #expect(s0a.hits.load(ordering: .relaxed) == 1 && s0b.hits.load(ordering: .relaxed) == 1)

        // An aggregate over both shards: rate is 1/s per series everywhere, also over the hole.
        let (rc, rbody) = try await router.get("/api/v1/query_range?query=" + FormEncoding.escape("sum(rate(c_total[5s]))")
                                               + "&start=10&end=50&step=2")
        #expect(rc == 200)
        let r = try PromJSON.decodeMatrix(ByteBuffer(string: rbody))
        #expect(r.count == 1)
        #expect(r.first?.samples.count == 21)
        #expect(r.first?.samples.allSatisfy { abs($0.v - 2) < 0.3 } == true, "\(r.first?.samples.map(\.v) ?? [])")
        #expect(s1a.hits.load(ordering: .relaxed) == 1 && s1b.hits.load(ordering: .relaxed) == 1)

        // series / labels fan out and union.
        let (_, series) = try await router.get("/api/v1/query?query=count(c_total)&time=30")
        #expect(series.contains("\"value\":[30,\"2\"]"))
        await router.stop()
        for r in [s0a, s0b, s1a, s1b] { await r.server.withLock { $0! }.stop() }
    }

    @Test func aGroupWithNoAnsweringMemberIsUnavailable() async throws {
        var cfg = RouterConfig(mode: .merge, groups: [GroupConfig(name: "shard-0", scrapeIntervalMs: 1000, members: [
            MemberConfig(name: "x", replica: "a", url: "http://127.0.0.1:\(freePort())")])])
        cfg.probeIntervalMs = 60_000
        let router = try await TestRouter.start(cfg)
        let (code, body) = try await router.get("/api/v1/query?query=up&time=10")
        #expect(code == 503)
        #expect(body.hasPrefix("{\"status\":\"error\",\"errorType\":\"unavailable\""))
        let (bad, badBody) = try await router.get("/api/v1/query?query=sum(&time=10")
        #expect(bad == 400)
        #expect(badBody.contains("\"errorType\":\"bad_data\""))
        await router.stop()
    }
}
