import TRQFrame
import TRQLanguage

/// `select col, name = EXPR, ...`: these columns only, in this order.
package struct Select: Sendable {
    package var input: PlanNode
    package var items: [NamedExpr]
    package var schema: Schema
    package var at: SourceLocation

    package var inputColumns: Set<String>? {
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
