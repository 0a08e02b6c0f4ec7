import MetricModel

/// Gap-filling merge of one series' samples from several replicas (pure, no I/O).
///
/// Replicas scrape the same target at different moments, so their values differ slightly;
/// interleaving them sample by sample would create false counter resets and rate() spikes. The
/// merge therefore follows one replica (the one with the earliest sample) and switches to
/// another only where the followed one has a **gap**: no sample for more than
/// `gapFactor × scrapeInterval` of that replica. At a gap it takes the replica whose next
/// sample comes first, and stays on it until that one has a gap in turn. At a switch, samples
/// of the new replica lower than the last value taken are skipped for up to one gap threshold
/// (no false counter reset). Output timestamps are strictly increasing (no duplicates).
public enum SeriesMerge {
    public struct Input: Sendable {
        public var samples: [Sample]
        /// The replica's scrape interval, ms.
        public var intervalMs: Int64
        public init(samples: [Sample], intervalMs: Int64) {
            self.samples = samples
            self.intervalMs = intervalMs
        }
    }

    public static func merge(_ inputs: [Input], gapFactor: Double = 1.5) -> [Sample] {
        let srcs = inputs.filter { !$0.samples.isEmpty }
        if srcs.isEmpty { return [] }
        if srcs.count == 1 { return srcs[0].samples }
        let thresholds = srcs.map { Int64((Double(max(1, $0.intervalMs)) * gapFactor).rounded(.up)) }
        var pos = [Int](repeating: 0, count: srcs.count)
        var out: [Sample] = []
        out.reserveCapacity(srcs.map(\.samples.count).max()!)

        // Start on the replica with the earliest sample (first listed on ties).
        var cur = 0
        for i in 1..<srcs.count where srcs[i].samples[0].t < srcs[cur].samples[0].t { cur = i }
        var last = Int64.min

        /// Moves source i past every sample at or before `last`; its next sample, if any.
        func next(_ i: Int) -> Sample? {
            let s = srcs[i].samples
            while pos[i] < s.count && s[pos[i]].t <= last { pos[i] += 1 }
            return pos[i] < s.count ? s[pos[i]] : nil
        }

        /// True when another replica has a real sample within its own gap threshold after `last`
        /// (so a staleness marker from a replica that lost the target is not emitted).
        func otherCovers(_ stale: Sample, excluding me: Int) -> Bool {
            for i in srcs.indices where i != me {
                if let s = next(i), !StaleNaN.isStale(s.v), s.t <= stale.t || (last != Int64.min && s.t - last <= thresholds[i]) { return true }
            }
            return false
        }

        while true {
            let mine = next(cur)
            // Does the current replica continue without a gap?
            if let m = mine, last == Int64.min || m.t - last <= thresholds[cur] {
                if !StaleNaN.isStale(m.v) || !otherCovers(m, excluding: cur) {
                    out.append(m); last = m.t; pos[cur] += 1
                    continue
                }
            }
            // Gap (or end, or a staleness marker another replica covers): the replica whose
            // next sample comes first takes over; the current one stays if nobody is earlier.
            var best: Int? = nil
            var bestT = Int64.max
            for i in srcs.indices where i != cur {
                if let s = next(i), !StaleNaN.isStale(s.v), s.t < bestT { best = i; bestT = s.t }
            }
            if let b = best, mine == nil || bestT < mine!.t || StaleNaN.isStale(mine!.v) {
                cur = b
                // Counter-safe switch: the new replica's first samples may be a little below
                // the last value taken (it read the counter slightly earlier relative to its
                // timestamp); skip those within one gap threshold rather than invent a reset.
                // If that leaves nothing of it (its last samples are all below), take nothing from
                // it: the next round picks another replica or ends.
                if let lastV = out.last?.v, !lastV.isNaN {
                    let s = srcs[b].samples
                    while pos[b] < s.count, s[pos[b]].v < lastV, s[pos[b]].t - last <= thresholds[b] { pos[b] += 1 }
                    if pos[b] == s.count { continue }
                }
                let s = srcs[b].samples[pos[b]]
                out.append(s); last = s.t; pos[b] += 1
                continue
            }
            guard let m = mine else { break }
            out.append(m); last = m.t; pos[cur] += 1
        }
        return out
    }
}
