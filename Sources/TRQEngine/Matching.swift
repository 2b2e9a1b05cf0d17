import TRQFrame
import TRQLanguage

extension Evaluator {
    /// `x like "pat%"` (SQL: % any run, _ one character; case-sensitive) and `x ~ "regex"`
    /// (true when the regular expression matches anywhere in x).
    func match(_ op: BinaryOp, _ subject: Operand, pattern: Expr, at: SourceLocation) throws(Diagnostic) -> Operand {
        guard case .literal(.string(let text), let patternAt) = pattern else {
            throw Diagnostic("the pattern after '\(op.rawValue)' must be a string literal, e.g. \(op == .like ? "like \"pop%\"" : "~ \"^k-\"")", at: pattern.location)
        }
        let test: (String) -> Bool
        if op == .like {
            let compiled = Array(text.unicodeScalars)
            test = { likeMatches(Array($0.unicodeScalars)[...], compiled[...]) }
        } else {
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(text) } catch {
                throw Diagnostic("invalid regular expression \"\(text)\": \(error)", at: patternAt)
            }
            test = { $0.contains(regex) }
        }
        return try perString(subject, at: at, operator: op.rawValue) { .bool(test($0)) }
    }

    /// `x in [a, b]`: true on a match; else null if x or the list has a null; else false.
    func membership(_ subject: Operand, items: [Expr], negated: Bool, at: SourceLocation) throws(Diagnostic) -> Operand {
        var values: [Value] = []
        for item in items {
            guard case .scalar(let v) = try evaluate(item) else {
                throw Diagnostic("the list after 'in' must hold constants", at: item.location)
            }
            values.append(v)
        }
        let listHasNull = values.contains(where: \.isNull)
        let numbers = Set(values.compactMap(\.asDouble))
        let others = Set(values.filter { $0.asDouble == nil && !$0.isNull })
        func test(_ v: Value) -> Value {
            if v.isNull { return .null }
            let found = v.asDouble.map { numbers.contains($0) } ?? others.contains(v)
            if found { return .bool(!negated) }
            return listHasNull ? .null : .bool(negated)
        }
        switch subject {
        case .scalar(let v): return .scalar(test(v))
        case .column(let c):
            if case .string = c.data { return try perString(subject, at: at, operator: "in") { test(.string($0)) } }
            return .column(Column(values: (0..<c.count).map { test(c[$0]) }))
        }
    }

    /// Applies a string predicate once per dictionary entry of a string column.
    private func perString(_ subject: Operand, at: SourceLocation, operator name: String, _ f: (String) -> Value) throws(Diagnostic) -> Operand {
        switch subject {
        case .scalar(.null): return .scalar(.null)
        case .scalar(.string(let s)): return .scalar(f(s))
        case .column(let c):
            if case .string(let codes, let dict) = c.data {
                let perEntry = dict.values.map { f($0) }
                if perEntry.allSatisfy({ if case .bool = $0 { true } else { false } }) {
                    let bools = perEntry.map { if case .bool(let b) = $0 { b } else { false } }
                    let nullable = perEntry.isEmpty ? nil : c.validity
                    return .column(Column(.bool(codes.map { bools[Int($0)] }), validity: nullable))
                }
                return .column(Column(values: codes.indices.map { c.isNull($0) ? .null : perEntry[Int(codes[$0])] }))
            }
            throw Diagnostic("'\(name)' needs a string, got a \(c.type.rawValue) column; convert with string(x)", at: at)
        case .scalar(let v):
            throw Diagnostic("'\(name)' needs a string, got \(v.type?.rawValue ?? "null") \(v)", at: at)
        }
    }
}

/// SQL LIKE over Unicode scalars, iterative with backtracking to the last `%`.
func likeMatches(_ s: ArraySlice<Unicode.Scalar>, _ p: ArraySlice<Unicode.Scalar>) -> Bool {
    var si = s.startIndex, pi = p.startIndex
    var star: Int?, resume = si
    while si < s.endIndex {
        if pi < p.endIndex && (p[pi] == "_" || (p[pi] != "%" && p[pi] == s[si])) {
            si += 1
            pi += 1
        } else if pi < p.endIndex && p[pi] == "%" {
            star = pi
            pi += 1
            resume = si
        } else if let starAt = star {
            pi = starAt + 1
            resume += 1
            si = resume
        } else {
            return false
        }
    }
    while pi < p.endIndex && p[pi] == "%" { pi += 1 }
    return pi == p.endIndex
}
