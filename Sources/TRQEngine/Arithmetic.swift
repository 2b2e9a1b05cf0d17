import TRQFrame
import TRQLanguage

extension Evaluator {
    func arithmetic(_ op: BinaryOp, _ a: Operand, _ b: Operand, text: String, at: SourceLocation) throws(Diagnostic) -> Operand {
        if case .scalar(.null) = a { return .scalar(.null) }
        if case .scalar(.null) = b { return .scalar(.null) }
        let (x, y) = (a.type!, b.type!)
        let numeric: Set<DataType> = [.int, .float]
        if x == .string && y == .string && op == .add {
            return try callFunction("concat", [], at: at, evaluated: [a, b])
        }
        guard numeric.contains(x) && numeric.contains(y) else {
            throw Diagnostic("cannot apply '\(op.rawValue)' to \(x.rawValue) and \(y.rawValue) in '\(text)'", at: at)
        }
        let count: Int
        if case .scalar = a, case .scalar = b { count = 1 } else { count = rowCount }
        let columns = [a, b].compactMap { if case .column(let c) = $0 { c } else { nil } }
        var validity = Column.combinedValidity(columns, count: count) ?? Validity(count: count, allValid: true)
        let result: Column
        if x == .int && y == .int && op != .div {
            let l = ints(a, count: count), r = ints(b, count: count)
            var out = [Int64](repeating: 0, count: count)
            for i in 0..<count {
                let (p, q) = (l[i], r[i])
                let (value, overflowed): (Int64, Bool)
                switch op {
                case .add: (value, overflowed) = p.addingReportingOverflow(q)
                case .sub: (value, overflowed) = p.subtractingReportingOverflow(q)
                case .mul: (value, overflowed) = p.multipliedReportingOverflow(by: q)
                default:
                    if q == 0 {
                        validity.clear(i)
                        continue
                    }
                    (value, overflowed) = p.remainderReportingOverflow(dividingBy: q)
                }
                if overflowed && validity.isValid(i) {
                    throw overflow(text, at: at)
                }
                out[i] = value
            }
            result = Column(.int(out), validity: validity)
        } else {
            let l = floats(a, count: count), r = floats(b, count: count)
            var out = [Double](repeating: 0, count: count)
            switch op {
            case .add: for i in 0..<count { out[i] = l[i] + r[i] }
            case .sub: for i in 0..<count { out[i] = l[i] - r[i] }
            case .mul: for i in 0..<count { out[i] = l[i] * r[i] }
            case .div:
                for i in 0..<count {
                    if r[i] == 0 { validity.clear(i) } else { out[i] = l[i] / r[i] }
                }
            default:
                for i in 0..<count {
                    if r[i] == 0 { validity.clear(i) } else { out[i] = l[i].truncatingRemainder(dividingBy: r[i]) }
                }
            }
            result = Column(.float(out), validity: validity)
        }
        if case .scalar = a, case .scalar = b { return .scalar(result[0]) }
        return .column(result)
    }

    private func ints(_ v: Operand, count: Int) -> [Int64] {
        switch v {
        case .scalar(.int(let i)): return [Int64](repeating: i, count: count)
        case .column(let c): if case .int(let x) = c.data { return x }
        default: break
        }
        return [Int64](repeating: 0, count: count)
    }

    private func floats(_ v: Operand, count: Int) -> [Double] {
        switch v {
        case .scalar(let s): return [Double](repeating: s.asDouble ?? .nan, count: count)
        case .column(let c): return c.doubles ?? [Double](repeating: .nan, count: count)
        }
    }
}
