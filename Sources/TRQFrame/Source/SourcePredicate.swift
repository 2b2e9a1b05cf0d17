/// A simple condition a source may apply while reading: `column OP constant`, `column in [...]`,
/// `column is [not] null`. A row passes only when the condition is true (null fails), as in
/// `filter`.
public struct SourcePredicate: Sendable, Equatable {
    public enum Test: Sendable, Equatable {
        case compare(Comparison, Value)
        case isIn([Value], negated: Bool)
        case isNull(negated: Bool)
    }

    public var column: String
    public var test: Test

    public init(column: String, test: Test) {
        self.column = column
        self.test = test
    }

    /// The rows of `column` (a column named `self.column`) that pass, or nil when this predicate
    /// cannot be decided here with exactly `filter`'s semantics (then the caller evaluates it):
    /// numbers against numbers (an int column only against an int), strings against strings
    /// (equality as Swift's `==`, order by code point), bools against bools, and null tests.
    public func selection(in column: Column) throws(FrameError) -> RowSelection? {
        switch test {
        case .isNull(let negated):
            return RowSelection(rowCount: column.count) { column.isNull($0) != negated }
        case .compare(let op, let constant):
            switch (column.data, constant) {
            case (.int(let values), .int(let c)):
                return try selectMatching(values, validity: column.validity, op, c)
            case (.float(let values), .int(let c)):
                return try selectMatching(values, validity: column.validity, op, Double(c))
            case (.float(let values), .float(let c)):
                return try selectMatching(values, validity: column.validity, op, c)
            case (.string(let codes, let dictionary), .string(let c)):
                let passes = dictionary.values.map { op.holds(between: $0, and: c) }
                return RowSelection(rowCount: codes.count) { !column.isNull($0) && passes[Int(codes[$0])] }
            case (.bool(let values), .bool(let c)):
                return RowSelection(rowCount: values.count) { !column.isNull($0) && op.holds(between: values[$0] ? 1 : 0, and: c ? 1 : 0) }
            default:
                return nil
            }
        case .isIn(let items, let negated):
            // As `in`: a null item makes a miss null (so `not in` with a null item passes nothing).
            let hasNull = items.contains(where: \.isNull)
            if negated && hasNull { return RowSelection(rowCount: column.count) { _ in false } }
            switch column.data {
            case .string(let codes, let dictionary):
                guard items.allSatisfy({ if case .string = $0 { true } else { $0.isNull } }) else { return nil }
                let wanted = Set(items.compactMap { if case .string(let s) = $0 { s } else { nil } })
                let passes = dictionary.values.map { wanted.contains($0) != negated }
                return RowSelection(rowCount: codes.count) { !column.isNull($0) && passes[Int(codes[$0])] }
            case .int, .float:
                guard items.allSatisfy({ $0.asDouble != nil || $0.isNull }) else { return nil }
                let wanted = Set(items.compactMap(\.asDouble))
                guard let numbers = column.doubles else { return nil }
                return RowSelection(rowCount: numbers.count) { !column.isNull($0) && wanted.contains(numbers[$0]) != negated }
            default:
                return nil
            }
        }
    }

    /// The rows of `table` that pass the predicates it can decide (see `selection(in:)`), and
    /// which those were (by index). Predicates on columns the table lacks are not applied.
    public static func apply(_ predicates: [SourcePredicate], to table: Table) throws(FrameError) -> SourceRead {
        var combined: RowSelection?
        var applied = Set<Int>()
        for (i, predicate) in predicates.enumerated() {
            guard let column = table.column(predicate.column), let rows = try predicate.selection(in: column) else { continue }
            combined = combined.map { $0.intersection(rows) } ?? rows
            applied.insert(i)
        }
        guard let combined else { return SourceRead(table: table, applied: applied) }
        return SourceRead(table: try filter(table, combined), applied: applied)
    }
}

extension Comparison {
    /// `a OP b` with strings in code point order.
    func holds(between a: String, and b: String) -> Bool {
        switch self {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a.utf8.lexicographicallyPrecedes(b.utf8)
        case .lessOrEqual: a == b || a.utf8.lexicographicallyPrecedes(b.utf8)
        case .greater: b.utf8.lexicographicallyPrecedes(a.utf8)
        case .greaterOrEqual: a == b || b.utf8.lexicographicallyPrecedes(a.utf8)
        }
    }

    func holds(between a: Int, and b: Int) -> Bool {
        switch self {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        }
    }

    /// The operator as written in the language.
    public var symbol: String {
        switch self {
        case .equal: "=="
        case .notEqual: "!="
        case .less: "<"
        case .lessOrEqual: "<="
        case .greater: ">"
        case .greaterOrEqual: ">="
        }
    }
}

extension RowSelection {
    /// The rows where `passes` holds.
    init(rowCount: Int, _ passes: (Int) -> Bool) {
        var words = [UInt64](repeating: 0, count: (rowCount &+ 63) >> 6)
        var selected = 0
        for row in 0..<rowCount where passes(row) {
            words[row >> 6] |= 1 << UInt64(row & 63)
            selected &+= 1
        }
        self.init(words: words, rowCount: rowCount, selectedCount: selected)
    }

    /// The rows both select.
    func intersection(_ other: RowSelection) -> RowSelection {
        var words = self.words
        var selected = 0
        for i in words.indices {
            words[i] &= other.words[i]
            selected &+= words[i].nonzeroBitCount
        }
        return RowSelection(words: words, rowCount: rowCount, selectedCount: selected)
    }
}

extension SourcePredicate: CustomStringConvertible {
    /// The predicate as the language writes it (for `explain`).
    public var description: String {
        let name = column.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) ? column : "`\(column)`"
        func literal(_ v: Value) -> String {
            if case .string(let s) = v {
                var quoted = "\""
                for c in s {
                    if c == "\"" || c == "\\" { quoted.append("\\") }
                    quoted.append(c)
                }
                return quoted + "\""
            }
            return v.description
        }
        switch test {
        case .compare(let op, let v): return "\(name) \(op.symbol) \(literal(v))"
        case .isIn(let items, let negated): return "\(name) \(negated ? "not in" : "in") [\(items.map(literal).joined(separator: ", "))]"
        case .isNull(let negated): return "\(name) is \(negated ? "not " : "")null"
        }
    }
}
