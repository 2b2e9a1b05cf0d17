/// `filter C | agg n = count(), ...` → the matching rows counted without building them; also
/// `agg n = count()` straight on its input.
enum FilterCountFusion {
    static func apply(_ plan: PlanNode) -> PlanNode {
        plan.rewrittenBottomUp { node in
            guard case .aggregate(let aggregate) = node, let names = aggregate.onlyRowCounts else { return node }
            if case .filter(let filter) = aggregate.input, filter.limit == nil {
                return .countRows(CountRows(input: filter.input, condition: filter.condition, names: names, at: aggregate.at))
            }
            return .countRows(CountRows(input: aggregate.input, condition: nil, names: names, at: aggregate.at))
        }
    }
}
