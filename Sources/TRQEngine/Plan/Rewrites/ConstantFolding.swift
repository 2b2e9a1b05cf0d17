import TRQFrame
import TRQLanguage

/// Parts of expressions that read no column (`30 * 1000`, `lower("US")`) are computed once, at
/// plan time, into literals: a folded comparison can then be pushed into a source. A part whose
/// evaluation fails, or whose value has no literal form (a date), is left to run as written, so
/// errors stay where and as they were.
enum ConstantFolding {
    static func apply(_ plan: PlanNode) -> PlanNode {
        plan.rewrittenBottomUp { node in
            switch node {
            case .filter(var n):
                n.condition = fold(n.condition)
                return .filter(n)
            case .derive(var n):
                n.items = n.items.map { NamedExpr(name: $0.name, expr: fold($0.expr)) }
                return .derive(n)
            case .select(var n):
                n.items = n.items.map { NamedExpr(name: $0.name, expr: fold($0.expr)) }
                return .select(n)
            case .window(var n):
                switch n.stage.verb {
                case .derive(let items): n.stage.verb = .derive(items.map { NamedExpr(name: $0.name, expr: fold($0.expr)) })
                case .filter(let condition): n.stage.verb = .filter(fold(condition))
                }
                return .window(n)
            case .sort(var n):
                n.keys = n.keys.map { SortKey(expr: fold($0.expr), descending: $0.descending) }
                return .sort(n)
            default:
                return node
            }
        }
    }

    static func fold(_ e: Expr) -> Expr {
        switch e {
        case .literal, .column, .map: return e
        default: break
        }
        if e.columnReferences.isEmpty, e.aggregateItemParts.aggregates.isEmpty, let literal = constant(e) {
            return .literal(literal, at: e.location)
        }
        switch e {
        case .unary(let op, let x, let at): return .unary(op, fold(x), at: at)
        case .binary(let op, let a, let b, let at): return .binary(op, fold(a), fold(b), at: at)
        case .chain(let first, let links, let at):
            return .chain(fold(first), links.map { ChainLink($0.op, fold($0.operand), at: $0.at) }, at: at)
        case .inList(let x, let items, let negated, let at): return .inList(fold(x), items.map(fold), negated: negated, at: at)
        case .isNull(let x, let negated, let at): return .isNull(fold(x), negated: negated, at: at)
        case .call(let name, let args, let at):
            return .call(name, args.map(fold), at: at)
        case .list(let items, let at): return .list(items.map(fold), at: at)
        case .literal, .column, .map: return e
        }
    }

    /// The value of a column-free expression as a literal, if it evaluates and has one.
    private static func constant(_ e: Expr) -> Literal? {
        if case .list = e { return nil }
        guard case .scalar(let value)? = try? Evaluator(table: Table()).evaluate(e) else { return nil }
        switch value {
        case .null: return .null
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .timestamp, .date: return nil
        }
    }
}
