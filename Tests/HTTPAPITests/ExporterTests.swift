import Testing
@testable import Exporter
import MetricModel

@Suite struct ExporterTests {
    func lines(_ t: SyntheticTarget, _ sec: Int64) -> [String] {
        var b: [UInt8] = []
        t.render(second: sec, into: &b)
        return String(decoding: b, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(arguments: [1, 7, 30, 100, 1000])
    func exactSeriesCountWithMetadata(series: Int) {
        let t = SyntheticTarget(index: 3, seriesCount: series)
        let ls = lines(t, 1_700_000_000)
        #expect(ls.filter { !$0.hasPrefix("#") }.count == series)
        #expect(t.seriesCount == series)
        let types = ls.filter { $0.hasPrefix("# TYPE") }
        #expect(types.count == ls.filter { $0.hasPrefix("# HELP") }.count)
        if series >= 30 {
            #expect(types.contains { $0.hasSuffix(" counter") } && types.contains { $0.hasSuffix(" gauge") } && types.contains { $0.hasSuffix(" histogram") })
        }
    }

    @Test func deterministicAndChangingPerSecond() {
        let a = SyntheticTarget(index: 1, seriesCount: 60), b = SyntheticTarget(index: 1, seriesCount: 60)
        #expect(lines(a, 1000) == lines(b, 1000))
        let l1 = lines(a, 1000).filter { !$0.hasPrefix("#") }, l2 = lines(a, 1001).filter { !$0.hasPrefix("#") }
        let changed = zip(l1, l2).filter { $0 != $1 }.count
        #expect(changed >= l1.count * 9 / 10)
    }

    @Test func histogramBucketsCumulativeAndCountersMonotonic() {
        let t = SyntheticTarget(index: 2, seriesCount: 30)
        func values(_ sec: Int64, _ prefix: String) -> [Double] {
            lines(t, sec).filter { $0.hasPrefix(prefix) }.map { Double($0.split(separator: " ").last!)! }
        }
        let buckets = values(5000, "synthetic_latency_0_seconds_bucket")
        #expect(buckets.count == 8)
        #expect(buckets == buckets.sorted())
        #expect(buckets.last == values(5000, "synthetic_latency_0_seconds_count").first)
        let c1 = values(5000, "synthetic_requests_0_total"), c2 = values(5001, "synthetic_requests_0_total")
        #expect(zip(c1, c2).allSatisfy { $0 < $1 })
    }

    @Test(arguments: [(Int64(0), "0"), (7, "7"), (10, "10"), (1234567890123, "1234567890123"), (-42, "-42")])
    func writesIntegers(v: Int64, s: String) {
        var b: [UInt8] = []
        NumberWriter.writeInt(v, into: &b)
        #expect(String(decoding: b, as: UTF8.self) == s)
        b.removeAll()
        NumberWriter.writeTenths(v, into: &b)
        #expect(Double(String(decoding: b, as: UTF8.self)) == Double(v) / 10)
    }
}
