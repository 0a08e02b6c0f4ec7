import AsyncHTTPClient
import Foundation
import MetricModel
import NIOCore

/// Posts one JSON body to an Alertmanager. Throws unless the answer is 2xx. Thread-safe.
public protocol AlertPoster: Sendable {
    func post(url: String, body: [UInt8], timeoutMs: Int64) async throws
    func shutdown() async
}

public struct AlertPostError: Error, CustomStringConvertible {
    public var description: String
}

/// The real poster: async-http-client on the shared event loops.
public final class HTTPAlertPoster: AlertPoster {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)

    public init() {}

    public func post(url: String, body: [UInt8], timeoutMs: Int64) async throws {
        var req = HTTPClientRequest(url: url)
        req.method = .POST
        req.headers.add(name: "Content-Type", value: "application/json")
        req.headers.add(name: "User-Agent", value: "promfleet")
        req.body = .bytes(ByteBuffer(bytes: body))
        let resp = try await client.execute(req, timeout: .milliseconds(timeoutMs))
        let text = try await resp.body.collect(upTo: 1 << 20)
        if resp.status.code / 100 != 2 {
            throw AlertPostError(description: "bad response status \(resp.status.code) \(resp.status.reasonPhrase): \(String(buffer: text))")
        }
    }

    public func shutdown() async { try? await client.shutdown() }
}

/// Alertmanager API v2 `postableAlerts` JSON, as Prometheus writes it.
func alertsJSON(_ alerts: [NotifierAlert]) -> [UInt8] {
    var out = "["
    for (i, a) in alerts.enumerated() {
        if i > 0 { out += "," }
        out += "{\"labels\":" + labelsJSON(a.labels) + ",\"annotations\":" + labelsJSON(a.annotations)
        out += ",\"startsAt\":\"" + rfc3339Millis(a.startsAt) + "\",\"endsAt\":\"" + rfc3339Millis(a.endsAt) + "\""
        out += ",\"generatorURL\":" + jsonString(a.generatorURL) + "}"
    }
    return Array((out + "]").utf8)
}

func labelsJSON(_ l: Labels) -> String { labelsJSON(l.list) }

func labelsJSON(_ l: [Label]) -> String {
    "{" + l.map { jsonString($0.name) + ":" + jsonString($0.value) }.joined(separator: ",") + "}"
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if c.value < 0x20 { out += String(format: "\\u%04x", c.value) } else { out.unicodeScalars.append(c) }
        }
    }
    return out + "\""
}

/// `2006-01-02T15:04:05.000Z` (go-openapi strfmt.DateTime), UTC.
func rfc3339Millis(_ ms: Timestamp) -> String {
    let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
    let milli = Int(ms - secs * 1000)
    var t = time_t(secs)
    var tmv = tm()
    gmtime_r(&t, &tmv)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
                  Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec), milli)
}

/// Time strings for the HTTP API (RFC3339 with the milliseconds Go prints: trailing zeros trimmed).
public func rfc3339(_ ms: Timestamp) -> String {
    var s = rfc3339Millis(ms)
    s.removeLast()  // Z
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s + "Z"
}
