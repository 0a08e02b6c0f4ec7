import MetricModel
import TSDB

/// A series of step-aligned points produced while evaluating (Prometheus `Series`).
/// `dropName`: `__name__` must be removed at the end (delayed name removal).
struct EvalSeries {
    var labels: Labels
    var points: [Sample]
    var dropName: Bool = false
}

typealias EvalMatrix = [EvalSeries]

/// An instant-vector element at one step (Prometheus `Sample`).
struct VSample {
    var labels: Labels
    var f: Double
    var dropName: Bool = false
    /// Original index of the input series (for per-series caches); -1 when not applicable.
    var series: Int = -1
}

typealias Vector = [VSample]

/// The value of a node over all steps of an evaluator.
enum EvalValue {
    /// One value per step.
    case scalar([Double])
    case string(String)
    /// An instant vector at every step: series with at most one point per step.
    case vector(EvalMatrix)
    /// A range vector (only at top level of an instant query, or as function argument).
    case matrix(EvalMatrix)
}

/// Errors thrown inside evaluation; mapped to `PromQLError`.
struct EvalError: Error {
    let error: PromQLError
    init(_ e: PromQLError) { error = e }
    static func exec(_ s: String) -> EvalError { EvalError(.execution(s)) }
}

@inline(__always)
func isStale(_ v: Double) -> Bool { v.bitPattern == StaleNaN.bits }

extension Labels {
    /// Removes `__name__` (Prometheus `DropMetricName` / `DropReserved` for our label set).
    @inline(__always)
    func withoutName() -> Labels { dropName(self) }
}

/// Drops `__name__` working on the packed bytes: names are sorted, and `__name__` sorts early.
func dropName(_ l: Labels) -> Labels {
    let bytes = l.bytes
    var i = 0
    let n = bytes.count
    while i < n {
        let start = i
        var nl = 0, shift = 0
        while true { let b = bytes[i]; i += 1; nl |= Int(b & 0x7F) << shift; if b < 0x80 { break }; shift += 7 }
        let nameStart = i
        i += nl
        var vl = 0; shift = 0
        while true { let b = bytes[i]; i += 1; vl |= Int(b & 0x7F) << shift; if b < 0x80 { break }; shift += 7 }
        i += vl
        if nl == 8 && bytes[nameStart] == 0x5F && bytes[nameStart + 1] == 0x5F &&
            bytes[nameStart + 2] == 0x6E && bytes[nameStart + 3] == 0x61 && bytes[nameStart + 4] == 0x6D &&
            bytes[nameStart + 5] == 0x65 && bytes[nameStart + 6] == 0x5F && bytes[nameStart + 7] == 0x5F {
            var out = [UInt8]()
            out.reserveCapacity(n - (i - start))
            out.append(contentsOf: bytes[0..<start])
            out.append(contentsOf: bytes[i..<n])
            return Labels(packed: out)
        }
    }
    return l
}

/// Kahan-Neumaier summation step (Prometheus `kahansum.Inc`).
@inline(__always)
func kahanInc(_ inc: Double, _ sum: Double, _ c: Double) -> (Double, Double) {
    let t = sum + inc
    var c = c
    if t.isInfinite {
        c = 0
    } else if abs(sum) >= abs(inc) {
        c += (sum - t) + inc
    } else {
        c += (inc - t) + sum
    }
    return (t, c)
}

extension Labels {
    /// Only the labels whose names are in `names` (byte-level, no String allocation per label).
    func keepingNames(_ names: NameSet) -> Labels {
        if names.isEmpty { return .empty }
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            let n = buf.count
            while i < n {
                let start = i
                let nl = Varint.decode(buf, &i)
                let nameStart = i
                i += nl
                let vl = Varint.decode(buf, &i)
                i += vl
                if names.contains(UnsafeBufferPointer(rebasing: buf[nameStart..<(nameStart + nl)])) {
                    if out.isEmpty { out.reserveCapacity(n) }
                    out.append(contentsOf: buf[start..<i])
                }
            }
        }
        return Labels(packed: out)
    }

    /// Without the labels whose names are in `names`.
    func droppingNames(_ names: NameSet) -> Labels {
        var out: [UInt8] = []
        var dropped = false
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            let n = buf.count
            out.reserveCapacity(n)
            while i < n {
                let start = i
                let nl = Varint.decode(buf, &i)
                let nameStart = i
                i += nl
                let vl = Varint.decode(buf, &i)
                i += vl
                if names.contains(UnsafeBufferPointer(rebasing: buf[nameStart..<(nameStart + nl)])) {
                    dropped = true
                } else {
                    out.append(contentsOf: buf[start..<i])
                }
            }
        }
        return dropped ? Labels(packed: out) : self
    }
}

/// A small set of label names compared as bytes.
struct NameSet {
    let names: [[UInt8]]
    init<S: Sequence>(_ s: S) where S.Element == String { names = Array(Set(s)).map { Array($0.utf8) } }
    var isEmpty: Bool { names.isEmpty }

    @inline(__always)
    func contains(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for n in names where n.count == b.count {
            if n.withUnsafeBufferPointer({ $0.elementsEqual(b) }) { return true }
        }
        return false
    }
}

/// A dictionary key over a label set hashed once with xxHash64 (the synthesized `Hashable` of
/// `Labels` feeds the hasher byte by byte).
struct LabelsKey: Hashable {
    let labels: Labels
    let hash: UInt64

    @inline(__always)
    init(_ l: Labels) {
        labels = l
        hash = l.stableHash
    }

    func hash(into h: inout Hasher) { h.combine(hash) }

    static func == (a: LabelsKey, b: LabelsKey) -> Bool { a.hash == b.hash && a.labels.bytes == b.labels.bytes }
}
