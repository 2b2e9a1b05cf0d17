import TRQLanguage

/// `drop col, ...`
struct Drop: Sendable {
    var input: PlanNode
    var columns: [ColumnRef]
    var schema: Schema
    var at: SourceLocation

    static func bind(_ columns: [ColumnRef], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        var schema = input.schema
        for ref in columns {
            try input.schema.require(ref)
            schema.remove(ref.name)
        }
        return .drop(Drop(input: input, columns: columns, schema: schema, at: at))
    }
}
