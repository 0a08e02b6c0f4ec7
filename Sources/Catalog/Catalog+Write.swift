import GRDB
import MetricModel

/// One usage observation of a member, as the controller reads it from the member's /metrics.
/// A nil value was not observed.
public struct UsageObservation: Sendable, Equatable {
    public var member: String
    public var ts: Timestamp
    public var headSeries: Int64?
    public var samplesPerSecond: Double?
    public var targets: Int64?
    public var scrapeDurationRatio: Double?
    public var diskBytes: Int64?

    public init(member: String, ts: Timestamp, headSeries: Int64? = nil, samplesPerSecond: Double? = nil,
                targets: Int64? = nil, scrapeDurationRatio: Double? = nil, diskBytes: Int64? = nil) {
        self.member = member
        self.ts = ts
        self.headSeries = headSeries
        self.samplesPerSecond = samplesPerSecond
        self.targets = targets
        self.scrapeDurationRatio = scrapeDurationRatio
        self.diskBytes = diskBytes
    }
}

/// An event to record; `member` names a member of `fleet` or is nil for fleet-wide events.
public struct NewEvent: Sendable, Equatable {
    public var fleet: String
    public var ts: Timestamp
    public var kind: EventKind
    public var member: String?
    public var detail: String

    public init(fleet: String, ts: Timestamp, kind: EventKind, member: String? = nil, detail: String = "") {
        self.fleet = fleet
        self.ts = ts
        self.kind = kind
        self.member = member
        self.detail = detail
    }
}

extension Catalog {
    /// Records a batch of usage observations for members of `fleet` (one transaction). An
    /// observation for a (member, ts) already recorded replaces it.
    public func recordUsage(_ observations: [UsageObservation], fleet: String) throws {
        try db.write { db in
            let fleetId = try Self.fleetId(fleet, db)
            var ids: [String: Int64] = [:]
            for o in observations {
                let memberId: Int64
                if let id = ids[o.member] { memberId = id } else {
                    memberId = try Self.member(o.member, fleet: fleet, fleetId: fleetId, db).id!
                    ids[o.member] = memberId
                }
                var row = UsageRecord(id: nil, memberId: memberId, ts: o.ts, headSeries: o.headSeries,
                                      samplesPerSecond: o.samplesPerSecond, targets: o.targets,
                                      scrapeDurationRatio: o.scrapeDurationRatio, diskBytes: o.diskBytes)
                try row.insert(db, onConflict: .replace)
            }
        }
    }

    /// Records one event.
    public func recordEvent(_ event: NewEvent) throws {
        try db.write { db in
            let fleetId = try Self.fleetId(event.fleet, db)
            let memberId = try event.member.map { try Self.member($0, fleet: event.fleet, fleetId: fleetId, db).id! }
            var row = EventRecord(id: nil, fleetId: fleetId, ts: event.ts, kind: event.kind, memberId: memberId,
                                  detail: event.detail)
            try row.insert(db)
        }
    }

    /// Sets a member's recorded state. A change to `up` or `down` also records a `member_up` /
    /// `member_down` event with `detail`. Returns the previous state.
    @discardableResult
    public func setMemberState(fleet: String, member: String, state: MemberState, at: Timestamp,
                               detail: String = "") throws -> MemberState {
        try db.write { db in
            let fleetId = try Self.fleetId(fleet, db)
            var row = try Self.member(member, fleet: fleet, fleetId: fleetId, db)
            let previous = row.state
            guard previous != state else { return previous }
            row.state = state
            row.stateSince = at
            try row.update(db)
            let kind: EventKind? = switch state {
            case .up: .memberUp
            case .down: .memberDown
            default: nil
            }
            if let kind {
                var e = EventRecord(id: nil, fleetId: fleetId, ts: at, kind: kind, memberId: row.id, detail: detail)
                try e.insert(db)
            }
            return previous
        }
    }

    static func fleetId(_ name: String, _ db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM fleets WHERE name = ?", arguments: [name]) else {
            throw CatalogError.unknownFleet(name)
        }
        return id
    }

    static func member(_ name: String, fleet: String, fleetId: Int64, _ db: Database) throws -> MemberRecord {
        guard let row = try MemberRecord.filter(Column("fleet_id") == fleetId && Column("name") == name).fetchOne(db)
        else { throw CatalogError.unknownMember(fleet: fleet, member: name) }
        return row
    }
}
