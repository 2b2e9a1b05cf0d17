import Foundation
import Testing
import TestSupport
@testable import TRQPlot

@Suite struct NiceScaleTests {
    // Expected values worked out by hand from the rule: the smallest 1-2-5 step whose
    // multiples from floor(lo/step) to ceil(hi/step) number at most maxTicks.
    @Test func handComputedTicks() {
        #expect(NiceScale.ticks(lo: 0, hi: 10, maxTicks: 6) == [0, 2, 4, 6, 8, 10])
        #expect(NiceScale.ticks(lo: 0.12, hi: 0.87, maxTicks: 5) == [0, 0.5, 1])
        #expect(NiceScale.ticks(lo: -3, hi: 47, maxTicks: 6) == [-20, 0, 20, 40, 60])
        #expect(NiceScale.ticks(lo: 0, hi: 200, maxTicks: 6) == [0, 50, 100, 150, 200])
        #expect(NiceScale.ticks(lo: 1_234, hi: 5_678, maxTicks: 6) == [1_000, 2_000, 3_000, 4_000, 5_000, 6_000])
    }

    @Test func decimalTicksAreTheDecimalLiterals() {
        // 3 × 0.1 would be 0.30000000000000004; ticks must be the doubles nearest the decimals.
        #expect(NiceScale.ticks(lo: 0, hi: 1, maxTicks: 11) == [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])
        #expect(NiceScale.ticks(lo: 0.3, hi: 0.7, maxTicks: 5) == [0.3, 0.4, 0.5, 0.6, 0.7])
    }

    @Test func integerStepForCounts() {
        #expect(NiceScale.ticks(lo: 0, hi: 3, maxTicks: 10, integerStep: true) == [0, 1, 2, 3])
        #expect(NiceScale.ticks(lo: 0, hi: 3, maxTicks: 10) == [0, 0.5, 1, 1.5, 2, 2.5, 3])
    }

    @Test func degenerateAndInvalidRanges() {
        // One value v is widened to v ± 10 %: 4.5 … 5.5, step 0.5.
        #expect(NiceScale.ticks(lo: 5, hi: 5, maxTicks: 5) == [4.5, 5, 5.5])
        // Zero alone becomes 0 … 1; three ticks fit at step 0.5.
        #expect(NiceScale.ticks(lo: 0, hi: 0, maxTicks: 3) == [0, 0.5, 1])
        #expect(NiceScale.ticks(lo: .nan, hi: 1, maxTicks: 5) == [0, 1])
        #expect(NiceScale.ticks(lo: 2, hi: -2, maxTicks: 5) == [-2, -1, 0, 1, 2])
        // Fewer than 3 ticks cannot span a range around zero; asking for 2 must still end.
        #expect(NiceScale.ticks(lo: -0.1, hi: 0.1, maxTicks: 2) == [-0.1, 0, 0.1])
        #expect(NiceScale.ticks(lo: -1e308, hi: 1e308, maxTicks: 5).count <= 5)
        let subnormal = Double.leastNonzeroMagnitude * 2_000  // about 1e-320
        #expect(NiceScale.ticks(lo: subnormal, hi: 3 * subnormal, maxTicks: 5).count <= 5)
    }

    /// For many ranges: the step is 1, 2 or 5 times a power of ten, the ticks enclose the range,
    /// there are at most maxTicks, and no smaller 1-2-5 step would have fitted.
    @Test func propertiesOverManyRanges() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let scale = pow10(Int(random.next() % 12) - 6)
            let a = (Double(random.next() % 2_000_001) - 1_000_000) / 1000 * scale
            let b = a + Double(random.next() % 1_000_000 + 1) / 1000 * scale
            let maxTicks = Int(random.next() % 10) + 3
            let ticks = NiceScale.ticks(lo: a, hi: b, maxTicks: maxTicks)
            #expect(ticks.count >= 2 && ticks.count <= maxTicks)
            #expect(ticks.first! <= a && ticks.last! >= b)
            let step = ticks[1] - ticks[0]
            let exponent = Int(floor(log10(step) + 1e-9))
            let mantissa = (step / pow10(exponent) * 1000).rounded() / 1000
            #expect([1, 2, 5].contains(mantissa), "step \(step) for \(a)…\(b)")
            let finer = mantissa == 1 ? 0.5 * pow10(exponent) : mantissa == 2 ? pow10(exponent) : 2 * pow10(exponent)
            let finerCount = ceil(b / finer - 1e-9) - floor(a / finer + 1e-9) + 1
            #expect(finerCount > Double(maxTicks), "step \(finer) would have fitted \(a)…\(b) in \(maxTicks)")
        }
    }

    @Test func tickLabels() {
        #expect(Axis.nice(lo: 0, hi: 1.5e6, maxTicks: 4, integerStep: false).labels == ["0", "0.5M", "1M", "1.5M"])
        #expect(Axis.nice(lo: 0, hi: 40_000, maxTicks: 3, integerStep: false).labels == ["0", "20k", "40k"])
        #expect(Axis.nice(lo: 2_000, hi: 2_010, maxTicks: 3, integerStep: false).labels == ["2000", "2005", "2010"])
        #expect(Axis.nice(lo: 0, hi: 0.4, maxTicks: 3, integerStep: false).labels == ["0", "0.2", "0.4"])
        #expect(Axis.nice(lo: -1, hi: 1, maxTicks: 5, integerStep: false).labels == ["-1", "-0.5", "0", "0.5", "1"])
    }

    @Test func valueFormatting() {
        #expect(NiceScale.formatValue(123) == "123")
        #expect(NiceScale.formatValue(-4) == "-4")
        #expect(NiceScale.formatValue(-0.0) == "0")
        #expect(NiceScale.formatValue(61.5) == "61.5")
        #expect(NiceScale.formatValue(0.1 + 0.2) == "0.3")
        #expect(NiceScale.formatValue(3.14159265) == "3.14159")
        #expect(NiceScale.formatValue(0.000123456) == "0.000123456")
        #expect(NiceScale.formatValue(1e20) == "1.00000e+20")
        #expect(NiceScale.formatValue(.nan) == "null")
    }
}

@Suite struct HistogramTests {
    @Test func integersGetUnitBins() {
        let h = Histogram(values: [1, 2, 2, 3, 3, 3, 4, 4, 4, 4], targetBins: 4)
        #expect(h.edges == [1, 2, 3, 4, 5])
        #expect(h.counts == [1, 2, 3, 4])
    }

    @Test func widthClosestToTarget() {
        // 0.0, 0.1, … 9.9 with 5 bins: width 1 gives 10 bins, width 2 gives exactly 5.
        let tenths = (0..<100).map { Double($0) / 10 }
        let h = Histogram(values: tenths, targetBins: 5)
        #expect(h.edges == [0, 2, 4, 6, 8, 10])
        #expect(h.counts == [20, 20, 20, 20, 20])
        // 0 … 101 with 10 bins: width 10 gives 11 bins (1 off), width 20 gives 6 (4 off).
        let h2 = Histogram(values: (0...101).map(Double.init), targetBins: 10)
        #expect(h2.edges == stride(from: 0.0, through: 110, by: 10).map { $0 })
        #expect(h2.counts == [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 2])
    }

    @Test func decimalValuesLandInTheRightBin() {
        // 0.3 / 0.1 is 2.9999999999999996 in Double; 0.3 still belongs to [0.3, 0.4).
        let h = Histogram(values: [0.1, 0.2, 0.3], targetBins: 3)
        #expect(h.edges == [0.1, 0.2, 0.3, 0.4])
        #expect(h.counts == [1, 1, 1])
    }

    @Test func skipsNonFiniteAndHandlesOneValue() {
        let h = Histogram(values: [1, .nan, 2, .infinity], targetBins: 2)
        #expect(h.skipped == 2)
        #expect(h.counts.reduce(0, +) == 2)
        let single = Histogram(values: [5, 5, 5])
        #expect(single.edges == [5, 6])
        #expect(single.counts == [3])
        let tenth = Histogram(values: [0.3])
        #expect(tenth.edges == [0.3, 0.4])
        let none = Histogram(values: [.nan])
        #expect(none.edges.isEmpty && none.counts.isEmpty && none.skipped == 1)
    }

    @Test func sturges() {
        #expect(Histogram.sturgesBins(count: 1) == 1)
        #expect(Histogram.sturgesBins(count: 100) == 8)  // ceil(6.64) + 1
        #expect(Histogram.sturgesBins(count: 1_000) == 11)
        #expect(Histogram(values: (0..<100).map(Double.init)).counts.count == 10)  // width 10 is closest to 8 (vs 20 bins of 5, 5 of 20)
    }

    /// Against a brute-force count: every value is in exactly the bin whose edges enclose it.
    @Test func countsMatchBruteForce() {
        var random = SplitMix64(seed: 7)
        for trial in 0..<50 {
            let n = Int(random.next() % 500) + 1
            let spread = pow10(Int(random.next() % 8) - 3)
            let values = (0..<n).map { _ in (Double(random.next() % 100_000) / 1000 - 30) * spread }
            let bins = Int(random.next() % 40) + 1
            let h = Histogram(values: values, targetBins: bins)
            #expect(h.counts.reduce(0, +) == n, "trial \(trial)")
            #expect(h.edges.first! <= values.min()! && h.edges.last! > values.max()!)
            var expected = [Int](repeating: 0, count: h.counts.count)
            for v in values {
                let bin = (0..<h.counts.count).first { h.edges[$0] <= v && v < h.edges[$0 + 1] }
                if let bin { expected[bin] += 1 }
            }
            // A value within a rounding error of an edge may be counted on either side.
            let moved = zip(expected, h.counts).map { abs($0 - $1) }.reduce(0, +)
            #expect(moved <= 2 * values.filter { v in h.edges.contains { abs($0 - v) <= 1e-9 * max(1, abs(v)) } }.count,
                    "trial \(trial): \(expected) vs \(h.counts)")
        }
    }
}

@Suite struct TimeScaleTests {
    static let day: Int64 = 86_400_000_000
    static let jan1st2023: Int64 = 19_358 * day  // 53 years, 13 of them leap years

    @Test func civilCalendar() {
        #expect(TimeScale.civil(fromDays: 0) == (1970, 1, 1))
        #expect(TimeScale.civil(fromDays: 19_358) == (2023, 1, 1))
        #expect(TimeScale.civil(fromDays: 19_782) == (2024, 2, 29))
        #expect(TimeScale.civil(fromDays: -1) == (1969, 12, 31))
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let date = TimeScale.civil(fromDays: days)
            #expect(TimeScale.daysFromCivil(year: date.year, month: date.month, day: date.day) == days)
        }
        #expect(TimeScale.format(Self.jan1st2023 + 3_723_000_000 + 500_000, dateOnly: false) == "2023-01-01 01:02:03.5")
        #expect(TimeScale.format(-Self.day, dateOnly: true) == "1969-12-31")
    }

    @Test func monthTicks() {
        let (ticks, labels) = TimeScale.ticks(lo: Self.jan1st2023, hi: Self.jan1st2023 + 364 * Self.day, maxTicks: 7)
        #expect(labels == ["2023-01", "2023-03", "2023-05", "2023-07", "2023-09", "2023-11"])
        #expect(ticks.first == Self.jan1st2023)
    }

    @Test func hourTicks() {
        let (_, labels) = TimeScale.ticks(lo: Self.jan1st2023, hi: Self.jan1st2023 + 12 * 3_600_000_000, maxTicks: 5)
        #expect(labels == ["00:00", "03:00", "06:00", "09:00", "12:00"])
    }

    @Test func weekTicksStartOnMonday() {
        // 2023-01-01 was a Sunday.
        let (_, labels) = TimeScale.ticks(lo: Self.jan1st2023, hi: Self.jan1st2023 + 45 * Self.day, maxTicks: 8)
        #expect(labels == ["2023-01-02", "2023-01-09", "2023-01-16", "2023-01-23", "2023-01-30", "2023-02-06", "2023-02-13"])
    }

    @Test func yearTicks() {
        let lo = TimeScale.daysFromCivil(year: 1950, month: 6, day: 1) * Self.day
        let hi = TimeScale.daysFromCivil(year: 2023, month: 6, day: 1) * Self.day
        let (_, labels) = TimeScale.ticks(lo: lo, hi: hi, maxTicks: 8)
        #expect(labels == ["1960", "1970", "1980", "1990", "2000", "2010", "2020"])
    }

    @Test func extremesDoNotTrap() {
        _ = TimeScale.ticks(lo: .min, hi: .max, maxTicks: 8)
        let spec = try? PlotSpec(kind: .scatter, series: [PlotSeries(name: "", x: .times([.min, .max]), y: [1, 2])])
        #expect(spec.map { TerminalChart.render($0, width: 60) }?.isEmpty == false)
    }
}


func pow10(_ exponent: Int) -> Double {
    exponent >= 0 ? (0..<exponent).reduce(1.0) { acc, _ in acc * 10 } : 1 / pow10(-exponent)
}

