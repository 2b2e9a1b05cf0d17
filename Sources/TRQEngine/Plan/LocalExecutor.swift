import TRQFrame
import TRQLanguage

/// Runs a plan in this process on TRQFrame's kernels: one case per operator.
struct LocalExecutor: PlanExecutor {
    let name = "local"

    func execute(_ plan: PlanNode, cancel: CancellationToken) throws(Diagnostic) -> Table {
        let input = try plan.input.map { node throws(Diagnostic) in try execute(node, cancel: cancel) }
        if let at = plan.location, cancel.isCancelled { throw Diagnostic(FrameError.cancelled, at: at) }
        let t = input ?? Table()
        func frame<R>(_ at: SourceLocation, _ body: () throws(FrameError) -> R) throws(Diagnostic) -> R {
            try Diagnostic.located(at: at, body)
        }
        switch plan {
        case .scan(let scan):
            return try read(scan, cancel: cancel)
        case .filter(let n):
            return try filtered(t, n.condition, limit: n.limit, keeping: n.keeping, at: n.at)
        case .countRows(let n):
            var matching = t.rowCount
            if let condition = n.condition {
                if let direct = try Evaluator(table: t).countMatching(condition) {
                    matching = direct
                } else {
                    matching = selectedRowCount(try filterMask(condition, on: t))
                }
            }
            var counts = Table()
            for name in n.names {
                try frame(n.at) { () throws(FrameError) in try counts.append(name, Column(.int([Int64(matching)]))) }
            }
            return counts
        case .select(let n):
            if n.items.isEmpty { return t }
            let eval = Evaluator(table: t)
            var out = Table()
            for item in n.items {
                let column = typed(try eval.column(item.expr), as: n.schema.type(of: item.name))
                try frame(n.at) { () throws(FrameError) in try out.append(item.name, column) }
            }
            return out
        case .derive(let n):
            var out = t
            for item in n.items {
                let column = typed(try Evaluator(table: out).column(item.expr), as: n.schema.type(of: item.name))
                try frame(n.at) { () throws(FrameError) in try out.set(item.name, column) }
            }
            return out
        case .drop(let n):
            var out = t
            for ref in n.columns { out.remove(ref.name) }
            return out
        case .rename(let n):
            var out = t
            for pair in n.pairs {
                _ = try columnIndex(pair.old, in: out)
                try frame(n.at) { () throws(FrameError) in try out.rename(pair.old.name, to: pair.new) }
            }
            return out
        case .aggregate(let n):
            return try aggregateStage(t, keys: n.keys, items: n.items, at: n.at)
        case .sort(let n):
            let eval = Evaluator(table: t)
            var columns: [(column: Column, descending: Bool)] = []
            for key in n.keys { columns.append((try eval.column(key.expr), key.descending)) }
            return t.take(try frame(n.at) { () throws(FrameError) in try sortIndices(columns) })
        case .top(let n):
            let key: Column
            let descending: Bool
            if let by = n.by {
                key = try Evaluator(table: t).column(by.expr)
                descending = by.descending
            } else {
                guard let numeric = t.columns.lastIndex(where: { $0.type == .int || $0.type == .float }) else {
                    throw Diagnostic("top needs `by EXPR` when the table has no numeric column", at: n.at, kind: .type)
                }
                key = t.columns[numeric]
                descending = true
            }
            var groups: [Column] = []
            for ref in n.per { groups.append(t.columns[try columnIndex(ref, in: t)]) }
            return t.take(try frame(n.at) { () throws(FrameError) in
                try topIndices(n: n.count, by: key, descending: descending, per: groups)
            })
        case .limit(let n):
            return n.count >= t.rowCount ? t : t.take(Array(0..<n.count))
        case .distinct(let n):
            return try frame(n.at) { () throws(FrameError) in try distinct(t, columns: n.columns.map(\.name)) }
        case .dropNulls(let n):
            return try frame(n.at) { () throws(FrameError) in try dropNulls(t, columns: n.columns.map(\.name)) }
        case .fillNulls(let n):
            var out = t
            let eval = Evaluator(table: t)
            for item in n.items {
                guard let column = out.column(item.name) else { throw Schema(out).unknownColumn(item.name, at: item.expr.location) }
                guard case .scalar(let value) = try eval.evaluate(item.expr) else {
                    throw Diagnostic("fillna needs a constant value for '\(item.name)'", at: item.expr.location, kind: .bind)
                }
                let filled = try frame(item.expr.location) { () throws(FrameError) in try column.fillingNulls(with: value, name: item.name) }
                try frame(n.at) { () throws(FrameError) in try out.set(item.name, filled) }
            }
            return out
        case .join(let n):
            let right = try execute(n.right, cancel: cancel)
            return try frame(n.at) { () throws(FrameError) in
                try join(t, right, kind: n.kind == .inner ? TRQFrame.JoinKind.inner : .left,
                         on: n.on.map { ($0.left.name, $0.right.name) }, keeping: n.keeping)
            }
        case .describe(let n):
            return try frame(n.at) { () throws(FrameError) in try describe(t) }
        case .window(let n):
            return try window(t, n.stage, at: n.at)
        case .pivot(let n):
            return try pivot(t, n)
        case .unpivot(let n):
            return try frame(n.at) { () throws(FrameError) in
                try unpivot(t, columns: n.columns.map(\.name), nameColumn: n.name, valueColumn: n.value)
            }
        case .union(let n):
            var parts: [(name: String, table: Table)] = [("this table", t)]
            for other in n.others { parts.append(("'\(other.name.name)'", try execute(other.plan, cancel: cancel))) }
            return try frame(n.at) { () throws(FrameError) in try union(parts) }
        case .crossJoin(let n):
            let right = try execute(n.right, cancel: cancel)
            return try frame(n.at) { () throws(FrameError) in try crossJoin(t, right) }
        }
    }

    /// A computed column with no values (an empty input, or all null) has the type the binder
    /// gave it, where evaluating row by row could not tell one (`if(...)` on no rows).
    private func typed(_ column: Column, as bound: DataType?) -> Column {
        guard let bound, column.type != bound, column.nullCount == column.count else { return column }
        return Column.nulls(bound, count: column.count)
    }

    /// A scan: the source reads the columns and applies the filters it can; the executor
    /// applies the filters it did not.
    private func read(_ scan: Scan, cancel: CancellationToken) throws(Diagnostic) -> Table {
        switch scan.origin {
        case .table(let table, _):
            var t = table
            if let columns = scan.columns { keepOnly(Set(columns), in: &t) }
            return t
        case .remote(let source):
            // Bound while another engine was connected, which no statement keeps across `.disconnect`.
            throw Diagnostic("\"\(source.pattern)\" was bound for another engine", at: scan.at, kind: .bind, hint: "run the pipeline again")
        case .files(let files, _):
            let result: SourceRead
            do {
                result = try files.read(columns: scan.columns, predicates: scan.filters.map(\.predicate), cancel: cancel)
            } catch {
                throw Diagnostic(loadError: error, at: scan.at)
            }
            var t = result.table
            for (i, filter) in scan.filters.enumerated() where !result.applied.contains(i) {
                t = try filtered(t, filter.expr, limit: nil, keeping: nil, at: filter.expr.location)
            }
            return t
        }
    }

    /// The rows of `t` where `condition` holds (the first `limit` of them when given), of the
    /// columns in `keeping` (all when nil). A column compared with a constant selects rows
    /// straight from its values; any other condition builds a mask.
    private func filtered(_ t: Table, _ condition: Expr, limit: Int?, keeping: Set<String>?, at: SourceLocation) throws(Diagnostic) -> Table {
        let selection: RowSelection
        if let direct = try Evaluator(table: t).selectMatching(condition, firstMatches: limit) {
            selection = direct
        } else {
            let mask = try filterMask(condition, on: t)
            selection = try Diagnostic.located(at: at) { () throws(FrameError) in try rowSelection(mask) }
        }
        var kept = t
        if let keeping { keepOnly(keeping, in: &kept) }
        return try Diagnostic.located(at: at) { () throws(FrameError) in try filter(kept, selection, limit: limit) }
    }

    /// Removes the columns not in `names`. One column always stays: a table without columns would
    /// lose its row count.
    private func keepOnly(_ names: Set<String>, in table: inout Table) {
        for name in table.names.dropFirst() where !names.contains(name) { table.remove(name) }
        if let first = table.names.first, !names.contains(first), table.columnCount > 1 { table.remove(first) }
    }

    func filterMask(_ condition: Expr, on t: Table, evaluator: Evaluator? = nil) throws(Diagnostic) -> Column {
        let mask = try (evaluator ?? Evaluator(table: t)).column(condition)
        guard mask.type == .bool else {
            throw Diagnostic("filter needs a true/false condition, but '\(condition.text)' is \(mask.type.rawValue)", at: condition.location, kind: .type)
        }
        return mask
    }
}

extension PlanNode {
    /// Where the node's stage or source is written.
    package var location: SourceLocation? {
        switch self {
        case .scan(let n): n.at
        case .filter(let n): n.at
        case .select(let n): n.at
        case .derive(let n): n.at
        case .drop(let n): n.at
        case .rename(let n): n.at
        case .aggregate(let n): n.at
        case .sort(let n): n.at
        case .top(let n): n.at
        case .limit(let n): n.at
        case .distinct(let n): n.at
        case .dropNulls(let n): n.at
        case .fillNulls(let n): n.at
        case .join(let n): n.at
        case .describe(let n): n.at
        case .countRows(let n): n.at
        case .window(let n): n.at
        case .pivot(let n): n.at
        case .unpivot(let n): n.at
        case .union(let n): n.at
        case .crossJoin(let n): n.at
        }
    }
}
