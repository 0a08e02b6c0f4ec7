import MetricModel

/// Byte-wise label set ordering without allocating (same order as `Labels.compare`, Prometheus's
/// `labels.Compare`): label by label, name then value, a prefix sorts first.
@inlinable
func compareLabels(_ a: Labels, _ b: Labels) -> Int {
    a.bytes.withUnsafeBufferPointer { pa in
        b.bytes.withUnsafeBufferPointer { pb in
            var i = 0, j = 0
            while i < pa.count && j < pb.count {
                // name, then value
                for _ in 0..<2 {
                    let la = Varint.decode(pa, &i), lb = Varint.decode(pb, &j)
                    let c = compareBytes(pa, i, la, pb, j, lb)
                    if c != 0 { return c }
                    i += la
                    j += lb
                }
            }
            if i < pa.count { return 1 }
            if j < pb.count { return -1 }
            return 0
        }
    }
}

@inlinable
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ ia: Int, _ la: Int,
                  _ b: UnsafeBufferPointer<UInt8>, _ ib: Int, _ lb: Int) -> Int {
    let n = min(la, lb)
    var k = 0
    while k < n {
        let x = a[ia + k], y = b[ib + k]
        if x != y { return x < y ? -1 : 1 }
        k += 1
    }
    return la == lb ? 0 : (la < lb ? -1 : 1)
}

extension Labels {
    /// Allocation-free `Labels.compare(self, other) < 0`.
    @inlinable
    public func sortsBefore(_ other: Labels) -> Bool { compareLabels(self, other) < 0 }
}
