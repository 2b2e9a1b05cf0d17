import TRQFrame
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TRQLanguage

extension Evaluator {
    func compare(_ op: BinaryOp, _ a: Operand, _ b: Operand, at: SourceLocation) throws(Diagnostic) -> Operand {
        if case .scalar(.null) = a { return .scalar(.null) }
        if case .scalar(.null) = b { return .scalar(.null) }
        if case .scalar(let x) = a, case .scalar(let y) = b {
            let result = try compare(op, .column(Column(broadcasting: x, count: 1)), .column(Column(broadcasting: y, count: 1)), at: at)
            guard case .column(let c) = result, case .bool(let v) = c.data else { return .scalar(.null) }
            return .scalar(.bool(v[0]))
        }
        let kind = try commonKind(a.type!, b.type!, a, b, at: at)
        let validity = Column.combinedValidity([a, b].compactMap { if case .column(let c) = $0 { c } else { nil } }, count: rowCount)
        let result: [Bool]
        switch kind {
        case .int:
            let x = try int64s(a, at: at), y = try int64s(b, at: at)
            result = apply(op, x, y)
        case .float:
            result = apply(op, doubles(a), doubles(b))
        default:
            result = compareStrings(op, a, b)
        }
        return .column(Column(.bool(result), validity: validity))
    }

    /// The number of rows where `condition` is true, when it is a comparison of a numeric or time
    /// column with a constant (`ms_played > 60000`, `played_at >= "2023-07-01"`): counted from
    /// the column's values without building a mask. nil for any other condition.
    func countMatching(_ condition: Expr) throws(Diagnostic) -> Int? {
        guard let (comparison, at) = try constantComparison(condition) else {
            // `A and B` of such comparisons (`genre == "pop" and ms_played > 30000`): each side's
            // rows as bit words, ANDed and counted, without boolean masks per row.
            guard case .binary(.and, _, _, _) = condition, let words = try matchingWords(condition) else { return nil }
            return words.reduce(0) { $0 &+ $1.nonzeroBitCount }
        }
        return try Diagnostic.located(at: at) { () throws(FrameError) in
            switch comparison {
            case .ints(let values, let validity, let op, let constant):
                try TRQFrame.countMatching(values, validity: validity, op, constant)
            case .floats(let values, let validity, let op, let constant):
                try TRQFrame.countMatching(values, validity: validity, op, constant)
            }
        }
    }

    /// The rows where `condition` is true, one bit per row (64 per word), when it is a constant
    /// comparison as `countMatching` takes, a string column `==`/`!=` a constant, or an `and` of
    /// such conditions; nil for any other. A null row's bit is clear.
    private func matchingWords(_ condition: Expr) throws(Diagnostic) -> [UInt64]? {
        if case .binary(.and, let left, let right, _) = condition {
            guard var words = try matchingWords(left), let other = try matchingWords(right) else { return nil }
            for w in words.indices { words[w] &= other[w] }
            return words
        }
        if let selection = try selectMatching(condition) { return selection.words }
        return try stringEqualityWords(condition)
    }

    /// `column == "text"` or `!=` as bit words: the entries equal to the text are found once, then
    /// the codes are compared with them (most often one, or none), not looked up per row.
    private func stringEqualityWords(_ condition: Expr) throws(Diagnostic) -> [UInt64]? {
        guard case .binary(let op, let left, let right, _) = condition, op == .eq || op == .ne else { return nil }
        var (column, constant) = (try evaluate(left), try evaluate(right))
        if case .scalar = column { (column, constant) = (constant, column) }
        guard case .column(let c) = column, case .scalar(.string(let text)) = constant,
              case .string(let codes, let dictionary) = c.data else { return nil }
        let rows = codes.count
        var words = rowsWithCode(codes, in: dictionary.codes(equalTo: text))
        words.withUnsafeMutableBufferPointer { out in
            if op == .ne {
                for w in 0..<out.count { out[w] = ~out[w] }
                if rows & 63 != 0 { out[out.count &- 1] &= (1 << UInt64(rows & 63)) &- 1 }
            }
            if let validity = c.validity {
                for w in 0..<out.count { out[w] &= validity.words[w] }
            }
        }
        return words
    }

    /// The rows where `condition` is true, for the same conditions as `countMatching`, selected
    /// from the column's values without building a mask; nil for any other condition. With
    /// `firstMatches`, at least the first that many matching rows (see `selectMatching`).
    func selectMatching(_ condition: Expr, firstMatches: Int? = nil) throws(Diagnostic) -> RowSelection? {
        guard let (comparison, at) = try constantComparison(condition) else { return nil }
        return try Diagnostic.located(at: at) { () throws(FrameError) in
            switch comparison {
            case .ints(let values, let validity, let op, let constant):
                try TRQFrame.selectMatching(values, validity: validity, op, constant, firstMatches: firstMatches)
            case .floats(let values, let validity, let op, let constant):
                try TRQFrame.selectMatching(values, validity: validity, op, constant, firstMatches: firstMatches)
            }
        }
    }

    /// `condition` as a column compared with a constant, in the type the comparison is made in
    /// (as `compare` makes it); nil for other conditions and for those the kernels do not take
    /// (an int column against a float, bools, dates, strings).
    private func constantComparison(_ condition: Expr) throws(Diagnostic) -> (ConstantComparison, SourceLocation)? {
        guard case .binary(let op, let left, let right, let at) = condition, let comparison = op.comparison else { return nil }
        var (column, constant, columnOp) = (try evaluate(left), try evaluate(right), comparison)
        if case .scalar = column { (column, constant, columnOp) = (constant, column, op.mirrored.comparison!) }
        guard case .column(let c) = column, case .scalar(let value) = constant, !value.isNull else { return nil }
        let kind = try commonKind(c.type, constant.type!, column, constant, at: at)
        switch (kind, c.data) {
        case (.int, .int(let values)), (.int, .timestamp(let values)):
            guard case .scalar(let s) = try int64s(constant, at: at) else { return nil }
            return (.ints(values, c.validity, columnOp, s), at)
        case (.float, .float(let values)):
            guard let s = value.asDouble else { return nil }
            return (.floats(values, c.validity, columnOp, s), at)
        default:
            return nil
        }
    }

    /// int for ints/bools/times, float for mixed numbers, string for strings.
    private func commonKind(_ x: DataType, _ y: DataType, _ a: Operand, _ b: Operand, at: SourceLocation) throws(Diagnostic) -> DataType {
        let numeric: Set<DataType> = [.int, .float]
        let times: Set<DataType> = [.timestamp, .date]
        if numeric.contains(x) && numeric.contains(y) { return x == .int && y == .int ? .int : .float }
        if x == y { return x == .string ? .string : .int }
        if times.contains(x) && (times.contains(y) || y == .string) { return .int }
        if times.contains(y) && x == .string { return .int }
        throw Diagnostic("cannot compare \(x.rawValue) with \(y.rawValue); convert one side, e.g. with int(), float() or string()", at: at)
    }

    /// Ints, booleans (0/1) and times (microseconds; dates at midnight; ISO text parsed).
    private func int64s(_ v: Operand, at: SourceLocation) throws(Diagnostic) -> Either<Int64> {
        switch v {
        case .scalar(let s):
            switch s {
            case .int(let i): return .scalar(i)
            case .bool(let b): return .scalar(b ? 1 : 0)
            case .timestamp(let t): return .scalar(t)
            case .date(let d): return .scalar(Int64(d) &* microsPerDay)
            case .string(let text):
                switch parseISO8601(text) {
                case .timestamp(let t): return .scalar(t)
                case .date(let d): return .scalar(Int64(d) &* microsPerDay)
                case nil: throw Diagnostic("'\(text)' is not a date or timestamp; write ISO 8601 such as \"2023-07-01\" or \"2023-07-01T12:00:00Z\"", at: at)
                }
            default: return .scalar(0)
            }
        case .column(let c):
            switch c.data {
            case .int(let x), .timestamp(let x): return .column(x)
            case .bool(let x): return .column(x.map { $0 ? 1 : 0 })
            case .date(let x): return .column(x.map { Int64($0) &* microsPerDay })
            default: return .column([Int64](repeating: 0, count: c.count))
            }
        }
    }

    private func doubles(_ v: Operand) -> Either<Double> {
        switch v {
        case .scalar(let s): return .scalar(s.asDouble ?? .nan)
        case .column(let c): return .column(c.doubles ?? [])
        }
    }

    private func apply<T: Comparable>(_ op: BinaryOp, _ a: Either<T>, _ b: Either<T>) -> [Bool] {
        switch (a, b) {
        case (.column(let x), .scalar(let s)): return Self.compare(x, op, s)
        case (.scalar(let s), .column(let y)): return Self.compare(y, op.mirrored, s)
        case (.column(let x), .column(let y)):
            switch op {
            case .eq: return zip(x, y).map { $0 == $1 }
            case .ne: return zip(x, y).map { $0 != $1 }
            case .lt: return zip(x, y).map { $0 < $1 }
            case .le: return zip(x, y).map { $0 <= $1 }
            case .gt: return zip(x, y).map { $0 > $1 }
            default: return zip(x, y).map { $0 >= $1 }
            }
        case (.scalar(let s), .scalar(let t)):
            return [Bool](repeating: Self.compare([s], op, t)[0], count: rowCount)
        }
    }

    /// One loop per operator, so each is a tight, vectorizable loop rather than a call per row.
    private static func compare<T: Comparable>(_ x: [T], _ op: BinaryOp, _ s: T) -> [Bool] {
        switch op {
        case .eq: return x.map { $0 == s }
        case .ne: return x.map { $0 != s }
        case .lt: return x.map { $0 < s }
        case .le: return x.map { $0 <= s }
        case .gt: return x.map { $0 > s }
        default: return x.map { $0 >= s }
        }
    }

    /// Strings compare by UTF-8 bytes (code point order). A column against a constant compares each
    /// dictionary entry once.
    private func compareStrings(_ op: BinaryOp, _ a: Operand, _ b: Operand) -> [Bool] {
        func ordered(_ x: String, _ y: String) -> Bool {
            let less = x.utf8.lexicographicallyPrecedes(y.utf8)
            switch op {
            case .eq: return x == y
            case .ne: return x != y
            case .lt: return less
            case .le: return less || x == y
            case .gt: return !less && x != y
            default: return !less
            }
        }
        switch (a, b) {
        case (.column(let c), .scalar(.string(let s))) where op == .eq || op == .ne,
             (.scalar(.string(let s)), .column(let c)) where op == .eq || op == .ne:
            guard case .string(let codes, let dict) = c.data else { return [] }
            let perEntry = equalEntries(dict, s, equal: op == .eq)
            return codes.map { perEntry[Int($0)] }
        case (.column(let c), .scalar(.string(let s))):
            guard case .string(let codes, let dict) = c.data else { return [] }
            let perEntry = dict.values.map { ordered($0, s) }
            return codes.map { perEntry[Int($0)] }
        case (.scalar(.string(let s)), .column(let c)):
            guard case .string(let codes, let dict) = c.data else { return [] }
            let perEntry = dict.values.map { ordered(s, $0) }
            return codes.map { perEntry[Int($0)] }
        case (.column(let c), .column(let d)):
            guard case .string(let x, let dx) = c.data, case .string(let y, let dy) = d.data else { return [] }
            if dx == dy && (op == .eq || op == .ne) { return zip(x, y).map { ($0 == $1) == (op == .eq) } }
            return zip(x, y).map { ordered(dx.values[Int($0)], dy.values[Int($1)]) }
        default:
            return [Bool](repeating: false, count: rowCount)
        }
    }
}

/// Whether each dictionary entry's bytes equal (`equal`) or differ from `text`'s: byte equality,
/// a pass over millions of ids (issue 16) at a few ns per entry (`StringDictionary.codes(equalTo:)`),
/// where String's `==` (which also accepts canonically equivalent text) costs several times more.
private func equalEntries(_ dictionary: StringDictionary, _ text: String, equal: Bool) -> [Bool] {
    var result = [Bool](repeating: !equal, count: dictionary.count)
    for code in dictionary.codes(equalTo: text) { result[Int(code)] = equal }
    return result
}

/// A column compared with a constant, as the scan kernels take it.
private enum ConstantComparison {
    case ints([Int64], Validity?, Comparison, Int64)
    case floats([Double], Validity?, Comparison, Double)
}

enum Either<T> {
    case scalar(T)
    case column([T])
}

extension BinaryOp {
    /// The comparison kernels' name for a comparison operator; nil for the others.
    var comparison: Comparison? {
        switch self {
        case .eq: .equal
        case .ne: .notEqual
        case .lt: .less
        case .le: .lessOrEqual
        case .gt: .greater
        case .ge: .greaterOrEqual
        default: nil
        }
    }

    /// The operator with its operands swapped: `5 < x` is `x > 5`.
    var mirrored: BinaryOp {
        switch self {
        case .lt: .gt
        case .le: .ge
        case .gt: .lt
        case .ge: .le
        default: self
        }
    }
}
