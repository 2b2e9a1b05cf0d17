import TRQLanguage

/// `distinct [col, ...]`: the first row of each distinct value (of all columns or these).
package struct Distinct: Sendable {
    package var input: PlanNode
    package var columns: [ColumnRef]
    package var at: SourceLocation

    static func bind(_ columns: [ColumnRef], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        for ref in columns { try input.schema.require(ref) }
        return .distinct(Distinct(input: input, columns: columns, at: at))
    }
}
