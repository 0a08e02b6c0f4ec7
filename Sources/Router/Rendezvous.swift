import MetricModel

/// Rendezvous (highest-random-weight) hashing: every member gets a score from hash(key, member),
/// the highest score wins. The same key always picks the same member while it is available, and
/// removing a member only moves the keys it had.
public enum Rendezvous {
    /// Indices of `members` ordered by preference for `key` (best first).
    public static func order(key: String, members: [String]) -> [Int] {
        let k = XXH64.hash(key)
        let scores = members.map { XXH64.hash($0, seed: k) }
        return scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : members[$0] < members[$1] }
    }

    /// The routing key of a query: the same dashboard panel maps to the same member on every
    /// refresh, so the key holds the query, the step and the range's length, not its absolute
    /// start/end (which move with "now"). Instant queries use the query alone.
    public static func key(query: String, start: String?, end: String?, step: String?) -> String {
        var key = query
        if let step { key += "\u{0}step=" + step }
        if let s = start.flatMap(parseAPITime), let e = end.flatMap(parseAPITime) { key += "\u{0}len=" + String(e - s) }
        return key
    }
}

/// API time (`1700000000.5` or RFC 3339 is not handled here) → ms; nil when unparsable.
func parseAPITime(_ s: String) -> Int64? {
    guard let d = Double(s), d.isFinite else { return nil }
    return Int64((d * 1000).rounded())
}
