import TRQFrame
import TRQLanguage

extension Schema {
    /// The type an expression yields over rows of this schema, as the evaluator computes it;
    /// nil where that depends on the data (an unknown input type, a null literal).
    package func type(of expr: Expr) -> DataType? {
        switch expr {
        case .literal(let literal, _): return Value(literal).type
        case .column(let name, _): return type(of: name)
        case .list, .map: return nil
        case .unary(.not, _, _), .inList, .isNull: return .bool
        case .unary(.negate, let e, _): return type(of: e)
        case .binary(let op, let a, let b, _): return Self.type(op, type(of: a), type(of: b))
        case .chain(let first, let links, _):
            return links.reduce(type(of: first)) { Self.type($1.op, $0, type(of: $1.operand)) }
        case .call(let name, let args, _):
            return FunctionTypes.result(of: name, arguments: args.map { type(of: $0) })
        }
    }

    private static func type(_ op: BinaryOp, _ a: DataType?, _ b: DataType?) -> DataType? {
        switch op {
        case .or, .and, .eq, .ne, .lt, .le, .gt, .ge, .like, .regex: return .bool
        case .div: return .float
        case .add, .sub, .mul, .mod:
            guard let a, let b else { return nil }
            if a == .int && b == .int { return .int }
            if [a, b].allSatisfy({ $0 == .int || $0 == .float }) { return .float }
            if op == .add && a == .string && b == .string { return .string }
            return nil
        }
    }
}
