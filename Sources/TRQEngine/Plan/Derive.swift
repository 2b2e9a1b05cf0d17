import TRQFrame
import TRQLanguage

/// `derive name = EXPR, ...`: adds or replaces columns; each item sees the ones before it.
package struct Derive: Sendable {
    package var input: PlanNode
    package var items: [NamedExpr]
    package var schema: Schema
    package var at: SourceLocation

    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? { needed.map { Self.inputColumns(of: items, forOutput: $0) } }

    /// The columns items read to produce `needed`, each item seeing the ones before it.
    static func inputColumns(of items: [NamedExpr], forOutput needed: Set<String>) -> Set<String> {
        var current = needed
        for item in items.reversed() {
            current.remove(item.name)
            current.formUnion(item.expr.referencedColumns)
        }
        return current
    }

    static func bind(_ items: [NamedExpr], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        .derive(Derive(input: input, items: items, schema: try input.schema.deriving(items), at: at))
    }
}

extension Schema {
    /// The schema with each item's column added or replaced, its names and calls checked first.
    func deriving(_ items: [NamedExpr]) throws(Diagnostic) -> Schema {
        var schema = self
        for item in items {
            try schema.check(item.expr)
            try schema.checkCalls(item.expr)
            schema.set(item.name, schema.type(of: item.expr))
        }
        return schema
    }
}
