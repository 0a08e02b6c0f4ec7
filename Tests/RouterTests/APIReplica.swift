import HTTPAPI
import Hummingbird
import MetricModel
import PromQL
import Synchronization
import TSDB
@testable import Router

/// An in-process promfleet replica API (HTTPAPI's `PrometheusAPI` with the PromQL engine) over a
/// `MemoryStorage`: the router's merge mode can be compared byte for byte with what a replica
/// answers for the same query.
final class APIReplica: Sendable {
    let storage = MemoryStorage()
    private let _server = Mutex<TestServer?>(nil)
    var url: String { _server.withLock { $0!.url } }

    struct Status: StatusSource {
        func configStatus() -> ConfigStatus { ConfigStatus(yaml: "", lastReloadSuccessful: true, lastReloadSuccessTime: 0) }
        func flags() -> [(String, String)] { [] }
        var buildInfo: BuildInfoData { BuildInfoData(version: "test") }
        var storageRetention: String { "15d" }
    }

    func start(externalLabels: Labels = Labels()) async throws {
        var services = APIServices(storage: SortedQueryable(base: storage), targets: nil, status: Status(), metrics: MetricsRegistry(),
                                   readiness: Readiness(true), reload: nil, externalLabels: { externalLabels })
        services.engine = Engine()
        let api = PrometheusAPI(services: services, logger: quietLogger)
        let s = try await TestServer.start(router: api.makeRouter())
        _server.withLock { $0 = s }
    }

    func stop() async { await _server.withLock { $0! }.stop() }
}

/// Selects in label order (the router's merged series are in label order; a selector's output
/// order is otherwise the storage's own — MemoryStorage's is a hash order).
struct SortedQueryable: Queryable, Sendable {
    let base: any Queryable
    func querier(mint: Timestamp, maxt: Timestamp) throws -> any Querier { Sorted(base: try base.querier(mint: mint, maxt: maxt)) }

    struct Sorted: Querier {
        let base: any Querier
        func select(sorted: Bool, hints: SelectHints?, matchers: [LabelMatcher]) throws -> [any Series] {
            try base.select(sorted: true, hints: hints, matchers: matchers)
        }
        func labelValues(_ name: String, matchers: [LabelMatcher]) throws -> [String] { try base.labelValues(name, matchers: matchers) }
        func labelNames(matchers: [LabelMatcher]) throws -> [String] { try base.labelNames(matchers: matchers) }
    }
}
