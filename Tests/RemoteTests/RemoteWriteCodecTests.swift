import Foundation
import MetricModel
import Testing
@testable import Remote

@Suite struct RemoteWriteCodecTests {
    func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined(separator: " ") }

    /// Hand-checked against prompb/remote.proto + types.proto field numbers and wire types.
    @Test func writeRequestGoldenBytes() throws {
        let series = [WriteSeries(labels: Labels(["job": "a", "__name__": "up"]), samples: [Sample(t: 1000, v: 1)])]
        let bytes = WriteRequestCodec.encode(series)
        let expected =
            "0a 28 " +                                          // WriteRequest.timeseries (1, LEN) 40 bytes
            "0a 0e 0a 08 5f 5f 6e 61 6d 65 5f 5f 12 02 75 70 " + // Label{name "__name__", value "up"} (sorted first)
            "0a 08 0a 03 6a 6f 62 12 01 61 " +                  // Label{name "job", value "a"}
            "12 0c 09 00 00 00 00 00 00 f0 3f 10 e8 07"         // Sample{value 1.0 (fixed64 LE), timestamp 1000 (varint)}
        #expect(hex(bytes) == expected)
        #expect(try WriteRequestCodec.decode(bytes) == series)
    }

    @Test func zeroValuesAreOmittedLikeGogoProto() throws {
        let series = [WriteSeries(labels: Labels(["a": "b"]), samples: [Sample(t: 0, v: 0), Sample(t: -5, v: -2.5)])]
        let bytes = WriteRequestCodec.encode(series)
        // Sample{} is empty; t = -5 is a 10-byte varint (int64 two's complement).
        #expect(hex(bytes).contains("12 00 12 14 09 00 00 00 00 00 00 04 c0 10 fb ff ff ff ff ff ff ff ff 01"))
        #expect(try WriteRequestCodec.decode(bytes) == series)
    }

    @Test func staleMarkersAndManySeriesRoundTrip() throws {
        var series: [WriteSeries] = []
        for i in 0..<300 {
            let l = Labels(["__name__": "m\(i % 7)", "instance": "host-\(i)", "ü": String(repeating: "x", count: i)])
            series.append(WriteSeries(labels: l, samples: (0..<(i % 5 + 1)).map { Sample(t: 1_700_000_000_000 + Int64($0) * 15_000, v: $0 == 2 ? StaleNaN.value : Double(i) * 0.5) }))
        }
        let decoded = try WriteRequestCodec.decode(WriteRequestCodec.encode(series))
        #expect(decoded.count == 300)
        #expect(decoded.map(\.labels) == series.map(\.labels))
        for (a, b) in zip(decoded, series) {
            #expect(a.samples.map(\.t) == b.samples.map(\.t))
            #expect(a.samples.map(\.v.bitPattern) == b.samples.map(\.v.bitPattern))
        }
    }

    @Test func decodeRejectsTruncatedInput() {
        let bytes = WriteRequestCodec.encode([WriteSeries(labels: Labels(["a": "b"]), samples: [Sample(t: 1, v: 1)])])
        #expect(throws: ProtoError.self) { try WriteRequestCodec.decode(Array(bytes.dropLast(3))) }
    }

    // MARK: snappy

    /// Output of python-snappy 0.7 (`snappy.compress(b"hello hello hello hello")`).
    @Test func snappyKnownVector() throws {
        let compressed: [UInt8] = [0x17, 0x14] + Array("hello ".utf8) + [0x42, 0x06, 0x00]
        #expect(String(decoding: try Snappy.decompress(compressed), as: UTF8.self) == "hello hello hello hello")
        // Ours finds the same match: literal "hello " then one copy of 17 bytes at offset 6.
        #expect(Snappy.compress(Array("hello hello hello hello".utf8)) == compressed)
    }

    static func inputs() -> [(String, [UInt8])] {
        var rng = SystemRandomNumberGenerator()
        let random = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let text = Array((0..<5000).map { "metric_\($0 % 37){job=\"node\",instance=\"10.0.0.\($0 % 11):9100\"} \($0 * 3)\n" }.joined().utf8)
        let runs = [UInt8](repeating: 7, count: 200_000) + [1, 2, 3] + [UInt8](repeating: 9, count: 70_000)
        return [("empty", []), ("one", [42]), ("short", Array("abcabcabcabcabcabcab".utf8)),
                ("random", random), ("text", text), ("runs", runs)]
    }

    @Test(arguments: ["empty", "one", "short", "random", "text", "runs"])
    func snappyRoundTrips(_ name: String) throws {
        let input = try #require(Self.inputs().first { $0.0 == name }?.1)
        let c = Snappy.compress(input)
        #expect(try Snappy.decompress(c) == input, "\(name)")
        #expect(c.count <= Snappy.maxEncodedLength(input.count))
        if name == "text" || name == "runs" { #expect(c.count * 5 < input.count, "\(name): \(c.count) of \(input.count)") }
    }

    @Test func snappyRejectsCorruptInput() {
        #expect(throws: ProtoError.self) { try Snappy.decompress([0x05, 0x09, 0x00]) }       // copy before any output
        #expect(throws: ProtoError.self) { try Snappy.decompress([0x0a, 0x10, 0x61]) }       // literal past the end
        #expect(throws: ProtoError.self) { try Snappy.decompress([0xff, 0xff, 0xff, 0xff, 0x7f]) }  // too large
    }

    /// Cross-checks our compressor against python-snappy's decoder (and its compressor against ours).
    @Test func snappyAgreesWithPythonSnappy() throws {
        // python3 from PATH (pip installs python-snappy there), through env.
        let env = "/usr/bin/env"
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: env)
        probe.arguments = ["python3", "-c", "import snappy"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else {
            print("SKIP python-snappy cross-check: no python3")
            return
        }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            print("SKIP python-snappy cross-check: python3 has no snappy module (pip install python-snappy)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("snappy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, input) in Self.inputs() {
            let raw = dir.appendingPathComponent("\(name).raw"), ours = dir.appendingPathComponent("\(name).sz")
            try Data(input).write(to: raw)
            try Data(Snappy.compress(input)).write(to: ours)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: env)
            p.arguments = ["python3", "-c", """
                import snappy, sys
                raw = open(sys.argv[1], 'rb').read(); ours = open(sys.argv[2], 'rb').read()
                assert snappy.uncompress(ours) == raw, 'python cannot read ours'
                open(sys.argv[2] + '.py', 'wb').write(snappy.compress(raw))
                """, raw.path, ours.path]
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(name): python-snappy rejected our output")
            let theirs = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ours.path + ".py")))
            #expect(try Snappy.decompress(theirs) == input, "\(name): we cannot read python-snappy's output")
        }
    }
}
