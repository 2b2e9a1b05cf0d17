import TRQFrame
import TRQLanguage

extension Session {
    /// `derive ... [per ...] [by ...]` or `filter ... [per ...] [by ...]`: each aggregate and window
    /// call is computed once as a column over the rows' partitions (formed once per stage), then
    /// the items are evaluated row by row with the calls standing for those columns.
    func windowStage(_ t: Table, _ window: WindowStage, at: SourceLocation) throws(Diagnostic) -> Table {
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
            let mask = try compute(condition, over: t).column(condition)
            guard mask.type == .bool else {
                throw Diagnostic("filter needs a true/false condition, but '\(condition.text)' is \(mask.type.rawValue)", at: condition.location)
            }
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
        if Vocabulary.aggregateFunctions.contains(name) {
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
    func pivotStage(_ t: Table, column: ColumnRef, using: [NamedExpr], per: [ColumnRef], at: SourceLocation) throws(Diagnostic) -> Table {
        _ = try columnIndex(column, in: t)
        for ref in per { _ = try columnIndex(ref, in: t) }
        let items = using.isEmpty ? [NamedExpr(name: "", expr: .call("count", [], at: at))] : using
        let rowKeys: [String]
        if per.isEmpty {
            // Without per, the rows are keyed by every column the pivot does not consume.
            let read = items.reduce(into: Set([column.name])) { $0.formUnion($1.expr.referencedColumns) }
            rowKeys = t.names.filter { !read.contains($0) }
        } else {
            rowKeys = per.map(\.name)
        }
        // The aggregates get names no key has; the pivot names the output columns.
        var taken = Set(rowKeys + [column.name])
        var cells: [NamedExpr] = []
        for item in items {
            var name = item.name.isEmpty ? "value" : item.name
            while taken.contains(name) { name += "#" }
            taken.insert(name)
            cells.append(NamedExpr(name: name, expr: item.expr))
        }
        let keys = (rowKeys + [column.name]).map { ColumnRef(name: $0, at: at) }
        let grouped = try aggregateStage(t, keys: keys, items: cells, at: at)
        return try Diagnostic.located(at: at) { () throws(FrameError) in
            try pivot(grouped, rowKeys: rowKeys, column: column.name, values: cells.map(\.name), valueNames: items.map(\.name))
        }
    }

    func unpivotStage(_ t: Table, columns: [ColumnRef], name: String, value: String, at: SourceLocation) throws(Diagnostic) -> Table {
        for ref in columns { _ = try columnIndex(ref, in: t) }
        return try Diagnostic.located(at: at) { () throws(FrameError) in
            try unpivot(t, columns: columns.map(\.name), nameColumn: name, valueColumn: value)
        }
    }

    func unionStage(_ t: Table, _ tables: [ColumnRef], at: SourceLocation) throws(Diagnostic) -> Table {
        var parts: [(name: String, table: Table)] = [("this table", t)]
        for ref in tables { parts.append(("'\(ref.name)'", try table(named: ref.name, at: ref.at))) }
        return try Diagnostic.located(at: at) { () throws(FrameError) in try union(parts) }
    }

    func crossJoinStage(_ t: Table, table name: String, tableAt: SourceLocation, at: SourceLocation) throws(Diagnostic) -> Table {
        let right = try table(named: name, at: tableAt)
        return try Diagnostic.located(at: at) { () throws(FrameError) in try crossJoin(t, right) }
    }
}
