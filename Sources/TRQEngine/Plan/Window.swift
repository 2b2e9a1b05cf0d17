import TRQFrame
import TRQLanguage

/// `derive ... per KEY, ... by KEY [asc|desc], ...` and the same after `filter`: aggregates and
/// window functions over each row's partition, in `by` order; the rows keep the input's order.
package struct Window: Sendable {
    package var input: PlanNode
    package var stage: WindowStage
    package var schema: Schema
    package var at: SourceLocation

    /// The columns the items read (as `Derive` counts them) plus the partition and order keys,
    /// which are read from the input whatever the items replace.
    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        guard let needed else { return nil }
        var current: Set<String>
        switch stage.verb {
        case .derive(let items): current = Derive.inputColumns(of: items, forOutput: needed)
        case .filter(let condition): current = needed.union(condition.referencedColumns)
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
        let schema: Schema
        switch stage.verb {
        case .derive(let items):
            schema = try from.deriving(items)
        case .filter(let condition):
            try from.checkCondition(condition)
            schema = from
        }
        return .window(Window(input: input, stage: stage, schema: schema, at: at))
    }
}
