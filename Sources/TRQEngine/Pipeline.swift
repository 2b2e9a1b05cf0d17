import TRQFrame
import TRQLanguage

/// The outcome of a pipeline: its table, whether to print it, and any text to print first
/// (a terminal chart, an evaluation's per-class report).
struct PipelineResult {
    var table: Table
    var printsTable = true
    var text: String?
}

extension Session {
    /// Runs a pipeline. With `sampleRows`, only the first rows of the source are used (completion).
    func evaluate(_ pipeline: Pipeline, sampleRows: Int? = nil) throws(Diagnostic) -> PipelineResult {
        var result = PipelineResult(table: try source(pipeline))
        if let needed = pipeline.sourceColumnsNeeded { keepOnly(needed, in: &result.table) }
        if let sampleRows, result.table.rowCount > sampleRows {
            result.table = result.table.take(Array(0..<sampleRows))
        }
        var stages = pipeline.stages[...]
        while let stage = stages.popFirst() {
            try Diagnostic.located(at: stage.at) { () throws(FrameError) in try FrameError.checkCancellation() }
            if case .filter(let condition) = stage.kind, let next = stages.first, let names = onlyRowCounts(next) {
                // `filter C | agg n = count()` counts the matching rows without building them.
                let matching: Int
                if let direct = try Evaluator(table: result.table).countMatching(condition) {
                    matching = direct
                } else {
                    matching = selectedRowCount(try filterMask(condition, on: result.table))
                }
                var counts = Table()
                for name in names {
                    try Diagnostic.located(at: next.at) { () throws(FrameError) in try counts.append(name, Column(.int([Int64(matching)]))) }
                }
                result = PipelineResult(table: counts)
                stages.removeFirst()
                continue
            }
            // `filter C | limit N` stops comparing once N rows match and takes only those.
            var limit: Int?
            if case .filter = stage.kind, let next = stages.first, case .limit(let count) = next.kind,
               let n = try? nonNegativeInt(count, what: "limit") {
                limit = n
                stages.removeFirst()
            }
            result = try apply(stage, to: result.table, later: Pipeline.columnsNeeded(by: stages), limit: limit)
        }
        return result
    }

    private func joined(_ t: Table, _ kind: TRQLanguage.JoinKind, _ name: String, _ tableAt: SourceLocation,
                        _ on: [(left: ColumnRef, right: ColumnRef)], keeping: Set<String>?, at: SourceLocation) throws(Diagnostic) -> Table {
        let right = try table(named: name, at: tableAt)
        for pair in on {
            _ = try columnIndex(pair.left, in: t)
            _ = try columnIndex(pair.right, in: right)
        }
        return try Diagnostic.located(at: at) { () throws(FrameError) in
            try join(t, right, kind: kind == .inner ? TRQFrame.JoinKind.inner : .left,
                     on: on.map { ($0.left.name, $0.right.name) }, keeping: keeping)
        }
    }

    private func source(_ pipeline: Pipeline) throws(Diagnostic) -> Table {
        switch pipeline.source {
        case .table(let name, let at): return try table(named: name, at: at)
        case .load(let path, let options, let at) where isParquetLoad(path, options: options):
            var filter: Expr?
            if case .filter(let condition)? = pipeline.stages.first?.kind { filter = condition }
            return try loadParquet(path, options: options, columns: pipeline.sourceColumnsNeeded, filter: filter, at: at)
        case .load(let path, let options, let at): return try load(path, options: options, at: at)
        }
    }

    /// Applies one stage. `later` is the set of columns the stages after it read (nil: all), so a
    /// filter or join takes only those; `limit` is a `limit N` fused into a filter.
    private func apply(_ stage: Stage, to t: Table, later: Set<String>?, limit: Int?) throws(Diagnostic) -> PipelineResult {
        let at = stage.at
        let eval = Evaluator(table: t)
        func frame<R>(_ body: () throws(FrameError) -> R) throws(Diagnostic) -> R {
            try Diagnostic.located(at: at, body)
        }
        switch stage.kind {
        case .filter(let condition):
            return PipelineResult(table: try filtered(t, condition, limit: limit, keeping: later, at: at))
        case .select(let items):
            var out = Table()
            for item in items {
                let column = try eval.column(item.expr)
                try frame { () throws(FrameError) in try out.append(item.name, column) }
            }
            if items.isEmpty { return PipelineResult(table: t) }
            return PipelineResult(table: out)
        case .derive(let items):
            var out = t
            for item in items {
                let column = try Evaluator(table: out).column(item.expr)
                try frame { () throws(FrameError) in try out.set(item.name, column) }
            }
            return PipelineResult(table: out)
        case .drop(let refs):
            var out = t
            for ref in refs { _ = try columnIndex(ref, in: t) }
            out.remove(Set(refs.map(\.name)))
            return PipelineResult(table: out)
        case .rename(let pairs):
            var out = t
            for pair in pairs {
                _ = try columnIndex(pair.old, in: out)
                try frame { () throws(FrameError) in try out.rename(pair.old.name, to: pair.new) }
            }
            return PipelineResult(table: out)
        case .groupby(let keys, let aggregates):
            return PipelineResult(table: try aggregateStage(t, keys: keys, items: aggregates, at: at))
        case .agg(let aggregates):
            return PipelineResult(table: try aggregateStage(t, keys: [], items: aggregates, at: at))
        case .sort(let keys):
            var columns: [(column: Column, descending: Bool)] = []
            for key in keys { columns.append((try eval.column(key.expr), key.descending)) }
            return PipelineResult(table: t.take(try frame { () throws(FrameError) in try sortIndices(columns) }))
        case .top(let count, let by, let per):
            let n = try nonNegativeInt(count, what: "top")
            let key: Column
            let descending: Bool
            if let by {
                key = try eval.column(by.expr)
                descending = by.descending
            } else {
                guard let numeric = t.columns.lastIndex(where: { $0.type == .int || $0.type == .float }) else {
                    throw Diagnostic("top needs `by EXPR` when the table has no numeric column", at: at)
                }
                key = t.columns[numeric]
                descending = true
            }
            var groups: [Column] = []
            for ref in per { groups.append(t.columns[try columnIndex(ref, in: t)]) }
            return PipelineResult(table: t.take(try frame { () throws(FrameError) in
                try topIndices(n: n, by: key, descending: descending, per: groups)
            }))
        case .limit(let count):
            let n = try nonNegativeInt(count, what: "limit")
            return PipelineResult(table: n >= t.rowCount ? t : t.take(Array(0..<n)))
        case .distinct(let refs):
            for ref in refs { _ = try columnIndex(ref, in: t) }
            return PipelineResult(table: try frame { () throws(FrameError) in try distinct(t, columns: refs.map(\.name)) })
        case .dropna(let refs):
            for ref in refs { _ = try columnIndex(ref, in: t) }
            return PipelineResult(table: try frame { () throws(FrameError) in try dropNulls(t, columns: refs.map(\.name)) })
        case .fillna(let items):
            var out = t
            for item in items {
                guard let column = out.column(item.name) else {
                    throw Diagnostic("unknown column '\(item.name)'\(suggestion(for: item.name, in: t.names))", at: item.expr.location)
                }
                guard case .scalar(let value) = try eval.evaluate(item.expr) else {
                    throw Diagnostic("fillna needs a constant value for '\(item.name)'", at: item.expr.location)
                }
                let filled = try Diagnostic.located(at: item.expr.location) { () throws(FrameError) in
                    try column.fillingNulls(with: value, name: item.name)
                }
                try frame { () throws(FrameError) in try out.set(item.name, filled) }
            }
            return PipelineResult(table: out)
        case .join(let kind, let name, let tableAt, let on):
            return PipelineResult(table: try joined(t, kind, name, tableAt, on, keeping: later, at: at))
        case .describe:
            return PipelineResult(table: try frame { () throws(FrameError) in try describe(t) })
        case .recommend(let mode, let k, let model, let using, let options):
            return try recommend(t, mode: mode, k: k, model: model, using: using, options: options, at: at)
        case .cluster(let mode, let features, let seed, let options):
            return try cluster(t, mode: mode, features: features, seed: seed, options: options, at: at)
        case .classify(let label, let mode, let features, let model, let options):
            return try classify(t, label: label, mode: mode, features: features, model: model, options: options, at: at)
        case .plot(let kind, let x, let y, let by, let bins, let path, let value):
            if kind == .heatmap, let y, let value { return try heatmap(t, x: x, y: y, value: value, to: path, at: at) }
            return try plot(t, kind: kind, x: x, y: y, by: by, bins: bins, to: path, at: at)
        case .save(let path, let options):
            try save(t, to: path, options: options, at: at)
            return PipelineResult(table: t, printsTable: false)
        case .window(let window):
            return PipelineResult(table: try windowStage(t, window, at: at))
        case .pivot(let column, let using, let per):
            return PipelineResult(table: try pivotStage(t, column: column, using: using, per: per, at: at))
        case .unpivot(let columns, let name, let value):
            return PipelineResult(table: try unpivotStage(t, columns: columns, name: name, value: value, at: at))
        case .union(let tables):
            return PipelineResult(table: try unionStage(t, tables, at: at))
        case .crossJoin(let name, let tableAt):
            return PipelineResult(table: try crossJoinStage(t, table: name, tableAt: tableAt, at: at))
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
        var doomed = Set(table.names.filter { !names.contains($0) })
        if doomed.count == table.columnCount, let first = table.names.first { doomed.remove(first) }
        table.remove(doomed)
    }

    private func filterMask(_ condition: Expr, on t: Table) throws(Diagnostic) -> Column {
        let mask = try Evaluator(table: t).column(condition)
        guard mask.type == .bool else {
            throw Diagnostic("filter needs a true/false condition, but '\(condition.text)' is \(mask.type.rawValue)", at: condition.location)
        }
        return mask
    }

    /// The output names of an `agg` stage made only of `count()`s, else nil.
    private func onlyRowCounts(_ stage: Stage) -> [String]? {
        guard case .agg(let items) = stage.kind, !items.isEmpty else { return nil }
        for item in items {
            guard case .call("count", let args, _) = item.expr, args.isEmpty else { return nil }
        }
        return items.map(\.name)
    }

    func columnIndex(_ ref: ColumnRef, in t: Table) throws(Diagnostic) -> Int {
        guard let i = t.index(of: ref.name) else {
            throw Diagnostic("unknown column '\(ref.name)'\(suggestion(for: ref.name, in: t.names))", at: ref.at)
        }
        return i
    }

    /// A constant whole number ≥ 0 (counts such as `top N`, `limit N`, `k N`).
    func nonNegativeInt(_ expr: Expr, what: String) throws(Diagnostic) -> Int {
        guard case .scalar(.int(let n)) = try Evaluator(table: Table()).evaluate(expr), n >= 0, let value = Int(exactly: n) else {
            throw Diagnostic("\(what) needs a whole number ≥ 0, got '\(expr.text)'", at: expr.location)
        }
        return value
    }

    /// A constant number (options such as `test 0.2`).
    func constantNumber(_ expr: Expr, what: String) throws(Diagnostic) -> Double {
        guard case .scalar(let v) = try Evaluator(table: Table()).evaluate(expr), let d = v.asDouble else {
            throw Diagnostic("\(what) needs a number, got '\(expr.text)'", at: expr.location)
        }
        return d
    }
}

extension Diagnostic {
    /// Runs a frame operation, locating its error at `at`.
    static func located<R>(at: SourceLocation, _ body: () throws(FrameError) -> R) throws(Diagnostic) -> R {
        do { return try body() } catch { throw Diagnostic(error, at: at) }
    }
}
