/// One synthetic scrape target of `promfleet exporter`: `seriesCount` series in families of
/// counters (`_total`), gauges and classic histograms (`_bucket{le}`, `_sum`, `_count`), each with
/// `# HELP` and `# TYPE`.
///
/// Everything but the numbers is rendered once at init into `template` (static byte runs between
/// value slots); a scrape only writes numbers into a reused buffer. Values are a pure function of
/// (target index, series index, scrape second), so two scrapers hitting the same target in the
/// same second read identical values, and every value changes from one second to the next.
public final class SyntheticTarget: Sendable {
    /// How a value slot is computed.
    enum Slot: Sendable {
        /// Monotonic counter: second × rate + offset.
        case counter(rate: Int64, offset: Int64)
        /// A gauge wandering in [0, 100) with one decimal.
        case gauge(seed: UInt64)
        /// Cumulative bucket i of n of a histogram whose count grows `rate` per second.
        case bucket(index: Int64, of: Int64, rate: Int64)
        /// Histogram sum (count × 0.25), one decimal.
        case sum(rate: Int64)
        /// Histogram count.
        case count(rate: Int64)
    }

    /// `template[i]` is written before `slots[i]`; `tail` after the last slot.
    let template: [[UInt8]]
    let slots: [Slot]
    let tail: [UInt8]
    public let index: Int
    public let seriesCount: Int

    static let bucketBounds = ["0.005", "0.01", "0.05", "0.1", "0.5", "1", "5", "+Inf"]

    public init(index: Int, seriesCount: Int) {
        self.index = index
        var template: [[UInt8]] = []
        var slots: [Slot] = []
        var pending: [UInt8] = []
        var n = 0
        var family = 0
        func emit(_ text: String, _ slot: Slot) {
            pending.append(contentsOf: text.utf8)
            template.append(pending)
            pending = []
            slots.append(slot)
            n += 1
        }
        let k = Int64(index)
        while n < seriesCount {
            let left = seriesCount - n
            switch family % 3 {
            case 0:
                let name = "synthetic_requests_\(family / 3)_total"
                pending.append(contentsOf: "# HELP \(name) Requests handled (synthetic counter).\n# TYPE \(name) counter\n".utf8)
                for id in 0..<min(10, left) {
                    emit("\(name){path=\"/api/v\(id)\",code=\"200\"} ", .counter(rate: Int64(id % 7 + 1), offset: k * 13 + Int64(id)))
                }
            case 1:
                let name = "synthetic_temperature_\(family / 3)_celsius"
                pending.append(contentsOf: "# HELP \(name) A wandering value (synthetic gauge).\n# TYPE \(name) gauge\n".utf8)
                for id in 0..<min(10, left) {
                    emit("\(name){sensor=\"s\(id)\"} ", .gauge(seed: UInt64(truncatingIfNeeded: k &* 1_000_003 &+ Int64(family * 31 + id))))
                }
            default:
                let name = "synthetic_latency_\(family / 3)_seconds"
                let nb = Self.bucketBounds.count
                if left < nb + 2 {
                    // Not enough room for a whole histogram: fill with gauges.
                    let g = "synthetic_fill_\(family / 3)"
                    pending.append(contentsOf: "# HELP \(g) Filler (synthetic gauge).\n# TYPE \(g) gauge\n".utf8)
                    for id in 0..<left { emit("\(g){slot=\"\(id)\"} ", .gauge(seed: UInt64(id) &+ 7 &* UInt64(index))) }
                    break
                }
                let rate = Int64(index % 3 + 1)
                pending.append(contentsOf: "# HELP \(name) Request latency (synthetic histogram).\n# TYPE \(name) histogram\n".utf8)
                for (i, le) in Self.bucketBounds.enumerated() {
                    emit("\(name)_bucket{le=\"\(le)\"} ", .bucket(index: Int64(i), of: Int64(nb), rate: rate))
                }
                emit("\(name)_sum ", .sum(rate: rate))
                emit("\(name)_count ", .count(rate: rate))
            }
            family += 1
        }
        self.template = template
        self.slots = slots
        self.tail = pending
        self.seriesCount = n
    }

    /// Writes the exposition for the scrape second `second` (Unix seconds) into `out`
    /// (cleared first, capacity kept).
    public func render(second: Int64, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for i in 0..<slots.count {
            out.append(contentsOf: template[i])
            switch slots[i] {
            case .counter(let rate, let offset):
                NumberWriter.writeInt(second &* rate &+ offset, into: &out)
            case .gauge(let seed):
                var x = UInt64(bitPattern: second) &* 0x9E37_79B9_7F4A_7C15 &+ seed &* 0xBF58_476D_1CE4_E5B9
                x ^= x >> 29
                NumberWriter.writeTenths(Int64(x % 1000), into: &out)
            case .bucket(let i, let n, let rate):
                let count = second &* rate
                NumberWriter.writeInt(i == n - 1 ? count : count * (i + 1) / n, into: &out)
            case .sum(let rate):
                NumberWriter.writeTenths(second &* rate &* 10 / 4 % 1_000_000_000, into: &out)
            case .count(let rate):
                NumberWriter.writeInt(second &* rate, into: &out)
            }
            out.append(0x0A)
        }
        out.append(contentsOf: tail)
    }
}

/// Writes decimal numbers into byte buffers without allocating.
public enum NumberWriter {
    @inlinable
    public static func writeInt(_ v: Int64, into out: inout [UInt8]) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            writeUInt(UInt64(-v), into: &out)
        } else {
            writeUInt(UInt64(v), into: &out)
        }
    }

    @inlinable
    public static func writeUInt(_ v: UInt64, into out: inout [UInt8]) {
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        var digits: (UInt64, Int) = (v, 0)
        var tmp = v
        while tmp > 0 { tmp /= 10; digits.1 += 1 }
        let start = out.count
        for _ in 0..<digits.1 { out.append(0x30) }
        var i = start + digits.1 - 1
        while digits.0 > 0 {
            out[i] = 0x30 + UInt8(digits.0 % 10)
            digits.0 /= 10
            i -= 1
        }
    }

    /// Writes `tenths / 10` with exactly one decimal, e.g. 123 → "12.3".
    @inlinable
    public static func writeTenths(_ tenths: Int64, into out: inout [UInt8]) {
        var t = tenths
        if t < 0 { out.append(UInt8(ascii: "-")); t = -t }
        writeUInt(UInt64(t / 10), into: &out)
        out.append(UInt8(ascii: "."))
        out.append(0x30 + UInt8(t % 10))
    }
}
