import TRQFrame
import TRQLanguage

/// `derive name = EXPR, ...`: adds or replaces columns; each item sees the ones before it.
struct Derive: Sendable {
    var input: PlanNode
    var items: [NamedExpr]
    var schema: Schema
    var at: SourceLocation

    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        guard var current = needed else { return nil }
        for item in items.reversed() {
            current.remove(item.name)
            current.formUnion(item.expr.referencedColumns)
        }
        return current
    }

    static func bind(_ items: [NamedExpr], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        var schema = input.schema
        for item in items {
            try schema.check(item.expr)
            try schema.checkCalls(item.expr)
            schema.set(item.name, schema.type(of: item.expr))
        }
        return .derive(Derive(input: input, items: items, schema: schema, at: at))
    }
}
