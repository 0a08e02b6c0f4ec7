import Scrape
import Exposition
import MetricModel
import TSDB

/// Counts of one pull (the values of the synthetic `scrape_*` series).
struct PullCounts: Sendable, Equatable {
    var total = 0
    var added = 0
    var seriesAdded = 0
    var duplicates = 0
    var rejected = 0
    var bytes = 0
}

/// Parses runs of complete text-format lines (from `LineAssembler`) and appends their samples to
/// one appender: honor_labels (the exposed labels win, the shard target's labels fill what is
/// missing), the replica label dropped, body timestamps kept. The appender is committed or rolled
/// back by the caller once the body ended or failed, so a pull lands whole or not at all.
final class BodyAppender {
    let cache: ScrapeCache
    let app: any Appender
    let iteration: Int
    let at: Timestamp
    let target: [Label]
    let dropLabel: String
    var counts = PullCounts()
    /// Entries appended without a body timestamp (they get staleness markers when they vanish).
    var timestampless: [Int] = []

    init(cache: ScrapeCache, app: any Appender, at: Timestamp, target: Labels, dropLabel: String) {
        self.cache = cache
        self.app = app
        self.at = at
        self.target = target.list
        self.dropLabel = dropLabel
        iteration = cache.beginIteration()
    }

    func consume(_ lines: UnsafeRawBufferPointer, firstLine: Int) throws(PullError) {
        var p = PromParser(lines)
        while true {
            let entry: ExpositionEntry
            do throws(ExpositionError) { entry = try p.next() } catch { throw Self.located(error, firstLine) }
            if entry == .eof { return }
            guard entry == .series else { continue }
            counts.total += 1
            let raw = p.series
            let h = XXH64.hash(raw)
            var idx = cache.lookup(raw, hash: h)
            if idx == nil {
                let exposed: Labels
                do throws(ExpositionError) { exposed = try p.labels() } catch { throw Self.located(error, firstLine) }
                let l = Self.finalLabels(exposed: exposed, target: target, drop: dropLabel)
                if !l.has(LabelName.metricName) { throw PullError("__name__ label is missing") }
                idx = cache.insert(raw, hash: h, labels: l)
                counts.seriesAdded += 1
            }
            let i = idx!
            if cache[i].lastIter == iteration { counts.duplicates += 1; continue }
            let ts = p.timestamp ?? at
            do {
                cache[i].ref = try app.append(ref: cache[i].ref, labels: cache[i].labels, t: ts, v: p.value)
            } catch {
                counts.rejected += 1
                continue
            }
            cache[i].lastIter = iteration
            counts.added += 1
            if p.timestamp == nil { timestampless.append(i) }
        }
    }

    /// A parse error with its line number in the whole body.
    static func located(_ e: ExpositionError, _ firstLine: Int) -> PullError {
        PullError("line \(e.line + firstLine - 1): \(e.message)")
    }

    /// honor_labels: exposed labels win; target labels fill the missing ones; then `drop` goes.
    static func finalLabels(exposed: Labels, target: Labels, drop: String) -> Labels {
        finalLabels(exposed: exposed, target: target.list, drop: drop)
    }

    /// Same, with the target's labels already listed (once per pull, not per new series); the
    /// exposed set itself when there is nothing to add or drop.
    static func finalLabels(exposed: Labels, target: [Label], drop: String) -> Labels {
        let missing = target.filter { !exposed.has($0.name) }
        let dropIt = !drop.isEmpty && exposed.has(drop)
        if missing.isEmpty && !dropIt { return exposed }
        var b = LabelsBuilder(exposed)
        for l in missing { b.set(l.name, l.value) }
        if dropIt { b.delete(drop) }
        return b.labels()
    }

    /// Staleness markers for timestamp-less series the previous pull had and this one lacks.
    func markVanished() {
        for i in cache.prevAppended where cache[i].lastIter != iteration {
            _ = try? app.append(ref: cache[i].ref, labels: cache[i].labels, t: at, v: StaleNaN.value)
        }
    }
}
