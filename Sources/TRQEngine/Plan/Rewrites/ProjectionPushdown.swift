/// Every node passes down the columns it needs of its input, so a scan reads only the columns
/// the pipeline uses (a CSV source then neither parses nor interns the others), and filters and
/// joins gather only the columns the nodes after them read.
enum ProjectionPushdown {
    static func apply(_ plan: PlanNode) -> PlanNode { pushed(plan, needed: nil) }

    /// `node` reading only what producing `needed` of its output takes (nil: all of it).
    private static func pushed(_ node: PlanNode, needed: Set<String>?) -> PlanNode {
        var node = node
        switch node {
        case .scan(let scan):
            if let needed { return .scan(scan.reading(needed)) }
            return node
        case .filter(var filter):
            filter.keeping = needed
            node = .filter(filter)
        case .join(var join):
            join.keeping = needed
            node = .join(join)
        default:
            break
        }
        if let input = node.input { node.input = pushed(input, needed: node.inputColumns(forOutput: needed)) }
        return node
    }
}
