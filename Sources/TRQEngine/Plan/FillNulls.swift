import TRQLanguage

/// `fillna col = VALUE, ...`: nulls replaced by constants.
package struct FillNulls: Sendable {
    package var input: PlanNode
    package var items: [NamedExpr]
    package var at: SourceLocation

    static func bind(_ items: [NamedExpr], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        for item in items where input.schema.lacks(item.name) {
            throw input.schema.unknownColumn(item.name, at: item.expr.location)
        }
        return .fillNulls(FillNulls(input: input, items: items, at: at))
    }
}
