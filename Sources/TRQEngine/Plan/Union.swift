import TRQFrame
import TRQLanguage

/// `union NAME, ...`: the bound tables' rows after the input's, matched by column name.
package struct Union: Sendable {
    package var input: PlanNode
    /// The tables after the input, each as the scan of a bound table, with its name as written.
    package var others: [(name: ColumnRef, plan: PlanNode)]
    package var schema: Schema
    package var at: SourceLocation

    static func bind(_ others: [(name: ColumnRef, plan: PlanNode)], onto input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        let parts = [("this table", input.schema)] + others.map { ("'\($0.name.name)'", $0.plan.schema) }
        let columns = try Diagnostic.checked(.type, at: at) { () throws(FrameError) in
            try unionColumns(parts.map { ($0.0, $0.1.columns.map { ($0.name, $0.type) }) })
        }
        let schema = Schema(columns.map { SourceColumn(name: $0.name, type: $0.type) }, pivotedBy: parts.lazy.compactMap(\.1.pivotedBy).first)
        return .union(Union(input: input, others: others, schema: schema, at: at))
    }
}
