import Foundation
import MetricModel
import NIOCore
import PromQL
import Remote
import Testing
@testable import Router

@Suite struct ExternalLabelsUnitTests {
    let ext = Labels(["fleet": "demo", "shard": "1"])

    @Test func addsOnlyMissingNames() {
        #expect(ExternalLabels.apply(ext, to: Labels(["__name__": "up", "job": "j"]))
                == Labels(["__name__": "up", "job": "j", "fleet": "demo", "shard": "1"]))
        // Series labels win (Prometheus web/federate.go).
        #expect(ExternalLabels.apply(ext, to: Labels(["__name__": "up", "shard": "7"]))
                == Labels(["__name__": "up", "shard": "7", "fleet": "demo"]))
        #expect(ExternalLabels.apply(.empty, to: Labels(["a": "b"])) == Labels(["a": "b"]))
    }

    @Test(arguments: [
        ("{__name__=\"up\",shard=\"1\"}", "{__name__=\"up\"}"),
        ("{__name__=\"up\",shard=\"0\"}", nil),
        ("{__name__=\"up\",shard=~\"0|1\",job=\"j\"}", "{__name__=\"up\",job=\"j\"}"),
        ("{__name__=\"up\",shard!=\"1\"}", nil),
        ("{shard=\"1\"}", "{__name__=~\".+\"}"),
        ("{shard=\"1\",job!=\"x\"}", "{job!=\"x\",__name__=~\".+\"}"),
        ("{__name__=\"up\",job=\"j\"}", "{__name__=\"up\",job=\"j\"}"),
    ] as [(String, String?)])
    func rewritesSelectorsPerGroup(_ selector: String, _ sent: String?) throws {
        let ms = try Parser.parseMetricSelector(selector)
        #expect(ExternalLabels.rewrite(ms, ext: ext).map(ExternalLabels.selectorText) == sent)
    }

    @Test func catalogGroupsGetTheRenderedExternalLabels() {
        #expect(RouterConfig.externalLabels(fleet: "demo", shardIndex: 2) == Labels(["fleet": "demo", "shard": "2"]))
        #expect(RouterConfig.externalLabels(fleet: "demo", shardIndex: nil) == Labels(["fleet": "demo"]))
    }
}

/// Two shard groups of two in-process replicas each, storing samples without external labels
/// (as Prometheus does); the merge-mode router labels each group's series with its external labels.
@Suite(.serialized) struct ExternalLabelsMergeTests {
    /// Instances placed in the shard that owns them (hashmod of `__address__` = instance), 3 in
    /// shard 0 and 2 in shard 1.
    static func instances() -> [[String]] {
        var byShard: [[String]] = [[], []]
        var i = 0
        while byShard[0].count < 3 || byShard[1].count < 2 {
            let inst = "host\(i):9100"
            let owner = ShardPruning.owner([.equal("instance", inst)], shardBy: ["__address__"], shards: 2)!
            if byShard[owner].count < (owner == 0 ? 3 : 2) { byShard[owner].append(inst) }
            i += 1
        }
        return byShard
    }

    @Test func groupsExternalLabelsShowInResults() async throws {
        let byShard = Self.instances()
        var replicas: [[APIReplica]] = []
        for shard in 0..<2 {
            var pair: [APIReplica] = []
            for phase in [0, 300] as [Int64] {
                let r = APIReplica()
                for inst in byShard[shard] {
                    r.storage.add(Labels(["__name__": "up", "job": "node", "instance": inst]),
                                  stride(from: phase, to: 60_000, by: 1000).map { Sample(t: $0, v: 1) })
                }
                if shard == 0 {
                    // A series with its own `shard` label keeps it.
                    r.storage.add(Labels(["__name__": "native", "shard": "7"]), [Sample(t: 29_000 + phase, v: 7)])
                }
                try await r.start()
                pair.append(r)
            }
            replicas.append(pair)
        }
        let groups = (0..<2).map { s in
            GroupConfig(name: "shard-\(s)", shard: s, shards: 2, shardBy: ["__address__"], scrapeIntervalMs: 1000,
                        externalLabels: Labels(["fleet": "demo", "shard": String(s), "replica": "ignored"]),
                        members: replicas[s].enumerated().map { MemberConfig(name: "shard-\(s)-\($0.offset)", replica: "\($0.offset)", url: $0.element.url) })
        }
        var cfg = RouterConfig(mode: .merge, groups: groups)
        cfg.probeIntervalMs = 60_000
        let router = try await TestRouter.start(cfg)
        func hits(_ shard: Int) -> Int {
            router.upstreams.registry.view().members.filter { $0.group == "shard-\(shard)" }.map { $0.stats.requests[.success] ?? 0 }.reduce(0, +)
        }
        func query(_ q: String) async throws -> [RawSeries] {
            let (code, body) = try await router.get("/api/v1/query?query=" + FormEncoding.escape(q) + "&time=30")
            #expect(code == 200, "\(q): \(body)")
            return try vector(body)
        }

        // count by (shard) (up): one series per shard with that shard's count.
        let counts = try await query("count by (shard) (up)").sorted { $0.labels < $1.labels }
        #expect(counts.map(\.labels) == [Labels(["shard": "0"]), Labels(["shard": "1"])])
        #expect(counts.map { $0.samples.first?.v } == [3, 2])
        let fleet = try await query("count by (fleet) (up)")
        #expect(fleet.map(\.labels) == [Labels(["fleet": "demo"])] && fleet.first?.samples.first?.v == 5)

        // {shard="1"} only reaches shard 1's data, and only shard 1 is asked.
        let before0 = hits(0), before1 = hits(1)
        let s1 = try await query("up{shard=\"1\"}")
        #expect(Set(s1.map { $0.labels.get("instance") }) == Set(byShard[1]))
        #expect(s1.allSatisfy { $0.labels.get("shard") == "1" && $0.labels.get("fleet") == "demo" && !$0.labels.has("replica") })
        #expect(hits(0) == before0)
        #expect(hits(1) == before1 + 2)

        // A selector of external labels only: shard 1's series, all of them.
        let b0s = hits(0)
        let only1 = try await query("count({shard=\"1\"})")
        #expect(only1.first?.samples.first?.v == 2)
        #expect(hits(0) == b0s)

        // A series' own label wins over the group's.
        let native = try await query("native")
        #expect(native.map(\.labels) == [Labels(["__name__": "native", "shard": "7", "fleet": "demo"])])
        #expect(try await query("native{shard=\"0\"}").isEmpty)

        // Hashmod pruning still works: a pinned instance asks its owner shard only.
        let b0 = hits(0), b1 = hits(1)
        let pinned = try await query("up{instance=\"\(byShard[0][0])\"}")
        #expect(pinned.map { $0.labels.get("shard") } == ["0"])
        #expect(hits(0) == b0 + 2 && hits(1) == b1)

        // series, labels, label values carry the external labels too (`match[]` escaped: the
        // test client would otherwise escape the whole query string again).
        let (sc, sbody) = try await router.get("/api/v1/series?match%5B%5D=" + FormEncoding.escape("up{shard=\"1\"}") + "&start=0&end=60")
        #expect(sc == 200, "\(sbody)")
        let series = try #require(PromJSON.data(ByteBuffer(string: sbody)) as? [[String: String]])
        #expect(Set(series.map { $0["instance"] ?? "" }) == Set(byShard[1]))
        #expect(series.allSatisfy { $0["shard"] == "1" && $0["fleet"] == "demo" && $0["replica"] == nil })
        let (_, lbody) = try await router.get("/api/v1/labels")
        #expect(try PromJSON.data(ByteBuffer(string: lbody)) as? [String] == ["__name__", "fleet", "instance", "job", "shard"])
        let (_, vbody) = try await router.get("/api/v1/label/shard/values")
        #expect(try PromJSON.data(ByteBuffer(string: vbody)) as? [String] == ["0", "1", "7"])
        let (_, v1body) = try await router.get("/api/v1/label/shard/values?match%5B%5D=" + FormEncoding.escape("up{shard=\"1\"}"))
        #expect(try PromJSON.data(ByteBuffer(string: v1body)) as? [String] == ["1"])
        let (_, fbody) = try await router.get("/api/v1/label/fleet/values")
        #expect(try PromJSON.data(ByteBuffer(string: fbody)) as? [String] == ["demo"])

        await router.stop()
        for pair in replicas { for r in pair { await r.stop() } }
    }
}

/// An instant vector answer as series with one sample each.
func vector(_ body: String) throws -> [RawSeries] {
    let data = try #require(PromJSON.data(ByteBuffer(string: body)) as? [String: Any])
    #expect(data["resultType"] as? String == "vector")
    let result = try #require(data["result"] as? [[String: Any]])
    return try result.map { e in
        let metric = try #require(e["metric"] as? [String: String])
        let value = try #require(e["value"] as? [Any])
        let t = Int64(((value[0] as? Double) ?? 0) * 1000)
        return RawSeries(labels: Labels(metric), samples: [Sample(t: t, v: PromFloat.parse(value[1] as? String ?? "") ?? .nan)])
    }
}
