#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MetricModel

/// One label of a series, as offsets into the body (`nameStart == -1`: the synthetic
/// `__name__`). `escaped` says that name or value holds a backslash escape to decode.
struct LabelSpan {
    var nameStart: Int
    var nameEnd: Int
    var valueStart: Int
    var valueEnd: Int
    var escaped: Bool
}

/// Builds `Labels` from a series that the parser has already validated (`name{l="v",…}`,
/// `{"name",l="v"}`, with the text format's optional whitespace), without re-checking syntax.
enum SeriesLabels {
    private static let metricNameBytes: [UInt8] = Array("__name__".utf8)

    /// Collects the label spans of `b[range]` into `spans` (reused), metric name first.
    static func collect(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into spans: inout [LabelSpan]) {
        spans.removeAll(keepingCapacity: true)
        let cls = CharClass.table
        var i = range.lowerBound
        let end = range.upperBound
        var name = LabelSpan(nameStart: -1, nameEnd: -1, valueStart: i, valueEnd: i, escaped: false)
        if i < end && b[i] != 0x7B {
            while i < end && cls[Int(b[i])] & CharClass.metricChar != 0 { i += 1 }
            name.valueEnd = i
        }
        spans.append(name)
        func skipWS() { while i < end && (b[i] == 0x20 || b[i] == 0x09) { i += 1 } }
        // Returns (start, end, escaped) of the quoted string at i, leaving i after the quote.
        func quoted() -> (Int, Int, Bool) {
            i += 1
            let s = i
            var esc = false
            while i < end && b[i] != 0x22 {
                if b[i] == 0x5C { esc = true; i += 1 }
                i += 1
            }
            let e = i
            i += 1
            return (s, e, esc)
        }
        skipWS()
        guard i < end && b[i] == 0x7B else { return }
        i += 1
        while i < end {
            skipWS()
            guard i < end else { break }
            let c = b[i]
            if c == 0x7D { break }
            if c == 0x2C { i += 1; continue }
            var ns = i, ne = i, nesc = false
            if c == 0x22 {
                (ns, ne, nesc) = quoted()
            } else {
                while i < end && cls[Int(b[i])] & CharClass.labelChar != 0 { i += 1 }
                ne = i
                if ne == ns { break } // cannot happen on validated input; never loop forever
            }
            skipWS()
            if i < end && b[i] == 0x3D {
                i += 1
                skipWS()
                guard i < end && b[i] == 0x22 else { break }
                let (vs, ve, vesc) = quoted()
                spans.append(LabelSpan(nameStart: ns, nameEnd: ne, valueStart: vs, valueEnd: ve, escaped: nesc || vesc))
            } else {
                // A quoted string followed by `,` or `}`: the metric name.
                spans[0] = LabelSpan(nameStart: -1, nameEnd: -1, valueStart: ns, valueEnd: ne, escaped: nesc)
            }
        }
    }

    /// Decodes the text format's escapes as Prometheus's `lvalReplacer`: `\\` → `\`, `\"` → `"`,
    /// `\n` → newline; any other escaped byte is kept with its backslash.
    static func unescape(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, into out: inout [UInt8]) {
        var i = s
        while i < e {
            let c = b[i]
            if c == 0x5C && i + 1 < e {
                let d = b[i + 1]
                switch d {
                case 0x5C: out.append(0x5C); i += 2; continue
                case 0x22: out.append(0x22); i += 2; continue
                case 0x6E: out.append(0x0A); i += 2; continue
                default: break
                }
            }
            out.append(c)
            i += 1
        }
    }

    private static func bytes(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, escaped: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(e - s)
        if escaped { unescape(b, s, e, into: &out) } else { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[s..<e])) }
        return out
    }

    /// The label set of the series at `range`: `__name__` added, sorted, escapes decoded,
    /// duplicates refused, empty values dropped, `le`/`quantile` normalised when asked.
    static func labels(
        _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, spans: inout [LabelSpan],
        type: MetricType, normalize: Bool, line: Int
    ) throws(ExpositionError) -> Labels {
        collect(b, range, into: &spans)
        let needsNormalizing = normalize && (type == .histogram || type == .summary)
        if !needsNormalizing && !spans.contains(where: { $0.escaped }) {
            return try direct(b, range, spans: &spans, line: line)
        }
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        pairs.reserveCapacity(spans.count)
        for (k, sp) in spans.enumerated() {
            let name = k == 0 ? metricNameBytes : bytes(b, sp.nameStart, sp.nameEnd, escaped: sp.escaped)
            var value = bytes(b, sp.valueStart, sp.valueEnd, escaped: sp.escaped)
            if normalize && k > 0 { value = normalized(type, name, value) }
            pairs.append((name, value))
        }
        if pairs[0].value.isEmpty {
            throw ExpositionError(.metricName, line: line, "metric name not set while parsing: \(quote(b, range))")
        }
        if pairs.count > 2 {
            pairs.sort { $0.name.lexicographicallyPrecedes($1.name) }
        } else if pairs.count == 2 && pairs[1].name.lexicographicallyPrecedes(pairs[0].name) {
            pairs.swapAt(0, 1)
        }
        var size = 0
        for k in pairs.indices {
            if k > 0 && pairs[k].name == pairs[k - 1].name {
                let n = String(decoding: pairs[k].name, as: UTF8.self)
                throw ExpositionError(.duplicateLabelName, line: line, "label name \"\(n)\" is not unique: invalid sample")
            }
            size += pairs[k].name.count + pairs[k].value.count + 4
        }
        var packed: [UInt8] = []
        packed.reserveCapacity(size)
        for p in pairs where !p.value.isEmpty {
            Varint.append(p.name.count, to: &packed)
            packed.append(contentsOf: p.name)
            Varint.append(p.value.count, to: &packed)
            packed.append(contentsOf: p.value)
        }
        return Labels(packed: packed)
    }

    /// Fast path (no escapes, no normalisation): sort the spans by the body's bytes and pack
    /// straight from the body — one allocation for the result.
    private static func direct(
        _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, spans: inout [LabelSpan], line: Int
    ) throws(ExpositionError) -> Labels {
        let base = b.baseAddress!
        let nameBase = UnsafeRawPointer(metricNameStatic)
        @inline(__always) func name(_ s: LabelSpan) -> UnsafeRawBufferPointer {
            s.nameStart < 0 ? UnsafeRawBufferPointer(start: nameBase, count: 8)
                : UnsafeRawBufferPointer(start: base + s.nameStart, count: s.nameEnd - s.nameStart)
        }
        @inline(__always) func less(_ x: LabelSpan, _ y: LabelSpan) -> Bool {
            let a = name(x), c = name(y)
            let m = min(a.count, c.count)
            let r = m == 0 ? 0 : memcmp(a.baseAddress!, c.baseAddress!, m)
            return r != 0 ? r < 0 : a.count < c.count
        }
        if spans[0].valueEnd == spans[0].valueStart {
            throw ExpositionError(.metricName, line: line, "metric name not set while parsing: \(quote(b, range))")
        }
        // Insertion sort: label sets are short, and exporters usually write them sorted.
        var size = 0
        for k in 1..<spans.count {
            let x = spans[k]
            var j = k - 1
            while j >= 0 && less(x, spans[j]) { spans[j + 1] = spans[j]; j -= 1 }
            spans[j + 1] = x
        }
        for k in spans.indices {
            let s = spans[k]
            if k > 0 && name(spans[k - 1]).elementsEqual(name(s)) {
                let n = String(decoding: name(s), as: UTF8.self)
                throw ExpositionError(.duplicateLabelName, line: line, "label name \"\(n)\" is not unique: invalid sample")
            }
            size += name(s).count + (s.valueEnd - s.valueStart) + 4
        }
        var packed: [UInt8] = []
        packed.reserveCapacity(size)
        for s in spans where s.valueEnd > s.valueStart {
            let n = name(s)
            Varint.append(n.count, to: &packed)
            packed.append(contentsOf: n)
            Varint.append(s.valueEnd - s.valueStart, to: &packed)
            packed.append(contentsOf: UnsafeBufferPointer(start: base + s.valueStart, count: s.valueEnd - s.valueStart))
        }
        return Labels(packed: packed)
    }

    nonisolated(unsafe) private static let metricNameStatic: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 8)
        for (k, c) in "__name__".utf8.enumerated() { p[k] = c }
        return UnsafePointer(p)
    }()

    private static let le: [UInt8] = Array("le".utf8)
    private static let quantile: [UInt8] = Array("quantile".utf8)

    /// Prometheus 3's `normalizeFloatsInLabelValues`.
    static func normalized(_ type: MetricType, _ name: [UInt8], _ value: [UInt8]) -> [UInt8] {
        guard (type == .histogram && name == le) || (type == .summary && name == quantile) else { return value }
        let r = value.withUnsafeBufferPointer { NumberParsing.parseFloat($0, 0, $0.count) }
        guard case .ok(let f) = r else { return value }
        var out: [UInt8] = []
        FloatBytes.appendOpenMetrics(f, to: &out)
        return out
    }

    static func quote(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        GoQuote.quote(UnsafeBufferPointer(rebasing: b[range]))
    }
}
