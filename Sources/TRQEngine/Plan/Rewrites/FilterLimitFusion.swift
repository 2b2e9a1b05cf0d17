/// `filter C | limit N` → a filter that stops comparing once N rows match and takes only those.
enum FilterLimitFusion {
    static func apply(_ plan: PlanNode) -> PlanNode {
        plan.rewrittenBottomUp { node in
            guard case .limit(let limit) = node, case .filter(var filter) = limit.input, filter.limit == nil else { return node }
            filter.limit = limit.count
            return .filter(filter)
        }
    }
}
