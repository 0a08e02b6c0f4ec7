import Foundation
import NIOCore
import NIOHTTP1
import Testing
@testable import Router

/// Failover over real loopback sockets: fake upstreams answering errors, 5xx, hanging.
@Suite(.serialized) struct FailoverTests {
    func config(_ fakes: [FakePrometheus], queryTimeoutMs: Int64 = 2_000) -> RouterConfig {
        var c = RouterConfig(groups: [GroupConfig(name: "g", members: fakes.map {
            MemberConfig(name: $0.name, replica: $0.name, url: $0.server.url)
        })])
        c.queryTimeoutMs = queryTimeoutMs
        c.probeIntervalMs = 60_000   // one probe round at start; these tests drive health by requests
        return c
    }

    func servedBy(_ body: String) -> String? {
        guard let r = body.range(of: "\"served_by\":\"") else { return nil }
        return String(body[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test func sameQueryGoesToSameMember() async throws {
        let fakes = [FakePrometheus(name: "a"), FakePrometheus(name: "b"), FakePrometheus(name: "c")]
        for f in fakes { try await f.start() }
        let router = try await TestRouter.start(config(fakes))
        var chosen: [String: Set<String>] = [:]
        for q in ["up", "rate(x[5m])", "sum(y)", "z", "w"] {
            for _ in 0..<4 {
                let (status, body) = try await router.get("/api/v1/query?query=" + q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
                #expect(status == 200)
                chosen[q, default: []].insert(servedBy(body) ?? "?")
            }
        }
        for (q, members) in chosen { #expect(members.count == 1, "query \(q) went to \(members)") }
        // Every request hit exactly one upstream.
        #expect(fakes.map { $0.hits.load(ordering: .relaxed) }.reduce(0, +) == 20)
        await router.stop()
        for f in fakes { await f.server.stop() }
    }

    @Test(arguments: ["status500", "status503", "hang", "closed"])
    func retriesOnNextMember(_ failure: String) async throws {
        let a = FakePrometheus(name: "a"), b = FakePrometheus(name: "b")
        try await a.start(); try await b.start()
        let router = try await TestRouter.start(config([a, b], queryTimeoutMs: 500))
        try await Task.sleep(for: .milliseconds(300))   // let the startup probe round finish first
        // Find a query whose first choice is a.
        let q = (0..<100).map { "q\($0)" }.first { Rendezvous.order(key: $0, members: ["a", "b"])[0] == 0 }!
        switch failure {
        case "status500": a.behavior.withLock { $0 = .status(500) }
        case "status503": a.behavior.withLock { $0 = .status(503) }
        case "hang": a.behavior.withLock { $0 = .hang }
        default: await a.server.stop()
        }
        let (status, body) = try await router.get("/api/v1/query?query=" + q)
        #expect(status == 200)
        #expect(servedBy(body) == "b")
        // Suspect after one failure (a closed port may also have failed the startup probe: down).
        let st = router.upstreams.registry.state(of: "a")
        #expect(st == .suspect || (failure == "closed" && st == .down))
        // A suspect member is tried only after the up ones: a gets nothing while b answers.
        let hitsA = a.hits.load(ordering: .relaxed)
        for _ in 0..<3 {
            let (status2, body2) = try await router.get("/api/v1/query?query=" + q)
            #expect(status2 == 200)
            #expect(servedBy(body2) == "b")
        }
        #expect(a.hits.load(ordering: .relaxed) == hitsA)
        // Failing probes (a closed port) take it down; a 200 /-/ready brings a suspect back up.
        let prober = Prober(upstreams: router.upstreams, logger: quietLogger)
        await prober.probeAll()
        #expect(router.upstreams.registry.state(of: "a") == (failure == "closed" ? .down : .up))
        await router.stop()
        await a.server.stop(); await b.server.stop()
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let a = FakePrometheus(name: "a", behavior: .status(400)), b = FakePrometheus(name: "b", behavior: .status(400))
        try await a.start(); try await b.start()
        let router = try await TestRouter.start(config([a, b]))
        let (status, body) = try await router.get("/api/v1/query?query=up")
        #expect(status == 400)
        #expect(body.contains("\"errorType\":\"internal\""))
        #expect(a.hits.load(ordering: .relaxed) + b.hits.load(ordering: .relaxed) == 1)
        await router.stop()
        await a.server.stop(); await b.server.stop()
    }

    @Test func failsOnlyWhenEveryMemberFails() async throws {
        let a = FakePrometheus(name: "a", behavior: .status(500)), b = FakePrometheus(name: "b", behavior: .status(502))
        try await a.start(); try await b.start()
        let router = try await TestRouter.start(config([a, b]))
        let (status, body) = try await router.get("/api/v1/query?query=up")
        #expect(status == 503)
        #expect(body.hasPrefix("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"every member of group g failed"))
        #expect(a.hits.load(ordering: .relaxed) == 1 && b.hits.load(ordering: .relaxed) == 1)
        await router.stop()
        await a.server.stop(); await b.server.stop()
    }

    @Test func notReadyMemberGetsNothingAndComesBack() async throws {
        let a = FakePrometheus(name: "a", behavior: .notReady), b = FakePrometheus(name: "b")
        try await a.start(); try await b.start()
        let router = try await TestRouter.start(config([a, b]))
        let prober = Prober(upstreams: router.upstreams, logger: quietLogger)
        await prober.probeAll(); await prober.probeAll()
        #expect(router.upstreams.registry.state(of: "a") == .down)
        for i in 0..<10 {
            let (status, body) = try await router.get("/api/v1/query?query=q\(i)")
            #expect(status == 200)
            #expect(servedBy(body) == "b")
        }
        #expect(a.hits.load(ordering: .relaxed) == 0)
        a.behavior.withLock { $0 = .ok }
        await prober.probeAll()
        #expect(router.upstreams.registry.state(of: "a") == .probing)
        await prober.probeAll()
        #expect(router.upstreams.registry.state(of: "a") == .up)
        // Status endpoint and metrics show the history.
        let (_, members) = try await router.get("/api/v1/router/members")
        #expect(members.contains("\"name\":\"a\",\"replica\":\"a\""))
        #expect(members.contains("\"from\":\"probing\",\"to\":\"up\""))
        let (_, metrics) = try await router.get("/metrics")
        #expect(metrics.contains("promfleet_router_member_up{group=\"g\",member=\"a\"} 1"))
        #expect(metrics.contains("promfleet_router_member_transitions_total{group=\"g\",member=\"a\",from=\"down\",to=\"probing\"} 1"))
        #expect(metrics.contains("promfleet_router_member_requests_total{group=\"g\",member=\"b\",outcome=\"success\"} 10"))
        await router.stop()
        await a.server.stop(); await b.server.stop()
    }

    @Test func postFormQueriesAreForwarded() async throws {
        let a = FakePrometheus(name: "a")
        try await a.start()
        let router = try await TestRouter.start(config([a]))
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let resp = try await router.client.send(method: .POST, url: router.server.url + "/api/v1/query", headers: headers,
                                                body: ByteBuffer(string: "query=sum%28up%29"), timeout: .seconds(5))
        let body = String(buffer: try await resp.body.collect(upTo: 1 << 20))
        #expect(resp.status.code == 200)
        #expect(body.contains("\"served_by\":\"a\""))
        await router.stop()
        await a.server.stop()
    }
}
