import Foundation
import MetricModel

extension BinaryOp {
    /// Arithmetic operators change the metric's meaning, so `__name__` is dropped.
    var changesMetricSchema: Bool {
        switch self {
        case .add, .sub, .mul, .div, .pow, .mod, .atan2: return true
        default: return false
        }
    }
}

/// Go's math.Mod semantics (sign of the dividend), which fmod shares.
@inline(__always) func goMod(_ a: Double, _ b: Double) -> Double { fmod(a, b) }

/// Scalar-scalar operation (Prometheus `scalarBinop`); comparisons give 0/1.
func scalarBinop(_ op: BinaryOp, _ l: Double, _ r: Double) -> Double {
    switch op {
    case .add: return l + r
    case .sub: return l - r
    case .mul: return l * r
    case .div: return l / r
    case .pow: return Foundation.pow(l, r)
    case .mod: return goMod(l, r)
    case .atan2: return Foundation.atan2(l, r)
    case .eql: return l == r ? 1 : 0
    case .neq: return l != r ? 1 : 0
    case .gtr: return l > r ? 1 : 0
    case .lss: return l < r ? 1 : 0
    case .gte: return l >= r ? 1 : 0
    case .lte: return l <= r ? 1 : 0
    case .and, .or, .unless: return .nan
    }
}

/// Vector element operation (Prometheus `vectorElemBinop`): value and whether to keep it.
@inline(__always)
func vectorElemBinop(_ op: BinaryOp, _ l: Double, _ r: Double) -> (Double, Bool) {
    switch op {
    case .add: return (l + r, true)
    case .sub: return (l - r, true)
    case .mul: return (l * r, true)
    case .div: return (l / r, true)
    case .pow: return (Foundation.pow(l, r), true)
    case .mod: return (goMod(l, r), true)
    case .atan2: return (Foundation.atan2(l, r), true)
    case .eql: return (l, l == r)
    case .neq: return (l, l != r)
    case .gtr: return (l, l > r)
    case .lss: return (l, l < r)
    case .gte: return (l, l >= r)
    case .lte: return (l, l <= r)
    case .and, .or, .unless: return (l, false)
    }
}

extension Evaluator {
    func evalBinary(_ b: BinaryExpr) throws -> EvalValue {
        let lt = b.lhs.type, rt = b.rhs.type
        if lt == .scalar && rt == .scalar {
            let l = try evalScalar(b.lhs), r = try evalScalar(b.rhs)
            return .scalar(zip(l, r).map { scalarBinop(b.op, $0, $1) })
        }
        if lt == .vector && rt == .vector || (lt != .scalar && rt != .scalar) {
            let l = try evalVector(b.lhs), r = try evalVector(b.rhs)
            let matching = b.matching ?? VectorMatching(card: b.op.isSetOperator ? .manyToMany : .oneToOne)
            return .vector(try vectorBinop(b, l, r, matching))
        }
        // vector-scalar
        let swap = lt == .scalar
        let vec = try evalVector(swap ? b.rhs : b.lhs)
        let sc = try evalScalar(swap ? b.lhs : b.rhs)
        var out = EvalMatrix()
        out.reserveCapacity(vec.count)
        let drop = b.op.changesMetricSchema || b.returnBool
        for s in vec {
            var pts: [Sample] = []
            pts.reserveCapacity(s.points.count)
            for p in s.points {
                let r = sc[Int((p.t - start) / interval)]
                let (lv, rv) = swap ? (r, p.v) : (p.v, r)
                var (v, keep) = vectorElemBinop(b.op, lv, rv)
                if b.op.isComparison && swap { v = rv }
                if b.returnBool { v = keep ? 1 : 0; keep = true }
                if keep { pts.append(Sample(t: p.t, v: v)) }
            }
            if pts.isEmpty { continue }
            var l = s.labels
            var dn = s.dropName
            if drop {
                if !delayedNameRemoval { l = l.withoutName() }
                dn = true
            }
            out.append(EvalSeries(labels: l, points: pts, dropName: dn))
        }
        if drop && !delayedNameRemoval { out = try mergeSameLabelset(out) }
        return .vector(out)
    }
}
