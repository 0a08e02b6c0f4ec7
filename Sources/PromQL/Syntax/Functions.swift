// The PromQL function table (Prometheus promql/parser/functions.go, 3.x): argument types,
// variadic counts, return types, and which functions are experimental (behind
// --enable-feature=promql-experimental-functions in Prometheus).

public enum Functions {
    /// Every function Prometheus's parser knows, by name.
    public static let all: [String: FunctionSignature] = {
        var m: [String: FunctionSignature] = [:]
        for f in list { m[f.name] = f }
        return m
    }()

    /// Looks a function up by name.
    public static func named(_ name: String) -> FunctionSignature? { all[name] }

    static let list: [FunctionSignature] = [
        FunctionSignature(name: "abs", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "absent", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "absent_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "acos", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "acosh", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "asin", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "asinh", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "atan", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "atanh", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "avg_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "ceil", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "changes", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "clamp", argTypes: [.vector, .scalar, .scalar], returnType: .vector),
        FunctionSignature(name: "clamp_max", argTypes: [.vector, .scalar], returnType: .vector),
        FunctionSignature(name: "clamp_min", argTypes: [.vector, .scalar], returnType: .vector),
        FunctionSignature(name: "cos", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "cosh", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "count_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "days_in_month", argTypes: [.vector], variadic: 1, returnType: .vector),
        FunctionSignature(name: "day_of_month", argTypes: [.vector], variadic: 1, returnType: .vector),
        FunctionSignature(name: "day_of_week", argTypes: [.vector], variadic: 1, returnType: .vector),
        FunctionSignature(name: "day_of_year", argTypes: [.vector], variadic: 1, returnType: .vector),
        FunctionSignature(name: "deg", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "end", argTypes: [], returnType: .scalar, experimental: true),
        FunctionSignature(name: "delta", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "deriv", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "exp", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "first_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "floor", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "histogram_avg", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "histogram_count", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "histogram_sum", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "histogram_stddev", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "histogram_stdvar", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "histogram_fraction", argTypes: [.scalar, .scalar, .vector], returnType: .vector),
        FunctionSignature(name: "histogram_quantile", argTypes: [.scalar, .vector], returnType: .vector),
        FunctionSignature(name: "histogram_quantiles", argTypes: [.vector, .string, .scalar, .scalar], variadic: 9, returnType: .vector, experimental: true),
        FunctionSignature(name: "double_exponential_smoothing", argTypes: [.matrix, .scalar, .scalar], returnType: .vector, experimental: true),
        FunctionSignature(name: "hour", argTypes: [.vector], variadic: 1, returnType: .vector),
        FunctionSignature(name: "idelta", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "increase", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "info", argTypes: [.vector, .vector], variadic: 1, returnType: .vector, experimental: true),
        FunctionSignature(name: "irate", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "label_replace", argTypes: [.vector, .string, .string, .string, .string], returnType: .vector),
        FunctionSignature(name: "label_join", argTypes: [.vector, .string, .string, .string], variadic: -1, returnType: .vector),
        FunctionSignature(name: "max_of", argTypes: [.scalar, .scalar], returnType: .scalar, experimental: true),
        FunctionSignature(name: "last_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "min_of", argTypes: [.scalar, .scalar], returnType: .scalar, experimental: true),
        FunctionSignature(name: "ln", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "log10", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "log2", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "mad_over_time", argTypes: [.matrix], returnType: .vector, experimental: true),
        FunctionSignature(name: "max_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "min_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "ts_of_first_over_time", argTypes: [.matrix], returnType: .vector, experimental: true),
        FunctionSignature(name: "ts_of_max_over_time", argTypes: [.matrix], returnType: .vector, experimental: true),
        FunctionSignature(name: "ts_of_min_over_time", argTypes: [.matrix], returnType: .vector, experimental: true),
        FunctionSignature(name: "ts_of_last_over_time", argTypes: [.matrix], returnType: .vector, experimental: true),
        FunctionSignature(name: "minute", argTypes: [.vector], variadic: 1, returnType: .vector),
        FunctionSignature(name: "month", argTypes: [.vector], variadic: 1, returnType: .vector),
        FunctionSignature(name: "pi", argTypes: [], returnType: .scalar),
        FunctionSignature(name: "predict_linear", argTypes: [.matrix, .scalar], returnType: .vector),
        FunctionSignature(name: "present_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "quantile_over_time", argTypes: [.scalar, .matrix], returnType: .vector),
        FunctionSignature(name: "rad", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "range", argTypes: [], returnType: .scalar, experimental: true),
        FunctionSignature(name: "rate", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "resets", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "round", argTypes: [.vector, .scalar], variadic: 1, returnType: .vector),
        FunctionSignature(name: "scalar", argTypes: [.vector], returnType: .scalar),
        FunctionSignature(name: "sgn", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "sin", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "sinh", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "sort", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "sort_desc", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "sort_by_label", argTypes: [.vector, .string], variadic: -1, returnType: .vector, experimental: true),
        FunctionSignature(name: "sort_by_label_desc", argTypes: [.vector, .string], variadic: -1, returnType: .vector, experimental: true),
        FunctionSignature(name: "sqrt", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "start", argTypes: [], returnType: .scalar, experimental: true),
        FunctionSignature(name: "start_timestamp", argTypes: [.vector], returnType: .vector, experimental: true),
        FunctionSignature(name: "step", argTypes: [], returnType: .scalar, experimental: true),
        FunctionSignature(name: "stddev_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "stdvar_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "sum_over_time", argTypes: [.matrix], returnType: .vector),
        FunctionSignature(name: "tan", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "tanh", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "time", argTypes: [], returnType: .scalar),
        FunctionSignature(name: "timestamp", argTypes: [.vector], returnType: .vector),
        FunctionSignature(name: "vector", argTypes: [.scalar], returnType: .vector),
        FunctionSignature(name: "year", argTypes: [.vector], variadic: 1, returnType: .vector),
    ]
}

extension FunctionSignature {
    /// Fewest arguments accepted. As in Prometheus, a variadic function's last declared
    /// argument is optional (`round(v)`, `label_join(v, dst, sep)`).
    public var minArgs: Int { variadic == 0 ? argTypes.count : argTypes.count - 1 }

    /// Most arguments accepted; nil when unbounded (`variadic == -1`).
    public var maxArgs: Int? {
        switch variadic {
        case 0: return argTypes.count
        case let n where n > 0: return argTypes.count - 1 + n
        default: return nil
        }
    }

    /// The expected type of argument `i` (extra variadic arguments take the last type).
    public func argType(at i: Int) -> ValueType {
        i < argTypes.count ? argTypes[i] : argTypes[argTypes.count - 1]
    }
}
