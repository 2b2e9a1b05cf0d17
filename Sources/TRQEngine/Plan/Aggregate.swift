import TRQFrame
import TRQLanguage

/// `groupby KEY, ... [agg ...]` and `agg ...` (no keys: one row).
package struct Aggregate: Sendable {
    package var input: PlanNode
    package var keys: [ColumnRef]
    package var items: [NamedExpr]
    package var schema: Schema
    package var at: SourceLocation

    package var inputColumns: Set<String>? {
        items.reduce(into: Set(keys.map(\.name))) { $0.formUnion($1.expr.referencedColumns) }
    }

    static func bind(keys: [ColumnRef], items: [NamedExpr], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        let from = input.schema
        for key in keys { try from.require(key) }
        for item in items {
            try from.check(item.expr)
            try from.checkCalls(item.expr)
        }
        var schema = Schema(keys.map { SourceColumn(name: $0.name, type: from.type(of: $0.name)) })
        if !keys.isEmpty && items.isEmpty { schema.set("count", .int) }
        for item in items { schema.set(item.name, from.aggregateItemType(item.expr)) }
        return .aggregate(Aggregate(input: input, keys: keys, items: items, schema: schema, at: at))
    }

    /// Only `count()`s: the output names, for `FilterCountFusion`.
    package var onlyRowCounts: [String]? {
        guard keys.isEmpty, !items.isEmpty else { return nil }
        for item in items {
            guard case .call("count", let args, _) = item.expr, args.isEmpty else { return nil }
        }
        return items.map(\.name)
    }
}

extension Schema {
    /// The type of an agg item: its aggregate calls typed over the rows, the rest over the keys.
    func aggregateItemType(_ expr: Expr) -> DataType? {
        var groups = self
        for call in expr.aggregateItemParts.aggregates {
            guard case .call(let name, let args, _) = call else { continue }
            groups.set(call.text, FunctionTypes.result(of: name, arguments: args.map { type(of: $0) }))
        }
        return groups.type(ofGroupLevel: expr)
    }

    /// As `type(of:)`, with each aggregate call standing for the column named by its text.
    private func type(ofGroupLevel expr: Expr) -> DataType? {
        if case .call(let name, _, _) = expr, FunctionRegistry.byName[name]?.kind == .aggregate { return type(of: expr.text) }
        switch expr {
        case .binary(let op, let a, let b, let at):
            return Schema([SourceColumn(name: "a", type: type(ofGroupLevel: a)), SourceColumn(name: "b", type: type(ofGroupLevel: b))])
                .type(of: .binary(op, .column("a", at: at), .column("b", at: at), at: at))
        case .call(let name, let args, _):
            return FunctionTypes.result(of: name, arguments: args.map { type(ofGroupLevel: $0) })
        case .chain, .unary:
            return containsAggregate(expr) ? nil : type(of: expr)
        default:
            return type(of: expr)
        }
    }

    private func containsAggregate(_ expr: Expr) -> Bool { !expr.aggregateItemParts.aggregates.isEmpty }
}
