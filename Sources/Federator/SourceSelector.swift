/// Which replica of a shard the federator pulls from: a pure state machine (no I/O, no clock).
///
/// Replicas are ranked by config order; index 0 is the preferred one. `order()` gives the
/// replicas to try for one pull, the current source first, then the others cyclically; the
/// caller reports each attempt with `succeeded(_:)` or `failed(_:)` and stops at the first
/// success, so one pull takes data from exactly one replica. After a failover, the selector goes
/// back to the preferred replica once the fallback has served `returnAfter` pulls in a row.
public struct SourceSelector: Sendable, Equatable {
    public let count: Int
    public let returnAfter: Int
    /// The replica the next pull tries first.
    public private(set) var current = 0
    /// Consecutive failures per replica (reset by a success).
    public private(set) var failures: [Int]
    /// Successful pulls in a row from a non-preferred current source.
    public private(set) var successesSinceFailover = 0
    /// The replica the last successful pull came from (nil before any).
    public private(set) var lastSource: Int?

    public init(count: Int, returnAfter: Int = 10) {
        precondition(count > 0, "a shard needs at least one replica")
        self.count = count
        self.returnAfter = max(1, returnAfter)
        failures = Array(repeating: 0, count: count)
    }

    /// The replicas to try for one pull, in order: current first, then cyclically the others.
    public func order() -> [Int] { (0..<count).map { (current + $0) % count } }

    /// A pull from replica `i` succeeded: it becomes (or stays) the current source.
    public mutating func succeeded(_ i: Int) {
        failures[i] = 0
        lastSource = i
        if i == 0 {
            current = 0
            successesSinceFailover = 0
            return
        }
        if i != current { successesSinceFailover = 0 }
        current = i
        successesSinceFailover += 1
        if successesSinceFailover >= returnAfter {
            current = 0
            successesSinceFailover = 0
        }
    }

    /// A pull from replica `i` failed (connection error, non-2xx, timeout, parse error): the next
    /// attempt moves to the following replica.
    public mutating func failed(_ i: Int) {
        failures[i] += 1
        if i == current {
            current = (i + 1) % count
            successesSinceFailover = 0
        }
    }
}
