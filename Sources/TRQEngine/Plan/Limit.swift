import TRQLanguage

/// `limit N`: the first N rows.
package struct Limit: Sendable {
    package var input: PlanNode
    package var count: Int
    package var at: SourceLocation

    static func bind(_ count: Expr, on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        .limit(Limit(input: input, count: try nonNegativeInt(count, what: "limit"), at: at))
    }
}
