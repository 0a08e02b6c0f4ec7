import Exposition
import MetricModel

/// Per-target metadata tracking inside the scrape cache (Prometheus keeps it in its scrape cache
/// too). Unchanged TYPE/HELP/UNIT lines are recognised by their raw bytes, so a steady target
/// costs no allocation; entries unseen for more than 10 scrapes are forgotten, as Prometheus does.
struct MetadataTracker {
    struct Entry {
        var nameRaw: [UInt8]
        var helpRaw: [UInt8] = []
        var unitRaw: [UInt8] = []
        var meta: MetricMetadata
        var lastIter: Int
    }

    private var byHash: [UInt64: Entry] = [:]
    /// Something changed since the last `snapshotIfChanged`.
    private var dirty = false

    /// Records the current HELP, TYPE or UNIT entry of `p` at scrape iteration `iter`.
    mutating func note<P: ExpositionParser>(_ entry: ExpositionEntry, _ p: inout P, iter: Int) {
        let nameBytes = p.metadataNameBytes
        let h = XXH64.hash(nameBytes)
        var e: Entry
        if let found = byHash[h], found.nameRaw.elementsEqual(nameBytes) {
            e = found
        } else {
            e = Entry(nameRaw: Array(nameBytes), meta: MetricMetadata(metric: p.metadataName), lastIter: iter)
            dirty = true
        }
        e.lastIter = iter
        switch entry {
        case .type:
            let t = p.metricType.rawValue
            if e.meta.type != t { e.meta.type = t; dirty = true }
        case .help:
            let raw = p.metadataTextBytes
            if !e.helpRaw.elementsEqual(raw) { e.helpRaw = Array(raw); e.meta.help = p.help(); dirty = true }
        case .unit:
            let raw = p.metadataTextBytes
            if !e.unitRaw.elementsEqual(raw) { e.unitRaw = Array(raw); e.meta.unit = p.unit(); dirty = true }
        default:
            return
        }
        byHash[h] = e
    }

    /// Forgets families unseen for more than `maxAge` scrapes.
    mutating func prune(iter: Int, maxAge: Int = 10) {
        guard byHash.values.contains(where: { iter - $0.lastIter > maxAge }) else { return }
        byHash = byHash.filter { iter - $0.value.lastIter <= maxAge }
        dirty = true
    }

    /// The metadata sorted by family name, when it changed since the last call.
    mutating func snapshotIfChanged() -> [MetricMetadata]? {
        guard dirty else { return nil }
        dirty = false
        return byHash.values.map(\.meta).sorted { $0.metric.utf8.lexicographicallyPrecedes($1.metric.utf8) }
    }
}
