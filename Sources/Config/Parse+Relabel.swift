import Relabeling
import Yams

extension YAMLContext {
    static let relabelKeys = ["source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action"]

    /// A list of relabel rules; `nullMessage` is Prometheus's error for a null entry.
    func relabelConfigs(_ m: MapReader, _ key: String, scheme: NameValidationScheme, nullMessage: String) throws(ConfigError) -> [RelabelConfig] {
        guard let n = m.value(key) else { return [] }
        var out: [RelabelConfig] = []
        for item in try sequence(n, field: key, of: "*relabel.Config") {
            if isNull(item) { throw error(item, field: key, nullMessage) }
            out.append(try relabelConfig(item, scheme: scheme))
        }
        return out
    }

    /// One rule with Prometheus's defaults, validated like `relabel.Config.Validate`.
    func relabelConfig(_ node: Node, scheme: NameValidationScheme) throws(ConfigError) -> RelabelConfig {
        var c = RelabelConfig(nameValidationScheme: scheme)
        guard let m = try mapping(node, type: "relabel.Config", known: Self.relabelKeys) else { return c }
        if let n = m.value("source_labels") {
            c.sourceLabels = try stringList(n, field: "source_labels")
            for name in c.sourceLabels where !scheme.isValidLabelName(name) {
                throw error(n, field: "source_labels", "\(quoteGo(name)) is not a valid label name")
            }
        }
        if let s = try m.string("separator") { c.separator = s }
        if let n = m.value("regex") {
            do {
                c.regex = try RelabelRegex(try string(n, field: "regex"))
            } catch let e as RelabelError {
                throw error(n, field: "regex", e.message)
            } catch let e as ConfigError {
                throw e
            } catch {
                throw self.error(n, field: "regex", "\(error)")
            }
        }
        if let v = try m.uint("modulus") { c.modulus = v }
        if let s = try m.string("target_label") { c.targetLabel = s }
        if let s = try m.string("replacement") { c.replacement = s }
        if let n = m.value("action") {
            if isNull(n) { throw error(n, field: "action", "relabel action cannot be empty") }
            do { c.action = try RelabelAction(parsing: try string(n, field: "action")) } catch let e as RelabelError {
                throw error(n, field: "action", e.message)
            } catch let e as ConfigError {
                throw e
            } catch {
                throw self.error(n, field: "action", "\(error)")
            }
        }
        do { try c.validate() } catch { throw self.error(node, field: nil, error.message) }
        return c
    }

    /// A label-name → value map with validated names (`model.LabelSet`).
    func labelSet(_ node: Node, field: String, scheme: NameValidationScheme) throws(ConfigError) -> [(String, String)] {
        var out: [(String, String)] = []
        for (k, v, keyNode) in try stringMap(node, field: field, type: "model.LabelSet") {
            if !scheme.isValidLabelName(k) { throw error(keyNode, field: field, "\(quoteGo(k)) is not a valid label name") }
            out.append((k, v))
        }
        return out
    }

    /// `static_configs` entries (targets + labels).
    func staticConfigs(_ m: MapReader, scheme: NameValidationScheme) throws(ConfigError) -> [TargetGroup] {
        guard let n = m.value("static_configs") else { return [] }
        var out: [TargetGroup] = []
        for (i, item) in try sequence(n, field: "static_configs", of: "*targetgroup.Group").enumerated() {
            guard let g = try mapping(item, type: "targetgroup.Group", known: ["targets", "labels"]) else {
                throw error(item, field: "static_configs", "empty or null section in static_configs")
            }
            let targets = try g.stringList("targets") ?? []
            var labels: [String: String] = [:]
            if let l = g.value("labels") {
                for (k, v) in try labelSet(l, field: "labels", scheme: scheme) { labels[k] = v }
            }
            out.append(TargetGroup(targets: targets, labels: labels, source: String(i)))
        }
        return out
    }

    /// `file_sd_configs` entries.
    func fileSDConfigs(_ m: MapReader) throws(ConfigError) -> [FileSDConfig] {
        guard let n = m.value("file_sd_configs") else { return [] }
        var out: [FileSDConfig] = []
        for item in try sequence(n, field: "file_sd_configs", of: "file.SDConfig") {
            var c = FileSDConfig()
            if let f = try mapping(item, type: "file.SDConfig", known: ["files", "refresh_interval"]) {
                c.files = try f.stringList("files") ?? []
                if let d = try f.duration("refresh_interval") { c.refreshInterval = d }
                for name in c.files where !isValidFileSDPattern(name) {
                    throw f.error("files", "path name \(quoteGo(name)) is not valid for file discovery")
                }
            }
            if c.files.isEmpty { throw error(item, field: "files", "file service discovery config must contain at least one path name") }
            out.append(c)
        }
        return out
    }

    /// `http_sd_configs` entries.
    func httpSDConfigs(_ m: MapReader) throws(ConfigError) -> [HTTPSDConfig] {
        guard let n = m.value("http_sd_configs") else { return [] }
        var out: [HTTPSDConfig] = []
        for item in try sequence(n, field: "http_sd_configs", of: "http.SDConfig") {
            var c = HTTPSDConfig()
            guard let h = try mapping(item, type: "http.SDConfig", known: ["url", "refresh_interval"] + HTTPClientConfig.yamlKeys) else {
                throw error(item, field: "url", "URL is missing")
            }
            c.url = try h.string("url") ?? ""
            if let d = try h.duration("refresh_interval") { c.refreshInterval = d }
            if c.url.isEmpty { throw h.error("url", "URL is missing") }
            guard let schemeEnd = c.url.range(of: "://") else { throw h.error("url", "URL scheme must be 'http' or 'https'") }
            let scheme = c.url[..<schemeEnd.lowerBound].lowercased()
            if scheme != "http" && scheme != "https" { throw h.error("url", "URL scheme must be 'http' or 'https'") }
            let host = c.url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if host.isEmpty { throw h.error("url", "host is missing in URL") }
            c.httpClientConfig = try httpClientConfig(h)
            out.append(c)
        }
        return out
    }

    /// Refuses service discoveries Prometheus has and promfleet does not, naming them.
    func refuseUnsupportedSD(_ node: Node?) throws(ConfigError) {
        guard let node, case .mapping(let m) = node else { return }
        for (k, _) in m {
            if let key = k.scalar?.string, ServiceDiscoveryKeys.prometheusOnly.contains(key) {
                throw error(k, field: key, "\(key) is not supported by promfleet (supported: static_configs, file_sd_configs, http_sd_configs)")
            }
        }
    }
}

/// Prometheus's `patFileSDName`: `^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$`.
func isValidFileSDPattern(_ s: String) -> Bool {
    let exts = [".json", ".yml", ".yaml", ".JSON", ".YML", ".YAML"]
    guard let ext = exts.first(where: { s.hasSuffix($0) }) else { return false }
    let stem = s.dropLast(ext.count)
    guard let star = stem.firstIndex(of: "*") else { return true }
    return !stem[stem.index(after: star)...].contains("/")
}

/// Prometheus's `patRulePath`: `^[^*]*(\*[^/]*)?$`.
func isValidRulePathPattern(_ s: String) -> Bool {
    guard let star = s.firstIndex(of: "*") else { return true }
    return !s[s.index(after: star)...].contains("/")
}
