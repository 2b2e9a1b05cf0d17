import TRQFrame
import TRQLanguage

extension Expr {
    /// Source-like text of the expression, for error messages and default column names.
    var text: String {
        switch self {
        case .literal(let l, _):
            switch l {
            case .null: return "null"
            case .bool(let b): return b ? "true" : "false"
            case .int(let i): return String(i)
            case .float(let d): return formatDouble(d)
            case .string(let s):
                // Escaped as in the source, so that different strings never share a text.
                return "\"" + s.replacingOccurrences("\\", with: "\\\\").replacingOccurrences("\"", with: "\\\"") + "\""
            }
        case .column(let name, _):
            return Vocabulary.isBareName(name) ? name : "`\(name)`"
        case .list(let items, _):
            return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .map(let pairs, _):
            return "{ " + pairs.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + " }"
        case .unary(let op, let e, _):
            return op == .not ? "not \(e.text(above: binding))" : "-\(e.text(above: binding))"
        case .binary(let op, let a, let b, _):
            return "\(a.text(above: binding - 1)) \(op.rawValue) \(b.text(above: binding))"
        case .chain(let first, let links, _):
            return links.reduce(first.text(above: binding - 1)) { "\($0) \($1.op.rawValue) \($1.operand.text(above: binding))" }
        case .inList(let e, let items, let negated, _):
            return "\(e.text(above: binding)) \(negated ? "not in" : "in") [" + items.map(\.text).joined(separator: ", ") + "]"
        case .isNull(let e, let negated, _):
            return "\(e.text(above: binding)) is \(negated ? "not " : "")null"
        case .call(let name, let args, _):
            return "\(name)(" + args.map(\.text).joined(separator: ", ") + ")"
        }
    }

    /// The text, in parentheses when this expression binds no tighter than `level`: an operand
    /// keeps the grouping it was written with (`(a + b) * c`), so that different expressions
    /// never share a text (aggregate calls are told apart by it).
    private func text(above level: Int) -> String { binding <= level ? "(\(text))" : text }

    /// How tightly the expression's outermost operator binds, as the parser's precedence levels
    /// (or, and, not, comparison, additive, multiplicative, unary minus); operands and calls bind tightest.
    private var binding: Int {
        func level(_ op: BinaryOp) -> Int {
            switch op {
            case .or: 1
            case .and: 2
            case .eq, .ne, .lt, .le, .gt, .ge, .like, .regex: 4
            case .add, .sub: 5
            case .mul, .div, .mod: 6
            }
        }
        switch self {
        case .binary(let op, _, _, _): return level(op)
        case .chain(_, let links, _): return links.first.map { level($0.op) } ?? 8
        case .unary(let op, _, _): return op == .not ? 3 : 7
        case .inList, .isNull: return 4
        case .literal, .column, .list, .map, .call: return 8
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
