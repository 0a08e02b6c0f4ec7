import Catalog
import Foundation
import MetricModel
import Testing

struct ApplyTests {
    @Test func firstApplyRecordsGroupsMembersAndOwnership() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        let result = try catalog.applyTopology(spec(shards: 2, limits: Limits(headSeries: 100_000)), at: t0)
        #expect(result.added == ["shard-0-a", "shard-0-b", "shard-1-a", "shard-1-b", "federator-a", "federator-b", "router"])
        #expect(result.reshard == nil)
        let snap = try catalog.snapshot(fleet: "f")
        #expect(snap.fleet.shardCount == 2)
        #expect(snap.groups.map(\.name) == ["shard-0", "shard-1", "federator", "router"])
        #expect(snap.groups[1].shardBy == ["__address__"])
        #expect(snap.members.allSatisfy { $0.state == .planned && $0.stateSince == t0 })
        #expect(snap.limits[snap.groups[0].id!] == Limits(headSeries: 100_000))
        #expect(snap.limits[snap.groups[2].id!] == nil)
        #expect(snap.ownership.map { [$0.shardIndex, $0.shardCount] } == [[0, 2], [1, 2]])
        #expect(try catalog.events(fleet: "f").map(\.kind) == [.topologyApplied])
    }

    @Test func reshardTwoToThreeRecordsTheHandover() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 2), at: t0)
        let handover = t0 + 3 * day
        let result = try catalog.applyTopology(spec(shards: 3), at: handover)
        #expect(result.added == ["shard-2-a", "shard-2-b"])
        #expect(result.reshard?.from == 2 && result.reshard?.to == 3)
        // spec() numbers ports in member order, so the federators and router moved.
        #expect(result.changed == ["federator-a", "federator-b", "router"])

        let history = try catalog.ownershipHistory(fleet: "f")
        #expect(history == [
            OwnershipInterval(group: "shard-0", shardIndex: 0, shardCount: 2, validFrom: t0, validTo: handover),
            OwnershipInterval(group: "shard-0", shardIndex: 0, shardCount: 3, validFrom: handover, validTo: nil),
            OwnershipInterval(group: "shard-1", shardIndex: 1, shardCount: 2, validFrom: t0, validTo: handover),
            OwnershipInterval(group: "shard-1", shardIndex: 1, shardCount: 3, validFrom: handover, validTo: nil),
            OwnershipInterval(group: "shard-2", shardIndex: 2, shardCount: 3, validFrom: handover, validTo: nil),
        ])
        let events = try catalog.events(fleet: "f")
        #expect(events.map(\.kind) == [.topologyApplied, .reshard, .topologyApplied])
        #expect(events[1].ts == handover && events[1].detail == "shards 2 -> 3")
        let snap = try catalog.snapshot(fleet: "f")
        #expect(snap.group(named: "shard-2")?.shardCountAtCreation == 3)
        #expect(snap.group(named: "shard-0")?.shardCountAtCreation == 2)
    }

    @Test func shrinkingRetiresGroupsAndKeepsTheirHistory() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 3), at: t0)
        let result = try catalog.applyTopology(spec(shards: 2), at: t0 + day)
        #expect(result.retired == ["shard-2-a", "shard-2-b"])
        let snap = try catalog.snapshot(fleet: "f")
        #expect(snap.group(named: "shard-2")?.retiredAt == t0 + day)
        #expect(snap.members.filter { !$0.isActive }.map(\.state) == [.stopped, .stopped])
        #expect(snap.ownership.map(\.shardIndex) == [0, 1])
        let shard2 = try catalog.ownershipHistory(fleet: "f").filter { $0.group == "shard-2" }
        #expect(shard2 == [OwnershipInterval(group: "shard-2", shardIndex: 2, shardCount: 3, validFrom: t0, validTo: t0 + day)])

        // Growing again reactivates the same group and members.
        let again = try catalog.applyTopology(spec(shards: 3), at: t0 + 2 * day)
        #expect(again.added == ["shard-2-a", "shard-2-b"])
        #expect(try catalog.snapshot(fleet: "f").group(named: "shard-2")?.retiredAt == nil)
    }

    @Test func reapplyingTheSameTopologyChangesNoOwnership() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 2), at: t0)
        let result = try catalog.applyTopology(spec(shards: 2), at: t0 + 1)
        #expect(result.added.isEmpty && result.retired.isEmpty && result.changed.isEmpty && result.reshard == nil)
        #expect(try catalog.ownershipHistory(fleet: "f").count == 2)
    }

    @Test func handoverAtTheSameInstantIsRefusedAndRolledBack() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 2), at: t0)
        #expect(throws: CatalogError.timeNotAfter(what: "shard handover", at: t0, recorded: t0)) {
            try catalog.applyTopology(spec(shards: 3), at: t0)
        }
        // One transaction: nothing of the refused apply remains.
        let snap = try catalog.snapshot(fleet: "f")
        #expect(snap.fleet.shardCount == 2)
        #expect(snap.group(named: "shard-2") == nil)
    }

    @Test func memberStateChangesRecordEvents() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 1), at: t0)
        #expect(try catalog.setMemberState(fleet: "f", member: "shard-0-a", state: .starting, at: t0 + 1) == .planned)
        #expect(try catalog.setMemberState(fleet: "f", member: "shard-0-a", state: .up, at: t0 + 2) == .starting)
        try catalog.setMemberState(fleet: "f", member: "shard-0-a", state: .down, at: t0 + 3, detail: "exit 1")
        try catalog.recordEvent(NewEvent(fleet: "f", ts: t0 + 4, kind: .memberRestarted, member: "shard-0-a",
                                         detail: "back-off 1s"))
        let events = try catalog.events(fleet: "f", since: t0 + 1)
        #expect(events.map(\.kind) == [.memberUp, .memberDown, .memberRestarted])
        #expect(events.map(\.member) == ["shard-0-a", "shard-0-a", "shard-0-a"])
        #expect(events[1].detail == "exit 1")
        let m = try catalog.snapshot(fleet: "f").members.first { $0.name == "shard-0-a" }
        #expect(m?.state == .down && m?.stateSince == t0 + 3)
        #expect(throws: CatalogError.unknownMember(fleet: "f", member: "nope")) {
            try catalog.setMemberState(fleet: "f", member: "nope", state: .up, at: t0)
        }
        #expect(throws: CatalogError.unknownFleet("g")) {
            try catalog.recordEvent(NewEvent(fleet: "g", ts: t0, kind: .reload))
        }
    }

    @Test func snapshotCarriesTheLatestUsagePerMember() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let catalog = try Catalog(path: dir.path("c.sqlite"))
        try catalog.applyTopology(spec(shards: 1), at: t0)
        try catalog.recordUsage([
            UsageObservation(member: "shard-0-a", ts: t0 + 2, headSeries: 20),
            UsageObservation(member: "shard-0-a", ts: t0 + 1, headSeries: 10),
            UsageObservation(member: "shard-0-b", ts: t0 + 1, headSeries: 11, diskBytes: 5),
        ], fleet: "f")
        // Re-recording the same instant replaces the observation.
        try catalog.recordUsage([UsageObservation(member: "shard-0-a", ts: t0 + 2, headSeries: 21)], fleet: "f")
        let snap = try catalog.snapshot(fleet: "f")
        let byName = Dictionary(uniqueKeysWithValues: snap.members.map { ($0.name, $0.id!) })
        #expect(snap.latestUsage[byName["shard-0-a"]!]?.headSeries == 21)
        #expect(snap.latestUsage[byName["shard-0-b"]!]?.diskBytes == 5)
        #expect(snap.latestUsage[byName["router"]!] == nil)
        #expect(try catalog.usageHistory(fleet: "f").count == 3)
        #expect(try catalog.usageHistory(fleet: "f", from: t0 + 2).map(\.headSeries) == [21])
    }
}
