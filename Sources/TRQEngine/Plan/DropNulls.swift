import TRQLanguage

/// `dropna [col, ...]`: the rows without a null (in any column or these).
package struct DropNulls: Sendable {
    package var input: PlanNode
    package var columns: [ColumnRef]
    package var at: SourceLocation

    static func bind(_ columns: [ColumnRef], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        for ref in columns { try input.schema.require(ref) }
        return .dropNulls(DropNulls(input: input, columns: columns, at: at))
    }
}
