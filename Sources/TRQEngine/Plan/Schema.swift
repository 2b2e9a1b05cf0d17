import TRQFrame
import TRQLanguage

/// A plan node's output columns, known before anything runs. A type is nil where it is known
/// only once the data is read (a CSV column's inferred type) or cannot be told from the types
/// of what it is computed from.
package struct Schema: Sendable, Equatable {
    package var columns: [SourceColumn]
    /// Set after a pivot whose values are known only once it runs: the column whose values name
    /// further columns. Names the schema lacks are then checked when the plan runs.
    package var pivotedBy: String?

    init(_ columns: [SourceColumn], pivotedBy: String? = nil) {
        self.columns = columns
        self.pivotedBy = pivotedBy
    }

    init(_ table: Table) {
        columns = zip(table.names, table.columns).map { SourceColumn(name: $0, type: $1.type) }
    }

    package var names: [String] { columns.map(\.name) }

    func contains(_ name: String) -> Bool { columns.contains { $0.name == name } }

    /// The type of a column the schema has (nil: unknown).
    package func type(of name: String) -> DataType? { columns.first { $0.name == name }?.type }

    /// Replaces a column in place, or adds it at the end.
    package mutating func set(_ name: String, _ type: DataType?) {
        if let i = columns.firstIndex(where: { $0.name == name }) { columns[i].type = type } else {
            columns.append(SourceColumn(name: name, type: type))
        }
    }

    mutating func remove(_ name: String) { columns.removeAll { $0.name == name } }

    /// The error for a column the schema lacks, as the evaluator words it.
    func unknownColumn(_ name: String, at: SourceLocation) -> Diagnostic {
        Diagnostic("unknown column '\(name)'", at: at, kind: .notFound, hint: nearestName(to: name, in: names).map { "did you mean '\($0)'?" })
    }

    /// Whether `name` is certainly not a column (it may be one of an open pivot's).
    func lacks(_ name: String) -> Bool { pivotedBy == nil && !contains(name) }

    func require(_ ref: ColumnRef) throws(Diagnostic) {
        if lacks(ref.name) { throw unknownColumn(ref.name, at: ref.at) }
    }

    /// Checks that every column `expr` reads exists, the first missing one (left to right) failing.
    func check(_ expr: Expr) throws(Diagnostic) {
        for column in expr.columnReferences where lacks(column.name) {
            throw unknownColumn(column.name, at: column.at)
        }
    }
}

extension Expr {
    /// Every column reference, left to right, with its position.
    package var columnReferences: [(name: String, at: SourceLocation)] {
        var found: [(name: String, at: SourceLocation)] = []
        visit { e in
            if case .column(let name, let at) = e { found.append((name, at)) }
            return true
        }
        return found
    }
}
