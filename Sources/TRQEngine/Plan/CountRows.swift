import TRQFrame
import TRQLanguage

/// `filter C | agg n = count(), ...` fused (`FilterCountFusion`): the number of rows where C is
/// true (all rows without C), counted without building them.
package struct CountRows: Sendable {
    package var input: PlanNode
    package var condition: Expr?
    package var names: [String]
    package var at: SourceLocation

    package var schema: Schema { Schema(names.map { SourceColumn(name: $0, type: .int) }) }
}
