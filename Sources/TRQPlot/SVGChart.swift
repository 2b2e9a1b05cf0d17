/// A standalone SVG document: its own <style>, no external references. Every data mark is a
/// `<rect class="mark">` (bars) or `<circle class="mark">` (points; lines add a `<path class="line">`)
/// carrying `data-series`, `data-x` and `data-y`; series are `<g class="series" data-index="i">`.
public enum SVGChart {
    public static let defaultWidth = 720
    public static let defaultHeight = 440

    /// Width and height are in pixels; the drawing grows when they leave too little room.
    public static func render(_ spec: PlotSpec, width: Int = defaultWidth, height: Int = defaultHeight) -> String {
        render(spec, width: width, height: height, nativeTooltips: true)
    }

    /// `nativeTooltips` adds a <title> to each mark, which viewers show on hover; the HTML page
    /// draws its own tooltip instead.
    static func render(_ spec: PlotSpec, width: Int, height: Int, nativeTooltips: Bool) -> String {
        if let cells = spec.cells {
            return HeatmapDrawing.svg(spec, cells, width: width, height: height, nativeTooltips: nativeTooltips)
        }
        var svg = SVGWriter(spec: spec, data: ChartData(spec), width: Double(max(width, 200)),
                            height: Double(max(height, 150)), nativeTooltips: nativeTooltips)
        return svg.document()
    }

    /// Tableau 10: distinguishable, and legible on white.
    static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    static let style: String = {
        var css = """
            .trq-chart { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 12px; }
            .trq-chart .background { fill: #ffffff; }
            .trq-chart text { fill: #333333; }
            .trq-chart .title { font-size: 16px; font-weight: 600; }
            .trq-chart .axis-label { font-size: 13px; }
            .trq-chart .grid { stroke: #e6e6e6; stroke-width: 1; }
            .trq-chart .axis-line, .trq-chart .tick { stroke: #555555; stroke-width: 1; }
            .trq-chart .zero { stroke: #555555; stroke-width: 1; }
            .trq-chart .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
            .trq-chart .mark { stroke: none; }
            .trq-chart .point { stroke: #ffffff; stroke-width: 0.75; }
            .trq-chart .scatter .point { fill-opacity: 0.75; }
            .trq-chart .legend-item { cursor: pointer; }
            .trq-chart .legend-item text { fill: #333333; stroke: none; }
            .trq-chart .legend-item.off { opacity: 0.35; }
            .trq-chart .series.off { display: none; }
            .trq-chart .empty { font-size: 14px; fill: #777777; }

            """
        for (i, color) in palette.enumerated() {
            css += ".trq-chart .s\(i) { fill: \(color); stroke: \(color); }\n"
        }
        return css
    }()
}

/// Lays out and writes one chart. Geometry is in pixels with y growing downwards.
private struct SVGWriter {
    let spec: PlotSpec
    let data: ChartData
    var width: Double
    var height: Double
    let nativeTooltips: Bool
    var out = ""

    static let charWidth = 7.0  // average glyph advance at 12px, for layout estimates
    static let maxCategoryLabel = 24

    init(spec: PlotSpec, data: ChartData, width: Double, height: Double, nativeTooltips: Bool) {
        self.spec = spec
        self.data = data
        self.width = width
        self.height = height
        self.nativeTooltips = nativeTooltips
    }

    var showsLegend: Bool { data.series.count > 1 }

    mutating func document() -> String {
        let yAxis = data.yAxis(maxTicks: max(3, Int((height - 120) / 45)))
        let yTickWidth = (yAxis.labels.map { Double($0.count) }.max() ?? 1) * Self.charWidth
        let names = data.series.map { TextGrid.truncated($0.name.isEmpty ? "(empty)" : $0.name, to: 28) }
        let legendWidth = showsLegend ? 34 + (names.map { Double($0.count) }.max() ?? 0) * Self.charWidth : 0
        let categoryLabels = data.categories.map { TextGrid.truncated($0, to: Self.maxCategoryLabel) }

        let left = 12 + (data.yLabel.isEmpty ? 0 : 22) + yTickWidth + 8
        let right = 20 + legendWidth
        let top = spec.title.isEmpty ? 16.0 : 44.0
        var plotWidth = max(120, width - left - right)
        // Category labels that do not fit side by side are turned 40 degrees.
        let widestCategory = (categoryLabels.map { Double($0.count) }.max() ?? 0) * Self.charWidth
        let band = data.categories.isEmpty ? 0 : plotWidth / Double(data.categories.count)
        let rotated = data.xKind == .categorical && widestCategory + 6 > band
        let bottom = 30 + (rotated ? widestCategory * 0.65 : 0) + (spec.xLabel.isEmpty ? 0 : 22)
        let legendHeight = showsLegend ? Double(names.count) * 20 + 10 : 0
        var plotHeight = max(100, height - top - bottom, legendHeight)
        width = max(width, left + plotWidth + right)
        height = max(height, top + plotHeight + bottom)
        plotWidth = width - left - right
        plotHeight = height - top - bottom
        let plot = Frame(x: left, y: top, width: plotWidth, height: plotHeight)

        open()
        if data.isEmpty {
            text("no data to plot", x: width / 2, y: height / 2, className: "empty", anchor: "middle")
        } else {
            drawYAxis(yAxis, plot: plot)
            switch spec.kind {
            case .bar: drawBars(yAxis, plot: plot, labels: categoryLabels, rotated: rotated)
            case .hist: drawHistogram(yAxis, plot: plot)
            case .line, .scatter: drawPoints(yAxis, plot: plot, labels: categoryLabels, rotated: rotated)
            case .heatmap: break  // drawn by HeatmapDrawing
            }
            if showsLegend { drawLegend(names, x: plot.x + plot.width + 20, y: plot.y) }
        }
        if !spec.xLabel.isEmpty {
            text(spec.xLabel, x: plot.x + plot.width / 2, y: height - 10, className: "axis-label x-label", anchor: "middle")
        }
        if !data.yLabel.isEmpty {
            let x = 16.0
            let y = plot.y + plot.height / 2
            out += "<text class=\"axis-label y-label\" x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 \(n(x)) \(n(y)))\">\(XML.escape(data.yLabel))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    struct Frame {
        let x: Double
        let y: Double
        let width: Double
        let height: Double
        var bottom: Double { y + height }
    }

    mutating func open() {
        let xLabel = spec.xLabel.isEmpty ? "x" : spec.xLabel
        let yLabel = data.yLabel.isEmpty ? "y" : data.yLabel
        out.reserveCapacity(4096 + data.series.reduce(0) { $0 + $1.points.count * 160 })
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trq-chart \(spec.kind.rawValue)\" "
            + "width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
            + "role=\"img\" aria-label=\"\(XML.escape(spec.title.isEmpty ? spec.kind.rawValue + " chart" : spec.title))\" "
            + "data-kind=\"\(spec.kind.rawValue)\" data-x-label=\"\(XML.escape(xLabel))\" data-y-label=\"\(XML.escape(yLabel))\">\n"
        out += "<title>\(XML.escape(spec.title.isEmpty ? spec.kind.rawValue + " chart" : spec.title))</title>\n"
        out += "<style>\n\(SVGChart.style)</style>\n"
        out += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\"/>\n"
        if !spec.title.isEmpty { text(spec.title, x: width / 2, y: 28, className: "title", anchor: "middle") }
    }

    // MARK: axes

    func yPosition(_ v: Double, _ axis: Axis, _ plot: Frame) -> Double {
        plot.bottom - axis.fraction(v) * plot.height
    }

    mutating func drawYAxis(_ axis: Axis, plot: Frame) {
        out += "<g class=\"axis y-axis\">\n"
        for (t, label) in zip(axis.ticks, axis.labels) {
            let y = yPosition(t, axis, plot)
            line(x1: plot.x, y1: y, x2: plot.x + plot.width, y2: y, className: "grid")
            line(x1: plot.x - 5, y1: y, x2: plot.x, y2: y, className: "tick")
            text(label, x: plot.x - 8, y: y, className: "tick-label", anchor: "end", middle: true)
        }
        line(x1: plot.x, y1: plot.y, x2: plot.x, y2: plot.bottom, className: "axis-line")
        out += "</g>\n"
    }

    /// Tick labels centred under their ticks, skipping any that would overlap the one before.
    mutating func drawXAxis(ticks: [(x: Double, label: String)], plot: Frame, rotated: Bool) {
        out += "<g class=\"axis x-axis\">\n"
        line(x1: plot.x, y1: plot.bottom, x2: plot.x + plot.width, y2: plot.bottom, className: "axis-line")
        var nextFree = -Double.infinity
        for (x, label) in ticks {
            line(x1: x, y1: plot.bottom, x2: x, y2: plot.bottom + 5, className: "tick")
            let labelWidth = rotated ? 14 : Double(label.count) * Self.charWidth
            let start = rotated ? x : x - labelWidth / 2
            guard start >= nextFree else { continue }
            nextFree = start + labelWidth + 4
            if rotated {
                let y = plot.bottom + 12
                out += "<text class=\"tick-label\" x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"end\" "
                    + "transform=\"rotate(-40 \(n(x)) \(n(y)))\">\(XML.escape(label))</text>\n"
            } else {
                text(label, x: x, y: plot.bottom + 18, className: "tick-label", anchor: "middle")
            }
        }
        out += "</g>\n"
    }

    // MARK: marks

    mutating func drawBars(_ axis: Axis, plot: Frame, labels: [String], rotated: Bool) {
        let band = plot.width / Double(max(1, labels.count))
        let seriesCount = Double(data.series.count)
        let barWidth = band * 0.8 / seriesCount
        let zeroY = yPosition(0, axis, plot)
        for (s, one) in data.series.enumerated() {
            openSeries(s, name: one.name)
            for point in one.points {
                let x = plot.x + point.x * band + band * 0.1 + Double(s) * barWidth
                let y = yPosition(point.y, axis, plot)
                rect(x: x, y: min(y, zeroY), width: barWidth, height: abs(zeroY - y), series: s, name: one.name, point: point)
            }
            out += "</g>\n"
        }
        if axis.lo < 0 { line(x1: plot.x, y1: zeroY, x2: plot.x + plot.width, y2: zeroY, className: "zero") }
        drawXAxis(ticks: labels.enumerated().map { (plot.x + (Double($0.offset) + 0.5) * band, $0.element) }, plot: plot, rotated: rotated)
    }

    mutating func drawHistogram(_ axis: Axis, plot: Frame) {
        guard let histogram = data.histogram, let xAxis = data.xAxis(maxTicks: max(2, Int(plot.width / 70))) else { return }
        func xPosition(_ v: Double) -> Double { plot.x + xAxis.fraction(v) * plot.width }
        let zeroY = yPosition(0, axis, plot)
        openSeries(0, name: data.series.first?.name ?? "")
        for (i, point) in (data.series.first?.points ?? []).enumerated() {
            let x0 = xPosition(histogram.edges[i])
            let x1 = xPosition(histogram.edges[i + 1])
            let y = yPosition(point.y, axis, plot)
            // A hairline gap keeps neighbouring bins apart.
            let gap = min(1, (x1 - x0) / 4)
            rect(x: x0 + gap / 2, y: y, width: x1 - x0 - gap, height: zeroY - y, series: 0, name: data.series.first?.name ?? "", point: point)
        }
        out += "</g>\n"
        drawXAxis(ticks: zip(xAxis.ticks, xAxis.labels).map { (xPosition($0), $1) }, plot: plot, rotated: false)
    }

    mutating func drawPoints(_ axis: Axis, plot: Frame, labels: [String], rotated: Bool) {
        let xAxis = data.xAxis(maxTicks: max(2, Int(plot.width / 90)))
        let band = plot.width / Double(max(1, labels.count))
        func xPosition(_ v: Double) -> Double {
            guard let xAxis else { return plot.x + (v + 0.5) * band }
            return plot.x + xAxis.fraction(v) * plot.width
        }
        let radius = spec.kind == .line ? 2.5 : 3.5
        for (s, one) in data.series.enumerated() {
            openSeries(s, name: one.name)
            if spec.kind == .line {
                var path = ""
                for segment in one.segments {
                    for (i, point) in segment.enumerated() {
                        path += (i == 0 ? (path.isEmpty ? "M" : " M") : " L") + n(xPosition(point.x)) + " " + n(yPosition(point.y, axis, plot))
                    }
                }
                out += "<path class=\"line\" d=\"\(path)\"/>\n"
            }
            for point in one.points {
                out += "<circle class=\"mark point\" cx=\"\(n(xPosition(point.x)))\" cy=\"\(n(yPosition(point.y, axis, plot)))\" r=\"\(n(radius))\""
                markData(element: "circle", name: one.name, point: point)
            }
            out += "</g>\n"
        }
        if let xAxis {
            drawXAxis(ticks: zip(xAxis.ticks, xAxis.labels).map { (xPosition($0), $1) }, plot: plot, rotated: false)
        } else {
            drawXAxis(ticks: labels.enumerated().map { (xPosition(Double($0.offset)), $0.element) }, plot: plot, rotated: rotated)
        }
    }

    mutating func openSeries(_ index: Int, name: String) {
        out += "<g class=\"series s\(index % SVGChart.palette.count)\" data-series=\"\(XML.escape(name))\" data-index=\"\(index)\">\n"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, series: Int, name: String, point: ChartData.Point) {
        out += "<rect class=\"mark bar\" x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, width)))\" height=\"\(n(max(0, height)))\""
        markData(element: "rect", name: name, point: point)
    }

    /// Closes a mark's start tag with its data attributes (and a native tooltip).
    mutating func markData(element: String, name: String, point: ChartData.Point) {
        let x = XML.escape(data.xText(point))
        let y = NiceScale.formatValue(point.y)
        out += " data-series=\"\(XML.escape(name))\" data-x=\"\(x)\" data-y=\"\(y)\""
        if nativeTooltips {
            let who = name.isEmpty ? "" : XML.escape(name) + ": "
            out += "><title>\(who)\(x), \(y)</title></\(element)>\n"
        } else {
            out += "/>\n"
        }
    }

    mutating func drawLegend(_ names: [String], x: Double, y: Double) {
        out += "<g class=\"legend\">\n"
        for (i, name) in names.enumerated() {
            let top = y + Double(i) * 20
            out += "<g class=\"legend-item s\(i % SVGChart.palette.count)\" data-series=\"\(XML.escape(data.series[i].name))\" "
                + "data-index=\"\(i)\" role=\"button\" tabindex=\"0\" aria-pressed=\"true\">"
                + "<rect class=\"legend-swatch\" x=\"\(n(x))\" y=\"\(n(top))\" width=\"14\" height=\"14\" rx=\"2\"/>"
                + "<text x=\"\(n(x + 20))\" y=\"\(n(top + 7))\" dy=\"0.35em\">\(XML.escape(name))</text></g>\n"
        }
        out += "</g>\n"
    }

    // MARK: primitives

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, className: String) {
        out += "<line class=\"\(className)\" x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\"/>\n"
    }

    mutating func text(_ content: String, x: Double, y: Double, className: String, anchor: String, middle: Bool = false) {
        out += "<text class=\"\(className)\" x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(middle ? " dy=\"0.32em\"" : "")>"
            + "\(XML.escape(content))</text>\n"
    }

    /// A coordinate with at most one decimal: short output, and exact enough for pixels.
    func n(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e12 else { return "0" }
        let tenths = Int((v * 10).rounded())
        let magnitude = abs(tenths)
        let sign = tenths < 0 ? "-" : ""
        return magnitude % 10 == 0 ? sign + String(magnitude / 10) : sign + "\(magnitude / 10).\(magnitude % 10)"
    }
}

public enum XML {
    /// Text or attribute content: markup characters escaped, and characters XML 1.0 forbids
    /// (most control characters, lone surrogates cannot occur in String) replaced by U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
