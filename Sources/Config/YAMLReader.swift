import Foundation
import Yams

/// Strict YAML decoding over Yams' node tree (like Go's `yaml.UnmarshalStrict`): every mapping
/// key must be known to the target type, keys appear once, scalars must convert. Every error
/// carries file, line and field.
struct YAMLContext {
    let file: String

    func error(_ node: Node?, field: String? = nil, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, column: node?.mark?.column, field: field, message: message)
    }

    /// Reads the YAML text into a node tree (nil for an empty document).
    func compose(_ yaml: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let e as YamlError {
            switch e {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                throw ConfigError(file: file, line: mark.line, column: mark.column, message: "yaml: \(problem)")
            default:
                throw ConfigError(file: file, message: "yaml: \(e)")
            }
        } catch {
            throw ConfigError(file: file, message: "yaml: \(error)")
        }
    }

    /// A mapping with known keys; nil for a null node. Unknown or repeated keys are errors.
    func mapping(_ node: Node?, type: String, known: [String]) throws(ConfigError) -> MapReader? {
        guard let node, !isNull(node) else { return nil }
        guard case .mapping(let m) = node else {
            throw error(node, "cannot unmarshal \(kindName(node)) into \(type)")
        }
        var entries: [(String, Node, Node)] = []
        var seen = Set<String>()
        // YAML merge keys (`<<: *defaults`), as yaml.v2 supports: explicit keys win over merged ones.
        var merged: [(Node, Node)] = []
        for (k, v) in m where k.scalar?.string == "<<" && k.scalar?.style != .singleQuoted && k.scalar?.style != .doubleQuoted {
            let sources: [Node]
            switch v {
            case .mapping: sources = [v]
            case .sequence(let seq): sources = Array(seq)
            default: throw error(v, field: "<<", "map merge requires map or sequence of maps as the value")
            }
            for src in sources {
                guard case .mapping(let sm) = src else { throw error(src, field: "<<", "map merge requires map or sequence of maps as the value") }
                for (mk, mv) in sm where !m.contains(where: { $0.key.scalar?.string == mk.scalar?.string })
                    && !merged.contains(where: { $0.0.scalar?.string == mk.scalar?.string }) {
                    merged.append((mk, mv))
                }
            }
        }
        let pairs = m.filter { !($0.key.scalar?.string == "<<" && $0.key.scalar?.style != .singleQuoted && $0.key.scalar?.style != .doubleQuoted) }.map { ($0.key, $0.value) } + merged
        for (k, v) in pairs {
            guard let key = k.scalar?.string else { throw error(k, "cannot unmarshal \(kindName(k)) into a \(type) field name") }
            if seen.contains(key) { throw error(k, field: key, "field \(key) already set in type \(type)") }
            seen.insert(key)
            if !known.contains(key) { throw error(k, field: key, "field \(key) not found in type \(type)") }
            entries.append((key, k, v))
        }
        return MapReader(ctx: self, node: node, entries: entries)
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    func kindName(_ node: Node) -> String {
        switch node {
        case .mapping: return "!!map"
        case .sequence: return "!!seq"
        case .scalar(let s):
            if s.style != .plain && s.style != .any { return "!!str `\(s.string)`" }
            if Int64(s.string) != nil { return "!!int `\(s.string)`" }
            if parseBool(s.string) != nil { return "!!bool `\(s.string)`" }
            if Double(s.string) != nil { return "!!float `\(s.string)`" }
            return "!!str `\(s.string)`"
        }
    }

    func parseBool(_ s: String) -> Bool? {
        switch s {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return true
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    // MARK: scalars

    func string(_ node: Node, field: String) throws(ConfigError) -> String {
        if isNull(node) { return "" }
        guard case .scalar(let s) = node else { throw error(node, field: field, "cannot unmarshal \(kindName(node)) into string") }
        return s.string
    }

    func bool(_ node: Node, field: String) throws(ConfigError) -> Bool {
        if isNull(node) { return false }
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any, let b = parseBool(s.string) else {
            throw error(node, field: field, "cannot unmarshal \(kindName(node)) into bool")
        }
        return b
    }

    func uint(_ node: Node, field: String) throws(ConfigError) -> UInt64 {
        if isNull(node) { return 0 }
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any, let v = UInt64(s.string.replacingOccurrences(of: "_", with: "")) else {
            throw error(node, field: field, "cannot unmarshal \(kindName(node)) into uint")
        }
        return v
    }

    func double(_ node: Node, field: String) throws(ConfigError) -> Double {
        if isNull(node) { return 0 }
        guard case .scalar(let s) = node, let v = Double(s.string) else {
            throw error(node, field: field, "cannot unmarshal \(kindName(node)) into float64")
        }
        return v
    }

    func duration(_ node: Node, field: String) throws(ConfigError) -> PromDuration {
        let s = try string(node, field: field)
        do { return try PromDuration(parsing: s) } catch {
            throw self.error(node, field: field, "\(field): \(error.message)")
        }
    }

    func byteSize(_ node: Node, field: String) throws(ConfigError) -> ByteSize {
        let s = try string(node, field: field)
        do { return try ByteSize(parsing: s) } catch {
            throw self.error(node, field: field, "\(field): \(error.message)")
        }
    }

    func stringList(_ node: Node, field: String) throws(ConfigError) -> [String] {
        if isNull(node) { return [] }
        guard case .sequence(let seq) = node else { throw error(node, field: field, "cannot unmarshal \(kindName(node)) into []string") }
        var out: [String] = []
        for item in seq { out.append(try string(item, field: field)) }
        return out
    }

    /// A sequence's items (null → empty).
    func sequence(_ node: Node, field: String, of type: String) throws(ConfigError) -> [Node] {
        if isNull(node) { return [] }
        guard case .sequence(let seq) = node else { throw error(node, field: field, "cannot unmarshal \(kindName(node)) into []\(type)") }
        return Array(seq)
    }

    /// A string → string map in document order.
    func stringMap(_ node: Node, field: String, type: String = "map[string]string") throws(ConfigError) -> [(String, String, Node)] {
        if isNull(node) { return [] }
        guard case .mapping(let m) = node else { throw error(node, field: field, "cannot unmarshal \(kindName(node)) into \(type)") }
        var out: [(String, String, Node)] = []
        var seen = Set<String>()
        for (k, v) in m {
            let key = try string(k, field: field)
            if seen.contains(key) { throw error(k, field: field, "key \(quoteGo(key)) already set in map") }
            seen.insert(key)
            out.append((key, try string(v, field: field), k))
        }
        return out
    }

    /// The node re-serialised as YAML text (for sections kept raw).
    func raw(_ node: Node) -> RawYAML {
        let text = (try? Yams.serialize(node: node)) ?? ""
        return RawYAML(yaml: text, line: node.mark?.line ?? 0)
    }
}

/// The entries of one mapping, read by key.
struct MapReader {
    let ctx: YAMLContext
    let node: Node
    let entries: [(String, Node, Node)]  // key, key node, value node

    var line: Int? { node.mark?.line }

    func value(_ key: String) -> Node? { entries.first { $0.0 == key }?.2 }
    func keyNode(_ key: String) -> Node? { entries.first { $0.0 == key }?.1 }
    func has(_ key: String) -> Bool { entries.contains { $0.0 == key } }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = value(key) else { return nil }
        return try ctx.string(v, field: key)
    }
    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = value(key) else { return nil }
        return try ctx.bool(v, field: key)
    }
    func uint(_ key: String) throws(ConfigError) -> UInt64? {
        guard let v = value(key) else { return nil }
        return try ctx.uint(v, field: key)
    }
    func duration(_ key: String) throws(ConfigError) -> PromDuration? {
        guard let v = value(key), !ctx.isNull(v) else { return nil }
        return try ctx.duration(v, field: key)
    }
    func byteSize(_ key: String) throws(ConfigError) -> ByteSize? {
        guard let v = value(key), !ctx.isNull(v) else { return nil }
        return try ctx.byteSize(v, field: key)
    }
    func stringList(_ key: String) throws(ConfigError) -> [String]? {
        guard let v = value(key) else { return nil }
        return try ctx.stringList(v, field: key)
    }

    /// An error placed at the field's line (the key), or at the mapping when the key is absent.
    func error(_ key: String?, _ message: String) -> ConfigError {
        if let key, let k = keyNode(key) { return ctx.error(k, field: key, message) }
        return ctx.error(node, field: key, message)
    }
}
