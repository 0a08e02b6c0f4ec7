import MetricModel
import Testing
@testable import Router

@Suite struct SeriesMergeTests {
    /// A counter growing 1/s, scraped every `interval` ms starting at `phase`, in [from, to).
    func counter(from: Int64, to: Int64, interval: Int64 = 1000, phase: Int64 = 0, skew: Double = 0) -> [Sample] {
        stride(from: from + phase, to: to, by: Int(interval)).map { Sample(t: $0, v: Double($0) / 1000 + skew) }
    }

    func isStrictlyIncreasing(_ s: [Sample]) -> Bool { zip(s, s.dropFirst()).allSatisfy { $0.t < $1.t } }
    func resets(_ s: [Sample]) -> Int { zip(s, s.dropFirst()).filter { $1.v < $0.v }.count }
    func maxGap(_ s: [Sample]) -> Int64 { zip(s, s.dropFirst()).map { $1.t - $0.t }.max() ?? 0 }

    @Test func singleSourceIsUnchanged() {
        let a = counter(from: 0, to: 10_000)
        #expect(SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: [], intervalMs: 1000)]) == a)
    }

    @Test func identicalSourcesGiveNoDuplicates() {
        let a = counter(from: 0, to: 10_000)
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: a, intervalMs: 1000)])
        #expect(m == a)
    }

    /// Seen with loaded replicas: the followed replica's last scrape is late (a gap at the end of
    /// the window) and the other's only sample after it read the counter a little earlier.
    @Test func noResetWhenTheOtherReplicaEndsBelowTheLastValue() {
        let a = counter(from: 0, to: 10_000)                                        // 0 … 9 s
        let b = counter(from: 0, to: 8_000, phase: 300) + [Sample(t: 9_600, v: 8.9)] // late-timestamped low read
        let m = SeriesMerge.merge([.init(samples: b, intervalMs: 1000), .init(samples: a, intervalMs: 1000)])
        #expect(resets(m) == 0)
        #expect(isStrictlyIncreasing(m))
        #expect(m.last == Sample(t: 9_000, v: 9))
        // And in the other order (A followed, B's last sample below A's last value).
        let a2 = counter(from: 0, to: 5_000) + [Sample(t: 7_000, v: 6.5)]
        let b2 = counter(from: 0, to: 10_000, phase: 300)
        let m2 = SeriesMerge.merge([.init(samples: a2, intervalMs: 1000), .init(samples: b2, intervalMs: 1000)])
        #expect(resets(m2) == 0 && isStrictlyIncreasing(m2))
    }

    @Test func fillsAGapFromTheOtherReplica() {
        // A is down from 10 s to 20 s; B scrapes 300 ms later in each interval, with a slightly
        // different value (it saw the counter 0.3 s later).
        let a = counter(from: 0, to: 10_000) + counter(from: 20_000, to: 30_000)
        let b = counter(from: 0, to: 30_000, phase: 300)
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: b, intervalMs: 1000)])
        #expect(isStrictlyIncreasing(m))
        #expect(maxGap(m) <= 1000)
        #expect(resets(m) == 0)
        // Before the gap every sample is A's; the gap is B's.
        #expect(m.prefix(10) == a.prefix(10)[...])
        #expect(m.contains(Sample(t: 15_300, v: 15.3)))
        #expect(!m.contains { $0.t > 10_000 && $0.t < 20_000 && $0.t % 1000 == 0 })
    }

    @Test func neverInterleavesWithoutAGap() {
        // B's values are higher by 0.5 (a different scrape moment); switching back and forth
        // would create resets. Without a gap the merge must stay on one replica.
        let a = counter(from: 0, to: 60_000)
        let b = counter(from: 0, to: 60_000, phase: 500, skew: 0.5)
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: b, intervalMs: 1000)])
        // All of A; only after A's last sample does B's newer one extend the series.
        #expect(Array(m.dropLast()) == a)
        #expect(m.last == b.last)
    }

    @Test func switchesOnlyAtGapsAndStaysOnTheNewReplica() {
        // B is slightly *lower* (scraped the counter a bit earlier): switching A→B→A sample by
        // sample would create a reset each time; gap-aware switching makes none.
        let a = counter(from: 0, to: 10_000) + counter(from: 15_000, to: 40_000)
        let b = counter(from: 0, to: 40_000, phase: 100, skew: -0.2)
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: b, intervalMs: 1000)])
        #expect(resets(m) == 0)
        #expect(isStrictlyIncreasing(m))
        #expect(maxGap(m) <= 1100)
        // At the switch, B's 9.1 s sample (8.9, below A's 9.0 at 9 s) is skipped: B resumes at 10.1 s.
        #expect(!m.contains { $0.t == 9_100 })
        // After the switch the merge stays on B even when A is back.
        let after = m.filter { $0.t > 10_000 }
        #expect(after.allSatisfy { $0.t % 1000 == 100 })
        #expect(m.count == 10 + after.count)
    }

    @Test func earliestReplicaStartsAndGapThresholdUsesInterval() {
        // B starts earlier; its 15 s interval means a 20 s hole is not a gap (≤ 1.5×15 s) but 30 s is.
        let b: [Sample] = [0, 15_000, 35_000, 65_000].map { Sample(t: $0, v: Double($0)) }
        let a: [Sample] = [5_000, 20_000, 50_000].map { Sample(t: $0, v: Double($0)) }
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 15_000), .init(samples: b, intervalMs: 15_000)])
        // 0 (B), 15 s (B), 35 s (B: 20 s hole is fine), then 65 s is 30 s later → gap: A's 50 s fills.
        #expect(m.map(\.t) == [0, 15_000, 35_000, 50_000, 65_000])
    }

    @Test func threeReplicasAllDownInTurn() {
        let a = counter(from: 0, to: 10_000)
        let b = counter(from: 8_000, to: 20_000, phase: 200)
        let c = counter(from: 18_000, to: 30_000, phase: 400)
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: b, intervalMs: 1000),
                                   .init(samples: c, intervalMs: 1000)])
        #expect(resets(m) == 0)
        #expect(maxGap(m) <= 1200)
        #expect(m.first?.t == 0)
        #expect(m.last?.t == 29_400)
    }

    @Test func staleMarkerOfAReplicaThatLostTheTargetIsCovered() {
        var a = counter(from: 0, to: 10_000)
        a.append(Sample(t: 10_000, v: StaleNaN.value))
        let b = counter(from: 0, to: 20_000, phase: 300)
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: b, intervalMs: 1000)])
        #expect(!m.contains { StaleNaN.isStale($0.v) })
        #expect(maxGap(m) <= 1000)
        #expect(m.last?.t == 19_300)
    }

    @Test func realStalenessIsKeptWhenEveryReplicaSaysSo() {
        var a = counter(from: 0, to: 5_000)
        a.append(Sample(t: 5_000, v: StaleNaN.value))
        var b = counter(from: 0, to: 5_000, phase: 300)
        b.append(Sample(t: 5_300, v: StaleNaN.value))
        let m = SeriesMerge.merge([.init(samples: a, intervalMs: 1000), .init(samples: b, intervalMs: 1000)])
        // A until 4 s, B's 4.3 s sample instead of A's marker, then B's marker: staleness stays.
        #expect(m.map(\.t) == [0, 1000, 2000, 3000, 4000, 4300, 5300])
        #expect(StaleNaN.isStale(m.last!.v))
    }
}
