import Foundation
import TRQFrame
import TRQLanguage

extension Evaluator {
    /// Evaluates a scalar function (the parser has checked its name and argument count).
    /// Functions are defined on single values (`scalarFunction`);
    /// a string column with constant other arguments is evaluated once per dictionary entry, and
    /// common numeric functions have column loops.
    func callFunction(_ name: String, _ args: [Expr], at: SourceLocation, evaluated: [Operand]? = nil) throws(Diagnostic) -> Operand {
        var operands: [Operand] = []
        if let evaluated { operands = evaluated } else {
            for arg in args { operands.append(try evaluate(arg)) }
        }
        // The unit is checked here, where its position is known, and a column takes a typed loop.
        if name == "date_trunc", operands.count == 2, case .scalar(.string(let unitName)) = operands[0] {
            let unit = try timeUnit(unitName, at: args.first?.location ?? at)
            if case .column(let c) = operands[1], let truncated = dateTruncColumn(unit, c) { return .column(truncated) }
        }
        let columns = operands.indices.filter { if case .column = operands[$0] { true } else { false } }
        let call = { (values: [Value]) throws(Diagnostic) -> Value in try scalarFunction(name, values, at: at) }
        if columns.isEmpty {
            return .scalar(try call(operands.map { if case .scalar(let v) = $0 { v } else { .null } }))
        }
        if columns.count == 1, let fast = try numericColumnFunction(name, operands, at: at) {
            return .column(fast)
        }
        if columns.count == 1, case .column(let c) = operands[columns[0]], case .string(let codes, let dict) = c.data {
            var perEntry: [Value] = []
            perEntry.reserveCapacity(dict.values.count + 1)
            var args = operands.map { if case .scalar(let v) = $0 { v } else { Value.null } }
            for s in dict.values {
                args[columns[0]] = .string(s)
                perEntry.append(try call(args))
            }
            args[columns[0]] = .null
            perEntry.append(try call(args))
            let nullEntry = dict.values.count
            let rows = codes.indices.map { c.isNull($0) ? nullEntry : Int(codes[$0]) }
            return .column(Column(values: perEntry).take(rows))
        }
        var results: [Value] = []
        results.reserveCapacity(rowCount)
        var args = [Value](repeating: .null, count: operands.count)
        for row in 0..<rowCount {
            for (j, operand) in operands.enumerated() {
                switch operand {
                case .scalar(let v): args[j] = v
                case .column(let c): args[j] = c[row]
                }
            }
            results.append(try call(args))
        }
        return .column(Column(values: results))
    }

    /// `date_trunc` over a date or timestamp column; nil for other types.
    private func dateTruncColumn(_ unit: TimeUnit, _ c: Column) -> Column? {
        switch c.data {
        case .timestamp(let v): Column(.timestamp(v.map { unit.truncate(timestamp: $0) }), validity: c.validity)
        case .date(let v): Column(.date(v.map { unit.truncate(date: $0) }), validity: c.validity)
        default: nil
        }
    }

    /// Column loops for one-argument math on numbers; nil when not applicable.
    private func numericColumnFunction(_ name: String, _ operands: [Operand], at: SourceLocation) throws(Diagnostic) -> Column? {
        guard operands.count == 1, case .column(let c) = operands[0] else { return nil }
        if case .int(let v) = c.data {
            switch name {
            case "abs":
                if let i = v.indices.first(where: { v[$0] == .min && !c.isNull($0) }) {
                    throw Diagnostic("integer overflow in abs(\(v[i]))", at: at)
                }
                return Column(.int(v.map { $0 < 0 ? 0 &- $0 : $0 }), validity: c.validity)
            case "round", "floor", "ceil", "int": return c
            case "float": return Column(.float(v.map { Double($0) }), validity: c.validity)
            default: break
            }
        }
        guard case .float(let v) = c.data else { return nil }
        let f: (Double) -> Double
        switch name {
        case "abs": f = { Swift.abs($0) }
        case "round": f = { $0.rounded(.toNearestOrAwayFromZero) }
        case "floor": f = { $0.rounded(.down) }
        case "ceil": f = { $0.rounded(.up) }
        case "exp": f = { Foundation.exp($0) }
        case "float": return c
        default: return nil
        }
        return Column(.float(v.map(f)), validity: c.validity)
    }
}

/// Scalar semantics of every function; null in, null out unless the function says otherwise.
func scalarFunction(_ name: String, _ args: [Value], at: SourceLocation) throws(Diagnostic) -> Value {
    switch name {
    case "coalesce": return args.first { !$0.isNull } ?? .null
    case "if":
        if case .bool(true) = args[0] { return args[1] }
        return args[2]
    case "string": return args[0].isNull ? .null : .string(args[0].description)
    default: break
    }
    if args.contains(where: \.isNull) { return .null }
    func string(_ i: Int) throws(Diagnostic) -> String {
        if case .string(let s) = args[i] { return s }
        throw Diagnostic("\(name)() expects a string, got \(args[i].type?.rawValue ?? "null") \(args[i])", at: at)
    }
    func number(_ i: Int) throws(Diagnostic) -> Double {
        if let d = args[i].asDouble { return d }
        throw Diagnostic("\(name)() expects a number, got \(args[i].type?.rawValue ?? "null") '\(args[i])'", at: at)
    }
    func integer(_ i: Int) throws(Diagnostic) -> Int {
        if case .int(let v) = args[i], let n = Int(exactly: v) { return n }
        throw Diagnostic("\(name)() expects an integer, got '\(args[i])'", at: at)
    }
    func micros(_ i: Int) throws(Diagnostic) -> Int64 {
        switch args[i] {
        case .timestamp(let t): return t
        case .date(let d): return Int64(d) &* microsPerDay
        case .string(let s):
            switch parseISO8601(s) {
            case .timestamp(let t): return t
            case .date(let d): return Int64(d) &* microsPerDay
            case nil: break
            }
        default: break
        }
        throw Diagnostic("\(name)() expects a date or timestamp, got '\(args[i])'", at: at)
    }
    func float(_ d: Double) -> Value { d.isFinite ? .float(d) : .null }
    switch name {
    case "lower": return .string(try string(0).lowercased())
    case "upper": return .string(try string(0).uppercased())
    case "len": return .int(Int64(try string(0).count))
    case "trim": return .string(try string(0).trimmingCharacters(in: .whitespacesAndNewlines))
    case "contains": return .bool(try string(0).contains(try string(1)))
    case "starts_with": return .bool(try string(0).hasPrefix(try string(1)))
    case "ends_with": return .bool(try string(0).hasSuffix(try string(1)))
    case "replace": return .string(try string(0).replacingOccurrences(try string(1), with: try string(2)))
    // String `+` only: not in the vocabulary, so the parser rejects `concat(...)` by name.
    case "concat": return .string(args.map(\.description).joined())
    case "substr":
        let s = Array(try string(0))
        let start = max(try integer(1) - 1, 0)
        let length = args.count > 2 ? max(try integer(2), 0) : s.count
        guard start < s.count else { return .string("") }
        return .string(String(s[start..<min(s.count, start + length)]))
    case "round":
        let digits = args.count > 1 ? try integer(1) : 0
        if case .int = args[0], digits >= 0 { return args[0] }
        let scale = pow(10.0, Double(digits))
        return float((try number(0) * scale).rounded(.toNearestOrAwayFromZero) / scale)
    case "abs", "floor", "ceil":
        if case .int(let v) = args[0] {
            guard name != "abs" || v != .min else { throw Diagnostic("integer overflow in abs(\(v))", at: at) }
            return .int(name == "abs" ? Swift.abs(v) : v)
        }
        let d = try number(0)
        return float(name == "abs" ? Swift.abs(d) : d.rounded(name == "floor" ? .down : .up))
    case "sqrt":
        let d = try number(0)
        return d < 0 ? .null : float(d.squareRoot())
    case "log":
        let d = try number(0)
        return d <= 0 ? .null : float(Foundation.log(d))
    case "exp": return float(Foundation.exp(try number(0)))
    case "pow": return float(Foundation.pow(try number(0), try number(1)))
    case "year", "month", "day", "weekday", "hour":
        let us = try micros(0)
        let days = daysOf(timestamp: us)
        let civil = civilFromDays(days)
        switch name {
        case "year": return .int(Int64(civil.year))
        case "month": return .int(Int64(civil.month))
        case "day": return .int(Int64(civil.day))
        // Monday = 0 ... Sunday = 6, as pandas; 1970-01-01 was a Thursday.
        case "weekday": return .int(Int64(((days % 7) + 10) % 7))
        default: return .int((us &- Int64(days) &* microsPerDay) / (3600 &* microsPerSecond))
        }
    case "date":
        return .date(Int32(truncatingIfNeeded: daysOf(timestamp: try micros(0))))
    case "date_trunc":
        let unit = try timeUnit(try string(0), at: at)
        switch args[1] {
        case .date(let d): return .date(unit.truncate(date: d))
        case .string(let s): if case .date(let d) = parseISO8601(s) { return .date(unit.truncate(date: d)) }
        default: break
        }
        return .timestamp(unit.truncate(timestamp: try micros(1)))
    case "int":
        switch args[0] {
        case .int: return args[0]
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let d): return d.isFinite && Swift.abs(d) < 9.2e18 ? .int(Int64(d)) : .null
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if let i = Int64(t) { return .int(i) }
            if let d = Double(t), d == d.rounded(), Swift.abs(d) < 9.2e18 { return .int(Int64(d)) }
            return .null
        default: return .null
        }
    case "float":
        switch args[0] {
        case .int(let i): return .float(Double(i))
        case .float: return args[0]
        case .bool(let b): return .float(b ? 1 : 0)
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces)).map { .float($0) } ?? .null
        default: return .null
        }
    case "bool":
        switch args[0] {
        case .bool: return args[0]
        case .int(let i): return .bool(i != 0)
        case .string(let s):
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1": return .bool(true)
            case "false", "0": return .bool(false)
            default: return .null
            }
        default: return .null
        }
    default:
        throw Diagnostic("unknown function '\(name)'\(suggestion(for: name, in: Vocabulary.scalarFunctions))", at: at)
    }
}

/// The `date_trunc` unit spelled `name` (in any letter case).
func timeUnit(_ name: String, at: SourceLocation) throws(Diagnostic) -> TimeUnit {
    if let unit = TimeUnit(rawValue: name.lowercased()) { return unit }
    let units = TimeUnit.allCases.map(\.rawValue)
    throw Diagnostic("unknown date_trunc unit '\(name)'\(suggestion(for: name, in: units)); use one of \(units.joined(separator: ", "))", at: at)
}
