import Yams

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

    mutating func fail(_ field: String, _ reason: String, _ node: Node?) {
        issues.append(TopologyIssue(field: field, reason: reason, line: node?.mark?.line))
    }

    /// The fields of a mapping by name; refuses unknown and duplicate fields and non-string keys.
    mutating func fields(_ node: Node, _ field: String, known: [String]) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            fail(field, "must be a mapping", node)
            return nil
        }
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let k) = key else {
                fail(field, "keys must be strings", key)
                continue
            }
            let path = field.isEmpty ? k.string : "\(field).\(k.string)"
            if let l = key.mark?.line, lines[path] == nil { lines[path] = l }
            if !known.contains(k.string) {
                fail(path, "unknown field (known: \(known.joined(separator: ", ")))", key)
            } else if out[k.string] != nil {
                fail(path, "duplicate field", key)
            } else {
                out[k.string] = value
            }
        }
        return out
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    mutating func string(_ node: Node, _ field: String) -> String? {
        guard case .scalar(let s) = node, !isNull(node) else {
            fail(field, "must be a string", node)
            return nil
        }
        return s.string
    }

    mutating func int(_ node: Node, _ field: String) -> Int? {
        guard case .scalar(let s) = node, s.style != .singleQuoted, s.style != .doubleQuoted,
              let v = Int(s.string) else {
            fail(field, "must be an integer", node)
            return nil
        }
        return v
    }

    mutating func double(_ node: Node, _ field: String) -> Double? {
        guard case .scalar(let s) = node, s.style != .singleQuoted, s.style != .doubleQuoted,
              let v = Double(s.string), v.isFinite else {
            fail(field, "must be a number", node)
            return nil
        }
        return v
    }

    mutating func bool(_ node: Node, _ field: String) -> Bool? {
        guard case .scalar(let s) = node, s.style != .singleQuoted, s.style != .doubleQuoted,
              ["true", "false"].contains(s.string) else {
            fail(field, "must be true or false", node)
            return nil
        }
        return s.string == "true"
    }

    mutating func strings(_ node: Node, _ field: String) -> [String]? {
        guard case .sequence(let seq) = node else {
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

    mutating func duration(_ node: Node, _ field: String) -> PromDuration? {
        guard let text = string(node, field) else { return nil }
        guard let d = PromDuration(text), d.milliseconds > 0 else {
            fail(field, "\"\(text)\" is not a positive duration (e.g. 15s, 1m30s)", node)
            return nil
        }
        return d
    }
}
