import TRQFrame
import TRQLanguage

/// `join [inner|left] NAME on KEY [= KEY2], ...`: a hash join with a bound table. `keeping` is
/// the set of output columns later nodes read (projection pushdown), so only those are gathered.
package struct Join: Sendable {
    package var input: PlanNode
    package var right: PlanNode
    package var kind: TRQLanguage.JoinKind
    package var on: [(left: ColumnRef, right: ColumnRef)]
    package var keeping: Set<String>?
    package var schema: Schema
    package var at: SourceLocation

    /// The left columns the output needs, the left keys, and every left column whose name the
    /// right side also has (it decides which right columns get `_right`).
    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        needed.map { Self.leftColumns(input, right, forOutput: $0).union(on.map(\.left.name)) }
    }

    /// The left columns a join's output needs, and every left column whose name the right side
    /// also has (it decides which right columns get `_right`).
    static func leftColumns(_ left: PlanNode, _ right: PlanNode, forOutput needed: Set<String>) -> Set<String> {
        let names = Set(left.schema.names)
        return names.intersection(needed).union(names.intersection(right.schema.names))
    }

    static func bind(kind: TRQLanguage.JoinKind, right: PlanNode, on: [(left: ColumnRef, right: ColumnRef)],
                     onto input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        let (l, r) = (input.schema, right.schema)
        for pair in on {
            try l.require(pair.left)
            try r.require(pair.right)
        }
        // As the kernel names them: right keys named like their left key are dropped, other
        // clashing right names get `_right` (until unique).
        let dropped = Set(on.filter { $0.left.name == $0.right.name }.map(\.right.name))
        var schema = l
        var taken = Set(l.names)
        for column in r.columns where !dropped.contains(column.name) {
            var name = column.name
            while taken.contains(name) || (name != column.name && r.contains(name)) { name += "_right" }
            taken.insert(name)
            schema.columns.append(SourceColumn(name: name, type: column.type))
        }
        return .join(Join(input: input, right: right, kind: kind, on: on, schema: schema, at: at))
    }
}
