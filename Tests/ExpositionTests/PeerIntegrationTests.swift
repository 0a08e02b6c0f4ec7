import Foundation
import MetricModel
import Testing
@testable import Exposition
#if canImport(Glibc)
import Glibc
#endif

/// Our writers' output read by the real Go parsers: `promtool check metrics` and a real
/// pushgateway (expfmt's text parser), then read back by our parser. Skips, with a message,
/// when the binaries are not installed.
@Suite(.serialized) struct PeerIntegrationTests {
    static func binary(_ name: String) -> String? {
        let path = "/usr/bin/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        print("skipping: \(path) not installed")
        return nil
    }

    @discardableResult
    static func run(_ path: String, _ args: [String], stdin: [UInt8]? = nil) throws -> (status: Int32, out: [UInt8], err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        p.standardInput = inPipe
        try p.run()
        if let s = stdin { inPipe.fileHandleForWriting.write(Data(s)) }
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, [UInt8](out), String(decoding: err, as: UTF8.self))
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A body with escapes, UTF-8, special values and timestamps-free lines (pushgateway
    /// refuses timestamps).
    static func body() -> (bytes: [UInt8], samples: [ParsedSample]) {
        let samples = [
            ParsedSample(labels: Labels(["__name__": "pf_escapes_total", "path": "C:\\dir\\x", "q": "say \"hi\"", "nl": "a\nb"]), value: 12345, timestamp: nil),
            ParsedSample(labels: Labels(["__name__": "pf_escapes_total", "path": "Grüße ☃"]), value: 0.5, timestamp: nil),
            ParsedSample(labels: Labels(["__name__": "pf_temperature_celsius", "k": "pos"]), value: .infinity, timestamp: nil),
            ParsedSample(labels: Labels(["__name__": "pf_temperature_celsius", "k": "neg"]), value: -.infinity, timestamp: nil),
            ParsedSample(labels: Labels(["__name__": "pf_temperature_celsius", "k": "tiny"]), value: -3.5e-7, timestamp: nil),
            ParsedSample(labels: Labels(["__name__": "pf_temperature_celsius", "k": "big"]), value: 1.7e9, timestamp: nil),
        ]
        var out: [UInt8] = []
        TextWriter.appendHelp(name: "pf_escapes_total", help: "Help with \\ backslash and\nnewline.", to: &out)
        TextWriter.appendType(name: "pf_escapes_total", type: .counter, to: &out)
        for s in samples.prefix(2) { TextWriter.appendSample(s.labels, value: s.value, to: &out) }
        TextWriter.appendHelp(name: "pf_temperature_celsius", help: "A temperature.", to: &out)
        TextWriter.appendType(name: "pf_temperature_celsius", type: .gauge, to: &out)
        for s in samples.dropFirst(2) { TextWriter.appendSample(s.labels, value: s.value, to: &out) }
        return (out, samples)
    }

    @Test func promtoolAcceptsOurTextOutput() throws {
        guard let promtool = Self.binary("promtool") else { return }
        let r = try Self.run(promtool, ["check", "metrics"], stdin: Self.body().bytes)
        #expect(r.status == 0, "promtool: \(r.err)")
        #expect(!r.err.contains("parsing error"))
    }

    @Test func pushgatewayRoundTrip() throws {
        guard let pgw = Self.binary("prometheus-pushgateway"), let curl = Self.binary("curl") else { return }
        let port = Self.freePort()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pf-pgw-\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pgw)
        p.arguments = ["--web.listen-address=127.0.0.1:\(port)", "--persistence.file=\(dir.path)/store"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { kill(p.processIdentifier, SIGTERM); p.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<100 where !up {
            up = (try? Self.run(curl, ["-fs", "-o", "/dev/null", "\(base)/-/ready"]))?.status == 0
            if !up { usleep(100_000) }
        }
        try #require(up, "pushgateway did not start")

        let (bytes, samples) = Self.body()
        let push = try Self.run(curl, ["-fsS", "--data-binary", "@-", "\(base)/metrics/job/pf"], stdin: bytes)
        #expect(push.status == 0, "push: \(push.err)")
        let got = try Self.run(curl, ["-fsS", "\(base)/metrics"])
        try #require(got.status == 0, "\(got.err)")
        let parsed = try Exposition.parse(got.out, format: .prometheusText).samples
        #expect(parsed.count == countSampleLines(got.out))
        for s in samples {
            // pushgateway adds job="pf" and instance="" (dropped as empty).
            let want = s.labels.setting("job", "pf")
            let match = parsed.first { $0.labels == want }
            #expect(match?.value == s.value, "\(want)")
        }
        let help = try Exposition.parse(got.out, format: .prometheusText).metadata
            .first { $0.entry == .help && $0.name == "pf_escapes_total" }
        #expect(help?.text == "Help with \\ backslash and\nnewline.")
    }
}
