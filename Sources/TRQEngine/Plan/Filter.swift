import TRQFrame
import TRQLanguage

/// `filter EXPR`: the rows where the condition is true. `limit` is a `limit N` fused into it
/// (`FilterLimitFusion`); `keeping` the columns later nodes read (projection pushdown), so
/// that only those are gathered.
package struct Filter: Sendable {
    package var input: PlanNode
    package var condition: Expr
    package var limit: Int?
    package var keeping: Set<String>?
    package var at: SourceLocation

    static func bind(_ condition: Expr, on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        try input.schema.checkCondition(condition)
        return .filter(Filter(input: input, condition: condition, at: at))
    }
}

extension Schema {
    /// Checks a filter's condition: its columns, its calls, and that it is true/false.
    func checkCondition(_ condition: Expr) throws(Diagnostic) {
        try check(condition)
        try checkCalls(condition)
        if let type = type(of: condition), type != .bool {
            throw Diagnostic("filter needs a true/false condition, but '\(condition.text)' is \(type.rawValue)", at: condition.location, kind: .type)
        }
    }
}
