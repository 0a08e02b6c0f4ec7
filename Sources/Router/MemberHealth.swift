/// Health of one member as a pure state machine (no I/O, no clock): events go in, actions come
/// out. `up → suspect → down → probing → up`, with hysteresis: `failuresToDown` consecutive
/// failures take a member down, `successesToUp` consecutive probe successes bring it back.
///
/// - up: gets queries first.
/// - suspect: one failure seen; still gets queries, after the up members.
/// - down: gets no queries, only probes.
/// - probing: a probe succeeded after down; gets no queries until enough successes in a row.
public struct MemberHealth: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable, Comparable {
        case up, suspect, down, probing

        /// Order of preference when routing: up before suspect; down and probing get nothing.
        public var rank: Int {
            switch self {
            case .up: return 0
            case .suspect: return 1
            case .probing: return 2
            case .down: return 3
            }
        }
        public var isRoutable: Bool { self == .up || self == .suspect }
        public static func < (a: State, b: State) -> Bool { a.rank < b.rank }
    }

    /// Where a result came from: an active probe of /-/ready or a proxied request.
    public enum Source: Sendable, Equatable { case probe, request }

    /// What the caller must do after an event.
    public enum Action: Sendable, Equatable {
        /// Nothing changed.
        case none
        /// The state changed: record the transition (metrics, log, status endpoint).
        case transition(from: State, to: State)
    }

    public private(set) var state: State
    public private(set) var consecutiveFailures = 0
    public private(set) var consecutiveSuccesses = 0
    public private(set) var lastError: String?
    public let failuresToDown: Int
    public let successesToUp: Int

    public init(initial: State = .up, failuresToDown: Int = 2, successesToUp: Int = 2) {
        self.state = initial
        self.failuresToDown = max(1, failuresToDown)
        self.successesToUp = max(1, successesToUp)
    }

    /// A probe or request succeeded.
    public mutating func success(_ source: Source) -> Action {
        consecutiveFailures = 0
        consecutiveSuccesses += 1
        switch state {
        case .up:
            return .none
        case .suspect:
            lastError = nil
            return move(.up)
        case .down:
            // Only a probe may bring a down member back (it gets no requests anyway).
            guard source == .probe else { return .none }
            return successesToUp <= 1 ? move(.up) : move(.probing)
        case .probing:
            return consecutiveSuccesses >= successesToUp ? move(.up) : .none
        }
    }

    /// A probe or request failed (connection error, 5xx, timeout, not ready).
    public mutating func failure(_ source: Source, reason: String) -> Action {
        consecutiveSuccesses = 0
        consecutiveFailures += 1
        lastError = reason
        switch state {
        case .up:
            return failuresToDown <= 1 ? move(.down) : move(.suspect)
        case .suspect:
            return consecutiveFailures >= failuresToDown ? move(.down) : .none
        case .probing:
            return move(.down)
        case .down:
            return .none
        }
    }

    private mutating func move(_ to: State) -> Action {
        let from = state
        state = to
        if to == .up || to == .down || to == .probing {
            // Counting starts afresh in the new state (a probing member needs successesToUp in a row from down).
            if to == .up { consecutiveSuccesses = 0 }
        }
        return .transition(from: from, to: to)
    }
}
