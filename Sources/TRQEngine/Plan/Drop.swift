import TRQLanguage

/// `drop col, ...`
package struct Drop: Sendable {
    package var input: PlanNode
    package var columns: [ColumnRef]
    package var schema: Schema
    package var at: SourceLocation

    static func bind(_ columns: [ColumnRef], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        var schema = input.schema
        for ref in columns {
            try input.schema.require(ref)
            schema.remove(ref.name)
        }
        return .drop(Drop(input: input, columns: columns, schema: schema, at: at))
    }
}
