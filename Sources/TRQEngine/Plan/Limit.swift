import TRQLanguage

/// `limit N`: the first N rows.
struct Limit: Sendable {
    var input: PlanNode
    var count: Int
    var at: SourceLocation

    static func bind(_ count: Expr, on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        .limit(Limit(input: input, count: try nonNegativeInt(count, what: "limit"), at: at))
    }
}
