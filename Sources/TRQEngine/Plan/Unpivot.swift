import TRQFrame
import TRQLanguage

/// `unpivot COL, ... into NAME, VALUE`: the other columns, then each listed column's name and
/// value, one row per input row and listed column.
package struct Unpivot: Sendable {
    package var input: PlanNode
    package var columns: [ColumnRef]
    package var name: String
    package var value: String
    package var schema: Schema
    package var at: SourceLocation

    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        needed.map { $0.subtracting([name, value]).union(columns.map(\.name)) }
    }

    static func bind(_ columns: [ColumnRef], name: String, value: String, on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        let from = input.schema
        for ref in columns { try from.require(ref) }
        let valueType = try Diagnostic.checked(.type, at: at) { () throws(FrameError) in
            try unpivotValueType(columns.map { ($0.name, from.type(of: $0.name)) }, others: from.names, nameColumn: name, valueColumn: value)
        }
        let listed = Set(columns.map(\.name))
        var schema = from
        schema.columns = from.columns.filter { !listed.contains($0.name) }
            + [SourceColumn(name: name, type: .string), SourceColumn(name: value, type: valueType)]
        return .unpivot(Unpivot(input: input, columns: columns, name: name, value: value, schema: schema, at: at))
    }
}
