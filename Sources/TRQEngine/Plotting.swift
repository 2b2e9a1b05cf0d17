import TRQFrame
import TRQLanguage
import TRQPlot

extension Session {
    /// `plot KIND X [Y] [by G] [bins N] [to PATH]`: a chart in the terminal, or an .svg/.html file.
    func plot(_ t: Table, kind: TRQLanguage.PlotKind, x: ColumnRef, y: ColumnRef?, by: ColumnRef?, bins: Expr?, to path: String?, at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        let xColumn = t.columns[try columnIndex(x, in: t)]
        var yValues: [Double] = []
        if kind == .hist {
            guard y == nil else { throw Diagnostic("plot hist takes one column: plot hist X [bins N]", at: y!.at) }
        } else {
            guard let y else { throw Diagnostic("plot \(kind.rawValue) needs two columns: plot \(kind.rawValue) X Y", at: at) }
            let yColumn = t.columns[try columnIndex(y, in: t)]
            guard let values = yColumn.doubles else {
                throw Diagnostic("the y column '\(y.name)' is \(yColumn.type.rawValue); plot needs numbers", at: y.at)
            }
            yValues = (0..<t.rowCount).map { yColumn.isNull($0) ? .nan : values[$0] }
        }
        // Rows are split into one series per distinct `by` value (nulls are one, named "null"),
        // in order of first appearance.
        var groups: [(name: String, rows: [Int])] = [("", Array(0..<t.rowCount))]
        if let by {
            let g = t.columns[try columnIndex(by, in: t)]
            let grouped = try Diagnostic.located(at: by.at) { () throws(FrameError) in try grouping([g], rowCount: t.rowCount) }
            var rows = [[Int]](repeating: [], count: grouped.count)
            for row in 0..<t.rowCount { rows[Int(grouped.ids[row])].append(row) }
            groups = zip(grouped.firstRows, rows).map { first, rows in (g[first].description, rows) }
        }
        var series: [PlotSeries] = []
        for group in groups {
            let xs = plotX(xColumn, rows: group.rows)
            if kind == .hist {
                guard case .numbers(let values) = xs else {
                    throw Diagnostic("plot hist needs a numeric column, but '\(x.name)' is \(xColumn.type.rawValue)", at: x.at)
                }
                series.append(.values(values, name: group.name))
            } else {
                series.append(PlotSeries(name: group.name, x: xs, y: group.rows.map { yValues[$0] }))
            }
        }
        let binCount = try bins.map { b throws(Diagnostic) in try nonNegativeInt(b, what: "bins") }
        let spec: PlotSpec
        do {
            spec = try PlotSpec(kind: TRQPlot.PlotKind(rawValue: kind.rawValue)!, title: title(kind, x, y),
                                xLabel: x.name, yLabel: y?.name ?? "count", series: series, bins: binCount)
        } catch {
            throw Diagnostic(error.message, at: at)
        }
        return try show(spec, t, to: path, at: at)
    }

    /// `plot heatmap X Y VALUE`: one cell per (X, Y) pair. Labels of numbers, dates and
    /// timestamps are in ascending order, others in order of first appearance.
    func heatmap(_ t: Table, x: ColumnRef, y: ColumnRef, value: ColumnRef, to path: String?, at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        let xColumn = t.columns[try columnIndex(x, in: t)]
        let yColumn = t.columns[try columnIndex(y, in: t)]
        let valueColumn = t.columns[try columnIndex(value, in: t)]
        guard let values = valueColumn.doubles else {
            throw Diagnostic("the value column '\(value.name)' is \(valueColumn.type.rawValue); plot heatmap needs numbers", at: value.at)
        }
        let (xLabels, xIndex) = heatmapLabels(xColumn)
        let (yLabels, yIndex) = heatmapLabels(yColumn)
        var cells = [Double](repeating: .nan, count: xLabels.count * yLabels.count)
        var filled = [Bool](repeating: false, count: cells.count)
        for row in 0..<t.rowCount {
            let cell = yIndex[row] * xLabels.count + xIndex[row]
            guard !filled[cell] else {
                throw Diagnostic("(\(x.name), \(y.name)) = (\(xLabels[xIndex[row]]), \(yLabels[yIndex[row]])) appears in more than one row; "
                    + "aggregate first, e.g. groupby \(x.name), \(y.name) agg \(value.name) = sum(\(value.name))", at: at)
            }
            filled[cell] = true
            if !valueColumn.isNull(row) { cells[cell] = values[row] }
        }
        let spec = PlotSpec(heatmap: HeatmapCells(xLabels: xLabels, yLabels: yLabels, values: cells, valueLabel: value.name),
                            title: "\(value.name) by \(x.name) and \(y.name)", xLabel: x.name, yLabel: y.name)
        return try show(spec, t, to: path, at: at)
    }

    /// The distinct labels of a column and each row's label index.
    private func heatmapLabels(_ column: Column) -> (labels: [String], index: [Int]) {
        var firstRow: [Value: Int] = [:]
        var order: [Value] = []
        for row in 0..<column.count where firstRow[column[row]] == nil {
            firstRow[column[row]] = order.count
            order.append(column[row])
        }
        if column.type != .string && column.type != .bool {
            order.sort { a, b in
                switch (a, b) {
                case (.null, _): false
                case (_, .null): true
                case (.int(let p), .int(let q)), (.timestamp(let p), .timestamp(let q)): p < q
                case (.float(let p), .float(let q)): p < q
                case (.date(let p), .date(let q)): p < q
                default: false
                }
            }
        }
        var position: [Value: Int] = [:]
        for (i, v) in order.enumerated() { position[v] = i }
        return (order.map(\.description), (0..<column.count).map { position[column[$0]]! })
    }

    /// Draws the chart in the terminal, or writes it to `path` (.svg or .html).
    private func show(_ spec: PlotSpec, _ t: Table, to path: String?, at: SourceLocation) throws(Diagnostic) -> PipelineResult {
        guard let path else {
            return PipelineResult(table: t, printsTable: false,
                                  text: TerminalChart.render(spec, width: settings.width, color: settings.color))
        }
        do {
            let content = try PlotFile.render(spec, path: path)
            try saveAtomically(Array(content.utf8), to: path, overwrite: true)
            recordChart(svg: PlotFileFormat(path: path) == .svg ? content : SVGChart.render(spec), path: path)
        } catch {
            throw Diagnostic("\(error)", at: at)
        }
        if settings.interactive { writeError("wrote \(path)\n") }
        return PipelineResult(table: t, printsTable: false)
    }

    private func title(_ kind: TRQLanguage.PlotKind, _ x: ColumnRef, _ y: ColumnRef?) -> String {
        guard let y else { return "Distribution of \(x.name)" }
        return "\(y.name) by \(x.name)"
    }

    private func plotX(_ c: Column, rows: [Int]) -> PlotX {
        switch c.data {
        case .int, .float:
            let values = c.doubles!
            return .numbers(rows.map { c.isNull($0) ? .nan : values[$0] })
        case .timestamp(let v): return .times(rows.map { v[$0] })
        case .date(let v): return .times(rows.map { Int64(v[$0]) &* microsPerDay })
        default: return .categories(rows.map { c.isNull($0) ? "null" : c[$0].description })
        }
    }
}
