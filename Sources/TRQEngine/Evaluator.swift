import TRQFrame
import TRQLanguage

/// Evaluates scalar expressions over a table, column at a time.
struct Evaluator {
    let table: Table
    /// In an agg item over the one-row-per-group table: each aggregate call's result, by its text.
    var aggregateResults: [String: Column] = [:]

    var rowCount: Int { table.rowCount }

    func column(_ expr: Expr) throws(Diagnostic) -> Column {
        try evaluate(expr).materialized(count: rowCount)
    }

    func evaluate(_ expr: Expr) throws(Diagnostic) -> Operand {
        switch expr {
        case .literal(let l, _):
            return .scalar(Value(l))
        case .column(let name, let at):
            guard let c = table.column(name) else {
                throw Diagnostic("unknown column '\(name)'\(suggestion(for: name, in: table.names))", at: at)
            }
            return .column(c)
        case .list(_, let at), .map(_, let at):
            throw Diagnostic("a list or map is not a value here; lists go after `in`, maps in `with` options", at: at)
        case .unary(.negate, let e, let at):
            return try negate(evaluate(e), text: expr.text, at: at)
        case .unary(.not, let e, let at):
            return try logicalNot(evaluate(e), at: at, text: e.text)
        case .binary(let op, let a, let b, let at):
            if op == .like || op == .regex { return try match(op, evaluate(a), pattern: b, at: at) }
            return try binary(op, evaluate(a), evaluate(b), text: expr.text, texts: (a.text, b.text), at: at)
        case .chain(let first, let links, _):
            var result = try evaluate(first)
            var text = first.text
            for link in links {
                let rightText = link.operand.text
                let leftText = text
                text += " \(link.op.rawValue) " + rightText
                if link.op == .like || link.op == .regex {
                    result = try match(link.op, result, pattern: link.operand, at: link.at)
                } else {
                    result = try binary(link.op, result, evaluate(link.operand), text: text, texts: (leftText, rightText), at: link.at)
                }
            }
            return result
        case .inList(let e, let items, let negated, let at):
            return try membership(evaluate(e), items: items, negated: negated, at: at)
        case .isNull(let e, let negated, _):
            let operand = try evaluate(e)
            switch operand {
            case .scalar(let v): return .scalar(.bool(v.isNull != negated))
            case .column(let c):
                return .column(Column(.bool((0..<c.count).map { c.isNull($0) != negated })))
            }
        case .call(let name, let args, let at):
            if Vocabulary.aggregateFunctions.contains(name) || Vocabulary.windowFunctions.contains(name) {
                if let result = aggregateResults[expr.text] { return .column(result) }
                throw Diagnostic("aggregate '\(name)' is only allowed in `groupby ... agg` or `agg`", at: at)
            }
            return try callFunction(name, args, at: at)
        }
    }

    // MARK: - Operators

    private func binary(_ op: BinaryOp, _ a: Operand, _ b: Operand, text: String, texts: (String, String), at: SourceLocation) throws(Diagnostic) -> Operand {
        switch op {
        case .and, .or: return try logical(op, a, b, at: at, texts: texts)
        case .eq, .ne, .lt, .le, .gt, .ge: return try compare(op, a, b, at: at)
        default: return try arithmetic(op, a, b, text: text, at: at)
        }
    }

    private func negate(_ v: Operand, text: String, at: SourceLocation) throws(Diagnostic) -> Operand {
        switch v {
        case .scalar(.null): return .scalar(.null)
        case .scalar(.int(let i)):
            let (r, o) = Int64(0).subtractingReportingOverflow(i)
            if o { throw overflow(text, at: at) }
            return .scalar(.int(r))
        case .scalar(.float(let d)): return .scalar(.float(-d))
        case .column(let c):
            switch c.data {
            case .int(let values):
                var out = [Int64](repeating: 0, count: values.count)
                for i in values.indices {
                    let (r, o) = Int64(0).subtractingReportingOverflow(values[i])
                    if o && !c.isNull(i) { throw overflow(text, at: at) }
                    out[i] = r
                }
                return .column(Column(.int(out), validity: c.validity))
            case .float(let values): return .column(Column(.float(values.map { -$0 }), validity: c.validity))
            default: break
            }
        default: break
        }
        throw Diagnostic("cannot negate a \(v.type?.rawValue ?? "null") value", at: at)
    }

    func overflow(_ text: String, at: SourceLocation) -> Diagnostic {
        Diagnostic("integer overflow in '\(text)'; convert to float first, e.g. float(x)", at: at)
    }

    private func boolColumn(_ v: Operand, at: SourceLocation, text: String) throws(Diagnostic) -> (values: [Bool], validity: Validity?)? {
        switch v {
        case .scalar: return nil
        case .column(let c):
            guard case .bool(let values) = c.data else {
                throw Diagnostic("'\(text)' is \(c.type.rawValue), expected a true/false condition", at: at)
            }
            return (values, c.validity)
        }
    }

    private func scalarBool(_ v: Value, at: SourceLocation, text: String) throws(Diagnostic) -> Bool? {
        switch v {
        case .null: return nil
        case .bool(let b): return b
        default: throw Diagnostic("'\(text)' is \(v.type?.rawValue ?? "null"), expected a true/false condition", at: at)
        }
    }

    private func logicalNot(_ v: Operand, at: SourceLocation, text: String) throws(Diagnostic) -> Operand {
        if case .scalar(let s) = v { return .scalar(try scalarBool(s, at: at, text: text).map { .bool(!$0) } ?? .null) }
        guard let (values, validity) = try boolColumn(v, at: at, text: text) else { return v }
        return .column(Column(.bool(values.map { !$0 }), validity: validity))
    }

    /// Kleene logic: false and null = false; true or null = true; otherwise null propagates.
    private func logical(_ op: BinaryOp, _ a: Operand, _ b: Operand, at: SourceLocation, texts: (String, String)) throws(Diagnostic) -> Operand {
        let isAnd = op == .and
        func tri(_ v: Operand, _ text: String) throws(Diagnostic) -> (Int) -> Bool? {
            switch v {
            case .scalar(let s):
                let b = try scalarBool(s, at: at, text: text)
                return { _ in b }
            case .column:
                let (values, validity) = try boolColumn(v, at: at, text: text)!
                if let validity { return { validity.isValid($0) ? values[$0] : nil } }
                return { values[$0] }
            }
        }
        if case .scalar(let x) = a, case .scalar(let y) = b {
            let l = try scalarBool(x, at: at, text: texts.0), r = try scalarBool(y, at: at, text: texts.1)
            return .scalar(kleene(isAnd, l, r).map { .bool($0) } ?? .null)
        }
        let left = try tri(a, texts.0), right = try tri(b, texts.1)
        var out = [Bool](repeating: false, count: rowCount)
        var validity = Validity(count: rowCount, allValid: true)
        for i in 0..<rowCount {
            if let r = kleene(isAnd, left(i), right(i)) { out[i] = r } else { validity.clear(i) }
        }
        return .column(Column(.bool(out), validity: validity))
    }

    private func kleene(_ isAnd: Bool, _ l: Bool?, _ r: Bool?) -> Bool? {
        if isAnd {
            if l == false || r == false { return false }
            if l == nil || r == nil { return nil }
            return true
        }
        if l == true || r == true { return true }
        if l == nil || r == nil { return nil }
        return false
    }
}
