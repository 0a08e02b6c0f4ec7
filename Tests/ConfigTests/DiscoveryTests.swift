import Foundation
import Testing
@testable import Config

@Suite struct DiscoveryTests {
    @Test func fileSDJSON() throws {
        let groups = try FileSD.parse("""
        [
          {"targets": ["a:1", "b:2"], "labels": {"env": "prod"}},
          {"targets": ["c:3"]}
        ]
        """, filename: "/sd/nodes.json")
        #expect(groups == [
            TargetGroup(targets: ["a:1", "b:2"], labels: ["env": "prod", "__meta_filepath": "/sd/nodes.json"], source: "/sd/nodes.json:0"),
            TargetGroup(targets: ["c:3"], labels: ["__meta_filepath": "/sd/nodes.json"], source: "/sd/nodes.json:1"),
        ])
    }

    @Test func fileSDYAML() throws {
        let groups = try FileSD.parse("""
        - targets: ['a:1']
          labels:
            team: db
        - targets:
            - b:2
        """, filename: "nodes.yml")
        #expect(groups.map(\.targets) == [["a:1"], ["b:2"]])
        #expect(groups[0].labels == ["team": "db", "__meta_filepath": "nodes.yml"])
        #expect(groups.map(\.source) == ["nodes.yml:0", "nodes.yml:1"])
    }

    @Test(arguments: [
        ("x.json", "[{\"targets\": [\"a:1\"], \"lables\": {}}]", nil, "json: unknown field \"lables\""),
        ("x.json", "[null]", nil, "nil target group item found"),
        ("x.json", "{\"targets\": []}", nil, "cannot unmarshal object into Go value of type []*targetgroup.Group"),
        ("x.json", "[{\"targets\": [1]}]", nil, "cannot unmarshal array into Go struct field .targets"),
        ("x.json", "[{\"labels\": {\"bad-name\": \"v\"}}]", nil, "\"bad-name\" is not a valid label name"),
        ("x.yml", "- targets: ['a:1']\n  label: {a: b}\n", 2, "field label not found in type targetgroup.Group"),
        ("x.yml", "- targets: ['a:1']\n  labels: {\"a.b\": c}\n", 2, "\"a.b\" is not a valid label name"),
        ("x.txt", "[]", nil, "unknown file extension"),
    ] as [(String, String, Int?, String)])
    func fileSDErrors(_ name: String, _ body: String, _ line: Int?, _ message: String) {
        do {
            _ = try FileSD.parse(body, filename: name)
            Issue.record("no error for \(body)")
        } catch {
            #expect(error.file == name)
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func httpSD() throws {
        let body = Array(#"[{"targets": ["10.1.0.1:9100"], "labels": {"dc": "x"}}]"#.utf8)
        let groups = try HTTPSD.parse(body, url: "http://sd:8080/t")
        #expect(groups == [TargetGroup(targets: ["10.1.0.1:9100"], labels: ["dc": "x", "__meta_url": "http://sd:8080/t"], source: "http://sd:8080/t:0")])
    }

    @Test func globMatchingAndReadFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("promfleet-filesd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"[{"targets": ["a:1"]}]"#.write(toFile: dir + "/node-a.json", atomically: true, encoding: .utf8)
        try "- targets: ['b:1']\n".write(toFile: dir + "/node-b.json.yml", atomically: true, encoding: .utf8)
        try "ignored".write(toFile: dir + "/other.json", atomically: true, encoding: .utf8)
        let files = FileSD.matchingFiles(FileSDConfig(files: [dir + "/node-*.json", dir + "/*.yml"]))
        #expect(files == [dir + "/node-a.json", dir + "/node-b.json.yml"])
        #expect(try files.flatMap { try FileSD.read(file: $0) }.map(\.targets) == [["a:1"], ["b:1"]])
    }
}
