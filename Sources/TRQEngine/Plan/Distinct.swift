import TRQLanguage

/// `distinct [col, ...]`: the first row of each distinct value (of all columns or these).
struct Distinct: Sendable {
    var input: PlanNode
    var columns: [ColumnRef]
    var at: SourceLocation

    static func bind(_ columns: [ColumnRef], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        for ref in columns { try input.schema.require(ref) }
        return .distinct(Distinct(input: input, columns: columns, at: at))
    }
}
