import TRQLanguage

/// `fillna col = VALUE, ...`: nulls replaced by constants.
struct FillNulls: Sendable {
    var input: PlanNode
    var items: [NamedExpr]
    var at: SourceLocation

    static func bind(_ items: [NamedExpr], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        for item in items where input.schema.lacks(item.name) {
            throw input.schema.unknownColumn(item.name, at: item.expr.location)
        }
        return .fillNulls(FillNulls(input: input, items: items, at: at))
    }
}
