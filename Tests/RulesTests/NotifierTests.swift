import Config
import Logging
import MetricModel
import Relabeling
@testable import Rules
import Synchronization
import Testing

@Suite struct NotifierTests {
    final class FakePoster: AlertPoster {
        let bodies = Mutex<[(String, String)]>([])
        let fail: Bool
        init(fail: Bool = false) { self.fail = fail }
        func post(url: String, body: [UInt8], timeoutMs: Int64) async throws {
            if fail { throw AlertPostError(description: "connection refused") }
            bodies.withLock { $0.append((url, String(decoding: body, as: UTF8.self))) }
        }
        func shutdown() async {}
    }

    static func alert(_ name: String, _ i: Int) -> NotifierAlert {
        NotifierAlert(labels: Labels(["alertname": name, "i": String(i)]), annotations: [], startsAt: 0, endsAt: 1, generatorURL: "")
    }

    static func alerting(_ yaml: String) throws -> AlertingConfig {
        try PrometheusConfig.parse(yaml: yaml, filename: "p.yml").alerting
    }

    @Test func queueDropsOldestBeyondCapacity() {
        let n = Notifier(capacity: 3, poster: FakePoster(), logger: Logger(label: "t"))
        n.enqueue((0..<2).map { Self.alert("A", $0) })
        n.enqueue((2..<6).map { Self.alert("A", $0) })
        #expect(n.statistics.dropped == 3)
        #expect(n.statistics.queueLength == 3)
        #expect(n.nextBatch().map { $0.labels.get("i") } == ["3", "4", "5"])
    }

    @Test func externalLabelsRelabelingAndPayload() async throws {
        let poster = FakePoster()
        let n = Notifier(poster: poster, logger: Logger(label: "t"))
        n.apply(try Self.alerting("""
            alerting:
              alert_relabel_configs:
                - source_labels: [severity]
                  regex: debug
                  action: drop
              alertmanagers:
                - path_prefix: /am/
                  static_configs:
                    - targets: ['127.0.0.1:9093']
            """), externalLabels: Labels(["cluster": "eu1", "severity": "none"]))
        let firing = Alert(labels: Labels(["alertname": "High", "severity": "page"]), annotations: [Label("empty", ""), Label("summary", "a \"b\"")],
                           state: .firing, value: 1, activeAt: 1_000, firedAt: 61_000, validUntil: 301_000)
        let debug = Alert(labels: Labels(["alertname": "Dbg", "severity": "debug"]), annotations: [],
                          state: .firing, value: 1, activeAt: 1_000, firedAt: 1_000, validUntil: 2_000)
        n.send(expr: "rate(x[5m]) > 1", alerts: [firing, debug], externalURL: "http://h:9090")
        #expect(await n.sendAll(n.nextBatch()))
        let sent = poster.bodies.withLock { $0 }
        #expect(sent.map(\.0) == ["http://127.0.0.1:9093/am/api/v2/alerts"])
        #expect(sent.first?.1 == #"[{"labels":{"alertname":"High","cluster":"eu1","severity":"page"},"annotations":{"empty":"","summary":"a \"b\""},"startsAt":"1970-01-01T00:01:01.000Z","endsAt":"1970-01-01T00:05:01.000Z","generatorURL":"http://h:9090/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+1&g0.tab=1"}]"#)
        #expect(n.statistics.sent == ["http://127.0.0.1:9093/am/api/v2/alerts": 1])
    }

    @Test func alertmanagerRelabelingPicksTargetsAndAlerts() async throws {
        let poster = FakePoster()
        let n = Notifier(poster: poster, logger: Logger(label: "t"))
        n.apply(try Self.alerting("""
            alerting:
              alertmanagers:
                - scheme: https
                  relabel_configs:
                    - source_labels: [__address__]
                      regex: 'skip:.*'
                      action: drop
                  alert_relabel_configs:
                    - target_label: via
                      replacement: am1
                  static_configs:
                    - targets: ['am1:9093', 'skip:9093']
            """), externalLabels: .empty)
        #expect(n.statistics.alertmanagers == ["https://am1:9093/api/v2/alerts"])
        n.enqueue([Self.alert("A", 1)])
        #expect(await n.sendAll(n.nextBatch()))
        #expect(poster.bodies.withLock { $0.first?.1 }?.contains(#""labels":{"alertname":"A","i":"1","via":"am1"}"#) == true)
    }

    @Test func failedSendsAreCountedAsErrors() async throws {
        let n = Notifier(poster: FakePoster(fail: true), logger: Logger(label: "t"))
        n.apply(try Self.alerting("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:1']\n"), externalLabels: .empty)
        n.enqueue([Self.alert("A", 1), Self.alert("A", 2)])
        #expect(await !n.sendAll(n.nextBatch()))
        #expect(n.statistics.errors == ["http://127.0.0.1:1/api/v2/alerts": 2])
    }
}
