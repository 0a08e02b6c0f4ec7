import MetricModel

/// Applies `configs` in order to `labels`. Returns nil when a rule dropped the set.
public func relabel(labels: Labels, configs: [RelabelConfig]) -> Labels? {
    if configs.isEmpty { return labels }
    var b = LabelsBuilder(labels)
    guard relabel(builder: &b, configs: configs) else { return nil }
    return b.labels()
}

/// Applies `configs` to a builder in place (Prometheus's `ProcessBuilder`). Returns false when a
/// rule dropped the set; the builder is then in an unspecified state.
public func relabel(builder b: inout LabelsBuilder, configs: [RelabelConfig]) -> Bool {
    for cfg in configs where !apply(cfg, &b) { return false }
    return true
}

private func apply(_ cfg: RelabelConfig, _ lb: inout LabelsBuilder) -> Bool {
    let val: String
    switch cfg.sourceLabels.count {
    case 0: val = ""
    case 1: val = lb.get(cfg.sourceLabels[0])
    default: val = cfg.sourceLabels.map { lb.get($0) }.joined(separator: cfg.separator)
    }

    switch cfg.action {
    case .drop:
        if cfg.regex.matches(val) { return false }
    case .keep:
        if !cfg.regex.matches(val) { return false }
    case .dropequal:
        if lb.get(cfg.targetLabel) == val { return false }
    case .keepequal:
        if lb.get(cfg.targetLabel) != val { return false }
    case .replace:
        // Fast path to add or delete a label pair.
        if val.isEmpty && cfg.regex.isDefault && !cfg.targetLabel.contains("$") && !cfg.replacement.contains("$") {
            lb.set(cfg.targetLabel, cfg.replacement)
            break
        }
        // No match: no replacement takes place.
        guard let caps = cfg.regex.captures(val) else { break }
        let target = caps.expand(cfg.targetLabel)
        guard cfg.nameValidationScheme.isValidLabelName(target) else { break }
        let res = caps.expand(cfg.replacement)
        if res.isEmpty { lb.delete(target) } else { lb.set(target, res) }
    case .lowercase:
        lb.set(cfg.targetLabel, goCaseMap(val, upper: false))
    case .uppercase:
        lb.set(cfg.targetLabel, goCaseMap(val, upper: true))
    case .hashmod:
        lb.set(cfg.targetLabel, String(MD5.hashmod(val, modulus: cfg.modulus)))
    case .labelmap:
        for l in lb.labels().list where cfg.regex.matches(l.name) {
            lb.set(cfg.regex.replaceAll(l.name, template: cfg.replacement), l.value)
        }
    case .labeldrop:
        for l in lb.labels().list where cfg.regex.matches(l.name) { lb.delete(l.name) }
    case .labelkeep:
        for l in lb.labels().list where !cfg.regex.matches(l.name) { lb.delete(l.name) }
    }
    return true
}

/// Go's `strings.ToLower` / `ToUpper`: simple (one-to-one) case mapping per code point, so a
/// letter whose full mapping has several code points (e.g. `ß` → `SS`) stays as it is.
func goCaseMap(_ s: String, upper: Bool) -> String {
    if s.utf8.allSatisfy({ $0 < 0x80 }) { return upper ? s.uppercased() : s.lowercased() }
    var out = String.UnicodeScalarView()
    for u in s.unicodeScalars {
        if u == "\u{130}" && !upper { out.append("i"); continue }  // Go maps İ to i
        let mapped = upper ? u.properties.uppercaseMapping : u.properties.lowercaseMapping
        let scalars = mapped.unicodeScalars
        if scalars.count == 1 { out.append(scalars.first!) } else { out.append(u) }
    }
    return String(out)
}
