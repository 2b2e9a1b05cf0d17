/// The rewrites, in the order they run: each takes a plan and returns one with the same result.
/// A new rewrite is a file here and an entry in this list.
enum Rewrites {
    static let all: [(name: String, rule: @Sendable (PlanNode) -> PlanNode)] = [
        ("constant folding", ConstantFolding.apply),
        ("filter pushdown", FilterPushdown.apply),
        ("filter+limit fusion", FilterLimitFusion.apply),
        ("filter+count fusion", FilterCountFusion.apply),
        ("projection pushdown", ProjectionPushdown.apply),
    ]

    static func apply(_ plan: PlanNode, skipping skipped: Set<String> = []) -> PlanNode {
        all.reduce(plan) { skipped.contains($1.name) ? $0 : $1.rule($0) }
    }
}

extension PlanNode {
    /// `rule` applied to every node, inputs first (so a rule sees its input already rewritten).
    func rewrittenBottomUp(_ rule: (PlanNode) -> PlanNode) -> PlanNode {
        var node = self
        if let input = node.input { node.input = input.rewrittenBottomUp(rule) }
        return rule(node)
    }
}
