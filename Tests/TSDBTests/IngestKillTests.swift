import Foundation
import MetricModel
import Synchronization
import Testing
@testable import TSDB

/// The WAL's durability contract end to end: a process acknowledging commits is SIGKILLed, and
/// every acknowledged sample must come back on replay. Uses the already-built executable
/// (`swift build` first); skipped with a message when it is missing.
@Suite struct IngestKillTests {
    static let binary: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let candidates = [root + "/.build/debug/promfleet"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: root + "/.build")) ?? [])
            .map { root + "/.build/" + $0 + "/debug/promfleet" }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        if found == nil {
            print("IngestKillTests skipped: no built promfleet under \(root)/.build — run `swift build` first")
        }
        return found
    }()

    /// Runs `promfleet tsdb ingest-test` for about `seconds`, SIGKILLs it, returns the acked
    /// timestamps (complete lines only).
    func runAndKill(_ bin: String, dir: String, seconds: Double) throws -> [Int64] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["tsdb", "ingest-test", "--dir", dir]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        let collected = Mutex<[UInt8]>([])
        let reader = Thread {
            let h = out.fileHandleForReading
            while true {
                let d = h.availableData
                if d.isEmpty { break }
                collected.withLock { $0.append(contentsOf: d) }
            }
        }
        try p.run()
        reader.start()
        // Wait until acks flow, then a bit more, then kill mid-flight.
        let deadline = Date().addingTimeInterval(20)
        while collected.withLock({ $0.count }) < 200 && Date() < deadline && p.isRunning { Thread.sleep(forTimeInterval: 0.02) }
        Thread.sleep(forTimeInterval: seconds)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(p.terminationStatus == SIGKILL)
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        let text = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // the part after the last newline is not a complete ack
        return lines.compactMap { $0.hasPrefix("acked ") ? Int64($0.dropFirst(6)) : nil }
    }

    @Test(.enabled(if: binary != nil, "needs .build/debug/promfleet (swift build)"))
    func sigkillLosesNoAckedSample() throws {
        let bin = try #require(Self.binary)
        let dir = TempDir()
        defer { dir.cleanup() }
        let first = try runAndKill(bin, dir: dir.path, seconds: 0.5)
        #expect(first.count >= 100)
        // A second life resumes after replay and is killed again.
        let second = try runAndKill(bin, dir: dir.path, seconds: 0.5)
        #expect(second.count >= 100)
        #expect(second.first! > first.last!)
        let acked = first + second

        let h = try Head(dir: dir.path, logger: quietLogger)
        defer { try? h.close() }
        let got = try dump(h, [m(.equal, "__name__", "ingest_test")])
        #expect(got.count == 4)
        for (_, samples) in got {
            var have = [Int64: Double]()
            for s in samples { have[s.t] = s.v }
            let missing = acked.filter { have[$0] != Double($0) }
            #expect(missing.isEmpty, "acked but lost: \(missing.prefix(10))")
            // Timestamps stay strictly increasing across the two lives.
            #expect(zip(samples, samples.dropFirst()).allSatisfy { $0.t < $1.t })
        }
    }
}
