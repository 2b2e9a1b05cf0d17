/// A `PlotSpec` reduced to what every renderer draws: finite points in axis units, their
/// display texts (made on demand: a terminal scatter of a million points needs none), and axis
/// scales. Terminal and SVG output share it so both show the same data.
struct ChartData {
    enum XKind { case categorical, numeric, time }
    enum TimeStyle { case date, dateTime }

    struct Point {
        /// Axis units: category index, number, or microseconds since the epoch.
        let x: Double
        let y: Double
    }

    struct Series {
        let name: String
        /// Runs of points to connect; a null y (or a value that is not finite) ends a run.
        let segments: [[Point]]
        var points: [Point] { segments.flatMap { $0 } }
    }

    let spec: PlotSpec
    let xKind: XKind
    /// For categorical x: the labels at positions 0, 1, 2 ...
    let categories: [String]
    let series: [Series]
    /// For hist.
    let histogram: Histogram?
    let timeStyle: TimeStyle

    init(_ spec: PlotSpec, histogramBins: Int? = nil) {
        self.spec = spec
        if spec.kind == .hist {
            var values: [Double] = []
            if case .numbers(let raw)? = spec.series.first?.x { values = raw }
            let histogram = Histogram(values: values, targetBins: histogramBins ?? spec.bins)
            self.histogram = histogram
            xKind = .numeric
            timeStyle = .date
            categories = []
            let points = zip(histogram.edges, histogram.counts).map { Point(x: $0, y: Double($1)) }
            series = [Series(name: spec.series.first?.name ?? "", segments: [points])]
            return
        }
        histogram = nil
        let timeStyle = Self.timeStyle(of: spec.series)
        self.timeStyle = timeStyle
        let firstX = spec.series.first?.x
        if spec.kind == .bar || firstX.map({ if case .categories = $0 { true } else { false } }) == true {
            xKind = .categorical
            (categories, series) = Self.categorical(spec, timeStyle: timeStyle)
            return
        }
        xKind = if case .times? = firstX { .time } else { .numeric }
        categories = []
        series = spec.series.map { one in
            var points: [Point] = []
            switch one.x {
            case .numbers(let xs):
                for (x, y) in zip(xs, one.y) where x.isFinite { points.append(Point(x: x, y: y)) }
            case .times(let xs):
                for (x, y) in zip(xs, one.y) { points.append(Point(x: Double(x), y: y)) }
            case .categories:
                break
            }
            return Series(name: one.name, segments: Self.segments(spec.kind == .line ? Self.sortedByX(points) : points))
        }
    }

    /// A line joins its points from left to right; points with equal x keep their row order.
    private static func sortedByX(_ points: [Point]) -> [Point] {
        let order = points.indices.sorted { points[$0].x < points[$1].x || (points[$0].x == points[$1].x && $0 < $1) }
        return order.map { points[$0] }
    }

    /// The x of `point` as people read it: its label, number, date, or a histogram bin "[lo, hi)".
    func xText(_ point: Point) -> String {
        if let histogram {
            let bin = Int(histogram.step.quotient(point.x) - histogram.firstMultiple)
            guard bin >= 0, bin + 1 < histogram.edges.count else { return NiceScale.formatValue(point.x) }
            return "[\(NiceScale.formatValue(histogram.edges[bin])), \(NiceScale.formatValue(histogram.edges[bin + 1])))"
        }
        switch xKind {
        case .categorical:
            let index = Int(point.x)
            return categories.indices.contains(index) ? categories[index] : ""
        case .numeric:
            return NiceScale.formatValue(point.x)
        case .time:
            return TimeScale.format(Self.micros(point.x), dateOnly: timeStyle == .date)
        }
    }

    /// x came from Int64 microseconds, but Double(Int64.max) itself does not convert back.
    static func micros(_ v: Double) -> Int64 { Int64(exactly: v.rounded()) ?? (v < 0 ? .min : .max) }

    /// Bars are one per row for a single series (repeated labels allowed); several series are
    /// aligned on the union of their labels, in order of first appearance.
    private static func categorical(_ spec: PlotSpec, timeStyle: TimeStyle) -> ([String], [Series]) {
        if spec.kind == .bar && spec.series.count == 1, let only = spec.series.first {
            let labels = xLabels(of: only.x, timeStyle: timeStyle)
            let points = only.y.enumerated().map { Point(x: Double($0.offset), y: $0.element) }
            return (labels, [Series(name: only.name, segments: segments(points))])
        }
        var categories: [String] = []
        var positions: [String: Int] = [:]
        let labelled = spec.series.map { xLabels(of: $0.x, timeStyle: timeStyle) }
        for labels in labelled {
            for label in labels where positions[label] == nil {
                positions[label] = categories.count
                categories.append(label)
            }
        }
        let series = zip(spec.series, labelled).map { one, labels in
            let points = zip(labels, one.y).map { Point(x: Double(positions[$0] ?? 0), y: $1) }
            return Series(name: one.name, segments: segments(spec.kind == .line ? sortedByX(points) : points))
        }
        return (categories, series)
    }

    private static func segments(_ points: [Point]) -> [[Point]] {
        var runs: [[Point]] = []
        var current: [Point] = []
        for point in points {
            if point.y.isFinite {
                current.append(point)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Timestamps that are all at midnight UTC are dates and shown without a clock time.
    static func timeStyle(of series: [PlotSeries]) -> TimeStyle {
        for one in series {
            if case .times(let xs) = one.x, xs.contains(where: { !TimeScale.isMidnight($0) }) { return .dateTime }
        }
        return .date
    }

    static func xLabels(of x: PlotX, timeStyle: TimeStyle) -> [String] {
        switch x {
        case .categories(let labels): labels
        case .numbers(let values): values.map(NiceScale.formatValue)
        case .times(let values): values.map { TimeScale.format($0, dateOnly: timeStyle == .date) }
        }
    }

    var isEmpty: Bool { series.allSatisfy { $0.segments.isEmpty } }

    /// A histogram's y axis counts values even when the spec does not say so.
    var yLabel: String { spec.yLabel.isEmpty && spec.kind == .hist ? "count" : spec.yLabel }

    /// The smallest and largest of one coordinate over every point (infinity, -infinity if none).
    private func range(_ coordinate: KeyPath<Point, Double>) -> (lo: Double, hi: Double) {
        var lo = Double.infinity
        var hi = -Double.infinity
        for one in series {
            for segment in one.segments {
                for point in segment {
                    lo = min(lo, point[keyPath: coordinate])
                    hi = max(hi, point[keyPath: coordinate])
                }
            }
        }
        return (lo, hi)
    }

    /// Bars and histograms are measured from zero, so zero is always on their value axis.
    func yAxis(maxTicks: Int) -> Axis {
        var (lo, hi) = range(\.y)
        if spec.kind == .bar || spec.kind == .hist || lo > hi {
            lo = min(lo, 0)
            hi = max(hi, 0)
        }
        return Axis.nice(lo: lo, hi: hi, maxTicks: maxTicks, integerStep: spec.kind == .hist)
    }

    /// The axis of numeric or time x; nil for categories.
    func xAxis(maxTicks: Int) -> Axis? {
        if let histogram, let first = histogram.edges.first, let last = histogram.edges.last {
            let (ticks, labels) = histogram.edgeTicks(maxTicks: maxTicks)
            return Axis(lo: first, hi: last, ticks: ticks, labels: labels)
        }
        guard xKind != .categorical else { return nil }
        var (lo, hi) = range(\.x)
        if lo > hi { (lo, hi) = (0, 1) }
        if xKind == .numeric { return Axis.nice(lo: lo, hi: hi, maxTicks: maxTicks, integerStep: false) }
        return Axis.time(lo: Self.micros(lo), hi: Self.micros(hi), maxTicks: maxTicks)
    }
}

/// A continuous scale from `lo` to `hi` with labelled ticks.
struct Axis {
    let lo: Double
    let hi: Double
    let ticks: [Double]
    let labels: [String]

    /// 0 at `lo`, 1 at `hi`.
    func fraction(_ v: Double) -> Double { hi > lo ? (v - lo) / (hi - lo) : 0.5 }

    /// The domain is extended to the outer ticks.
    static func nice(lo: Double, hi: Double, maxTicks: Int, integerStep: Bool) -> Axis {
        let (ticks, step) = NiceScale.niceTicks(lo: lo, hi: hi, maxTicks: maxTicks, integerStep: integerStep)
        return Axis(lo: ticks.first ?? lo, hi: ticks.last ?? hi, ticks: ticks, labels: NiceScale.labels(for: ticks, step: step))
    }

    /// The domain is the data range (widened when shorter than two seconds, or to a day either
    /// side for a single date) with ticks on calendar boundaries inside it.
    static func time(lo: Int64, hi: Int64, maxTicks: Int) -> Axis {
        var lo = lo
        var hi = hi
        if hi &- lo < 2 * TimeScale.microsPerSecond {
            let pad = lo == hi && TimeScale.isMidnight(lo) ? TimeScale.microsPerDay : TimeScale.microsPerSecond
            lo = lo &- pad
            hi = hi &+ pad
        }
        let (ticks, labels) = TimeScale.ticks(lo: lo, hi: hi, maxTicks: maxTicks)
        return Axis(lo: Double(lo), hi: Double(hi), ticks: ticks.map(Double.init), labels: labels)
    }
}
