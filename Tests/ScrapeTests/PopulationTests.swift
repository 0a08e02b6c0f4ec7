import MetricModel
import Testing
@testable import Scrape

@Suite struct PopulationTests {
    func pool() -> PoolConfig {
        var p = PoolConfig(settings: ScrapeSettings(jobName: "node", intervalMs: 15_000, timeoutMs: 10_000))
        p.params = [("module", ["a b"])]
        return p
    }

    @Test func defaultsInstanceAndURL() throws {
        let out = TargetPopulation.populate(target: ["__address__": "10.0.0.1:9100"], groupLabels: ["env": "prod"], pool: pool())
        guard case .target(let t) = out else { Issue.record("expected a target"); return }
        #expect(t.labels == Labels(["env": "prod", "instance": "10.0.0.1:9100", "job": "node"]))
        #expect(t.url == "http://10.0.0.1:9100/metrics?module=a%20b")
        #expect(t.discoveredLabels.get("__scrape_interval__") == "15s")
        #expect(t.discoveredLabels.get("__param_module") == "a b")
        #expect(t.settings.timeoutMs == 10_000)
    }

    @Test func relabelDropsAndOverrides() {
        var p = pool()
        p.relabel = { l in
            if l.get("env") == "dev" { return nil }
            return l.setting("__metrics_path__", "/probe").setting("__scrape_interval__", "30s").setting("instance", "custom")
        }
        if case .dropped(let d) = TargetPopulation.populate(target: ["__address__": "a:1"], groupLabels: ["env": "dev"], pool: p) {
            #expect(d.get("__address__") == "a:1")
        } else { Issue.record("expected dropped") }
        guard case .target(let t) = TargetPopulation.populate(target: ["__address__": "a:1"], groupLabels: [:], pool: p) else {
            Issue.record("expected a target"); return
        }
        #expect(t.url.hasPrefix("http://a:1/probe"))
        #expect(t.settings.intervalMs == 30_000)
        #expect(t.labels.get("instance") == "custom")
    }

    @Test func invalidWithoutAddress() {
        if case .invalid(let m) = TargetPopulation.populate(target: [:], groupLabels: [:], pool: pool()) {
            #expect(m == "no address")
        } else { Issue.record("expected invalid") }
    }

    @Test(arguments: [("15s", Int64(15_000)), ("1m30s", 90_000), ("500ms", 500), ("2h", 7_200_000), ("1d", 86_400_000), ("0", 0)])
    func durations(s: String, ms: Int64) {
        #expect(parseDurationMs(s) == ms)
        if ms > 0 { #expect(parseDurationMs(formatDuration(ms)) == ms) }
    }

    @Test func durationFormatting() {
        #expect(formatDuration(15_000) == "15s")
        #expect(formatDuration(90_000) == "1m30s")
        #expect(formatDuration(3_600_000) == "1h")
        #expect(formatDuration(500) == "500ms")
        #expect(parseDurationMs("5x") == nil)
    }

    @Test func fileSDJSON() throws {
        let g = try DiscoveryManager.parseJSONGroups("f.json", Array(#"[{"targets":["a:1","b:2"],"labels":{"env":"x"}},{"targets":["c:3"]}]"#.utf8))
        #expect(g.count == 2)
        #expect(g[0].targets == [["__address__": "a:1"], ["__address__": "b:2"]])
        #expect(g[0].labels == ["env": "x"])
        #expect(g[1].source == "f.json:1")
        #expect(throws: (any Error).self) { try DiscoveryManager.parseJSONGroups("f", Array("{}".utf8)) }
    }
}
