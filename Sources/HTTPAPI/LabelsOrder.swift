import MetricModel

/// Prometheus's `labels.Compare` on the packed form without allocating (name, then value,
/// label by label; a prefix set sorts first). For sorting large result sets.
@inlinable
public func compareLabels(_ a: Labels, _ b: Labels) -> Int {
    a.bytes.withUnsafeBufferPointer { pa in
        b.bytes.withUnsafeBufferPointer { pb in
            var i = 0, j = 0
            while i < pa.count && j < pb.count {
                for _ in 0..<2 {  // name, then value
                    let la = Varint.decode(pa, &i), lb = Varint.decode(pb, &j)
                    let n = min(la, lb)
                    let c = n == 0 ? 0 : memcmp(pa.baseAddress! + i, pb.baseAddress! + j, n)
                    if c != 0 { return c < 0 ? -1 : 1 }
                    if la != lb { return la < lb ? -1 : 1 }
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

#if canImport(Glibc)
import Glibc
#endif
