import TRQFrame
import TRQLanguage

/// `derive ... per KEY, ... by KEY [asc|desc], ...` and the same after `filter`: aggregates and
/// window functions over each row's partition, in `by` order; the rows keep the input's order.
struct Window: Sendable {
    var input: PlanNode
    var stage: WindowStage
    var schema: Schema
    var at: SourceLocation

    /// The columns the items read (as `Derive` counts them) plus the partition and order keys,
    /// which are read from the input whatever the items replace.
    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        guard var current = needed else { return nil }
        switch stage.verb {
        case .derive(let items):
            for item in items.reversed() {
                current.remove(item.name)
                current.formUnion(item.expr.referencedColumns)
            }
        case .filter(let condition):
            current.formUnion(condition.referencedColumns)
        }
        current.formUnion(stage.per.map(\.name))
        for key in stage.by { current.formUnion(key.expr.referencedColumns) }
        return current
    }

    static func bind(_ stage: WindowStage, on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        let from = input.schema
        for ref in stage.per { try from.require(ref) }
        for key in stage.by {
            try from.check(key.expr)
            try from.checkCalls(key.expr)
        }
        var schema = from
        switch stage.verb {
        case .derive(let items):
            for item in items {
                try schema.check(item.expr)
                try schema.checkCalls(item.expr)
                schema.set(item.name, schema.type(of: item.expr))
            }
        case .filter(let condition):
            try schema.checkCondition(condition)
        }
        return .window(Window(input: input, stage: stage, schema: schema, at: at))
    }
}
