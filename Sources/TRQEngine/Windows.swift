import TRQFrame
import TRQLanguage

/// The local executor's window and pivot operators (`Plan/Window.swift`, `Plan/Pivot.swift`) on
/// TRQFrame's window, grouping and reshape kernels.
extension LocalExecutor {
    /// `derive ... [per ...] [by ...]` or `filter ... [per ...] [by ...]`: each aggregate and window
    /// call is computed once as a column over the rows' partitions (formed once per stage), then
    /// the items are evaluated row by row with the calls standing for those columns.
    func window(_ t: Table, _ window: WindowStage, at: SourceLocation) throws(Diagnostic) -> Table {
        func frame<R>(_ body: () throws(FrameError) -> R) throws(Diagnostic) -> R { try Diagnostic.located(at: at, body) }
        var perColumns: [Column] = []
        for ref in window.per { perColumns.append(t.columns[try columnIndex(ref, in: t)]) }
        var byColumns: [(column: Column, descending: Bool)] = []
        for key in window.by { byColumns.append((try Evaluator(table: t).column(key.expr), key.descending)) }
        let partitions = try frame { () throws(FrameError) in try grouping(perColumns, rowCount: t.rowCount) }
        var order: WindowOrder?
        func ordered() throws(Diagnostic) -> WindowOrder {
            if let order { return order }
            let made = try frame { () throws(FrameError) in try windowOrder(partitions, by: byColumns) }
            order = made
            return made
        }
        // Each call's column, by its text; dropped when a derive item replaces a column it reads.
        var computed: [String: (call: Expr, column: Column)] = [:]
        func compute(_ expr: Expr, over table: Table) throws(Diagnostic) -> Evaluator {
            let rows = Evaluator(table: table)
            for call in expr.aggregateItemParts.aggregates where computed[call.text] == nil {
                computed[call.text] = (call, try windowCall(call, rows: rows, partitions: partitions, ordered: ordered))
            }
            return Evaluator(table: table, aggregateResults: computed.mapValues(\.column))
        }
        switch window.verb {
        case .derive(let items):
            var out = t
            for item in items {
                let column = try compute(item.expr, over: out).column(item.expr)
                try frame { () throws(FrameError) in try out.set(item.name, column) }
                computed = computed.filter { !$0.value.call.referencedColumns.contains(item.name) }
            }
            return out
        case .filter(let condition):
            let mask = try filterMask(condition, on: t, evaluator: try compute(condition, over: t))
            return try frame { () throws(FrameError) in try filter(t, mask: mask) }
        }
    }

    /// One aggregate or window call as a column with a value per row.
    private func windowCall(_ call: Expr, rows: Evaluator, partitions: Grouping, ordered: () throws(Diagnostic) -> WindowOrder)
        throws(Diagnostic) -> Column
    {
        guard case .call(let name, let args, let at) = call else {
            throw Diagnostic("'\(call.text)' is not a function call", at: call.location)
        }
        func frame<R>(_ body: () throws(FrameError) -> R) throws(Diagnostic) -> R { try Diagnostic.located(at: at, body) }
        if FunctionRegistry.byName[name]?.kind == .aggregate {
            let request = try aggregateRequest(call, name: call.text, eval: rows)
            // Only first and last read the `by` order; other aggregates need just the partitions.
            let order = request.function == .first || request.function == .last ? try ordered() : nil
            return try frame { () throws(FrameError) in try windowAggregate(request, partitions: partitions, order: order) }
        }
        let input = try args.first.map { arg throws(Diagnostic) in try rows.column(arg) }
        func count(_ index: Int, default fallback: Int) -> Int {
            guard args.count > index, case .literal(.int(let n), _) = args[index] else { return fallback }
            return Int(clamping: n)
        }
        var fallback: Column?
        let function: WindowFunction
        switch name {
        case "row_number": function = .rowNumber
        case "rank": function = .rank
        case "dense_rank": function = .denseRank
        case "cumcount": function = .cumcount
        case "lag", "lead":
            function = name == "lag" ? .lag(count(1, default: 1)) : .lead(count(1, default: 1))
            if args.count == 3, case .literal(let literal, _) = args[2], literal != .null {
                fallback = Column(broadcasting: Value(literal), count: 1)
            }
        case "cumsum": function = .cumsum
        case "cummin": function = .cummin
        case "cummax": function = .cummax
        case "rolling_mean": function = .rollingMean(count(1, default: 1))
        case "rolling_sum": function = .rollingSum(count(1, default: 1))
        default: throw Diagnostic("unknown window function '\(name)'", at: at)
        }
        let order = try ordered()
        return try frame { () throws(FrameError) in
            try windowColumn(function, input, fallback: fallback, order: order, label: call.text)
        }
    }

    /// `pivot COL [using ...] [per ...]`: a groupby over the row keys and COL through the grouping
    /// kernels, then its cells spread into one column per value of COL.
    func pivot(_ t: Table, _ node: Pivot) throws(Diagnostic) -> Table {
        let rowKeys = node.rowKeys(of: t.names)
        // The aggregates get names no key has; the pivot names the output columns.
        var taken = Set(rowKeys + [node.column.name])
        var cells: [NamedExpr] = []
        for item in node.items {
            var name = item.name.isEmpty ? "value" : item.name
            while taken.contains(name) { name += "#" }
            taken.insert(name)
            cells.append(NamedExpr(name: name, expr: item.expr))
        }
        let keys = (rowKeys + [node.column.name]).map { ColumnRef(name: $0, at: node.at) }
        let grouped = try aggregateStage(t, keys: keys, items: cells, at: node.at)
        return try Diagnostic.located(at: node.at) { () throws(FrameError) in
            try TRQFrame.pivot(grouped, rowKeys: rowKeys, column: node.column.name, values: cells.map(\.name), valueNames: node.items.map(\.name))
        }
    }
}
