import CFrameKernels

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

extension OrderStatistic {
    /// The rank (0-based, in ascending order) of the lower of the two values the statistic
    /// interpolates between among `count` values, and the weight of the upper one.
    func position(among count: Int) -> (lower: Int, fraction: Double) {
        switch self {
        case .median:
            return ((count &- 1) / 2, count % 2 == 0 ? 0.5 : 0)
        case .quantile(let q):
            let position = Double(count &- 1) * q
            let floor = position.rounded(.down)
            return (Int(floor), position - floor)
        }
    }
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
    let (lower, t) = statistic.position(among: values.count)
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

/// The order keys (see `trq_key_kind`) of the non-null values of an int, float or time column,
/// read by the C key kernels straight from the column.
struct ColumnKeys {
    let values: UnsafeRawPointer?
    let kind: trq_key_kind
    let validity: UnsafePointer<UInt64>?
    let rows: Int

    /// Calls `body` with the keys of `column`; nil for bool and string columns. NaN is skipped
    /// unless `nanIsAKey`.
    static func of<R>(_ column: Column, nanIsAKey: Bool = false, _ body: (ColumnKeys) throws(FrameError) -> R) throws(FrameError) -> R? {
        try (column.validity?.words ?? []).withUnsafeBufferPointer { validWords throws(FrameError) in
            func keys<T>(_ values: [T], _ kind: trq_key_kind) throws(FrameError) -> R {
                try values.withUnsafeBufferPointer { p throws(FrameError) in
                    try body(ColumnKeys(values: UnsafeRawPointer(p.baseAddress), kind: kind,
                                        validity: column.validity == nil ? nil : validWords.baseAddress, rows: values.count))
                }
            }
            switch column.data {
            case .int(let v), .timestamp(let v): return try keys(v, TRQ_KEYS_I64)
            case .date(let v): return try keys(v, TRQ_KEYS_I32)
            case .float(let v): return try keys(v, nanIsAKey ? TRQ_KEYS_F64_WITH_NAN : TRQ_KEYS_F64)
            case .bool, .string: return nil
            }
        }
    }

    var kernelKind: Int32 { Int32(kind.rawValue) }

    /// The number of keys and the smallest and largest.
    func range() -> (count: Int, low: UInt64, high: UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        let count = trq_key_range(values, kernelKind, validity, Int64(rows), &low, &high)
        return (Int(count), low, high)
    }

    func summary() -> trq_key_summary {
        var summary = trq_key_summary()
        trq_key_summary_of(values, kernelKind, validity, Int64(rows), &summary)
        return summary
    }
}

/// The keys at `ranks` (0-based positions in ascending order, each below the number of keys)
/// among `keys`, all within `low ... high`. Radix selection without moving the keys: each pass
/// counts, for every interval still holding a wanted rank, its keys by the top 16 bits of their
/// offset in the interval, which narrows each rank to one bucket (the next interval). Once the
/// intervals hold few keys, those are gathered and sorted. Ranks in a narrow range of values
/// take two or three passes, whatever the order of the keys.
func keysAtRanks(_ ranks: [Int], of keys: ColumnKeys, count: Int, low: UInt64, high: UInt64) throws(FrameError) -> [UInt64] {
    precondition(ranks.count <= 8, "at most 8 ranks at once")
    var targets = ranks.map { RankTarget(low: low, high: high, rank: $0) }
    var keysInOpenIntervals = count
    let kind = keys.kernelKind
    while true {
        try FrameError.checkCancellation()
        var intervals = trq_key_intervals()
        var lows: [UInt64] = [], spans: [UInt64] = []
        for t in targets where t.low != t.high && !zip(lows, spans).contains(where: { $0 == t.low && $1 == t.high &- t.low }) {
            lows.append(t.low)
            spans.append(t.high &- t.low)
        }
        if lows.isEmpty { return targets.map { $0.low } }
        func interval(of t: RankTarget) -> Int {
            lows.indices.first { lows[$0] == t.low && spans[$0] == t.high &- t.low } ?? 0
        }
        // Buckets of interval k: 2^shift keys each, their counters from starts[k] on.
        let shifts = spans.map { UInt64(Swift.max(0, (64 &- $0.leadingZeroBitCount) &- 16)) }
        var starts = [0]
        for (span, shift) in zip(spans, shifts) { starts.append(starts[starts.count &- 1] &+ Int(span &>> shift) &+ 1) }
        intervals.count = Int32(lows.count)
        intervals.outside = Int64(starts[lows.count])
        fill(&intervals.low, with: lows)
        fill(&intervals.span, with: spans)
        fill(&intervals.shift, with: shifts)
        fill(&intervals.start, with: starts.dropLast().map(Int64.init))

        if keysInOpenIntervals <= 1 << 16 {
            var inIntervals = [UInt64](repeating: 0, count: keysInOpenIntervals &+ 1)
            let gathered = Int(trq_gather_keys(keys.values, kind, keys.validity, Int64(keys.rows), &intervals, &inIntervals, Int64(keysInOpenIntervals)))
            inIntervals.removeLast(inIntervals.count &- gathered)
            inIntervals.sort()
            // A rank inside interval k counts from the first gathered key of that interval.
            return targets.map { t in
                if t.low == t.high { return t.low }
                let k = firstIndex(atLeast: t.low, in: inIntervals) &+ t.rank
                return k < inIntervals.count ? inIntervals[k] : t.high
            }
        }
        var counts = [Int32](repeating: 0, count: starts[lows.count] &+ 1)
        trq_count_key_buckets(keys.values, kind, keys.validity, Int64(keys.rows), &intervals, &counts)
        keysInOpenIntervals = 0
        var counted: Set<Int> = []
        for k in targets.indices where targets[k].low != targets[k].high {
            let i = interval(of: targets[k])
            var bucket = starts[i], rank = targets[k].rank
            while rank >= Int(counts[bucket]) {
                rank &-= Int(counts[bucket])
                bucket &+= 1
            }
            let bucketLow = lows[i] &+ UInt64(bucket &- starts[i]) &<< shifts[i]
            let width = (1 &<< shifts[i]) &- 1 as UInt64
            let intervalHigh = lows[i] &+ spans[i]
            targets[k] = RankTarget(low: bucketLow, high: intervalHigh &- bucketLow < width ? intervalHigh : bucketLow &+ width, rank: rank)
            if counted.insert(bucket).inserted { keysInOpenIntervals &+= Int(counts[bucket]) }
        }
    }
}

/// Copies `values` to the first elements of a C array (which Swift sees as a tuple).
private func fill<CArray, Element>(_ array: inout CArray, with values: [Element]) {
    withUnsafeMutableBytes(of: &array) { raw in
        let slots = raw.bindMemory(to: Element.self)
        for (k, value) in values.enumerated() { slots[k] = value }
    }
}

/// A wanted rank: the interval of keys that holds it, and its rank among them.
private struct RankTarget {
    var low: UInt64, high: UInt64, rank: Int
}

/// The index of the first key of `sorted` that is at least `key`.
private func firstIndex(atLeast key: UInt64, in sorted: [UInt64]) -> Int {
    var low = 0, high = sorted.count
    while low < high {
        let mid = (low &+ high) / 2
        if sorted[mid] >= key { high = mid } else { low = mid &+ 1 }
    }
    return low
}
