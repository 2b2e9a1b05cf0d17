import TRQFrame
import TRQLanguage

/// `pivot COL [using AGG | using name = AGG, ...] [per KEY, ...]`: a groupby over the row keys and
/// COL, its cells spread into one column per value of COL.
///
/// The output's columns depend on the data. When COL's values come unchanged from a bound table
/// (the pivot's input is that table, maybe sorted or with other columns derived, selected,
/// dropped or renamed), the binder reads its distinct values there (one grouping of one column in
/// memory, as DuckDB's PIVOT reads them first) and the schema is complete. Otherwise (a file, a
/// filter, a join before it) the schema has the row keys and is open (`Schema.pivotedBy`): the
/// names after it that it lacks are checked when the plan runs, and `explain` says so.
package struct Pivot: Sendable {
    package var input: PlanNode
    package var column: ColumnRef
    /// The cells' aggregates (`count()` when the stage has no `using`), named as written.
    package var items: [NamedExpr]
    package var per: [ColumnRef]
    /// COL's distinct values, ascending, when known before running.
    package var values: [Value]?
    package var schema: Schema
    package var at: SourceLocation

    /// Without `per`, every input column names the rows, so all are read.
    package var inputColumns: Set<String>? {
        if per.isEmpty { return nil }
        return items.reduce(into: Set(per.map(\.name) + [column.name])) { $0.formUnion($1.expr.referencedColumns) }
    }

    /// The rows' key columns: `per`, or every column of the input the pivot does not read.
    func rowKeys(of names: [String]) -> [String] {
        if !per.isEmpty { return per.map(\.name) }
        let read = items.reduce(into: Set([column.name])) { $0.formUnion($1.expr.referencedColumns) }
        return names.filter { !read.contains($0) }
    }

    static func bind(column: ColumnRef, using: [NamedExpr], per: [ColumnRef], on input: PlanNode, at: SourceLocation) throws(Diagnostic) -> PlanNode {
        let from = input.schema
        try from.require(column)
        for ref in per { try from.require(ref) }
        for item in using {
            try from.check(item.expr)
            try from.checkCalls(item.expr)
        }
        let items = using.isEmpty ? [NamedExpr(name: "", expr: .call("count", [], at: at))] : using
        var pivot = Pivot(input: input, column: column, items: items, per: per, values: nil, schema: Schema([]), at: at)
        let keys = pivot.rowKeys(of: from.names).map { SourceColumn(name: $0, type: from.type(of: $0)) }
        guard let known = boundColumn(column.name, under: input) else {
            pivot.schema = Schema(keys, pivotedBy: column.name)
            return .pivot(pivot)
        }
        let values = try Diagnostic.checked(.limit, at: column.at) { () throws(FrameError) in try pivotValues(known, name: column.name) }
        let cellTypes = items.map { from.aggregateItemType($0.expr) }
        var columns = keys
        for value in values {
            for (name, type) in zip(pivotColumnNames(value, valueNames: items.map(\.name)), cellTypes) {
                columns.append(SourceColumn(name: name, type: type))
            }
        }
        pivot.values = values
        pivot.schema = Schema(columns)
        return .pivot(pivot)
    }

    /// The column `name` of `node`'s output when its values are those of a bound table's column,
    /// unchanged and with all its rows.
    private static func boundColumn(_ name: String, under node: PlanNode) -> Column? {
        switch node {
        case .scan(let scan):
            guard case .table(let table, _) = scan.origin, scan.filters.isEmpty else { return nil }
            return table.column(name)
        case .sort(let n):
            return boundColumn(name, under: n.input)
        case .drop(let n):
            return boundColumn(name, under: n.input)
        case .derive(let n):
            return n.items.contains { $0.name == name } ? nil : boundColumn(name, under: n.input)
        case .window(let n):
            guard case .derive(let items) = n.stage.verb, !items.contains(where: { $0.name == name }) else { return nil }
            return boundColumn(name, under: n.input)
        case .select(let n):
            if n.items.isEmpty { return boundColumn(name, under: n.input) }
            guard let item = n.items.first(where: { $0.name == name }), case .column(let source, _) = item.expr else { return nil }
            return boundColumn(source, under: n.input)
        case .rename(let n):
            var source = name
            for pair in n.pairs.reversed() where pair.new == source { source = pair.old.name }
            return boundColumn(source, under: n.input)
        default:
            return nil
        }
    }
}

extension Diagnostic {
    /// A kernel's check run at bind time, its error located at `at` with `kind`.
    static func checked<R>(_ kind: ErrorKind, at: SourceLocation, _ body: () throws(FrameError) -> R) throws(Diagnostic) -> R {
        do { return try body() } catch { throw Diagnostic(error.message, at: at, kind: kind) }
    }
}
