/// Rearranges `a` so that `a[k]` holds the value it would have if sorted, with no larger value
/// before it and no smaller value after it (Hoare's selection; NaN-free input).
func selectKth(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) {
    var lo = 0, hi = a.count &- 1
    var rounds = 0
    while hi > lo {
        // Tiny ranges and runs of bad pivots (adversarial input) are finished by sorting.
        if hi &- lo < 16 || rounds > 64 {
            var range = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
            range.sort()
            return
        }
        rounds &+= 1
        let mid = lo &+ (hi &- lo) / 2
        if a[mid] < a[lo] { a.swapAt(mid, lo) }
        if a[hi] < a[lo] { a.swapAt(hi, lo) }
        if a[hi] < a[mid] { a.swapAt(hi, mid) }
        let pivot = a[mid]
        var i = lo, j = hi
        while i <= j {
            while a[i] < pivot { i &+= 1 }
            while a[j] > pivot { j &-= 1 }
            if i <= j {
                a.swapAt(i, j)
                i &+= 1
                j &-= 1
            }
        }
        if k <= j { hi = j } else if k >= i { lo = i } else { return }
    }
}

/// numpy's `_lerp`: exact at both ends and monotonic in t.
@inline(__always) func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
    let diff = b - a
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t
}

/// What to compute from a bag of values.
enum OrderStatistic {
    /// Mean of the two middle values for an even count (numpy.median, pandas).
    case median
    /// Linear interpolation between the closest ranks at (n - 1) q (numpy's default method,
    /// DuckDB's quantile_cont).
    case quantile(Double)
}

/// The statistic of `values` (reordered in place), or nil when empty. NaN sorts after all numbers.
func orderStatistic(_ values: UnsafeMutableBufferPointer<Double>, _ statistic: OrderStatistic) -> Double? {
    var n = values.count
    guard n > 0 else { return nil }
    // Move NaNs to the end: they rank last, and selection needs a total order.
    var i = 0
    while i < n {
        if values[i].isNaN {
            n &-= 1
            values.swapAt(i, n)
        } else {
            i &+= 1
        }
    }
    let numbers = UnsafeMutableBufferPointer(rebasing: values[0..<n])
    let lower: Int, t: Double
    switch statistic {
    case .median:
        lower = (values.count &- 1) / 2
        t = values.count % 2 == 0 ? 0.5 : 0
    case .quantile(let q):
        let position = Double(values.count &- 1) * q
        let floor = position.rounded(.down)
        lower = Int(floor)
        t = position - floor
    }
    if lower >= n { return .nan }
    selectKth(numbers, lower)
    let a = numbers[lower]
    if t == 0 { return a }
    if lower &+ 1 >= n { return .nan }
    // The next rank is the smallest value above the selected one.
    var b = numbers[lower &+ 1]
    for k in (lower &+ 2)..<n where numbers[k] < b { b = numbers[k] }
    if case .median = statistic { return (a + b) / 2 }
    return lerp(a, b, t)
}
