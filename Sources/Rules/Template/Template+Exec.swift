import MetricModel

/// What an alert template sees (Prometheus `template.AlertTemplateData` plus the predefined
/// `$labels`, `$externalLabels`, `$externalURL`, `$value` variables).
public struct TemplateData: Sendable {
    public var labels: [String: String]
    public var externalLabels: [String: String]
    public var externalURL: String
    public var value: Double

    public init(labels: [String: String], externalLabels: [String: String] = [:], externalURL: String = "", value: Double) {
        self.labels = labels
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.value = value
    }
}

/// A template value, with Go's kinds where they matter (int and float do not compare).
enum TValue {
    case string(String)
    case float(Double)
    case int(Int)
    case bool(Bool)
    case map([String: String])
    case data
    /// A missing map key (Go's invalid reflect.Value, printed `<no value>`).
    case missing
    case nilValue

    var kindName: String {
        switch self {
        case .string: return "string"
        case .float: return "float64"
        case .int: return "int"
        case .bool: return "bool"
        case .map: return "map[string]string"
        case .data: return "template.tmplData"
        case .missing: return "invalid"
        case .nilValue: return "nil"
        }
    }

    /// Go's `fmt.Sprint` of the value.
    var printed: String {
        switch self {
        case .string(let s): return s
        case .float(let v): return PromFloat.formatG(v)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .map(let m): return "map[" + m.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ") + "]"
        case .data: return "{map[] map[] 0}"
        case .missing: return "<no value>"
        case .nilValue: return "<nil>"
        }
    }

    /// Go's template truth (`if`).
    var isTrue: Bool {
        switch self {
        case .string(let s): return !s.isEmpty
        case .float(let v): return v != 0
        case .int(let i): return i != 0
        case .bool(let b): return b
        case .map(let m): return !m.isEmpty
        case .data: return true
        case .missing, .nilValue: return false
        }
    }
}

struct ExecError: Error {
    var message: String
}

extension Template {
    /// Expands the template. Errors read like Go's execution errors; Prometheus renders a failed
    /// expansion as `<error expanding template: …>` (`expandForAlert` does that).
    public func expand(_ data: TemplateData) throws(TemplateError) -> String {
        var out = ""
        do { try run(nodes, data, &out) } catch {
            throw TemplateError(exec: name, "executing \"\(name)\": \(error.message)")
        }
        return out
    }

    /// Expands, or returns Prometheus's `<error expanding template: …>` text.
    public func expandForAlert(_ data: TemplateData) -> String {
        do { return try expand(data) } catch { return "<error expanding template: \(error.description)>" }
    }

    func run(_ nodes: [TNode], _ data: TemplateData, _ out: inout String) throws(ExecError) {
        for n in nodes {
            switch n {
            case .text(let s): out += s
            case .action(let p): out += try eval(p, data).printed
            case .cond(let p, let thenNodes, let elseNodes):
                try run(try eval(p, data).isTrue ? thenNodes : elseNodes, data, &out)
            }
        }
    }

    func eval(_ p: Pipeline, _ data: TemplateData) throws(ExecError) -> TValue {
        var prev: TValue?
        for cmd in p.commands {
            prev = try eval(command: cmd, piped: prev, data)
        }
        return prev ?? .missing
    }

    func eval(command cmd: [Operand], piped: TValue?, _ data: TemplateData) throws(ExecError) -> TValue {
        if case .function(let f) = cmd[0] {
            if f == "and" || f == "or" {  // short-circuit, returning the deciding argument
                var operands: [Operand?] = cmd.dropFirst().map { $0 }
                if piped != nil { operands.append(nil) }
                if operands.isEmpty { throw ExecError(message: "wrong number of args for \(f): want at least 1 got 0") }
                var last: TValue = .missing
                for o in operands {
                    if let o { last = try eval(operand: o, data) } else { last = piped! }
                    if (f == "and") != last.isTrue { return last }
                }
                return last
            }
            var args: [TValue] = []
            for a in cmd.dropFirst() { args.append(try eval(operand: a, data)) }
            if let piped { args.append(piped) }
            return try callFunction(f, args)
        }
        if cmd.count > 1 || piped != nil { throw ExecError(message: "can't give argument to non-function \(cmd[0])") }
        return try eval(operand: cmd[0], data)
    }

    func eval(operand: Operand, _ data: TemplateData) throws(ExecError) -> TValue {
        switch operand {
        case .function(let f): return try callFunction(f, [])
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .bool(let b): return .bool(b)
        case .nilValue: return .nilValue
        case .pipeline(let p): return try eval(p, data)
        case .field(let fields): return try walk(.data, fields, data)
        case .variable(let v, let fields):
            let base: TValue
            switch v {
            case "$labels": base = .map(data.labels)
            case "$externalLabels": base = .map(data.externalLabels)
            case "$externalURL": base = .string(data.externalURL)
            case "$value": base = .float(data.value)
            default: base = .data
            }
            return try walk(base, fields, data)
        }
    }

    func walk(_ v: TValue, _ fields: [String], _ data: TemplateData) throws(ExecError) -> TValue {
        var cur = v
        for f in fields {
            switch cur {
            case .data:
                switch f {
                case "Labels": cur = .map(data.labels)
                case "ExternalLabels": cur = .map(data.externalLabels)
                case "ExternalURL": cur = .string(data.externalURL)
                case "Value": cur = .float(data.value)
                default: throw ExecError(message: "can't evaluate field \(f) in type template.tmplData")
                }
            case .map(let m): cur = m[f].map { .string($0) } ?? .missing
            case .missing: return .missing
            default: throw ExecError(message: "can't evaluate field \(f) in type \(cur.kindName)")
            }
        }
        return cur
    }
}
