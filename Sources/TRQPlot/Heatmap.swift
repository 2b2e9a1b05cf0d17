/// The cells of `plot heatmap X Y VALUE`: one value per (x, y) label pair, NaN where the data
/// has none.
public struct HeatmapCells: Sendable, Equatable {
    public let xLabels: [String]
    public let yLabels: [String]
    /// Row-major by y: `values[yIndex * xLabels.count + xIndex]`.
    public let values: [Double]
    public let valueLabel: String

    public init(xLabels: [String], yLabels: [String], values: [Double], valueLabel: String) {
        precondition(values.count == xLabels.count * yLabels.count, "one value per cell")
        self.xLabels = xLabels
        self.yLabels = yLabels
        self.values = values
        self.valueLabel = valueLabel
    }

    public func value(x: Int, y: Int) -> Double { values[y * xLabels.count + x] }

    /// The finite values' range, or nil without any.
    var range: (lo: Double, hi: Double)? {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return nil }
        return (lo, hi)
    }

    /// 0...1 along the range (1 when all values are equal).
    func share(_ v: Double) -> Double {
        guard let (lo, hi) = range else { return 0 }
        return hi > lo ? (v - lo) / (hi - lo) : 1
    }
}

/// Draws heatmaps: shaded blocks in the terminal, rectangles in SVG (and so in HTML, where
/// hovering a cell shows its x, y and value).
enum HeatmapDrawing {
    static let shades: [Character] = ["░", "▒", "▓", "█"]

    static func terminal(_ spec: PlotSpec, _ cells: HeatmapCells, width: Int) -> String {
        var lines: [String] = []
        if !spec.title.isEmpty { lines.append(spec.title) }
        guard let (lo, hi) = cells.range else { return (lines + ["(no data to plot)"]).joined(separator: "\n") + "\n" }
        let labelWidth = min(16, cells.yLabels.map(\.count).max() ?? 0)
        let cellWidth = max(1, min(6, (width - labelWidth - 1) / max(1, cells.xLabels.count)))
        func fit(_ text: String, _ n: Int) -> String {
            text.count > n ? String(text.prefix(n)) : text + String(repeating: " ", count: n - text.count)
        }
        // Column labels: those that fit in their cell; else every k-th, so they do not collide.
        let longest = cells.xLabels.map(\.count).max() ?? 0
        let every = longest < cellWidth ? 1 : (longest + cellWidth) / cellWidth
        var header = String(repeating: " ", count: labelWidth + 1)
        var column = 0
        while column < cells.xLabels.count {
            let span = min(every, cells.xLabels.count - column) * cellWidth
            header += fit(cells.xLabels[column], span)
            column += every
        }
        lines.append(header)
        for (y, label) in cells.yLabels.enumerated() {
            var line = fit(label, labelWidth) + " "
            for x in 0..<cells.xLabels.count {
                let v = cells.value(x: x, y: y)
                let mark: Character = v.isFinite ? shades[min(shades.count - 1, Int(cells.share(v) * Double(shades.count)))] : "·"
                line += String(repeating: mark, count: cellWidth)
            }
            lines.append(line)
        }
        lines.append("\(fit("", labelWidth)) \(String(shades)) \(cells.valueLabel) \(NiceScale.formatValue(lo)) to \(NiceScale.formatValue(hi)); · no data")
        return lines.joined(separator: "\n") + "\n"
    }

    static func svg(_ spec: PlotSpec, _ cells: HeatmapCells, width: Int, height: Int, nativeTooltips: Bool) -> String {
        let labelWidth = Double(min(24, cells.yLabels.map(\.count).max() ?? 0)) * 7 + 16
        let top = spec.title.isEmpty ? 16.0 : 40.0
        let bottom = 64.0
        let plotWidth = max(Double(width) - labelWidth - 24, Double(cells.xLabels.count) * 6)
        let plotHeight = max(Double(height) - top - bottom, Double(cells.yLabels.count) * 6)
        let totalWidth = labelWidth + plotWidth + 24, totalHeight = top + plotHeight + bottom
        let cellWidth = plotWidth / Double(max(1, cells.xLabels.count))
        let cellHeight = plotHeight / Double(max(1, cells.yLabels.count))
        func n(_ v: Double) -> String { NiceScale.formatValue((v * 10).rounded() / 10) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trq-chart heatmap\" width=\"\(n(totalWidth))\" height=\"\(n(totalHeight))\" "
            + "viewBox=\"0 0 \(n(totalWidth)) \(n(totalHeight))\" data-kind=\"heatmap\" data-x-label=\"\(XML.escape(spec.xLabel))\" "
            + "data-y-label=\"\(XML.escape(spec.yLabel))\" data-value-label=\"\(XML.escape(cells.valueLabel))\">\n"
        out += "<style>\n\(SVGChart.style)</style>\n"
        out += "<rect class=\"background\" width=\"100%\" height=\"100%\"/>\n"
        if !spec.title.isEmpty {
            out += "<text class=\"title\" x=\"\(n(totalWidth / 2))\" y=\"24\" text-anchor=\"middle\">\(XML.escape(spec.title))</text>\n"
        }
        let every = max(1, Int((Double(cells.xLabels.map(\.count).max() ?? 1) * 7 + 4) / cellWidth) + 1)
        for (x, label) in cells.xLabels.enumerated() where x % every == 0 {
            out += "<text x=\"\(n(labelWidth + (Double(x) + 0.5) * cellWidth))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\">\(XML.escape(label))</text>\n"
        }
        for (y, label) in cells.yLabels.enumerated() {
            out += "<text x=\"\(n(labelWidth - 6))\" y=\"\(n(top + (Double(y) + 0.5) * cellHeight + 4))\" text-anchor=\"end\">\(XML.escape(label))</text>\n"
        }
        out += "<g class=\"series\" data-index=\"0\">\n"
        for y in 0..<cells.yLabels.count {
            for x in 0..<cells.xLabels.count {
                let v = cells.value(x: x, y: y)
                guard v.isFinite else { continue }
                let text = NiceScale.formatValue(v)
                out += "<rect class=\"mark\" x=\"\(n(labelWidth + Double(x) * cellWidth))\" y=\"\(n(top + Double(y) * cellHeight))\" "
                    + "width=\"\(n(cellWidth))\" height=\"\(n(cellHeight))\" fill=\"\(color(cells.share(v)))\" "
                    + "data-x=\"\(XML.escape(cells.xLabels[x]))\" data-y=\"\(XML.escape(cells.yLabels[y]))\" data-value=\"\(text)\""
                out += nativeTooltips
                    ? "><title>\(XML.escape("\(spec.xLabel): \(cells.xLabels[x])\n\(spec.yLabel): \(cells.yLabels[y])\n\(cells.valueLabel): \(text)"))</title></rect>\n"
                    : "/>\n"
            }
        }
        out += "</g>\n"
        // The colour scale: a gradient from the lowest value to the highest.
        if let (lo, hi) = cells.range {
            let legendY = top + plotHeight + 30
            out += "<defs><linearGradient id=\"trq-heat\">"
            for step in 0...4 { out += "<stop offset=\"\(step * 25)%\" stop-color=\"\(color(Double(step) / 4))\"/>" }
            out += "</linearGradient></defs>\n"
            out += "<rect x=\"\(n(labelWidth))\" y=\"\(n(legendY))\" width=\"160\" height=\"10\" fill=\"url(#trq-heat)\"/>\n"
            out += "<text x=\"\(n(labelWidth))\" y=\"\(n(legendY + 24))\">\(XML.escape(NiceScale.formatValue(lo)))</text>\n"
            out += "<text x=\"\(n(labelWidth + 160))\" y=\"\(n(legendY + 24))\" text-anchor=\"end\">\(XML.escape(NiceScale.formatValue(hi)))</text>\n"
            out += "<text x=\"\(n(labelWidth + 172))\" y=\"\(n(legendY + 9))\">\(XML.escape(cells.valueLabel))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// From pale yellow (low) through orange to dark red (high), legible on white.
    static func color(_ share: Double) -> String {
        let stops: [(Double, Double, Double)] = [(255, 247, 188), (254, 196, 79), (236, 112, 20), (153, 52, 4)]
        let t = max(0, min(1, share)) * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(t))
        let f = t - Double(i)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * f).rounded()) }
        let (r, g, b) = (mix(stops[i].0, stops[i + 1].0), mix(stops[i].1, stops[i + 1].1), mix(stops[i].2, stops[i + 1].2))
        func hex(_ v: Int) -> String { let s = String(v, radix: 16); return s.count < 2 ? "0" + s : s }
        return "#" + hex(r) + hex(g) + hex(b)
    }
}
