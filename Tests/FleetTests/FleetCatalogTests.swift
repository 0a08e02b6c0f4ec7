import Catalog
import Fleet
import Foundation
import Testing

struct FleetCatalogTests {
    /// `up` (and `catalog apply`) on the demo topology, then again with 3 shards: new members
    /// are added, the ownership history records the handover, nothing else moves.
    @Test func applyingADemoReshardRecordsTheHandover() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let two = try Topology.load(path: topologyPath("demo"))
        let three = try Topology.parse(two.source.replacingOccurrences(of: "\nshards: 2\n", with: "\nshards: 3\n"))
        #expect(three.shards == 3)
        let catalog = try Catalog(path: dir.path("catalog.sqlite"))
        let t0: Int64 = 1_700_000_000_000
        try catalog.applyTopology(two.catalogSpec(), at: t0)
        let result = try catalog.applyTopology(three.catalogSpec(), at: t0 + 60_000)
        #expect(result.added == ["shard-2-a", "shard-2-b"])
        #expect(result.changed.isEmpty)  // the layout keeps router/federator/replica ports
        #expect(result.reshard?.to == 3)
        let open = try catalog.snapshot(fleet: "demo").ownership
        #expect(open.map { [$0.shardIndex, $0.shardCount] } == [[0, 3], [1, 3], [2, 3]])
        #expect(open.allSatisfy { $0.validFrom == t0 + 60_000 })
        let closed = try catalog.ownershipHistory(fleet: "demo").filter { $0.validTo != nil }
        #expect(closed.map(\.shardCount) == [2, 2])
        #expect(closed.allSatisfy { $0.validTo == t0 + 60_000 })
        #expect(try catalog.snapshot(fleet: "demo").fleet.topology == three.source)
    }

    @Test func catalogLocation() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let root = dir.url.path
        #expect(throws: CatalogLocation.Failure.notFound("./data/*/catalog.sqlite")) {
            try CatalogLocation.resolve(catalog: nil, topology: nil, fleet: nil, in: root)
        }
        try FileManager.default.createDirectory(atPath: "\(root)/data/one", withIntermediateDirectories: true)
        _ = try Catalog(path: "\(root)/data/one/catalog.sqlite")
        #expect(try CatalogLocation.resolve(catalog: nil, topology: nil, fleet: nil, in: root)
                == "./data/one/catalog.sqlite")
        try FileManager.default.createDirectory(atPath: "\(root)/data/two", withIntermediateDirectories: true)
        _ = try Catalog(path: "\(root)/data/two/catalog.sqlite")
        #expect(throws: CatalogLocation.Failure.ambiguous(["./data/one/catalog.sqlite", "./data/two/catalog.sqlite"])) {
            try CatalogLocation.resolve(catalog: nil, topology: nil, fleet: nil, in: root)
        }
        #expect(try CatalogLocation.resolve(catalog: nil, topology: nil, fleet: "two", in: root)
                == "./data/two/catalog.sqlite")
        #expect(try CatalogLocation.resolve(catalog: "\(root)/data/two/catalog.sqlite", topology: nil, fleet: nil, in: root)
                == "\(root)/data/two/catalog.sqlite")
        #expect(throws: CatalogLocation.Failure.notFound("/nonexistent/c.sqlite")) {
            try CatalogLocation.resolve(catalog: "/nonexistent/c.sqlite", topology: nil, fleet: nil, in: root)
        }
    }

    @Test(arguments: [("1024", 1024), ("1GiB", 1 << 30), ("1GB", 1 << 30), ("512 MiB", 512 << 20), ("2TB", 2 << 40),
                      ("10XB", nil), ("GB", nil), ("-5", -5)] as [(String, Int64?)])
    func byteSizes(_ text: String, _ bytes: Int64?) {
        #expect(parseByteSize(text) == bytes)
    }
}
