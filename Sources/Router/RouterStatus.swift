import HTTPAPI
import MetricModel

/// /api/v1/router/members (JSON) and the router's /metrics (text format 0.0.4).
enum RouterStatus {
    static func membersJSON(_ u: Upstreams) -> [UInt8] {
        let (members, recent) = u.registry.view()
        var o = JSONWriter(capacity: 2048)
        o.raw("{\"status\":\"success\",\"data\":{\"mode\":"); o.string(u.config.mode.rawValue)
        o.raw(",\"members\":[")
        for (i, m) in members.enumerated() {
            if i > 0 { o.raw(",") }
            o.raw("{\"group\":"); o.string(m.group)
            o.raw(",\"name\":"); o.string(m.config.name)
            o.raw(",\"replica\":"); o.string(m.config.replica)
            o.raw(",\"url\":"); o.string(m.config.url)
            o.raw(",\"state\":"); o.string(m.health.state.rawValue)
            o.raw(",\"since\":"); o.timestamp(m.sinceMs)
            o.raw(",\"consecutiveFailures\":"); o.int(Int64(m.health.consecutiveFailures))
            o.raw(",\"consecutiveSuccesses\":"); o.int(Int64(m.health.consecutiveSuccesses))
            o.raw(",\"lastError\":")
            if let e = m.health.lastError { o.string(e) } else { o.raw("null") }
            o.raw("}")
        }
        o.raw("],\"transitions\":[")
        for (i, t) in recent.enumerated() {
            if i > 0 { o.raw(",") }
            o.raw("{\"member\":"); o.string(t.member)
            o.raw(",\"from\":"); o.string(t.from.rawValue)
            o.raw(",\"to\":"); o.string(t.to.rawValue)
            o.raw(",\"at\":"); o.timestamp(t.atMs)
            o.raw(",\"reason\":")
            if let r = t.reason { o.string(r) } else { o.raw("null") }
            o.raw("}")
        }
        o.raw("]}}")
        return o.bytes
    }

    static func metricsText(_ u: Upstreams) -> String {
        let (members, _) = u.registry.view()
        var s = ""
        func lbl(_ m: MemberRegistry.MemberView) -> String {
            "group=\"\(escapeLabelValue(m.group))\",member=\"\(escapeLabelValue(m.config.name))\""
        }
        s += "# HELP promfleet_router_member_up 1 when the member gets queries (state up or suspect).\n# TYPE promfleet_router_member_up gauge\n"
        for m in members { s += "promfleet_router_member_up{\(lbl(m))} \(m.health.state.isRoutable ? 1 : 0)\n" }
        s += "# HELP promfleet_router_member_state Current health state of the member (1 for the current state).\n# TYPE promfleet_router_member_state gauge\n"
        for m in members {
            for st in MemberHealth.State.allCases {
                s += "promfleet_router_member_state{\(lbl(m)),state=\"\(st.rawValue)\"} \(m.health.state == st ? 1 : 0)\n"
            }
        }
        s += "# HELP promfleet_router_member_transitions_total Health state transitions.\n# TYPE promfleet_router_member_transitions_total counter\n"
        for m in members {
            for (k, n) in m.transitions.sorted(by: { $0.key < $1.key }) {
                let parts = k.split(separator: ">").map { $0.replacingOccurrences(of: "-", with: "") }
                s += "promfleet_router_member_transitions_total{\(lbl(m)),from=\"\(parts[0])\",to=\"\(parts[1])\"} \(n)\n"
            }
        }
        s += "# HELP promfleet_router_member_requests_total Requests sent to the member by outcome.\n# TYPE promfleet_router_member_requests_total counter\n"
        for m in members {
            for o in RequestOutcome.allCases {
                s += "promfleet_router_member_requests_total{\(lbl(m)),outcome=\"\(o.rawValue)\"} \(m.stats.requests[o] ?? 0)\n"
            }
        }
        s += "# HELP promfleet_router_member_request_duration_seconds Latency of requests to the member (to the response head).\n# TYPE promfleet_router_member_request_duration_seconds histogram\n"
        for m in members {
            for (i, b) in MemberStats.buckets.enumerated() {
                s += "promfleet_router_member_request_duration_seconds_bucket{\(lbl(m)),le=\"\(PromFloat.formatG(b))\"} \(m.stats.bucketCounts[i])\n"
            }
            s += "promfleet_router_member_request_duration_seconds_bucket{\(lbl(m)),le=\"+Inf\"} \(m.stats.count)\n"
            s += "promfleet_router_member_request_duration_seconds_sum{\(lbl(m))} \(PromFloat.formatG(m.stats.sum))\n"
            s += "promfleet_router_member_request_duration_seconds_count{\(lbl(m))} \(m.stats.count)\n"
        }
        return s
    }
}
