import Foundation
import Relabeling
import Yams

/// Pure parsers for file_sd and http_sd payloads (the watching and polling live in Scrape).
public enum FileSD {
    /// The target groups of one file_sd file: a JSON or YAML list of `{targets, labels}` chosen
    /// by extension. Each group gets source `file:index` and the `__meta_filepath` label.
    public static func parse(_ text: String, filename: String) throws(ConfigError) -> [TargetGroup] {
        let lower = filename.lowercased()
        var groups: [TargetGroup]
        if lower.hasSuffix(".json") {
            groups = try parseJSON(Array(text.utf8), file: filename)
        } else if lower.hasSuffix(".yml") || lower.hasSuffix(".yaml") {
            groups = try parseYAML(text, file: filename)
        } else {
            throw ConfigError(file: filename, message: "unknown file extension, expected .json, .yml or .yaml")
        }
        for i in groups.indices {
            groups[i].source = "\(filename):\(i)"
            groups[i].labels["__meta_filepath"] = filename
        }
        return groups
    }

    /// Reads and parses one file.
    public static func read(file path: String) throws(ConfigError) -> [TargetGroup] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, message: "open \(path): \(error.localizedDescription)")
        }
        return try parse(text, filename: path)
    }

    /// The files matching the config's globs right now (sorted, like Go's filepath.Glob).
    public static func matchingFiles(_ cfg: FileSDConfig) -> [String] {
        var out: [String] = []
        for pattern in cfg.files {
            var g = glob_t()
            defer { globfree(&g) }
            guard glob(pattern, 0, nil, &g) == 0 else { continue }
            for i in 0..<Int(g.gl_pathc) {
                if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
            }
        }
        return out
    }
}

public enum HTTPSD {
    /// The target groups of an http_sd response body (a JSON list of `{targets, labels}`). Each
    /// group gets source `url:index` and the `__meta_url` label.
    public static func parse(_ body: [UInt8], url: String) throws(ConfigError) -> [TargetGroup] {
        var groups = try FileSD.parseJSON(body, file: url)
        for i in groups.indices {
            groups[i].source = "\(url):\(i)"
            groups[i].labels["__meta_url"] = url
        }
        return groups
    }
}

extension FileSD {
    static func parseJSON(_ bytes: [UInt8], file: String) throws(ConfigError) -> [TargetGroup] {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) } catch {
            throw ConfigError(file: file, message: "invalid JSON: \(error.localizedDescription)")
        }
        if any is NSNull { return [] }
        guard let list = any as? [Any] else {
            throw ConfigError(file: file, message: "json: cannot unmarshal \(jsonKind(any)) into Go value of type []*targetgroup.Group")
        }
        var out: [TargetGroup] = []
        for (i, item) in list.enumerated() {
            if item is NSNull { throw ConfigError(file: file, message: "nil target group item found (index \(i))") }
            guard let obj = item as? [String: Any] else {
                throw ConfigError(file: file, message: "json: cannot unmarshal \(jsonKind(item)) into Go value of type targetgroup.Group (index \(i))")
            }
            for key in obj.keys where key != "targets" && key != "labels" {
                throw ConfigError(file: file, field: key, message: "json: unknown field \(quoteGo(key)) (index \(i))")
            }
            var g = TargetGroup(targets: [])
            if let t = obj["targets"], !(t is NSNull) {
                guard let ts = t as? [Any], ts.allSatisfy({ $0 is String }) else {
                    throw ConfigError(file: file, field: "targets", message: "json: cannot unmarshal \(jsonKind(t)) into Go struct field .targets of type []string (index \(i))")
                }
                g.targets = ts.map { $0 as! String }
            }
            if let l = obj["labels"], !(l is NSNull) {
                guard let ls = l as? [String: Any] else {
                    throw ConfigError(file: file, field: "labels", message: "json: cannot unmarshal \(jsonKind(l)) into Go struct field .labels of type model.LabelSet (index \(i))")
                }
                for (k, v) in ls {
                    guard let s = v as? String else {
                        throw ConfigError(file: file, field: "labels", message: "json: cannot unmarshal \(jsonKind(v)) into Go value of type model.LabelValue (index \(i))")
                    }
                    if !isLegacyLabelName(k) { throw ConfigError(file: file, field: "labels", message: "\(quoteGo(k)) is not a valid label name") }
                    g.labels[k] = s
                }
            }
            out.append(g)
        }
        return out
    }

    static func jsonKind(_ v: Any) -> String {
        switch v {
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        case is NSNumber: return "number"
        default: return "value"
        }
    }

    static func parseYAML(_ text: String, file: String) throws(ConfigError) -> [TargetGroup] {
        let ctx = YAMLContext(file: file)
        guard let root = try ctx.compose(text), !ctx.isNull(root) else { return [] }
        var out: [TargetGroup] = []
        for (i, item) in try ctx.sequence(root, field: "", of: "*targetgroup.Group").enumerated() {
            if ctx.isNull(item) { throw ctx.error(item, "nil target group item found (index \(i))") }
            guard let m = try ctx.mapping(item, type: "targetgroup.Group", known: ["targets", "labels"]) else { continue }
            var g = TargetGroup(targets: try m.stringList("targets") ?? [])
            if let l = m.value("labels") {
                for (k, v) in try ctx.labelSet(l, field: "labels", scheme: .legacy) { g.labels[k] = v }
            }
            out.append(g)
        }
        return out
    }
}
