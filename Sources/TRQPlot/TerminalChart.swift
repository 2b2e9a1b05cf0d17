/// Charts drawn with Unicode characters for a terminal: horizontal bars in 1/8 blocks,
/// histograms as columns of 1/8 blocks, lines and scatters in Braille dots (2×4 per cell).
/// The output depends only on the arguments.
public enum TerminalChart {
    /// Rows of the plotting area for line, scatter and hist when no height is given.
    public static let defaultHeight = 16
    /// Bar rows shown when no height is given; the rest are counted in a note.
    public static let defaultBarRows = 40
    /// Narrower widths are drawn at this width.
    public static let minimumWidth = 24

    /// ANSI SGR foreground colours for series 0, 1, 2 …
    static let palette = [34, 33, 32, 31, 35, 36, 94, 93, 92, 91]
    /// Without colour, several series are told apart by markers (lines, scatters) or shades (bars).
    static let markers = ["*", "x", "+", "o", "#", "@", "%", "&"]
    static let shades = ["█", "▓", "▒", "░"]
    /// Left-aligned 1/8 … 7/8 blocks, for bar ends.
    static let horizontalEighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    /// Bottom-aligned 1/8 … 7/8 blocks, for column tops.
    static let verticalEighths = ["", "▁", "▂", "▃", "▄", "▅", "▆", "▇"]

    /// The chart as lines ending in newlines. `width` is in terminal columns (at least
    /// `minimumWidth` is used). `height` is the number of rows of the plotting area (for bar
    /// charts: the most bar rows to show); nil picks a default. `color` adds ANSI colours.
    public static func render(_ spec: PlotSpec, width: Int, height: Int? = nil, color: Bool = false) -> String {
        if let cells = spec.cells { return HeatmapDrawing.terminal(spec, cells, width: max(minimumWidth, width)) }
        var chart = Drawing(width: max(minimumWidth, width), color: color, spec: spec)
        if !spec.title.isEmpty { chart.grid.addLine(TextGrid.truncated(spec.title, to: chart.width), bold: true) }
        let data = ChartData(spec)
        if data.isEmpty {
            chart.grid.addLine("(no data to plot)")
        } else {
            switch spec.kind {
            case .bar: chart.drawBars(data, maxRows: max(1, height ?? defaultBarRows))
            case .hist: chart.drawHistogram(data, height: max(3, height ?? defaultHeight))
            case .line, .scatter: chart.drawPoints(data, height: max(3, height ?? defaultHeight))
            case .heatmap: break  // drawn above
            }
            if data.series.count > 1 { chart.drawLegend(data.series.map(\.name)) }
        }
        return chart.grid.render(color: color, palette: palette)
    }

    private struct Drawing {
        let width: Int
        let color: Bool
        let spec: PlotSpec
        var grid: TextGrid

        init(width: Int, color: Bool, spec: PlotSpec) {
            self.width = width
            self.color = color
            self.spec = spec
            grid = TextGrid(width: width)
        }

        var multiSeries: Bool { spec.series.count > 1 }

        // MARK: bars

        mutating func drawBars(_ data: ChartData, maxRows: Int) {
            let seriesCount = data.series.count
            let shown = min(data.categories.count, max(1, maxRows / seriesCount))
            var values = Array(repeating: [Double?](repeating: nil, count: shown), count: seriesCount)
            var lo = 0.0
            var hi = 0.0
            for (s, one) in data.series.enumerated() {
                for point in one.points where Int(point.x) < shown {
                    values[s][Int(point.x)] = point.y
                    lo = min(lo, point.y)
                    hi = max(hi, point.y)
                }
            }
            let valueTexts = values.map { $0.map { $0.map(NiceScale.formatValue) ?? "null" } }
            let valueWidth = valueTexts.joined().map(TextGrid.displayWidth).max() ?? 1
            let categoryWidth = data.categories.prefix(shown).map { TextGrid.displayWidth(TextGrid.sanitized($0)) }.max() ?? 1
            // Bars need room; long category names give way (they are cut with "…").
            let labelWidth = max(1, min(categoryWidth, width / 3, width - 2 - 1 - valueWidth - 8))
            let plotStart = labelWidth + 2
            let barWidth = max(1, width - plotStart - 1 - valueWidth)
            let axis = Axis.nice(lo: lo, hi: hi, maxTicks: max(3, barWidth / 8), integerStep: false)
            // Bars are measured from the zero cell so that none leaves the plotting area.
            let zeroCell = Int((axis.fraction(0) * Double(barWidth)).rounded())

            if !spec.xLabel.isEmpty { grid.addLine(TextGrid.truncated(spec.xLabel, to: width)) }
            for category in 0..<shown {
                for s in 0..<seriesCount {
                    let row = grid.addLine()
                    if s == 0 { grid.put(TextGrid.truncated(data.categories[category], to: labelWidth), row: row, column: 0) }
                    grid.set(row: row, column: labelWidth + 1, "│")
                    var valueColumn = plotStart + zeroCell + 1
                    if let v = values[s][category] {
                        let cells = barCells(length: axis.fraction(v) * Double(barWidth) - Double(zeroCell), series: s)
                        let first = v >= 0 ? plotStart + zeroCell : plotStart + zeroCell - cells.count
                        for (i, glyph) in cells.enumerated() { grid.set(row: row, column: first + i, glyph, color: seriesColor(s)) }
                        if v >= 0 { valueColumn = plotStart + zeroCell + cells.count + 1 }
                    }
                    grid.put(valueTexts[s][category], row: row, column: valueColumn)
                }
            }
            drawHorizontalAxis(axis, plotStart: plotStart, cells: barWidth + 1) { Int((axis.fraction($0) * Double(barWidth)).rounded()) }
            if !spec.yLabel.isEmpty { addCentered(spec.yLabel, start: plotStart, span: barWidth) }
            if shown < data.categories.count {
                addWrapped("… \(data.categories.count - shown) more not shown; narrow the table with 'top N by …' or 'limit N'")
            }
        }

        /// The glyphs of one bar, `length` cells long (negative: leftward), in reading order.
        /// Rightward ends have 1/8-cell resolution; leftward ones only half cells (▐), as
        /// Unicode has no right-aligned eighths. Shaded (colourless multi-series) bars use whole cells.
        func barCells(length: Double, series: Int) -> [String] {
            let shade = color ? "█" : Self.shade(series, multi: multiSeries)
            if shade != "█" { return Array(repeating: shade, count: Int(abs(length).rounded())) }
            if length >= 0 {
                let eighths = Int((length * 8).rounded())
                let cells = Array(repeating: "█", count: eighths / 8)
                return eighths % 8 == 0 ? cells : cells + [TerminalChart.horizontalEighths[eighths % 8]]
            }
            let halves = Int((-length * 2).rounded())
            let cells = Array(repeating: "█", count: halves / 2)
            return halves % 2 == 0 ? cells : ["▐"] + cells
        }

        static func shade(_ series: Int, multi: Bool) -> String {
            multi ? TerminalChart.shades[series % TerminalChart.shades.count] : "█"
        }

        // MARK: histogram

        mutating func drawHistogram(_ data: ChartData, height: Int) {
            var data = data
            var axis = data.yAxis(maxTicks: max(3, height / 3 + 1))
            var labelWidth = yLabelWidth(axis)
            var available = width - labelWidth - 3  // axis column, gap, cell for the last edge tick
            let requested = data.histogram?.counts.count ?? 0
            // Too many bins for the width: re-bin with fewer (the axis labels may change width too).
            var target = requested
            while let binned = data.histogram?.counts.count, binned > available, target > 1 {
                target = max(1, min(target - 1, target * available / binned))
                data = ChartData(spec, histogramBins: target)
                axis = data.yAxis(maxTicks: max(3, height / 3 + 1))
                labelWidth = yLabelWidth(axis)
                available = width - labelWidth - 3
            }
            guard let histogram = data.histogram else { return }
            let bins = histogram.counts.count
            let columnWidth = max(1, available / bins)
            let plotWidth = bins * columnWidth
            let plotStart = labelWidth + 2
            grid.addLine(TextGrid.truncated(data.yLabel, to: width))

            // Tick t sits on the boundary between rows, `b` rows above the axis; boundary 0 is the axis row.
            var tickRows: [Int: String] = [:]
            for (t, label) in zip(axis.ticks, axis.labels) {
                let boundary = Int((axis.fraction(t) * Double(height)).rounded())
                if tickRows[boundary] == nil { tickRows[boundary] = label }
            }
            let eighths = histogram.counts.map { count in
                // A non-empty bin always shows at least a sliver, so outliers stay visible.
                count == 0 ? 0 : max(1, Int((axis.fraction(Double(count)) * Double(height) * 8).rounded()))
            }
            for r in 0..<height {
                let row = grid.addLine()
                let boundary = height - r
                putYTick(tickRows[boundary], row: row, labelWidth: labelWidth, plain: "│", ticked: "┤")
                let floor = (boundary - 1) * 8
                for (bin, level) in eighths.enumerated() {
                    let fill = level - floor
                    guard fill > 0 else { continue }
                    let glyph = fill >= 8 ? "█" : TerminalChart.verticalEighths[fill]
                    for c in 0..<columnWidth { grid.set(row: row, column: plotStart + bin * columnWidth + c, glyph, color: seriesColor(0)) }
                }
            }
            let xAxis = data.xAxis(maxTicks: max(2, plotWidth / 8)) ?? axis
            drawHorizontalAxis(xAxis, plotStart: plotStart, cells: plotWidth + 1, zeroLabel: tickRows[0]) {
                Int((xAxis.fraction($0) * Double(plotWidth)).rounded())
            }
            if !spec.xLabel.isEmpty { addCentered(spec.xLabel, start: plotStart, span: plotWidth) }
            if bins < requested {
                addWrapped("note: \(requested) bins do not fit in \(width) columns; showing \(bins)")
            }
        }

        // MARK: lines and scatters

        mutating func drawPoints(_ data: ChartData, height: Int) {
            let yAxis = data.yAxis(maxTicks: max(3, height / 3 + 1))
            let labelWidth = yLabelWidth(yAxis)
            let plotStart = labelWidth + 2
            let plotWidth = width - plotStart
            var canvas = BrailleCanvas(columns: plotWidth, rows: height)
            let xAxis = data.xAxis(maxTicks: max(2, plotWidth / 10))
            let categoryCount = data.categories.count
            func dotX(_ x: Double) -> Int {
                let fraction = xAxis?.fraction(x) ?? (categoryCount > 1 ? x / Double(categoryCount - 1) : 0.5)
                return min(max(Int((fraction * Double(canvas.dotColumns - 1)).rounded()), 0), canvas.dotColumns - 1)
            }
            func dotY(_ y: Double) -> Int {
                let up = Int((yAxis.fraction(y) * Double(canvas.dotRows - 1)).rounded())
                return min(max(canvas.dotRows - 1 - up, 0), canvas.dotRows - 1)
            }
            // Without colour, markers at the data points are what tells several series apart.
            let useMarkers = multiSeries && !color
            var markerCells: [Int: Int] = [:]
            for (s, one) in data.series.enumerated() {
                for segment in one.segments {
                    var previous: (Int, Int)? = nil
                    for point in segment {
                        let dot = (dotX(point.x), dotY(point.y))
                        if spec.kind == .line, let previous {
                            canvas.line(from: previous, to: dot, series: s)
                        } else if !(useMarkers && spec.kind == .scatter) {
                            canvas.set(x: dot.0, y: dot.1, series: s)
                        }
                        if useMarkers { markerCells[dot.1 / 4 * plotWidth + dot.0 / 2] = s }
                        previous = dot
                    }
                }
            }
            if !spec.yLabel.isEmpty { grid.addLine(TextGrid.truncated(spec.yLabel, to: width)) }
            var tickRows: [Int: String] = [:]
            for (t, label) in zip(yAxis.ticks, yAxis.labels) where tickRows[dotY(t) / 4] == nil {
                tickRows[dotY(t) / 4] = label
            }
            for r in 0..<height {
                let row = grid.addLine()
                putYTick(tickRows[r], row: row, labelWidth: labelWidth, plain: "│", ticked: "┤")
                for c in 0..<plotWidth {
                    if let s = markerCells[r * plotWidth + c] {
                        grid.set(row: row, column: plotStart + c, TerminalChart.markers[s % TerminalChart.markers.count])
                    } else if let dots = canvas.cell(column: c, row: r) {
                        grid.set(row: row, column: plotStart + c, dots.glyph, color: seriesColor(dots.series))
                    }
                }
            }
            if let xAxis {
                drawHorizontalAxis(xAxis, plotStart: plotStart, cells: plotWidth) { dotX($0) / 2 }
            } else {
                // Every category gets a tick while they fit; beyond that every k-th.
                let every = max(1, (categoryCount * 2 + plotWidth - 1) / plotWidth)
                let shown = stride(from: 0, to: categoryCount, by: every).map { $0 }
                let ticks = Axis(lo: 0, hi: Double(max(1, categoryCount - 1)), ticks: shown.map(Double.init),
                                 labels: shown.map { TextGrid.truncated(data.categories[$0], to: 12) })
                drawHorizontalAxis(ticks, plotStart: plotStart, cells: plotWidth) { dotX($0) / 2 }
            }
            if !spec.xLabel.isEmpty { addCentered(spec.xLabel, start: plotStart, span: plotWidth) }
        }

        // MARK: shared pieces

        func seriesColor(_ series: Int) -> Int? { color ? series : nil }

        func yLabelWidth(_ axis: Axis) -> Int {
            max(1, axis.labels.map(TextGrid.displayWidth).max() ?? 1)
        }

        mutating func putYTick(_ label: String?, row: Int, labelWidth: Int, plain: String, ticked: String) {
            if let label { grid.put(label, row: row, column: labelWidth - TextGrid.displayWidth(label)) }
            grid.set(row: row, column: labelWidth + 1, label == nil ? plain : ticked)
        }

        /// The x axis line (corner, `cells` dashes with ┬ at ticks) and a row of tick labels
        /// centred on their ticks, skipping labels that would touch the previous one.
        mutating func drawHorizontalAxis(_ axis: Axis, plotStart: Int, cells: Int, zeroLabel: String? = nil,
                                         cellOf: (Double) -> Int) {
            let axisRow = grid.addLine()
            if let zeroLabel { grid.put(zeroLabel, row: axisRow, column: plotStart - 2 - TextGrid.displayWidth(zeroLabel)) }
            grid.set(row: axisRow, column: plotStart - 1, "└")
            for c in 0..<cells { grid.set(row: axisRow, column: plotStart + c, "─") }
            let labelRow = grid.addLine()
            var nextFree = 0
            for (t, label) in zip(axis.ticks, axis.labels) {
                let cell = min(max(cellOf(t), 0), cells - 1)
                grid.set(row: axisRow, column: plotStart + cell, "┬")
                let labelWidth = TextGrid.displayWidth(label)
                let start = min(max(plotStart + cell - (labelWidth - 1) / 2, 0), width - labelWidth)
                if start >= nextFree {
                    grid.put(label, row: labelRow, column: start)
                    nextFree = start + labelWidth + 1
                }
            }
        }

        /// A note, broken at spaces to fit the width.
        mutating func addWrapped(_ text: String) {
            var line = ""
            for word in text.split(separator: " ") {
                if !line.isEmpty && TextGrid.displayWidth(line) + 1 + TextGrid.displayWidth(String(word)) > width {
                    grid.addLine(TextGrid.truncated(line, to: width))
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            if !line.isEmpty { grid.addLine(TextGrid.truncated(line, to: width)) }
        }

        mutating func addCentered(_ text: String, start: Int, span: Int) {
            let text = TextGrid.truncated(text, to: width)
            let row = grid.addLine()
            let textWidth = TextGrid.displayWidth(text)
            grid.put(text, row: row, column: min(max(0, start + (span - textWidth) / 2), width - textWidth))
        }

        /// Series keys wrapped to the width: a coloured block, or the marker/shade used for it.
        mutating func drawLegend(_ names: [String]) {
            var row = grid.addLine()
            var column = 0
            for (s, name) in names.enumerated() {
                let key = color ? "█" : spec.kind == .bar ? Self.shade(s, multi: true) : TerminalChart.markers[s % TerminalChart.markers.count]
                let label = TextGrid.truncated(name.isEmpty ? "(empty)" : name, to: width - 2)
                let entryWidth = 2 + TextGrid.displayWidth(label)
                if column > 0 && column + 2 + entryWidth > width {
                    row = grid.addLine()
                    column = 0
                } else if column > 0 {
                    column += 2
                }
                grid.set(row: row, column: column, key, color: seriesColor(s))
                column = grid.put(label, row: row, column: column + 2)
            }
        }
    }
}

/// A grid of Braille cells, each 2 dots wide and 4 high, remembering which series drew last in each cell.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private var bits: [UInt8]
    private var owner: [Int]

    init(columns: Int, rows: Int) {
        self.columns = max(1, columns)
        self.rows = max(1, rows)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        owner = Array(repeating: 0, count: self.columns * self.rows)
    }

    var dotColumns: Int { columns * 2 }
    var dotRows: Int { rows * 4 }

    /// Bit of dot (column in cell, row in cell) in U+2800's numbering.
    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(x: Int, y: Int, series: Int) {
        guard x >= 0, x < dotColumns, y >= 0, y < dotRows else { return }
        let index = (y / 4) * columns + x / 2
        bits[index] |= Self.dotBits[x % 2][y % 4]
        owner[index] = series
    }

    /// Bresenham's line, both ends included.
    mutating func line(from start: (Int, Int), to end: (Int, Int), series: Int) {
        var (x, y) = start
        let dx = abs(end.0 - x)
        let dy = -abs(end.1 - y)
        let stepX = x < end.0 ? 1 : -1
        let stepY = y < end.1 ? 1 : -1
        var error = dx + dy
        while true {
            set(x: x, y: y, series: series)
            if x == end.0 && y == end.1 { return }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x += stepX
            }
            if doubled <= dx {
                error += dx
                y += stepY
            }
        }
    }

    /// The Braille character of a cell and the series that drew last there; nil when empty.
    func cell(column: Int, row: Int) -> (glyph: String, series: Int)? {
        let index = row * columns + column
        guard bits[index] != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(bits[index])) else { return nil }
        return (String(Character(scalar)), owner[index])
    }
}
