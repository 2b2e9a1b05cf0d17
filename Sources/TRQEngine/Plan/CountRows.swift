import TRQFrame
import TRQLanguage

/// `filter C | agg n = count(), ...` fused (`FilterCountFusion`): the number of rows where C is
/// true (all rows without C), counted without building them.
struct CountRows: Sendable {
    var input: PlanNode
    var condition: Expr?
    var names: [String]
    var at: SourceLocation

    var schema: Schema { Schema(names.map { SourceColumn(name: $0, type: .int) }) }
}
