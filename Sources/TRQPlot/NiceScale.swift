import Foundation

/// Axis ticks at "nice" 1-2-5 steps (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) and number labels.
public enum NiceScale {
    /// A step of `mantissa` × 10^`exponent`, with mantissa 1, 2 or 5. Kept in this form so tick
    /// values are computed as integer / power of ten (0.3, not 0.30000000000000004).
    struct Step: Equatable {
        let mantissa: Int
        let exponent: Int

        var value: Double { scaled(1) }

        /// `multiple` × step.
        func scaled(_ multiple: Double) -> Double {
            let units = multiple * Double(mantissa)
            return exponent >= 0 ? units * pow(10, Double(exponent)) : units / pow(10, Double(-exponent))
        }

        /// `v / value`, snapped to an integer when it is one up to rounding error, so that
        /// floor/ceil of it do not jump a whole step because of a last-bit error.
        func quotient(_ v: Double) -> Double {
            let q = exponent >= 0
                ? v / pow(10, Double(exponent)) / Double(mantissa)
                : v * pow(10, Double(-exponent)) / Double(mantissa)
            let nearest = q.rounded()
            return abs(q - nearest) <= 1e-9 * max(1, abs(q)) ? nearest : q
        }

        var next: Step {
            switch mantissa {
            case 1: Step(mantissa: 2, exponent: exponent)
            case 2: Step(mantissa: 5, exponent: exponent)
            default: Step(mantissa: 1, exponent: exponent + 1)
            }
        }

        /// The largest 1-2-5 step not above `x` (x > 0).
        static func atMost(_ x: Double) -> Step {
            var step = Step(mantissa: 1, exponent: Int(floor(log10(x))) - 1)
            while step.next.value <= x { step = step.next }
            return step
        }
    }

    /// Ticks at multiples of the smallest 1-2-5 step for which the multiples from
    /// floor(lo/step) to ceil(hi/step) number at most `maxTicks` (at least 2). The first and
    /// last tick therefore enclose [lo, hi]. `maxTicks` below 3 counts as 3 (a range around
    /// zero needs -step, 0, step). `integerStep` keeps the step ≥ 1 (for counts).
    /// A zero-width range is widened first; non-finite input gives [0, 1].
    public static func ticks(lo: Double, hi: Double, maxTicks: Int, integerStep: Bool = false) -> [Double] {
        niceTicks(lo: lo, hi: hi, maxTicks: maxTicks, integerStep: integerStep).ticks
    }

    static func niceTicks(lo: Double, hi: Double, maxTicks: Int, integerStep: Bool) -> (ticks: [Double], step: Step) {
        guard lo.isFinite && hi.isFinite else { return ([0, 1], Step(mantissa: 1, exponent: 0)) }
        let (lo, hi) = widened(lo: clampedForScale(min(lo, hi)), hi: clampedForScale(max(lo, hi)))
        let limit = Double(max(3, maxTicks))
        var step = Step.atMost((hi - lo) / limit)
        if integerStep && step.exponent < 0 { step = Step(mantissa: 1, exponent: 0) }
        while true {
            let first = floor(step.quotient(lo))
            let last = ceil(step.quotient(hi))
            if last - first + 1 <= limit {
                let ticks = stride(from: first, through: last, by: 1).map { step.scaled($0) }
                return (ticks, step)
            }
            step = step.next
        }
    }

    /// Beyond this, spans and steps would overflow or underflow Double; no real data is there.
    static func clampedForScale(_ v: Double) -> Double {
        abs(v) < 1e-280 ? 0 : min(max(v, -1e300), 1e300)
    }

    /// A range of width zero (one distinct value) cannot be scaled; give it room around the value.
    static func widened(lo: Double, hi: Double) -> (Double, Double) {
        // Below this relative width the tick multiples would exceed Double's integer precision.
        let magnitude = max(abs(lo), abs(hi))
        if hi - lo > magnitude * 1e-12 { return (lo, hi) }
        if magnitude == 0 { return (0, 1) }
        let pad = magnitude * 0.1
        return (lo - pad, hi + pad)
    }

    /// Labels for ticks produced with `step`: as many decimals as the step needs, and k/M/G/T
    /// suffixes once numbers reach 10 000, e.g. 0, 0.5M, 1M, 1.5M.
    static func labels(for ticks: [Double], step: Step) -> [String] {
        let largest = ticks.reduce(0) { max($0, abs($1)) }
        if largest >= 1e15 { return ticks.map(formatValue) }
        var scaleExponent = 0
        var suffix = ""
        if largest >= 1e4 {
            for (exponent, letter) in [(12, "T"), (9, "G"), (6, "M"), (3, "k")] where largest >= pow(10, Double(exponent)) {
                scaleExponent = exponent
                suffix = letter
                break
            }
        }
        let decimals = max(0, scaleExponent - step.exponent)
        let divisor = pow(10, Double(scaleExponent))
        return ticks.map { tick in
            let text = trimmedFixed(tick / divisor, decimals: decimals)
            return text == "0" ? text : text + suffix
        }
    }

    /// A data value for people: integers in full, otherwise six significant digits.
    public static func formatValue(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "null" : (v > 0 ? "inf" : "-inf") }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        let magnitude = abs(v)
        if magnitude >= 1e15 || magnitude < 1e-6 { return String(format: "%.5e", v) }
        let decimals = min(12, max(0, 5 - Int(floor(log10(magnitude)))))
        return trimmedFixed(v, decimals: decimals)
    }

    static func trimmedFixed(_ v: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", v)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
