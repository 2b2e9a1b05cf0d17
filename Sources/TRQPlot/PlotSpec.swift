/// What a chart shows, independent of how it is drawn (terminal, SVG, HTML).
///
/// Build one with `PlotSpec(kind:...)`; the initializer validates the data, so every renderer
/// can draw any `PlotSpec` without failing. Non-finite numbers (NaN for nulls, ±infinity) are
/// skipped when drawing.

public enum PlotKind: String, Sendable, CaseIterable {
    case bar, line, hist, scatter, heatmap
}

/// The x values of one series.
public enum PlotX: Sendable, Equatable {
    /// Labels; drawn in order of first appearance across all series.
    case categories([String])
    case numbers([Double])
    /// Microseconds since 1970-01-01T00:00:00Z.
    case times([Int64])

    public var count: Int {
        switch self {
        case .categories(let values): values.count
        case .numbers(let values): values.count
        case .times(let values): values.count
        }
    }

    var kindName: String {
        switch self {
        case .categories: "text"
        case .numbers: "numeric"
        case .times: "timestamp"
        }
    }

    func sameKind(as other: PlotX) -> Bool {
        switch (self, other) {
        case (.categories, .categories), (.numbers, .numbers), (.times, .times): true
        default: false
        }
    }
}

/// One series: for `bar`, `line` and `scatter`, the i-th point is `(x[i], y[i])`. For `hist`,
/// the raw values to bin are in `x` (numbers) and `y` is empty.
public struct PlotSeries: Sendable, Equatable {
    public let name: String
    public let x: PlotX
    public let y: [Double]

    public init(name: String, x: PlotX, y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }

    /// A histogram series: raw values, binned when drawn.
    public static func values(_ values: [Double], name: String = "") -> PlotSeries {
        PlotSeries(name: name, x: .numbers(values), y: [])
    }
}

public struct PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public struct PlotSpec: Sendable, Equatable {
    public static let maxBins = 1000

    public let kind: PlotKind
    public let title: String
    public let xLabel: String
    public let yLabel: String
    public let series: [PlotSeries]
    /// Histogram only: the target number of bins (nil: Sturges' rule). Bin edges are rounded to
    /// 1-2-5 steps, so the actual count is the nice count closest to this.
    public let bins: Int?
    /// Heatmap only: the cells (`series` is empty).
    public let cells: HeatmapCells?

    /// A heatmap of `cells`; `xLabel` and `yLabel` name the label columns.
    public init(heatmap cells: HeatmapCells, title: String = "", xLabel: String = "", yLabel: String = "") {
        kind = .heatmap
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        series = []
        bins = nil
        self.cells = cells
    }

    /// Throws when the series do not fit the chart kind; the message says how to fix the query.
    public init(
        kind: PlotKind, title: String = "", xLabel: String = "", yLabel: String = "",
        series: [PlotSeries], bins: Int? = nil
    ) throws(PlotError) {
        if let bins {
            guard kind == .hist else {
                throw PlotError("'bins' only applies to 'plot hist'; remove it from 'plot \(kind.rawValue)'")
            }
            guard bins >= 1 && bins <= Self.maxBins else {
                throw PlotError("bins must be between 1 and \(Self.maxBins), got \(bins)")
            }
        }
        guard kind != .heatmap else { throw PlotError("a heatmap is made from cells: PlotSpec(heatmap:)") }
        if kind == .hist {
            guard series.count <= 1 else {
                throw PlotError("a histogram draws one column; got \(series.count) series")
            }
            if let only = series.first {
                guard case .numbers = only.x else {
                    throw PlotError(
                        "hist needs numeric values, but '\(xLabel)' is \(only.x.kindName); "
                            + "derive a number first, e.g. 'derive y = year(\(xLabel.isEmpty ? "x" : xLabel))'")
                }
                guard only.y.isEmpty else {
                    throw PlotError("hist takes its values as x; got \(only.y.count) y values")
                }
            }
        } else {
            for one in series where one.x.count != one.y.count {
                throw PlotError(
                    "series '\(one.name)' has \(one.x.count) x values but \(one.y.count) y values")
            }
            if let first = series.first, let other = series.first(where: { !$0.x.sameKind(as: first.x) }) {
                throw PlotError(
                    "series '\(first.name)' has \(first.x.kindName) x values but series '\(other.name)' "
                        + "has \(other.x.kindName); convert x to one type")
            }
            if kind == .bar && series.count > 1 {
                try Self.requireDistinctCategories(series)
            }
        }
        self.kind = kind
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.bins = bins
        cells = nil
    }

    /// Grouped bars align series by x; a repeated x within a series would have two heights.
    private static func requireDistinctCategories(_ series: [PlotSeries]) throws(PlotError) {
        for one in series {
            var seen = Set<String>()
            for label in ChartData.xLabels(of: one.x, timeStyle: .dateTime) where !seen.insert(label).inserted {
                throw PlotError(
                    "x value '\(label)' appears more than once in series '\(one.name)'; "
                        + "aggregate first, e.g. 'groupby x, group agg y = sum(y)'")
            }
        }
    }
}
