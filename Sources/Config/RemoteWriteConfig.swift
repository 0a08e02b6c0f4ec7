import Foundation
import Relabeling
import Yams

/// One `remote_write` entry (Prometheus `config.RemoteWriteConfig`, protocol 1.0), defaults filled
/// and validated like `RemoteWriteConfig.UnmarshalYAML` / `Config.Validate`.
public struct RemoteWriteConfig: Sendable {
    public var url = ""
    /// `name`; empty means "use the config hash" (see `effectiveName`).
    public var name = ""
    public var remoteTimeout = PromDuration.seconds(30)
    /// `headers`, in file order (reserved names refused).
    public var headers: [Header] = []
    public var writeRelabelConfigs: [RelabelConfig] = []
    public var httpClientConfig = HTTPClientConfig()
    public var queueConfig = QueueConfig()
    public var metadataConfig = MetadataConfig()
    /// Accepted, no effect (promfleet stores float samples only).
    public var sendExemplars = false
    public var sendNativeHistograms = false
    public var roundRobinDNS = false
    /// Accepted and kept: promfleet sends `prometheus.WriteRequest` (1.0) only.
    public var protobufMessage = "prometheus.WriteRequest"
    /// The entry's YAML text: the config hash for unnamed queues, and how a reload tells an
    /// unchanged queue (kept running) from a changed one (restarted).
    public var rawYAML = ""

    public struct Header: Hashable, Sendable {
        public var name: String
        public var value: String
    }

    public init() {}

    /// Prometheus names an unnamed queue by the first 6 hex digits of a hash of its config;
    /// ours hashes the entry's YAML text (md5), so it is stable across reloads of the same text.
    public var effectiveName: String {
        if !name.isEmpty { return name }
        return String(MD5.hex(rawYAML).prefix(6))
    }

    static let yamlKeys = [
        "url", "remote_timeout", "headers", "write_relabel_configs", "name", "send_exemplars",
        "send_native_histograms", "round_robin_dns", "protobuf_message", "queue_config", "metadata_config",
        "sigv4", "azuread", "google_iam",
    ] + HTTPClientConfig.yamlKeys

    /// Headers Prometheus refuses in `headers` (`reservedHeaders`; `authorization` separately).
    static let reservedHeaders: Set<String> = [
        "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive",
        "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
        "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
    ]
}

/// `queue_config` (Prometheus 3 defaults).
public struct QueueConfig: Hashable, Sendable {
    /// Samples buffered per shard; when full the oldest are dropped (Prometheus blocks the WAL reader instead).
    public var capacity = 10_000
    public var maxShards = 50
    public var minShards = 1
    public var maxSamplesPerSend = 2000
    public var batchSendDeadline = PromDuration.seconds(5)
    public var minBackoff = PromDuration(milliseconds: 30)
    public var maxBackoff = PromDuration.seconds(5)
    public var retryOnRateLimit = true
    /// Samples older than this are dropped instead of sent (0 = no limit).
    public var sampleAgeLimit = PromDuration.zero
    public init() {}

    static let yamlKeys = ["capacity", "max_shards", "min_shards", "max_samples_per_send", "batch_send_deadline",
                           "min_backoff", "max_backoff", "retry_on_http_429", "sample_age_limit", "max_retries"]
}

/// `metadata_config`: accepted; promfleet does not send metadata yet.
public struct MetadataConfig: Hashable, Sendable {
    public var send = true
    public var sendInterval = PromDuration.minutes(1)
    public var maxSamplesPerSend = 500
    public init() {}
}

extension YAMLContext {
    /// The `remote_write` list: each entry validated, names unique.
    func remoteWriteConfigs(_ node: Node, scheme: NameValidationScheme) throws(ConfigError) -> [RemoteWriteConfig] {
        var out: [RemoteWriteConfig] = []
        var names = Set<String>()
        for item in try sequence(node, field: "remote_write", of: "*config.RemoteWriteConfig") {
            if isNull(item) { throw error(item, field: "remote_write", "empty or null remote write config section") }
            let c = try remoteWriteConfig(item, scheme: scheme)
            if !c.name.isEmpty && !names.insert(c.name).inserted {
                throw error(item, field: "name", "found multiple remote write configs with job name \(quoteGo(c.name))")
            }
            out.append(c)
        }
        return out
    }

    func remoteWriteConfig(_ node: Node, scheme: NameValidationScheme) throws(ConfigError) -> RemoteWriteConfig {
        var c = RemoteWriteConfig()
        guard let m = try mapping(node, type: "config.RemoteWriteConfig", known: RemoteWriteConfig.yamlKeys) else { return c }
        c.rawYAML = raw(node).yaml
        c.url = try m.string("url") ?? ""
        if c.url.isEmpty { throw m.error("url", "url for remote_write is empty") }
        guard let schemeEnd = c.url.range(of: "://"),
              ["http", "https"].contains(c.url[..<schemeEnd.lowerBound].lowercased()),
              !c.url[schemeEnd.upperBound...].prefix(while: { $0 != "/" && $0 != "?" }).isEmpty else {
            throw m.error("url", "parse \(quoteGo(c.url)): remote_write url must be http:// or https:// with a host")
        }
        c.name = try m.string("name") ?? ""
        c.remoteTimeout = try m.duration("remote_timeout") ?? .seconds(30)
        if c.remoteTimeout == .zero { c.remoteTimeout = .seconds(30) }
        if let n = m.value("headers") {
            for (k, v, keyNode) in try stringMap(n, field: "headers") {
                if k.lowercased() == "authorization" {
                    throw error(keyNode, field: "headers", "authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter")
                }
                if RemoteWriteConfig.reservedHeaders.contains(k.lowercased()) {
                    throw error(keyNode, field: "headers", "\(k) is a reserved header. It must not be changed")
                }
                c.headers.append(.init(name: k, value: v))
            }
        }
        c.writeRelabelConfigs = try relabelConfigs(m, "write_relabel_configs", scheme: scheme,
                                                   nullMessage: "empty or null relabeling rule in remote write config")
        c.sendExemplars = try m.bool("send_exemplars") ?? false
        c.sendNativeHistograms = try m.bool("send_native_histograms") ?? false
        c.roundRobinDNS = try m.bool("round_robin_dns") ?? false
        if let p = try m.string("protobuf_message"), !p.isEmpty {
            guard ["prometheus.WriteRequest", "io.prometheus.write.v2.Request"].contains(p) else {
                throw m.error("protobuf_message", "invalid protobuf_message value: unknown remote write protobuf message \(p), supported: prometheus.WriteRequest, io.prometheus.write.v2.Request")
            }
            if p != "prometheus.WriteRequest" {
                throw m.error("protobuf_message", "protobuf_message \(p) (remote write 2.0) is not supported by promfleet; use prometheus.WriteRequest")
            }
            c.protobufMessage = p
        }
        c.httpClientConfig = try httpClientConfig(m)
        if c.httpClientConfig.oauth2 != nil { throw m.error("oauth2", "oauth2 is not supported by promfleet's remote write") }
        for key in ["sigv4", "azuread", "google_iam"] {
            if let n = m.value(key), !isNull(n) {
                let hc = c.httpClientConfig
                if hc.basicAuth != nil || hc.authorization != nil {
                    throw m.error(key, "at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured")
                }
                throw m.error(key, "\(key) is not supported by promfleet's remote write")
            }
        }
        if let n = m.value("queue_config") { c.queueConfig = try queueConfig(n) }
        if let n = m.value("metadata_config"), let mc = try mapping(n, type: "config.MetadataConfig",
                known: ["send", "send_interval", "max_samples_per_send"]) {
            c.metadataConfig.send = try mc.bool("send") ?? true
            c.metadataConfig.sendInterval = try mc.duration("send_interval") ?? .minutes(1)
            c.metadataConfig.maxSamplesPerSend = Int(try mc.uint("max_samples_per_send") ?? 500)
        }
        return c
    }

    func queueConfig(_ node: Node) throws(ConfigError) -> QueueConfig {
        var q = QueueConfig()
        guard let m = try mapping(node, type: "config.QueueConfig", known: QueueConfig.yamlKeys) else { return q }
        func int(_ key: String, _ def: Int) throws(ConfigError) -> Int {
            guard let v = try m.uint(key), v != 0 else { return def }
            guard v <= UInt64(Int32.max) else { throw m.error(key, "\(key) too large: \(v)") }
            return Int(v)
        }
        q.capacity = try int("capacity", q.capacity)
        q.maxShards = try int("max_shards", q.maxShards)
        q.minShards = try int("min_shards", q.minShards)
        q.maxSamplesPerSend = try int("max_samples_per_send", q.maxSamplesPerSend)
        if let d = try m.duration("batch_send_deadline"), d != .zero { q.batchSendDeadline = d }
        if let d = try m.duration("min_backoff"), d != .zero { q.minBackoff = d }
        if let d = try m.duration("max_backoff"), d != .zero { q.maxBackoff = d }
        q.retryOnRateLimit = try m.bool("retry_on_http_429") ?? true
        q.sampleAgeLimit = try m.duration("sample_age_limit") ?? .zero
        if q.minShards > q.maxShards {
            throw m.error("min_shards", "min_shards (\(q.minShards)) must not be greater than max_shards (\(q.maxShards))")
        }
        if q.minBackoff > q.maxBackoff {
            throw m.error("min_backoff", "min_backoff (\(q.minBackoff)) must not be greater than max_backoff (\(q.maxBackoff))")
        }
        return q
    }
}

extension YAMLContext {
    /// Keys whose values Prometheus prints as `<secret>` (common/config.Secret fields).
    static let secretKeys: Set<String> = ["password", "credentials", "bearer_token", "key", "client_secret"]

    /// The node with every secret value replaced by `<secret>`, so that a section kept as raw YAML
    /// (rendered by /api/v1/status/config) does not show passwords.
    func redactingSecrets(_ node: Node) -> Node {
        switch node {
        case .mapping(let m):
            var pairs: [(Node, Node)] = []
            for (k, v) in m {
                if let key = k.scalar?.string, Self.secretKeys.contains(key), case .scalar(let sc) = v, !sc.string.isEmpty, !isNull(v) {
                    pairs.append((k, Node("<secret>")))
                } else {
                    pairs.append((k, redactingSecrets(v)))
                }
            }
            return Node(pairs, m.tag, m.style)
        case .sequence(let seq):
            return Node(seq.map { redactingSecrets($0) }, seq.tag, seq.style)
        default:
            return node
        }
    }
}
