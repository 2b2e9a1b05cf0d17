import TRQFrame
import TRQLanguage

/// `describe`: one row of statistics per input column.
package struct Describe: Sendable {
    package var input: PlanNode
    package var at: SourceLocation

    static let schema = Schema(
        [("name", DataType.string), ("type", .string), ("count", .int), ("nulls", .int), ("distinct", .int)].map { SourceColumn(name: $0.0, type: $0.1) }
            + ["mean", "std", "min", "p25", "p50", "p75", "max"].map { SourceColumn(name: $0, type: nil) })

    static func bind(on input: PlanNode, at: SourceLocation) -> PlanNode {
        .describe(Describe(input: input, at: at))
    }
}
