import MetricModel
import Synchronization

/// The head's inverted index (Prometheus `MemPostings`): label name → value → series refs.
/// Refs are appended on series creation and sorted lazily, when a query first reads the list.
/// Thread-safe (one mutex; touched on series creation/removal and at query start only).
final class PostingsIndex: Sendable {
    struct List {
        var refs: [SeriesRef] = []
        var sorted = true

        mutating func add(_ r: SeriesRef) {
            if let last = refs.last, last > r { sorted = false }
            refs.append(r)
        }

        mutating func sortedRefs() -> [SeriesRef] {
            if !sorted {
                refs.sort()
                sorted = true
            }
            return refs
        }
    }

    struct State {
        var byName: [String: [String: List]] = [:]
        var all = List()
    }

    let m = Mutex(State())

    func add(_ ref: SeriesRef, _ labels: Labels) {
        let pairs = labels.list
        m.withLock { st in
            st.all.add(ref)
            for l in pairs { st.byName[l.name, default: [:]][l.value, default: List()].add(ref) }
        }
    }

    /// Removes the given series (ref and the labels it had).
    func remove(_ removed: [(ref: SeriesRef, labels: Labels)]) {
        if removed.isEmpty { return }
        var byKey: [String: [String: Set<SeriesRef>]] = [:]
        var all = Set<SeriesRef>()
        for (ref, labels) in removed {
            all.insert(ref)
            for l in labels.list { byKey[l.name, default: [:]][l.value, default: []].insert(ref) }
        }
        m.withLock { st in
            st.all.refs.removeAll { all.contains($0) }
            for (name, values) in byKey {
                for (value, refs) in values {
                    st.byName[name]?[value]?.refs.removeAll { refs.contains($0) }
                    if st.byName[name]?[value]?.refs.isEmpty == true { st.byName[name]?[value] = nil }
                }
                if st.byName[name]?.isEmpty == true { st.byName[name] = nil }
            }
        }
    }

    /// Sorted refs of series matching all matchers, Prometheus's `PostingsForMatchers`: a matcher
    /// that matches "" selects series lacking the label too, so it is applied as "all minus the
    /// series whose value does not match".
    func select(_ matchers: [LabelMatcher]) -> [SeriesRef] {
        m.withLock { st in
            var its: [[SeriesRef]] = []
            var nots: [[SeriesRef]] = []
            for mt in matchers {
                let values: [String]
                if let known = st.byName[mt.name] {
                    if mt.type == .equal && !mt.matchesEmpty {
                        values = known[mt.value] != nil ? [mt.value] : []
                    } else if mt.type == .regexMatch && !mt.matchesEmpty, let set = mt.setMatches {
                        values = set.filter { known[$0] != nil }
                    } else {
                        values = known.keys.filter { mt.matches($0) != mt.matchesEmpty }
                    }
                } else {
                    values = []
                }
                // For a matcher matching "", `values` are the non-matching values to subtract.
                var u: [SeriesRef] = []
                for v in values { u += Self.refs(&st, mt.name, v) }
                if values.count > 1 { u.sort() }
                if mt.matchesEmpty {
                    if !u.isEmpty { nots.append(u) }
                } else {
                    if u.isEmpty { return [] }
                    its.append(u)
                }
            }
            var base: [SeriesRef]
            if its.isEmpty {
                base = st.all.sortedRefs()
            } else {
                its.sort { $0.count < $1.count }
                base = its[0]
                for other in its.dropFirst() { base = Self.intersect(base, other) }
            }
            for n in nots { base = Self.subtract(base, n) }
            return base
        }
    }

    /// The sorted list for name=value, sorted in place when needed (no copy of the index).
    private static func refs(_ st: inout State, _ name: String, _ value: String) -> [SeriesRef] {
        st.byName[name]?[value]?.sortedRefs() ?? []
    }

    /// Sorted label names present in the index.
    func labelNames() -> [String] {
        m.withLock { st in Array(st.byName.keys) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Sorted values of `name` present in the index.
    func labelValues(_ name: String) -> [String] {
        m.withLock { st in st.byName[name].map { Array($0.keys) } ?? [] }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func intersect(_ a: [SeriesRef], _ b: [SeriesRef]) -> [SeriesRef] {
        var out: [SeriesRef] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                out.append(a[i])
                i += 1
                j += 1
            } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }

    static func subtract(_ a: [SeriesRef], _ b: [SeriesRef]) -> [SeriesRef] {
        var out: [SeriesRef] = []
        out.reserveCapacity(a.count)
        var j = 0
        for x in a {
            while j < b.count && b[j] < x { j += 1 }
            if j < b.count && b[j] == x { continue }
            out.append(x)
        }
        return out
    }
}
