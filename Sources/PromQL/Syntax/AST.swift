import MetricModel

// The PromQL abstract syntax tree (Prometheus promql/parser/ast.go). Produced by `Parser`,
// printed by `Printer` (format_query), evaluated by `Engine`. All nodes are immutable values.

/// Byte offsets [start, end) into the query string, for error messages and annotations.
public struct PositionRange: Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// The type an expression evaluates to.
public enum ValueType: String, Sendable, Hashable {
    case scalar, vector, matrix, string
    /// Prometheus's documentation names ("instant vector", "range vector", …) for error text.
    public var documentedName: String {
        switch self {
        case .scalar: return "scalar"
        case .vector: return "instant vector"
        case .matrix: return "range vector"
        case .string: return "string"
        }
    }
}

/// `@` modifier value.
public enum AtModifier: Hashable, Sendable {
    /// A fixed evaluation time, ms.
    case timestamp(Timestamp)
    /// `@ start()`: the query's start time.
    case start
    /// `@ end()`: the query's end time.
    case end
}

public struct VectorSelector: Hashable, Sendable {
    /// The metric name if given as `name{…}` (it is also among `matchers` as `__name__="name"`).
    public var name: String?
    /// All matchers, including the `__name__` one.
    public var matchers: [LabelMatcher]
    /// `offset` in ms; negative for `offset -5m`.
    public var offset: Int64
    public var at: AtModifier?
    public var position: PositionRange

    public init(name: String?, matchers: [LabelMatcher], offset: Int64 = 0, at: AtModifier? = nil, position: PositionRange) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
        self.position = position
    }
}

public struct MatrixSelector: Hashable, Sendable {
    public var vector: VectorSelector
    /// Range in ms.
    public var range: Int64
    public var position: PositionRange

    public init(vector: VectorSelector, range: Int64, position: PositionRange) {
        self.vector = vector
        self.range = range
        self.position = position
    }
}

public struct SubqueryExpr: Hashable, Sendable {
    public var expr: Expr
    /// Range in ms.
    public var range: Int64
    /// Step in ms; 0 means the default (the engine's default evaluation interval, 1m).
    public var step: Int64
    public var offset: Int64
    public var at: AtModifier?
    public var position: PositionRange

    public init(expr: Expr, range: Int64, step: Int64, offset: Int64 = 0, at: AtModifier? = nil, position: PositionRange) {
        self.expr = expr
        self.range = range
        self.step = step
        self.offset = offset
        self.at = at
        self.position = position
    }
}

public enum AggregateOp: String, Sendable, Hashable, CaseIterable {
    case sum, min, max, avg, group, stddev, stdvar, count
    case countValues = "count_values"
    case bottomk, topk, quantile
    case limitk
    case limitRatio = "limit_ratio"

    /// Whether the aggregation takes a parameter before the vector (`topk(5, …)`).
    public var takesParameter: Bool {
        switch self {
        case .countValues, .bottomk, .topk, .quantile, .limitk, .limitRatio: return true
        default: return false
        }
    }
}

public struct AggregateExpr: Hashable, Sendable {
    public var op: AggregateOp
    public var expr: Expr
    /// The parameter (k, φ, label name string) or nil.
    public var param: Expr?
    /// Labels of `by (…)` / `without (…)`.
    public var grouping: [String]
    /// True for `without`.
    public var without: Bool
    public var position: PositionRange

    public init(op: AggregateOp, expr: Expr, param: Expr?, grouping: [String], without: Bool, position: PositionRange) {
        self.op = op
        self.expr = expr
        self.param = param
        self.grouping = grouping
        self.without = without
        self.position = position
    }
}

public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^"
    case atan2
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and, or, unless

    public var isComparison: Bool {
        switch self {
        case .eql, .neq, .gtr, .lss, .gte, .lte: return true
        default: return false
        }
    }

    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }

    /// Precedence, higher binds tighter (Prometheus: or < and/unless < comparisons < +- < */% atan2 < ^).
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod, .atan2: return 5
        case .pow: return 6
        }
    }

    public var isRightAssociative: Bool { self == .pow }
}

public enum VectorMatchCardinality: String, Sendable, Hashable {
    case oneToOne = "one-to-one"
    case manyToOne = "many-to-one"
    case oneToMany = "one-to-many"
    case manyToMany = "many-to-many"
}

/// `on(…)`/`ignoring(…)` and `group_left(…)`/`group_right(…)`.
public struct VectorMatching: Hashable, Sendable {
    public var card: VectorMatchCardinality
    /// Labels of `on` (when `on` is true) or `ignoring`.
    public var matchingLabels: [String]
    public var on: Bool
    /// Extra labels of `group_left(…)`/`group_right(…)`.
    public var include: [String]

    public init(card: VectorMatchCardinality, matchingLabels: [String] = [], on: Bool = false, include: [String] = []) {
        self.card = card
        self.matchingLabels = matchingLabels
        self.on = on
        self.include = include
    }
}

public struct BinaryExpr: Hashable, Sendable {
    public var op: BinaryOp
    public var lhs: Expr
    public var rhs: Expr
    /// Set when both sides are vectors (default one-to-one, many-to-many for set operators).
    public var matching: VectorMatching?
    /// The `bool` modifier on a comparison.
    public var returnBool: Bool

    public init(op: BinaryOp, lhs: Expr, rhs: Expr, matching: VectorMatching?, returnBool: Bool) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.matching = matching
        self.returnBool = returnBool
    }
}

public struct Call: Hashable, Sendable {
    public var function: FunctionSignature
    public var args: [Expr]
    public var position: PositionRange

    public init(function: FunctionSignature, args: [Expr], position: PositionRange) {
        self.function = function
        self.args = args
        self.position = position
    }
}

/// A function's signature (Prometheus promql/parser/functions.go).
public struct FunctionSignature: Hashable, Sendable {
    public var name: String
    public var argTypes: [ValueType]
    /// As Prometheus's Function.Variadic. 0: exactly argTypes.count args. Otherwise the last
    /// declared argument is optional and may repeat: n > 0 allows argTypes.count - 1 … argTypes.count
    /// - 1 + n arguments (`round(v[, to_nearest])`: argTypes [vector, scalar], variadic 1), -1 allows
    /// any number ≥ argTypes.count - 1. See `minArgs`, `maxArgs`, `argType(at:)`.
    public var variadic: Int
    public var returnType: ValueType
    public var experimental: Bool

    public init(name: String, argTypes: [ValueType], variadic: Int = 0, returnType: ValueType, experimental: Bool = false) {
        self.name = name
        self.argTypes = argTypes
        self.variadic = variadic
        self.returnType = returnType
        self.experimental = experimental
    }
}

public enum UnaryOp: String, Sendable, Hashable {
    case neg = "-"
    case pos = "+"
}

/// A PromQL expression.
public indirect enum Expr: Hashable, Sendable {
    case number(Double, PositionRange)
    case string(String, PositionRange)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(SubqueryExpr)
    case aggregate(AggregateExpr)
    case binary(BinaryExpr)
    case call(Call)
    case paren(Expr, PositionRange)
    case unary(UnaryOp, Expr, PositionRange)

    /// The static type of the expression.
    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector: return .vector
        case .matrixSelector, .subquery: return .matrix
        case .aggregate: return .vector
        case .binary(let b): return (b.lhs.type == .scalar && b.rhs.type == .scalar) ? .scalar : .vector
        case .call(let c): return c.function.returnType
        case .paren(let e, _): return e.type
        case .unary(_, let e, _): return e.type
        }
    }

    /// Hashable/Equatable on a float must treat NaN literals as equal to themselves.
    public static func == (a: Expr, b: Expr) -> Bool {
        switch (a, b) {
        case let (.number(x, p), .number(y, q)): return x.bitPattern == y.bitPattern && p == q
        case let (.string(x, p), .string(y, q)): return x == y && p == q
        case let (.vectorSelector(x), .vectorSelector(y)): return x == y
        case let (.matrixSelector(x), .matrixSelector(y)): return x == y
        case let (.subquery(x), .subquery(y)): return x == y
        case let (.aggregate(x), .aggregate(y)): return x == y
        case let (.binary(x), .binary(y)): return x == y
        case let (.call(x), .call(y)): return x == y
        case let (.paren(x, p), .paren(y, q)): return x == y && p == q
        case let (.unary(o, x, p), .unary(r, y, q)): return o == r && x == y && p == q
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case let .number(x, _): h.combine(0); h.combine(x.bitPattern)
        case let .string(x, _): h.combine(1); h.combine(x)
        case let .vectorSelector(x): h.combine(2); h.combine(x)
        case let .matrixSelector(x): h.combine(3); h.combine(x)
        case let .subquery(x): h.combine(4); h.combine(x)
        case let .aggregate(x): h.combine(5); h.combine(x)
        case let .binary(x): h.combine(6); h.combine(x)
        case let .call(x): h.combine(7); h.combine(x)
        case let .paren(x, _): h.combine(8); h.combine(x)
        case let .unary(o, x, _): h.combine(9); h.combine(o); h.combine(x)
        }
    }
}
