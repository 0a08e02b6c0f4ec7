import MetricModel

/// Byte-wise comparison of two byte ranges (index symbol lookups).
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
