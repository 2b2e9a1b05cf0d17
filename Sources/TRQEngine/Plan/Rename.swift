import TRQLanguage

/// `rename new = old, ...`, one pair after the other.
package struct Rename: Sendable {
    package var input: PlanNode
    package var pairs: [(new: String, old: ColumnRef)]
    package var schema: Schema
    package var at: SourceLocation

    func inputColumns(forOutput needed: Set<String>?) -> Set<String>? {
        guard var current = needed else { return nil }
        for pair in pairs.reversed() where current.remove(pair.new) != nil { current.insert(pair.old.name) }
        return current
    }

    static func bind(_ pairs: [(new: String, old: ColumnRef)], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        var schema = input.schema
        for pair in pairs {
            try schema.require(pair.old)
            if let i = schema.columns.firstIndex(where: { $0.name == pair.old.name }) {
                schema.columns[i].name = pair.new
            } else {
                schema.set(pair.new, nil)  // one of an open pivot's columns
            }
        }
        return .rename(Rename(input: input, pairs: pairs, schema: schema, at: at))
    }
}
