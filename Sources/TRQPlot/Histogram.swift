import Foundation

/// Values counted into equal-width bins whose edges are multiples of a 1-2-5 step.
/// Bin i holds values v with edges[i] <= v < edges[i + 1] (every bin is half-open, so with
/// integer data and width 1 each integer gets its own bin).
public struct Histogram: Sendable, Equatable {
    public let edges: [Double]
    public let counts: [Int]
    /// Values that were NaN or infinite and so were not counted.
    public let skipped: Int
    /// The bin width, and edges[0] as a multiple of it.
    let step: NiceScale.Step
    let firstMultiple: Double

    /// Sturges' rule: ceil(log2 n) + 1 bins.
    public static func sturgesBins(count: Int) -> Int {
        count <= 1 ? 1 : Int(ceil(log2(Double(count)))) + 1
    }

    /// Bins `values` with the 1-2-5 width whose bin count is closest to `targetBins` (ties go
    /// to fewer bins; nil: Sturges' rule). When every value is an integer the width is at
    /// least 1. No finite values give no bins.
    public init(values: [Double], targetBins: Int? = nil) {
        var lo = Double.infinity
        var hi = -Double.infinity
        var finite = 0
        var allIntegers = true
        for raw in values where raw.isFinite {
            let v = NiceScale.clampedForScale(raw)
            lo = min(lo, v)
            hi = max(hi, v)
            finite &+= 1
            if allIntegers && v != v.rounded() { allIntegers = false }
        }
        skipped = values.count - finite
        guard finite > 0 else {
            edges = []
            counts = []
            step = NiceScale.Step(mantissa: 1, exponent: 0)
            firstMultiple = 0
            return
        }
        let target = max(1, min(PlotSpec.maxBins, targetBins ?? Self.sturgesBins(count: finite)))
        let step = Self.binWidth(lo: lo, hi: hi, target: target, integerWidth: allIntegers)
        let first = floor(step.quotient(lo))
        let binCount = Int(floor(step.quotient(hi)) - first) + 1
        var counts = [Int](repeating: 0, count: binCount)
        for v in values where v.isFinite {
            let index = Int(floor(step.quotient(NiceScale.clampedForScale(v))) - first)
            counts[min(max(index, 0), binCount - 1)] &+= 1
        }
        self.counts = counts
        self.step = step
        firstMultiple = first
        edges = (0...binCount).map { step.scaled(first + Double($0)) }
    }

    /// Ticks on bin edges: the edges that are multiples of k bin widths, for the smallest k in
    /// 1, 2, 5, 10, 20 … that gives at most `maxTicks` of them.
    func edgeTicks(maxTicks: Int) -> (ticks: [Double], labels: [String]) {
        let last = firstMultiple + Double(counts.count)
        var every = NiceScale.Step(mantissa: 1, exponent: 0)
        while true {
            let k = every.value
            let from = ceil(firstMultiple / k) * k
            let count = floor((last - from) / k) + 1
            if count <= Double(max(2, maxTicks)) || k > last - firstMultiple {
                let ticks = stride(from: from, through: last, by: k).map { step.scaled($0) }
                return (ticks, NiceScale.labels(for: ticks, step: step))
            }
            every = every.next
        }
    }

    static func binWidth(lo: Double, hi: Double, target: Int, integerWidth: Bool) -> NiceScale.Step {
        func binCount(_ step: NiceScale.Step) -> Double {
            floor(step.quotient(hi)) - floor(step.quotient(lo)) + 1
        }
        let span = hi - lo
        let magnitude = max(abs(lo), abs(hi))
        // One distinct value: one bin starting at it.
        if span == 0 {
            if integerWidth || magnitude == 0 { return NiceScale.Step(mantissa: 1, exponent: 0) }
            return NiceScale.Step(mantissa: 1, exponent: Int(floor(log10(magnitude))))
        }
        var step = NiceScale.Step.atMost(span / Double(target) / 10)
        if integerWidth && step.exponent < 0 { step = NiceScale.Step(mantissa: 1, exponent: 0) }
        var previous: NiceScale.Step? = nil
        while binCount(step) > Double(target) {
            previous = step
            step = step.next
        }
        // `step` is the finest width with at most `target` bins; the finer one before it may be closer.
        if let previous, binCount(previous) - Double(target) < Double(target) - binCount(step) {
            return previous
        }
        return step
    }
}
