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
            return op == .not ? "not \(e.text)" : "-\(e.text)"
        case .binary(let op, let a, let b, _):
            return "\(a.text) \(op.rawValue) \(b.text)"
        case .chain(let first, let links, _):
            return links.reduce(first.text) { "\($0) \($1.op.rawValue) \($1.operand.text)" }
        case .inList(let e, let items, let negated, _):
            return "\(e.text) \(negated ? "not in" : "in") [" + items.map(\.text).joined(separator: ", ") + "]"
        case .isNull(let e, let negated, _):
            return "\(e.text) is \(negated ? "not " : "")null"
        case .call(let name, let args, _):
            return "\(name)(" + args.map(\.text).joined(separator: ", ") + ")"
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
