import MetricModel

/// Batches samples for the head (Prometheus `headAppender`). Checks each sample against the
/// series' newest committed sample at `append` (so errors are reported per sample), then
/// `commit()` logs one WAL write — series records for series this appender created (or touched
/// before their record was known written), then the samples — and only then applies the samples.
final class HeadAppender: Appender {
    let head: Head
    var samples: [RefSample] = []
    var newSeries: [RefSeries] = []
    var buf: [UInt8] = []
    /// Refs already in `newSeries` (only consulted for series another appender created).
    var recorded = Set<SeriesRef>()

    init(head: Head) { self.head = head }

    func append(ref: SeriesRef?, labels: Labels, t: Timestamp, v: Double) throws -> SeriesRef {
        if labels.isEmpty { throw AppendError.invalidLabels("empty label set") }
        if t < head.minValid.load(ordering: .relaxed) {
            head.counters.outOfBounds.add(1, ordering: .relaxed)
            throw AppendError.outOfBounds
        }
        let s = head.getOrCreate(ref: ref, labels: labels)
        if s.needsRecord && (s.created || recorded.insert(s.ref).inserted) {
            if s.created { recorded.insert(s.ref) }
            newSeries.append(RefSeries(ref: s.ref, labels: labels))
        }
        if s.hasLast {
            if t < s.lastT {
                head.counters.outOfOrder.add(1, ordering: .relaxed)
                throw AppendError.outOfOrderSample
            }
            if t == s.lastT {
                if s.lastBits != v.bitPattern {
                    head.counters.duplicate.add(1, ordering: .relaxed)
                    throw AppendError.duplicateSampleForTimestamp
                }
                return s.ref  // identical sample: accepted, nothing to store
            }
        }
        samples.append(RefSample(ref: s.ref, t: t, v: v))
        return s.ref
    }

    func commit() throws {
        defer {
            samples.removeAll()
            newSeries.removeAll()
            recorded.removeAll()
        }
        if samples.isEmpty && newSeries.isEmpty { return }
        if let wal = head.wal {
            buf.removeAll(keepingCapacity: true)
            encode(series: newSeries, samples: samples, into: &buf)
            try wal.log(buf)
            head.markLogged(newSeries)
        }
        head.apply(samples)
    }

    /// Drops the samples. Series created meanwhile stay in the head, so their records are still
    /// logged (a later appender will not log them again), as Prometheus does.
    func rollback() {
        if !newSeries.isEmpty, let wal = head.wal {
            buf.removeAll(keepingCapacity: true)
            encode(series: newSeries, samples: [], into: &buf)
            do {
                try wal.log(buf)
                head.markLogged(newSeries)
            } catch {
                head.logger.error("WAL write of series records on rollback failed", metadata: ["error": "\(error)"])
            }
        }
        samples.removeAll()
        newSeries.removeAll()
        recorded.removeAll()
    }

    private func encode(series: [RefSeries], samples: [RefSample], into buf: inout [UInt8]) {
        if !series.isEmpty {
            let s = WALFrame.begin(&buf)
            WALRecordCodec.appendSeries(series, to: &buf)
            WALFrame.end(&buf, s)
        }
        if !samples.isEmpty {
            let s = WALFrame.begin(&buf)
            WALRecordCodec.appendSamples(samples, to: &buf)
            WALFrame.end(&buf, s)
        }
    }
}
