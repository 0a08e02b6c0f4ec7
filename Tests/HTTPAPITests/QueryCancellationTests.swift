import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPAPI
import Logging
import MetricModel
import PromQL
import ServiceLifecycle
import Synchronization
import Testing
import TSDB

/// Storage whose every series takes 2 ms to read, counting the reads.
final class SlowStorage: Queryable, Querier, @unchecked Sendable {
    let reads = Atomic<Int>(0)
    let count: Int
    init(count: Int) { self.count = count }

    struct SlowSeries: Series {
        let labels: Labels
        let owner: SlowStorage
        func iterator() -> any SampleIterator { ArraySampleIterator([]) }
        func appendSamples(mint: Timestamp, maxt: Timestamp, to buf: inout [Sample]) {
            owner.reads.add(1, ordering: .relaxed)
            usleep(2000)
            buf.append(Sample(t: maxt, v: 1))
        }
    }

    func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier { self }
    func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
        (0..<count).map { SlowSeries(labels: Labels(["__name__": "slow", "i": String($0)]), owner: self) }
    }
    func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] { [] }
    func labelNames(matchers: [LabelMatcher]) throws -> [String] { [] }
}

struct NoStatus: StatusSource {
    func configStatus() -> ConfigStatus { ConfigStatus(yaml: "", lastReloadSuccessful: true, lastReloadSuccessTime: 0) }
    func flags() -> [(String, String)] { [] }
    var buildInfo: BuildInfoData { BuildInfoData(version: "test") }
    var storageRetention: String { "15d" }
}

/// Serves `services` on a free loopback port while `body` runs.
func withAPIServer(_ services: APIServices, _ body: (Int) async throws -> Void) async throws {
    let logger = Logger(label: "test")
    let server = HTTPServer(host: "127.0.0.1", port: 0, router: PrometheusAPI(services: services, logger: logger).makeRouter(), logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        var port: Int?
        for _ in 0..<500 where port == nil {
            port = server.boundPort
            try await Task.sleep(for: .milliseconds(10))
        }
        try await body(try #require(port))
        group.cancelAll()
    }
}

@Suite(.serialized) struct QueryCancellationTests {
    /// A client that sends a query and goes away: the evaluation stops (it would take 10 s).
    @Test func evaluationStopsWhenTheClientCloses() async throws {
        let storage = SlowStorage(count: 5000)
        var services = APIServices(storage: storage, targets: nil, status: NoStatus(), metrics: MetricsRegistry(),
                                   readiness: Readiness(true), reload: nil, externalLabels: { .empty })
        services.engine = Engine()
        try await withAPIServer(services) { p in
            // Raw socket: send the request, wait a little, close.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(p).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            #expect(rc == 0)
            let req = "GET /api/v1/query?query=sum(slow)&time=1000 HTTP/1.1\r\nHost: x\r\n\r\n"
            _ = req.withCString { send(fd, $0, strlen($0), 0) }
            try await Task.sleep(for: .milliseconds(300))
            let before = storage.reads.load(ordering: .relaxed)
            close(fd)
            try await Task.sleep(for: .seconds(2))
            let after = storage.reads.load(ordering: .relaxed)
            try await Task.sleep(for: .seconds(1))
            let later = storage.reads.load(ordering: .relaxed)
            #expect(before > 0, "the query had started")
            #expect(later < 1000, "reads went on after the client left: \(before) → \(after) → \(later) of 5000")
            #expect(later == after, "still reading: \(after) → \(later)")
        }
    }
}

@Suite struct WebUITests {
    @Test func rootRedirectsToGraphPage() async throws {
        let services = APIServices(storage: SlowStorage(count: 0), targets: nil, status: NoStatus(), metrics: MetricsRegistry(),
                                   readiness: Readiness(true), reload: nil, externalLabels: { .empty })
        try await withAPIServer(services) { p in
            final class NoRedirect: NSObject, URLSessionTaskDelegate {
                func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                                newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
                    completionHandler(nil)
                }
            }
            let session = URLSession(configuration: .ephemeral, delegate: NoRedirect(), delegateQueue: nil)
            let (_, root) = try await session.data(from: URL(string: "http://127.0.0.1:\(p)/")!)
            #expect((root as? HTTPURLResponse)?.statusCode == 302)
            #expect((root as? HTTPURLResponse)?.value(forHTTPHeaderField: "Location") == "/graph")
            for (path, needle) in [("/graph", "/api/v1/query_range"), ("/targets", "/api/v1/targets")] {
                let (body, resp) = try await session.data(from: URL(string: "http://127.0.0.1:\(p)\(path)")!)
                #expect((resp as? HTTPURLResponse)?.statusCode == 200)
                #expect((resp as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/html") == true)
                #expect(String(decoding: body, as: UTF8.self).contains(needle))
            }
        }
    }
}
