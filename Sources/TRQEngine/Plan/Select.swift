import TRQFrame
import TRQLanguage

/// `select col, name = EXPR, ...`: these columns only, in this order.
struct Select: Sendable {
    var input: PlanNode
    var items: [NamedExpr]
    var schema: Schema
    var at: SourceLocation

    var inputColumns: Set<String>? {
        items.isEmpty ? nil : items.reduce(into: Set()) { $0.formUnion($1.expr.referencedColumns) }
    }

    static func bind(_ items: [NamedExpr], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        let from = input.schema
        for item in items {
            try from.check(item.expr)
            try from.checkCalls(item.expr)
        }
        let schema = items.isEmpty ? from : Schema(items.map { SourceColumn(name: $0.name, type: from.type(of: $0.expr)) })
        return .select(Select(input: input, items: items, schema: schema, at: at))
    }
}
