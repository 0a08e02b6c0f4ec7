import Config

/// Reads typed values out of a composed YAML tree, collecting issues (field, reason, line)
/// instead of stopping at the first one.
struct YAMLReader {
    var issues: [TopologyIssue] = []
    /// Line of each field seen, by dotted path, so later checks can point at it.
    var lines: [String: Int] = [:]

    /// The line of `field`, or of its nearest enclosing field.
    func line(of field: String) -> Int? {
        var f = Substring(field)
        while !f.isEmpty {
            if let l = lines[String(f)] { return l }
            guard let cut = f.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            f = f[..<cut]
        }
        return nil
    }

    mutating func fail(_ field: String, _ reason: String, _ node: YAMLTree?) {
        issues.append(TopologyIssue(field: field, reason: reason, line: node?.line))
    }

    /// The fields of a mapping by name; refuses unknown and duplicate fields and non-string keys.
    mutating func fields(_ node: YAMLTree, _ field: String, known: [String]) -> [String: YAMLTree]? {
        guard case .mapping(let mapping) = node.kind else {
            fail(field, "must be a mapping", node)
            return nil
        }
        var out: [String: YAMLTree] = [:]
        for (key, value) in mapping {
            guard let k = key.scalar else {
                fail(field, "keys must be strings", key)
                continue
            }
            let path = field.isEmpty ? k : "\(field).\(k)"
            if let l = key.line, lines[path] == nil { lines[path] = l }
            if !known.contains(k) {
                fail(path, "unknown field (known: \(known.joined(separator: ", ")))", key)
            } else if out[k] != nil {
                fail(path, "duplicate field", key)
            } else {
                out[k] = value
            }
        }
        return out
    }

    mutating func string(_ node: YAMLTree, _ field: String) -> String? {
        guard let s = node.scalar, !node.isNull else {
            fail(field, "must be a string", node)
            return nil
        }
        return s
    }

    mutating func int(_ node: YAMLTree, _ field: String) -> Int? {
        guard let s = node.scalar, !node.isQuoted, let v = Int(s) else {
            fail(field, "must be an integer", node)
            return nil
        }
        return v
    }

    mutating func double(_ node: YAMLTree, _ field: String) -> Double? {
        guard let s = node.scalar, !node.isQuoted, let v = Double(s), v.isFinite else {
            fail(field, "must be a number", node)
            return nil
        }
        return v
    }

    mutating func bool(_ node: YAMLTree, _ field: String) -> Bool? {
        guard let s = node.scalar, !node.isQuoted, ["true", "false"].contains(s) else {
            fail(field, "must be true or false", node)
            return nil
        }
        return s == "true"
    }

    mutating func strings(_ node: YAMLTree, _ field: String) -> [String]? {
        guard case .sequence(let seq) = node.kind else {
            fail(field, "must be a list of strings", node)
            return nil
        }
        var out: [String] = []
        for (i, item) in seq.enumerated() {
            guard let s = string(item, "\(field)[\(i)]") else { return nil }
            out.append(s)
        }
        return out
    }

    mutating func duration(_ node: YAMLTree, _ field: String) -> PromDuration? {
        guard let text = string(node, field) else { return nil }
        guard let d = PromDuration(text), d.milliseconds > 0 else {
            fail(field, "\"\(text)\" is not a positive duration (e.g. 15s, 1m30s)", node)
            return nil
        }
        return d
    }
}
