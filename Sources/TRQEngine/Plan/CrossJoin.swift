import TRQFrame
import TRQLanguage

/// `join cross NAME`: every pair of rows, the input's row by row, each with every row of NAME.
package struct CrossJoin: Sendable {
    package var input: PlanNode
    package var right: PlanNode
    package var schema: Schema
    package var at: SourceLocation

    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        needed.map { Join.leftColumns(input, right, forOutput: $0) }
    }

    static func bind(right: PlanNode, onto input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        var schema = input.schema
        let names = rightOutputNames(schema.names, right.schema.names, dropped: [])
        for (name, column) in zip(names, right.schema.columns) { schema.columns.append(SourceColumn(name: name, type: column.type)) }
        return .crossJoin(CrossJoin(input: input, right: right, schema: schema, at: at))
    }
}
