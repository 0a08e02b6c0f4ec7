import Scrape
import Exposition
@testable import Federator
import Foundation
import HTTPAPI
import Logging
import MetricModel
import Testing
import TSDB

/// The streaming pull against loopback fake sources: big bodies with a bounded carry, gzip,
/// body-size limit, timeout, and a source that dies mid-body (failover, nothing half-committed).
@Suite(.serialized) struct StreamingPullTests {
    static let client = FederateClient()

    func puller(_ servers: [FakeFederateServer], _ storage: MemoryStorage, limit: Int = 0, timeoutMs: Int64 = 20_000) -> ShardPuller {
        var c = FederatorConfig()
        c.match = ["{__name__=~\".+\"}"]
        c.scrapeIntervalMs = 60_000
        c.scrapeTimeoutMs = timeoutMs
        c.bodySizeLimit = limit
        let src = ShardSource(shard: "0", jobName: "federate-shard-0", replicas: servers.enumerated().map {
            ReplicaSource(name: "r\($0.offset)", replica: "\($0.offset)", url: $0.element.url)
        })
        c.sources = [src]
        return ShardPuller(settings: PullSettings(source: src, config: c), storage: storage, client: Self.client, logger: Logger(label: "test"))
    }

    /// name{labels} → every sample of the series.
    func samples(_ storage: MemoryStorage, _ name: String) throws -> [Labels: [Sample]] {
        let q = try storage.querier(mint: .min, maxt: .max)
        var out: [Labels: [Sample]] = [:]
        for s in try q.select(sorted: false, hints: nil, matchers: [.equal(LabelName.metricName, name)]) {
            var it = s.iterator()
            var v: [Sample] = []
            while it.next() { v.append(it.at) }
            out[s.labels] = v
        }
        return out
    }

    @Test(arguments: [false, true])
    func bigBodyIsParsedAsItArrives(gzip: Bool) async throws {
        let n = gzip ? 50_000 : 200_000
        let server = try FakeFederateServer(.init(series: n, value: 7, timestamp: 1_000_000, partBytes: 32 * 1024, delayMs: 1, gzip: gzip))
        defer { server.stop() }
        let storage = MemoryStorage()
        let p = puller([server], storage)
        await p.pull(at: 1_000_500)
        let h = p.health
        #expect(h.health == "up", "\(h.lastError)")
        #expect(h.lastSamples == n)
        let got = try samples(storage, "fake_metric")
        #expect(got.count == n)
        #expect(got.values.allSatisfy { $0 == [Sample(t: 1_000_000, v: 7)] })
        // The replica label is dropped; the shard label kept; job/instance filled from the target.
        let one = try #require(got.keys.first)
        #expect(!one.has("replica") && one.get("shard") == "0" && one.get("job") == "federate-shard-0")
        // Bounded memory: the only body bytes held are one partial line between parts, never the body.
        let body = FakeFederateServer.body(server.behaviour).count
        #expect(p.bytesTotal.load(ordering: .relaxed) == body)
        #expect(p.lastPeakCarry.load(ordering: .relaxed) < 256, "carry \(p.lastPeakCarry.load(ordering: .relaxed)) for a \(body)-byte body")
        let up = try samples(storage, "scrape_samples_scraped")
        #expect(up.values.first?.first?.v == Double(n))
    }

    @Test func bodySizeLimitFailsThePullWithItsReason() async throws {
        let server = try FakeFederateServer(.init(series: 10_000, timestamp: 5000))
        defer { server.stop() }
        let storage = MemoryStorage()
        let p = puller([server], storage, limit: 100_000)
        await p.pull(at: 6000)
        let h = p.health
        #expect(h.health == "down")
        #expect(h.lastError == "every replica of shard 0 failed: r0: body size limit exceeded (100000 bytes)")
        #expect(try samples(storage, "fake_metric").isEmpty, "a failed pull commits nothing")
        #expect(try samples(storage, "up").values.first == [Sample(t: 6000, v: 0)])
    }

    @Test func timeoutCoversTheWholeBody() async throws {
        // ~700 kB in 1 kB parts every 50 ms: ~35 s of body against a 1 s timeout.
        let server = try FakeFederateServer(.init(series: 10_000, timestamp: 5000, partBytes: 1000, delayMs: 50))
        defer { server.stop() }
        let storage = MemoryStorage()
        let p = puller([server], storage, timeoutMs: 1000)
        let started = Date()
        await p.pull(at: SystemClockMs.now())
        let took = Date().timeIntervalSince(started)
        #expect(took < 3, "pull took \(took)s")
        #expect(p.health.lastError.contains("r0: context deadline exceeded"), "\(p.health.lastError)")
        #expect(try samples(storage, "fake_metric").isEmpty)
    }

    @Test func stalledSourceFailsOverWithinTheTimeout() async throws {
        let n = 20_000
        let a = try FakeFederateServer(.init(series: n, value: 1, timestamp: 1000, replica: "a", partBytes: 8 * 1024,
                                             stallAfterBytes: 100_000, stallMs: 8000))
        let b = try FakeFederateServer(.init(series: n, value: 2, timestamp: 2000, replica: "b"))
        defer { a.stop(); b.stop() }
        let storage = MemoryStorage()
        let p = puller([a, b], storage, timeoutMs: 3000)
        let started = Date()
        await p.pull(at: 2500)
        let took = Date().timeIntervalSince(started)
        #expect(p.health.health == "up", "\(p.health.lastError)")
        #expect(took < 2.9, "pull took \(took)s")
        #expect(p.selector.withLock { $0.lastSource } == 1)
        #expect(try samples(storage, "fake_metric").values.allSatisfy { $0 == [Sample(t: 2000, v: 2)] })
    }

    @Test func slowButSteadyBodyMayUseTheWholeTimeout() async throws {
        // ~1.3 MB in 32 KiB parts every 60 ms: ~2.4 s of body, more than half of the 3.5 s timeout.
        let a = try FakeFederateServer(.init(series: 20_000, value: 1, timestamp: 1000, replica: "a", partBytes: 32 * 1024, delayMs: 60))
        let b = try FakeFederateServer(.init(series: 20_000, value: 2, timestamp: 2000, replica: "b"))
        defer { a.stop(); b.stop() }
        let storage = MemoryStorage()
        let p = puller([a, b], storage, timeoutMs: 3500)
        let started = Date()
        await p.pull(at: 2500)
        let took = Date().timeIntervalSince(started)
        #expect(p.health.health == "up", "\(p.health.lastError)")
        #expect(took > 1.75, "the body was meant to take longer than half the timeout (\(took)s)")
        #expect(p.selector.withLock { $0.lastSource } == 0)
        #expect(b.requests == 0)
    }

    @Test(arguments: [false, true])
    func sourceDyingMidBodyFailsOverWithoutDuplicates(gzip: Bool) async throws {
        let n = 20_000
        var full = FakeFederateServer.body(.init(series: n, value: 1, timestamp: 1000, replica: "a"))
        if gzip { full = GzipCompressor.gzip(full) }
        let a = try FakeFederateServer(.init(series: n, value: 1, timestamp: 1000, replica: "a", partBytes: 4 * 1024,
                                             failAfterBytes: full.count / 2, gzip: gzip))
        let b = try FakeFederateServer(.init(series: n, value: 2, timestamp: 2000, replica: "b", gzip: gzip))
        defer { a.stop(); b.stop() }
        let storage = MemoryStorage()
        let p = puller([a, b], storage)
        await p.pull(at: 2500)
        #expect(p.health.health == "up", "\(p.health.lastError)")
        #expect(a.requests == 1 && b.requests == 1)
        let got = try samples(storage, "fake_metric")
        #expect(got.count == n)
        // Exactly one sample per series, all from b: a's half body was rolled back.
        #expect(got.values.allSatisfy { $0 == [Sample(t: 2000, v: 2)] })
        #expect(p.selector.withLock { $0.lastSource } == 1)
        #expect(p.pulls.withLock { $0.map { [$0.0, $0.1] } } == [[0, 1], [1, 0]])
        #expect(p.sourceURL.hasPrefix(b.url + "/federate?"))
    }
}

enum SystemClockMs {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// The line assembler gives the parser the same lines whatever the part boundaries.
@Suite struct LineAssemblerTests {
    static let body = Array("# TYPE a untyped\na{x=\"1\"} 1 10\na{x=\"2\"} 2 20\n\nb 3\nc{y=\"long value here\"} 4 40".utf8)

    func lines(parts: [Int], limit: Int = 0) throws -> (String, [Int]) {
        var asm = LineAssembler(limit: limit)
        var text = ""
        var firsts: [Int] = []
        var off = 0
        let emit: (UnsafeRawBufferPointer, Int) throws -> Void = { buf, first in
            text += String(decoding: buf, as: UTF8.self)
            firsts.append(first)
        }
        for size in parts + [Self.body.count] where off < Self.body.count {
            let end = min(off + size, Self.body.count)
            try Self.body[off..<end].withUnsafeBytes { try asm.feed($0, emit) }
            off = end
        }
        try asm.finish(emit)
        return (text, firsts)
    }

    @Test(arguments: [[1], [5], [17], [18], [3, 40], [30, 1, 1, 1], [200]])
    func sameTextWhateverTheParts(parts: [Int]) throws {
        let (text, firsts) = try lines(parts: parts.flatMap { Array(repeating: $0, count: 200) })
        #expect(text == String(decoding: Self.body, as: UTF8.self))
        #expect(firsts.first == 1)
        #expect(firsts == firsts.sorted())
    }

    @Test func lineNumbersOfErrorsCountWholeBody() throws {
        let storage = MemoryStorage()
        let cache = ScrapeCache()
        let body = BodyAppender(cache: cache, app: storage.appender(), at: 0, target: .empty, dropLabel: "replica")
        var asm = LineAssembler(limit: 0)
        let text = Array("a 1\nb 2\nc 3\nd{ 4\n".utf8)
        var caught: PullError?
        do {
            for k in stride(from: 0, to: text.count, by: 3) {
                try text[k..<min(k + 3, text.count)].withUnsafeBytes { part in
                    try asm.feed(part) { chunk, first in try body.consume(chunk, firstLine: first) }
                }
            }
            try asm.finish { chunk, first in try body.consume(chunk, firstLine: first) }
        } catch let e as PullError { caught = e }
        #expect(caught?.message.hasPrefix("line 4: ") == true, "\(String(describing: caught))")
    }

    @Test func limitCountsAllBytes() throws {
        #expect(throws: PullError("body size limit exceeded (10 bytes)")) { _ = try lines(parts: [4], limit: 10) }
    }
}

/// The streaming gzip of /federate responses (HTTPAPI's `GzipCompressor.compress(_:into:)`)
/// inflated by the federator's `StreamInflater`, across part boundaries.
@Suite struct GzipStreamingTests {
    @Test(arguments: [1, 7, 4096, 65536])
    func roundTripThroughStreamInflater(partSize: Int) throws {
        let body = FakeFederateServer.body(.init(series: 3000, value: 1.5, timestamp: 1234))
        let z = GzipCompressor()
        var wire: [UInt8] = []
        var off = 0
        while off < body.count {
            let end = min(off + 10_000, body.count)
            z.compress(Array(body[off..<end]), into: &wire)
            off = end
        }
        wire += z.finish()
        #expect(wire.count < body.count / 5)
        let inflater = StreamInflater()
        var back: [UInt8] = []
        off = 0
        while off < wire.count {
            let end = min(off + partSize, wire.count)
            try wire[off..<end].withUnsafeBytes { try inflater.inflate($0) { back.append(contentsOf: $0) } }
            off = end
        }
        #expect(inflater.ended)
        #expect(back == body)
    }
}
