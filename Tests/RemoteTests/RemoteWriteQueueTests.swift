import Foundation
import Hummingbird
import Logging
import MetricModel
import NIOCore
import ServiceLifecycle
import Synchronization
import TSDB
import Testing
@testable import Remote

/// A remote-write receiver on a loopback port: decodes each request (checking the protocol
/// headers) and answers with the scripted status codes, then 204.
final class FakeReceiver: Sendable {
    let requests = Mutex<[[WriteSeries]]>([])
    let headers = Mutex<[String: String]>([:])
    let hits = Atomic<Int>(0)
    /// Statuses to answer, in order, before answering 204.
    let script: Mutex<[Int]>
    let port = Mutex(0)
    private let task = Mutex<Task<Void, any Error>?>(nil)

    init(script: [Int] = []) { self.script = Mutex(script) }

    var url: String { "http://127.0.0.1:\(port.withLock { $0 })/api/v1/write" }

    func start() async throws {
        let r = Hummingbird.Router(context: BasicRequestContext.self)
        r.post("/api/v1/write") { [self] req, _ -> Response in
            hits.add(1, ordering: .relaxed)
            var h: [String: String] = [:]
            for f in req.headers { h[f.name.canonicalName] = f.value }  // lower-case names
            headers.withLock { $0 = h }
            let body = try await req.body.collect(upTo: 64 << 20)
            let status = script.withLock { $0.isEmpty ? 204 : $0.removeFirst() }
            if status == 204 {
                let series = try WriteRequestCodec.decode(try Snappy.decompress(Array(buffer: body)))
                requests.withLock { $0.append(series) }
            }
            return Response(status: .init(code: status))
        }
        let (stream, cont) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(router: r, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { cont.yield($0.localAddress?.port ?? 0) }, logger: logger)
        task.withLock { $0 = Task { try await app.runService() } }
        var it = stream.makeAsyncIterator()
        port.withLock { $0 = 0 }
        let p = await it.next() ?? 0
        port.withLock { $0 = p }
    }

    func stop() async {
        let t = task.withLock { $0 }
        t?.cancel()
        _ = try? await t?.value
    }

    /// Every received sample as (series, t, v).
    var received: [(Labels, Int64, Double)] {
        requests.withLock { $0.flatMap { $0.flatMap { s in s.samples.map { (s.labels, $0.t, $0.v) } } } }
    }
}

func eventually(_ seconds: Double, _ cond: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if cond() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return cond()
}

@Suite(.serialized) struct RemoteWriteQueueTests {
    let logger: Logger = {
        var l = Logger(label: "rw-test")
        l.logLevel = .critical
        return l
    }()

    func settings(_ url: String) -> RemoteWriteSettings {
        var s = RemoteWriteSettings(name: "test", url: url)
        s.batchSendDeadline = .milliseconds(50)
        s.minBackoff = .milliseconds(10)
        s.maxBackoff = .milliseconds(40)
        s.timeout = .seconds(2)
        s.flushDeadline = .seconds(2)
        s.userAgent = "Prometheus/test"
        return s
    }

    /// Runs `body` with a running RemoteWriteStorage, then shuts it down gracefully (flush).
    func withRemote(_ s: [RemoteWriteSettings], _ body: (RemoteWriteStorage, MemoryStorage) async throws -> Void) async throws {
        let rw = RemoteWriteStorage(logger: logger)
        try rw.apply(s)
        let group = ServiceGroup(configuration: .init(services: [.init(service: rw)], logger: logger))
        let task = Task { try await group.run() }
        let mem = MemoryStorage()
        try await body(rw, mem)
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    func append(_ rw: RemoteWriteStorage, _ mem: MemoryStorage, _ samples: [(Labels, Int64, Double)]) throws {
        let a = rw.wrap(mem.appender())
        for (l, t, v) in samples { try a.append(ref: nil, labels: l, t: t, v: v) }
        try a.commit()
    }

    @Test func sendsCommittedSamplesWithExternalLabelsAndRelabeling() async throws {
        let recv = FakeReceiver()
        try await recv.start()
        defer { Task { await recv.stop() } }
        var s = settings(recv.url)
        s.externalLabels = Labels(["replica": "a", "job": "ignored"])
        s.relabel = { l in l.metricName == "drop_me" ? nil : l }
        s.headers = [("X-Scope-OrgID", "tenant-1")]
        try await withRemote([s]) { rw, mem in
            var batch: [(Labels, Int64, Double)] = []
            for i in 0..<50 {
                batch.append((Labels(["__name__": "m", "job": "j", "i": "\(i % 5)"]), 1000 + Int64(i), Double(i)))
                batch.append((Labels(["__name__": "drop_me"]), 1000 + Int64(i), 1))
            }
            try append(rw, mem, batch)
            // A rolled-back batch is not sent.
            let a = rw.wrap(mem.appender())
            try a.append(ref: nil, labels: Labels(["__name__": "rolled_back"]), t: 5, v: 5)
            a.rollback()
            // The receiver records a request before its answer reaches us: wait for both.
            #expect(await eventually(5) { recv.received.count == 50 && rw.stats()[0].samplesSent == 50 })
            let st = rw.stats()[0]
            #expect(st.samplesSent == 50)
            #expect(st.droppedRelabel == 50)
            #expect(st.samplesPending == 0)
            #expect(st.highestSentTimestampSeconds == 1.049)
        }
        let got = recv.received
        #expect(Set(got.map(\.0)) == Set((0..<5).map { Labels(["__name__": "m", "job": "j", "i": "\($0)", "replica": "a"]) }))
        // Per-series order is kept.
        for i in 0..<5 {
            let ts = got.filter { $0.0.get("i") == "\(i)" }.map(\.1)
            #expect(ts == ts.sorted() && ts.count == 10)
        }
        #expect(got.allSatisfy { $0.2 == Double($0.1 - 1000) })
        let h = recv.headers.withLock { $0 }
        #expect(h["content-encoding"] == "snappy")
        #expect(h["content-type"] == "application/x-protobuf")
        #expect(h["user-agent"] == "Prometheus/test")
        #expect(h["x-prometheus-remote-write-version"] == "0.1.0")
        #expect(h["x-scope-orgid"] == "tenant-1")
    }

    @Test func retriesServerErrorsAndDropsClientErrors() async throws {
        let recv = FakeReceiver(script: [500, 503, 429])
        try await recv.start()
        defer { Task { await recv.stop() } }
        var s = settings(recv.url)
        s.shards = 1
        try await withRemote([s]) { rw, mem in
            try append(rw, mem, [(Labels(["__name__": "a"]), 1, 1), (Labels(["__name__": "a"]), 2, 2)])
            #expect(await eventually(5) { recv.received.count == 2 && rw.stats()[0].samplesSent == 2 })
            #expect(recv.hits.load(ordering: .relaxed) == 4)
            #expect(rw.stats()[0].samplesRetried == 6)
            // A 400 drops the batch: one request, counted as failed, no retry loop.
            recv.script.withLock { $0 = [400] }
            try append(rw, mem, [(Labels(["__name__": "a"]), 3, 3)])
            #expect(await eventually(5) { rw.stats()[0].samplesFailed == 1 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(recv.hits.load(ordering: .relaxed) == 5)
            #expect(rw.stats()[0].samplesSent == 2)
            // And the queue goes on with the next batch.
            try append(rw, mem, [(Labels(["__name__": "a"]), 4, 4)])
            #expect(await eventually(5) { recv.received.count == 3 })
        }
    }

    /// A refused connection fails the attempt at once (not after remote_timeout) and is retried.
    @Test func refusedConnectionsAreRetriedQuickly() async throws {
        var s = settings("http://127.0.0.1:1/api/v1/write")  // port 1: connection refused
        s.timeout = .seconds(30)
        s.shards = 1
        var stoppingAt = ContinuousClock.now
        try await withRemote([s]) { rw, mem in
            try append(rw, mem, [(Labels(["__name__": "z"]), 1, 1)])
            #expect(await eventually(3) { rw.stats()[0].samplesRetried >= 3 })
            #expect(rw.stats()[0].samplesPending == 0)  // the batch is in flight, not lost
            #expect(rw.stats()[0].samplesFailed == 0)
            stoppingAt = .now
        }
        // Shutdown gives up on the undeliverable batch after flushDeadline (2 s), not never.
        let took = ContinuousClock.now - stoppingAt
        #expect(took >= .milliseconds(1500) && took < .seconds(4), "\(took)")
    }

    @Test func fullShardDropsOldestAndQueuesWhileReceiverIsDown() async throws {
        let recv = FakeReceiver(script: Array(repeating: 503, count: 1_000_000))
        try await recv.start()
        defer { Task { await recv.stop() } }
        var s = settings(recv.url)
        s.shards = 1
        s.capacity = 100
        s.maxSamplesPerSend = 10
        try await withRemote([s]) { rw, mem in
            for i in 0..<300 { try append(rw, mem, [(Labels(["__name__": "x"]), Int64(i), Double(i))]) }
            #expect(rw.stats()[0].droppedQueueFull >= 190)
            // The receiver comes back: what the shard kept (the newest) arrives, in order.
            recv.script.withLock { $0 = [] }
            #expect(await eventually(5) { rw.stats()[0].samplesPending == 0 && !recv.received.isEmpty })
            #expect(await eventually(5) { recv.received.last?.1 == 299 })
            let ts = recv.received.map(\.1)
            #expect(ts == ts.sorted())
            #expect(ts.count >= 100 && ts.count <= 110)
        }
    }

    @Test func reloadKeepsUnchangedQueuesAndStopsRemovedOnes() async throws {
        let recv = FakeReceiver()
        try await recv.start()
        defer { Task { await recv.stop() } }
        var a = settings(recv.url)
        a.identity = "a"
        var b = settings(recv.url)
        b.name = "b"
        b.identity = "b"
        try await withRemote([a, b]) { rw, mem in
            try append(rw, mem, [(Labels(["__name__": "x"]), 1, 1)])
            #expect(await eventually(5) { recv.received.count == 2 && rw.stats().allSatisfy { $0.samplesSent == 1 } })
            try rw.apply([a])
            #expect(rw.stats().map(\.name) == ["test"])
            #expect(rw.stats()[0].samplesSent == 1)  // same queue object, counters kept
            try append(rw, mem, [(Labels(["__name__": "x"]), 2, 2)])
            #expect(await eventually(5) { recv.received.count == 3 })
            try rw.apply([])
            try append(rw, mem, [(Labels(["__name__": "x"]), 3, 3)])
            try await Task.sleep(for: .milliseconds(200))
            #expect(recv.received.count == 3)
        }
    }

    @Test func shutdownFlushesPendingSamples() async throws {
        let recv = FakeReceiver()
        try await recv.start()
        defer { Task { await recv.stop() } }
        var s = settings(recv.url)
        s.batchSendDeadline = .seconds(60)
        s.maxSamplesPerSend = 1000
        try await withRemote([s]) { rw, mem in
            try append(rw, mem, (0..<20).map { (Labels(["__name__": "y", "k": "\($0)"]), 7, 1) })
            try await Task.sleep(for: .milliseconds(100))
            #expect(recv.received.isEmpty)  // neither a full batch nor the deadline yet
        }
        #expect(recv.received.count == 20)  // delivered by the graceful shutdown's flush
    }
}
