import Foundation
import Relabeling
import Yams

extension PrometheusConfig {
    /// Parses and validates prometheus.yml text. `filename` is used in error messages only.
    public static func parse(yaml: String, filename: String = "<string>") throws(ConfigError) -> PrometheusConfig {
        let ctx = YAMLContext(file: filename)
        var cfg = PrometheusConfig()
        cfg.filename = filename
        guard let m = try ctx.mapping(try ctx.compose(yaml), type: "config.Config", known: yamlKeys) else { return cfg }
        if let g = m.value("global") { cfg.global = try ctx.globalConfig(g) }
        for key in ["runtime", "storage", "tracing", "otlp"] {
            if let n = m.value(key), !ctx.isNull(n) { cfg.otherSections.append((key, ctx.raw(n))) }
        }
        if let n = m.value("alerting") { cfg.alerting = try ctx.alertingConfig(n, scheme: cfg.global.metricNameValidationScheme) }
        for (key, message) in [("rule_files", "invalid rule file path"), ("scrape_config_files", "invalid scrape config file path")] {
            guard let n = m.value(key) else { continue }
            var list: [String] = []
            for item in try ctx.sequence(n, field: key, of: "string") {
                let path = try ctx.string(item, field: key)
                if !isValidRulePathPattern(path) { throw ctx.error(item, field: key, "\(message) \(quoteGo(path))") }
                list.append(path)
            }
            if key == "rule_files" { cfg.ruleFiles = list } else { cfg.scrapeConfigFiles = list }
        }
        if let n = m.value("scrape_configs") {
            cfg.scrapeConfigs = try ctx.scrapeConfigs(n, global: cfg.global, seen: [:])
        }
        for (key, what) in [("remote_write", "remote write"), ("remote_read", "remote read")] {
            guard let n = m.value(key) else { continue }
            var raws: [RawYAML] = []
            for item in try ctx.sequence(n, field: key, of: "*config.RemoteWriteConfig") {
                if ctx.isNull(item) { throw ctx.error(item, field: key, "empty or null \(what) config section") }
                raws.append(ctx.raw(ctx.redactingSecrets(item)))
            }
            if key == "remote_write" {
                cfg.remoteWriteConfigs = try ctx.remoteWriteConfigs(n, scheme: cfg.global.metricNameValidationScheme)
            } else if !raws.isEmpty {
                cfg.warnings.append("\(filename):\(n.mark?.line ?? 0): \(key) is accepted but not implemented by promfleet yet; \(raws.count) endpoint(s) ignored")
            }
            if key == "remote_write" { cfg.remoteWrite = raws } else { cfg.remoteRead = raws }
        }
        return cfg
    }

    /// Reads and parses a config file; relative paths in it (rule files, file_sd files, credential
    /// and TLS files) are made relative to the file's directory, as Prometheus does.
    public static func load(file path: String) throws(ConfigError) -> PrometheusConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, message: "open \(path): \(error.localizedDescription)")
        }
        var cfg = try parse(yaml: text, filename: path)
        cfg.resolvePaths(relativeTo: (path as NSString).deletingLastPathComponent)
        return cfg
    }

    /// Prometheus's `SetDirectory`.
    public mutating func resolvePaths(relativeTo dir: String) {
        global.queryLogFile = joinDir(dir, global.queryLogFile)
        global.scrapeFailureLogFile = joinDir(dir, global.scrapeFailureLogFile)
        ruleFiles = ruleFiles.map { joinDir(dir, $0) }
        scrapeConfigFiles = scrapeConfigFiles.map { joinDir(dir, $0) }
        for i in scrapeConfigs.indices { scrapeConfigs[i].resolvePaths(relativeTo: dir) }
        for i in remoteWriteConfigs.indices { remoteWriteConfigs[i].httpClientConfig.resolvePaths(relativeTo: dir) }
        for i in alerting.alertmanagers.indices {
            alerting.alertmanagers[i].httpClientConfig.resolvePaths(relativeTo: dir)
            for j in alerting.alertmanagers[i].fileSDConfigs.indices {
                alerting.alertmanagers[i].fileSDConfigs[j].files = alerting.alertmanagers[i].fileSDConfigs[j].files.map { joinDir(dir, $0) }
            }
        }
    }
}

extension ScrapeConfig {
    mutating func resolvePaths(relativeTo dir: String) {
        httpClientConfig.resolvePaths(relativeTo: dir)
        scrapeFailureLogFile = joinDir(dir, scrapeFailureLogFile)
        for i in fileSDConfigs.indices { fileSDConfigs[i].files = fileSDConfigs[i].files.map { joinDir(dir, $0) } }
        for i in httpSDConfigs.indices { httpSDConfigs[i].httpClientConfig.resolvePaths(relativeTo: dir) }
    }
}

/// Scrape protocols Prometheus accepts (`ScrapeProtocolsHeaders`).
let knownScrapeProtocols = ["OpenMetricsText0.0.1", "OpenMetricsText1.0.0", "PrometheusProto", "PrometheusText0.0.4", "PrometheusText1.0.0"]

extension YAMLContext {
    func globalConfig(_ node: Node) throws(ConfigError) -> GlobalConfig {
        var g = GlobalConfig()
        guard let m = try mapping(node, type: "config.GlobalConfig", known: GlobalConfig.yamlKeys) else { return g }
        g.metricNameValidationScheme = try validationScheme(m) ?? .legacy
        if let n = m.value("external_labels") {
            g.externalLabels = try labelSet(n, field: "external_labels", scheme: g.metricNameValidationScheme)
                .map { ($0.0, expandEnv($0.1)) }
        }
        let interval = try m.duration("scrape_interval") ?? .zero
        g.scrapeInterval = interval == .zero ? .minutes(1) : interval
        let timeout = try m.duration("scrape_timeout") ?? .zero
        if timeout > g.scrapeInterval { throw m.error("scrape_timeout", "global scrape timeout greater than scrape interval") }
        g.scrapeTimeout = timeout == .zero ? min(.seconds(10), g.scrapeInterval) : timeout
        let eval = try m.duration("evaluation_interval") ?? .zero
        g.evaluationInterval = eval == .zero ? .minutes(1) : eval
        g.ruleQueryOffset = try m.duration("rule_query_offset") ?? .zero
        g.queryLogFile = try m.string("query_log_file") ?? ""
        g.scrapeFailureLogFile = try m.string("scrape_failure_log_file") ?? ""
        g.limits = try limits(m)
        if let p = try m.stringList("scrape_protocols") {
            try validateProtocols(p, m, suffix: "for global config")
            g.scrapeProtocols = p
        }
        g.metricNameEscapingScheme = try escapingScheme(m, validation: g.metricNameValidationScheme, what: "global")
        g.scrapeNativeHistograms = try m.bool("scrape_native_histograms")
        g.convertClassicHistogramsToNHCB = try m.bool("convert_classic_histograms_to_nhcb") ?? false
        g.alwaysScrapeClassicHistograms = try m.bool("always_scrape_classic_histograms") ?? false
        g.extraScrapeMetrics = try m.bool("extra_scrape_metrics")
        return g
    }

    func limits(_ m: MapReader) throws(ConfigError) -> ScrapeLimits {
        var l = ScrapeLimits()
        l.bodySizeLimit = try m.byteSize("body_size_limit") ?? .zero
        l.sampleLimit = try m.uint("sample_limit") ?? 0
        l.targetLimit = try m.uint("target_limit") ?? 0
        l.labelLimit = try m.uint("label_limit") ?? 0
        l.labelNameLengthLimit = try m.uint("label_name_length_limit") ?? 0
        l.labelValueLengthLimit = try m.uint("label_value_length_limit") ?? 0
        l.keepDroppedTargets = try m.uint("keep_dropped_targets") ?? 0
        return l
    }

    func validationScheme(_ m: MapReader) throws(ConfigError) -> NameValidationScheme? {
        guard let s = try m.string("metric_name_validation_scheme"), !s.isEmpty else { return nil }
        guard let v = NameValidationScheme(rawValue: s) else {
            throw m.error("metric_name_validation_scheme", "unrecognized ValidationScheme: \(quoteGo(s))")
        }
        return v
    }

    /// `metric_name_escaping_scheme`: one of Prometheus's four, and `allow-utf-8` only with utf8 names.
    func escapingScheme(_ m: MapReader, validation: NameValidationScheme, what: String) throws(ConfigError) -> String {
        let s = try m.string("metric_name_escaping_scheme") ?? ""
        let allowed = ["allow-utf-8", "underscores", "dots", "values"]
        if !s.isEmpty && !allowed.contains(s) {
            throw m.error("metric_name_escaping_scheme", "unknown \(what) name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got \(quoteGo(s))")
        }
        if s == "allow-utf-8" && validation != .utf8 {
            throw m.error("metric_name_escaping_scheme", "utf8 metric names requested but validation scheme is not set to UTF8")
        }
        return s
    }

    func validateProtocols(_ p: [String], _ m: MapReader, suffix: String) throws(ConfigError) {
        if p.isEmpty { throw m.error("scrape_protocols", "scrape_protocols cannot be empty \(suffix)") }
        var seen = Set<String>()
        for proto in p {
            if !seen.insert(proto.lowercased()).inserted {
                throw m.error("scrape_protocols", "duplicated protocol in scrape_protocols, got [\(p.joined(separator: " "))] \(suffix)")
            }
            if !knownScrapeProtocols.contains(proto) {
                throw m.error("scrape_protocols", "scrape_protocols: unknown scrape protocol \(proto), supported: [\(knownScrapeProtocols.joined(separator: " "))] \(suffix)")
            }
        }
    }

    func alertingConfig(_ node: Node, scheme: NameValidationScheme) throws(ConfigError) -> AlertingConfig {
        var a = AlertingConfig()
        guard let m = try mapping(node, type: "config.AlertingConfig", known: ["alert_relabel_configs", "alertmanagers"]) else { return a }
        a.alertRelabelConfigs = try relabelConfigs(m, "alert_relabel_configs", scheme: scheme, nullMessage: "empty or null alert relabeling rule")
        guard let list = m.value("alertmanagers") else { return a }
        for item in try sequence(list, field: "alertmanagers", of: "*config.AlertmanagerConfig") {
            try refuseUnsupportedSD(item)
            var am = AlertmanagerConfig()
            if let c = try mapping(item, type: "config.AlertmanagerConfig", known: AlertmanagerConfig.yamlKeys) {
                am.scheme = try c.string("scheme") ?? "http"
                am.pathPrefix = try c.string("path_prefix") ?? ""
                am.timeout = try c.duration("timeout") ?? .seconds(10)
                let version = try c.string("api_version") ?? "v2"
                am.apiVersion = version.isEmpty ? "v2" : version
                if am.apiVersion != "v2" {
                    throw c.error("api_version", "expected Alertmanager api version to be one of [v2] but got \(am.apiVersion)")
                }
                am.httpClientConfig = try httpClientConfig(c)
                if let n = c.value("sigv4"), !isNull(n) { am.sigv4 = raw(n) }
                am.staticConfigs = try staticConfigs(c, scheme: scheme)
                am.fileSDConfigs = try fileSDConfigs(c)
                am.httpSDConfigs = try httpSDConfigs(c)
                am.relabelConfigs = try relabelConfigs(c, "relabel_configs", scheme: scheme, nullMessage: "empty or null Alertmanager target relabeling rule")
                am.alertRelabelConfigs = try relabelConfigs(c, "alert_relabel_configs", scheme: scheme, nullMessage: "empty or null Alertmanager alert relabeling rule")
                if am.relabelConfigs.isEmpty { try checkStaticTargets(am.staticConfigs, c) }
            }
            a.alertmanagers.append(am)
        }
        return a
    }

    /// Prometheus's `checkStaticTargets`: an address with a `/` is a URL pasted by mistake.
    func checkStaticTargets(_ groups: [TargetGroup], _ m: MapReader) throws(ConfigError) {
        for g in groups {
            for t in g.targets where t.contains("/") {
                let message = "\(quoteGo(t)) is not a valid hostname"
                // Point at the target's own line when we can find it.
                for item in (m.value("static_configs")?.sequence.map(Array.init) ?? []) {
                    for n in item.mapping?["targets"]?.sequence.map(Array.init) ?? [] where n.scalar?.string == t {
                        throw error(n, field: "targets", message)
                    }
                }
                throw m.error("static_configs", message)
            }
        }
    }
}

/// Go's `os.Expand` with the environment, as Prometheus applies it to external label values:
/// `$VAR` and `${VAR}` are replaced, `$$` is a literal `$`.
func expandEnv(_ s: String, _ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
    guard s.contains("$") else { return s }
    let u = Array(s.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    func isNameChar(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c))) }
    while i < u.count {
        guard u[i] == "$", i + 1 < u.count else { out.append(u[i]); i += 1; continue }
        let n = u[i + 1]
        if n == "{" {
            guard let close = u[(i + 2)...].firstIndex(of: "}") else { out.append(u[i]); i += 1; continue }
            let name = String(String.UnicodeScalarView(u[(i + 2)..<close]))
            if name.isEmpty { i = close + 1; continue }  // bad syntax: Go eats "${}"
            out.append(contentsOf: (name == "$" ? "$" : env[name] ?? "").unicodeScalars)
            i = close + 1
        } else if n == "$" || "*#@!?-0123456789".unicodeScalars.contains(n) {
            out.append(contentsOf: (n == "$" ? "$" : env[String(n)] ?? "").unicodeScalars)
            i += 2
        } else if isNameChar(n) {
            var j = i + 1
            while j < u.count && isNameChar(u[j]) { j += 1 }
            out.append(contentsOf: (env[String(String.UnicodeScalarView(u[(i + 1)..<j]))] ?? "").unicodeScalars)
            i = j
        } else {
            out.append(u[i])
            i += 1
        }
    }
    return String(out)
}
