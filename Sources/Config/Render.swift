import Relabeling
import Yams

extension PrometheusConfig {
    /// The effective config as YAML, defaults filled in and secrets shown as `<secret>`, in
    /// Prometheus's field order (what /api/v1/status/config returns).
    public func string() -> String {
        var top: [(String, Node)] = [("global", global.node())]
        if !alerting.alertmanagers.isEmpty || !alerting.alertRelabelConfigs.isEmpty { top.append(("alerting", alerting.node())) }
        if !ruleFiles.isEmpty { top.append(("rule_files", .strings(ruleFiles))) }
        if !scrapeConfigFiles.isEmpty { top.append(("scrape_config_files", .strings(scrapeConfigFiles))) }
        if !scrapeConfigs.isEmpty { top.append(("scrape_configs", Node(scrapeConfigs.map { $0.node() }))) }
        for (key, raw) in otherSections { top.append((key, raw.node())) }
        if !remoteWrite.isEmpty { top.append(("remote_write", Node(remoteWrite.map { $0.node() }))) }
        if !remoteRead.isEmpty { top.append(("remote_read", Node(remoteRead.map { $0.node() }))) }
        return (try? Yams.serialize(node: .map(top), indent: 2, width: -1, allowUnicode: true)) ?? ""
    }
}

extension Node {
    static func map(_ pairs: [(String, Node)]) -> Node { Node(pairs.map { (Node($0.0), $0.1) }) }
    static func strings(_ list: [String]) -> Node { Node(list.map { Node($0) }) }
    static func flowStrings(_ list: [String]) -> Node { Node(list.map { Node($0) }, .implicit, .flow) }
    static func str(_ s: String) -> Node { Node(s, .implicit, needsQuotes(s) ? .singleQuoted : .plain) }
    static func num<T: BinaryInteger>(_ v: T) -> Node { Node(String(v)) }
    static func bool(_ b: Bool) -> Node { Node(b ? "true" : "false") }
    static func dur(_ d: PromDuration) -> Node { Node(d.description) }

    /// Strings a plain scalar would turn into another type or break (YAML 1.1 booleans, numbers, null…).
    static func needsQuotes(_ s: String) -> Bool {
        if s.isEmpty { return true }
        let special = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                       "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL"]
        if special.contains(s) || Double(s) != nil { return true }
        return false
    }
}

extension RawYAML {
    func node() -> Node { ((try? Yams.compose(yaml: yaml)) ?? nil) ?? Node("") }
}

extension GlobalConfig {
    func node() -> Node {
        var p: [(String, Node)] = [("scrape_interval", .dur(scrapeInterval)), ("scrape_timeout", .dur(scrapeTimeout))]
        if let sp = scrapeProtocols { p.append(("scrape_protocols", .strings(sp))) }
        p.append(("evaluation_interval", .dur(evaluationInterval)))
        if ruleQueryOffset != .zero { p.append(("rule_query_offset", .dur(ruleQueryOffset))) }
        if !queryLogFile.isEmpty { p.append(("query_log_file", .str(queryLogFile))) }
        if !scrapeFailureLogFile.isEmpty { p.append(("scrape_failure_log_file", .str(scrapeFailureLogFile))) }
        if !externalLabels.isEmpty {
            p.append(("external_labels", .map(externalLabels.sorted { $0.0 < $1.0 }.map { ($0.0, .str($0.1)) })))
        }
        p += limits.pairs()
        p.append(("metric_name_validation_scheme", Node(metricNameValidationScheme.rawValue)))
        return .map(p)
    }
}

extension ScrapeLimits {
    func pairs() -> [(String, Node)] {
        var p: [(String, Node)] = []
        if bodySizeLimit.bytes != 0 { p.append(("body_size_limit", Node(bodySizeLimit.description))) }
        for (k, v) in [("sample_limit", sampleLimit), ("target_limit", targetLimit), ("label_limit", labelLimit),
                       ("label_name_length_limit", labelNameLengthLimit), ("label_value_length_limit", labelValueLengthLimit),
                       ("keep_dropped_targets", keepDroppedTargets)] where v != 0 {
            p.append((k, .num(v)))
        }
        return p
    }
}

extension ScrapeConfig {
    func node() -> Node {
        var p: [(String, Node)] = [("job_name", .str(jobName))]
        if honorLabels { p.append(("honor_labels", .bool(true))) }
        p.append(("honor_timestamps", .bool(honorTimestamps)))
        p.append(("track_timestamps_staleness", .bool(trackTimestampsStaleness)))
        if !params.isEmpty { p.append(("params", .map(params.sorted { $0.0 < $1.0 }.map { ($0.0, .strings($0.1)) }))) }
        p.append(("scrape_interval", .dur(scrapeInterval)))
        p.append(("scrape_timeout", .dur(scrapeTimeout)))
        if let sp = scrapeProtocols { p.append(("scrape_protocols", .strings(sp))) }
        if let f = fallbackScrapeProtocol { p.append(("fallback_scrape_protocol", .str(f))) }
        p.append(("metrics_path", .str(metricsPath)))
        p.append(("scheme", .str(scheme)))
        p.append(("enable_compression", .bool(enableCompression)))
        p += limits.pairs()
        p.append(("metric_name_validation_scheme", Node(metricNameValidationScheme.rawValue)))
        p += httpClientConfig.pairs()
        if !staticConfigs.isEmpty { p.append(("static_configs", Node(staticConfigs.map { $0.node() }))) }
        if !fileSDConfigs.isEmpty {
            p.append(("file_sd_configs", Node(fileSDConfigs.map { .map([("files", .strings($0.files)), ("refresh_interval", .dur($0.refreshInterval))]) })))
        }
        if !httpSDConfigs.isEmpty {
            p.append(("http_sd_configs", Node(httpSDConfigs.map { h in
                .map(h.httpClientConfig.pairs() + [("url", .str(h.url)), ("refresh_interval", .dur(h.refreshInterval))])
            })))
        }
        if !relabelConfigs.isEmpty { p.append(("relabel_configs", Node(relabelConfigs.map { $0.node() }))) }
        if !metricRelabelConfigs.isEmpty { p.append(("metric_relabel_configs", Node(metricRelabelConfigs.map { $0.node() }))) }
        return .map(p)
    }
}

extension TargetGroup {
    func node() -> Node {
        var p: [(String, Node)] = [("targets", .strings(targets))]
        if !labels.isEmpty { p.append(("labels", .map(labels.sorted { $0.key < $1.key }.map { ($0.key, .str($0.value)) }))) }
        return .map(p)
    }
}

extension RelabelConfig {
    func node() -> Node {
        var p: [(String, Node)] = []
        if !sourceLabels.isEmpty { p.append(("source_labels", .flowStrings(sourceLabels))) }
        p.append(("separator", .str(separator)))
        if !regex.isDefault { p.append(("regex", .str(regex.pattern))) }
        if modulus != 0 { p.append(("modulus", .num(modulus))) }
        if !targetLabel.isEmpty { p.append(("target_label", .str(targetLabel))) }
        p.append(("replacement", .str(replacement)))
        p.append(("action", Node(action.rawValue)))
        return .map(p)
    }
}

extension HTTPClientConfig {
    func pairs() -> [(String, Node)] {
        var p: [(String, Node)] = []
        if let b = basicAuth {
            var bp: [(String, Node)] = []
            if !b.username.isEmpty { bp.append(("username", .str(b.username))) }
            if let f = b.usernameFile, !f.isEmpty { bp.append(("username_file", .str(f))) }
            if !b.password.isEmpty { bp.append(("password", Node("<secret>"))) }
            if let f = b.passwordFile, !f.isEmpty { bp.append(("password_file", .str(f))) }
            p.append(("basic_auth", .map(bp)))
        }
        if let a = authorization {
            var ap: [(String, Node)] = [("type", .str(a.type))]
            if !a.credentials.isEmpty { ap.append(("credentials", Node("<secret>"))) }
            if let f = a.credentialsFile, !f.isEmpty { ap.append(("credentials_file", .str(f))) }
            p.append(("authorization", .map(ap)))
        }
        if let o = oauth2 { p.append(("oauth2", o.node())) }
        let t = tlsConfig
        var tp: [(String, Node)] = []
        for (k, v) in [("ca", t.ca), ("cert", t.cert), ("ca_file", t.caFile), ("cert_file", t.certFile), ("key_file", t.keyFile), ("server_name", t.serverName)] {
            if let v, !v.isEmpty { tp.append((k, .str(v))) }
        }
        if t.key != nil { tp.append(("key", Node("<secret>"))) }
        tp.append(("insecure_skip_verify", .bool(t.insecureSkipVerify)))
        if let v = t.minVersion { tp.append(("min_version", .str(v))) }
        if let v = t.maxVersion { tp.append(("max_version", .str(v))) }
        p.append(("tls_config", .map(tp)))
        if let u = proxyURL, !u.isEmpty { p.append(("proxy_url", .str(u))) }
        if let n = noProxy, !n.isEmpty { p.append(("no_proxy", .str(n))) }
        if proxyFromEnvironment { p.append(("proxy_from_environment", .bool(true))) }
        p.append(("follow_redirects", .bool(followRedirects)))
        p.append(("enable_http2", .bool(enableHTTP2)))
        if let h = httpHeaders { p.append(("http_headers", h.node())) }
        return p
    }
}

extension AlertingConfig {
    func node() -> Node {
        var p: [(String, Node)] = []
        if !alertRelabelConfigs.isEmpty { p.append(("alert_relabel_configs", Node(alertRelabelConfigs.map { $0.node() }))) }
        if !alertmanagers.isEmpty {
            p.append(("alertmanagers", Node(alertmanagers.map { am in
                var a: [(String, Node)] = am.httpClientConfig.pairs()
                a += [("scheme", .str(am.scheme))]
                if !am.pathPrefix.isEmpty { a.append(("path_prefix", .str(am.pathPrefix))) }
                a += [("timeout", .dur(am.timeout)), ("api_version", .str(am.apiVersion))]
                if !am.relabelConfigs.isEmpty { a.append(("relabel_configs", Node(am.relabelConfigs.map { $0.node() }))) }
                if !am.staticConfigs.isEmpty { a.append(("static_configs", Node(am.staticConfigs.map { $0.node() }))) }
                if !am.fileSDConfigs.isEmpty {
                    a.append(("file_sd_configs", Node(am.fileSDConfigs.map { .map([("files", .strings($0.files)), ("refresh_interval", .dur($0.refreshInterval))]) })))
                }
                return .map(a)
            })))
        }
        return .map(p)
    }
}
