import CFrameKernels

/// Summary statistics, one row per column of `t`: name, type (strings); count (non-null), nulls,
/// distinct (non-null distinct values) (ints); mean, std (sample), p25, p50, p75 (floats, null
/// unless the column is int or float); min and max as text (any type; strings by byte order).
/// The values are those of the aggregates of the same names (`quantile` for the percentiles),
/// computed by one task per column and statistic, run on all cores.
public func describe(_ t: Table) throws(FrameError) -> Table {
    // Longest first, so that both cores finish at about the same time.
    let numeric = t.columns.indices.filter { t.columns[$0].type == .int || t.columns[$0].type == .float }
    let tasks = numeric.map { ($0, DescribePart.quantiles) } + t.columns.indices.map { ($0, DescribePart.distinct) }
        + numeric.map { ($0, DescribePart.moments) }
    let results = try parallelMap(tasks.count, parallel: t.rowCount >= parallelThreshold) { (i: Int) throws(FrameError) in
        try describe(t.columns[tasks[i].0], tasks[i].1)
    }
    var stats = [ColumnStats](repeating: ColumnStats(), count: t.columnCount)
    for (task, result) in zip(tasks, results) { stats[task.0].merge(result) }
    var rows: [[Value]] = []
    for (k, (name, column)) in zip(t.names, t.columns).enumerated() {
        let s = stats[k]
        func number(_ x: Double?) -> Value { x.map { .float($0) } ?? .null }
        func text(_ v: Value) -> Value { v.isNull ? .null : .string(v.description) }
        let quantiles = s.quantiles ?? [nil, nil, nil]
        rows.append([
            .string(name), .string(column.type.rawValue), .int(Int64(column.count &- column.nullCount)),
            .int(Int64(column.nullCount)), .int(Int64(s.distinct)), number(s.mean), number(s.std), text(s.min),
            number(quantiles[0]), number(quantiles[1]), number(quantiles[2]), text(s.max),
        ])
    }
    let names = ["name", "type", "count", "nulls", "distinct", "mean", "std", "min", "p25", "p50", "p75", "max"]
    let types: [DataType] = [.string, .string, .int, .int, .int, .float, .float, .string, .float, .float, .float, .string]
    return try Table(names: names, columns: names.indices.map { k in column(of: rows.map { $0[k] }, type: types[k]) })
}

/// The independent pieces of a column's description.
private enum DescribePart {
    /// distinct count; min and max, except for floats (whose NaN and -0.0 rules need `moments`)
    case distinct
    /// mean and std; min and max of floats
    case moments
    /// p25, p50, p75
    case quantiles
}

/// What the parts found; each field is set by one part (nil mean, std or quantile: null).
private struct ColumnStats {
    var distinct = 0
    var min = Value.null, max = Value.null
    var mean: Double?, std: Double?
    var quantiles: [Double?]?

    mutating func merge(_ other: ColumnStats) {
        distinct = Swift.max(distinct, other.distinct)
        if !other.min.isNull { min = other.min }
        if !other.max.isNull { max = other.max }
        mean = other.mean ?? mean
        std = other.std ?? std
        quantiles = other.quantiles ?? quantiles
    }
}

private func describe(_ column: Column, _ part: DescribePart) throws(FrameError) -> ColumnStats {
    switch part {
    case .distinct:
        switch column.data {
        case .string(let codes, let dictionary): return try stringStats(codes, dictionary, column.validity)
        case .bool(let values): return try boolStats(values, column.validity)
        default: return try keyStats(column)
        }
    case .moments: return try moments(column)
    case .quantiles: return try quantiles(column)
    }
}

/// The order key of an integer: unsigned order equals signed order.
@inline(__always) private func intKey(_ x: Int64) -> UInt64 { UInt64(bitPattern: x) ^ (1 << 63) }

/// The order key of a float: 0.0 and -0.0 share one, and all NaNs one above +infinity.
@inline(__always) private func floatKey(_ x: Double) -> UInt64 {
    let bits = canonicalBits(x)
    return bits >> 63 != 0 ? ~bits : bits | (1 << 63)
}

@inline(__always) private func float(fromKey key: UInt64) -> Double {
    Double(bitPattern: key >> 63 != 0 ? key ^ (1 << 63) : ~key)
}

/// The value of the order key of an int or time.
private func value(ofKey key: UInt64, _ type: DataType) -> Value {
    let int = Int64(bitPattern: key ^ (1 << 63))
    switch type {
    case .timestamp: return .timestamp(int)
    case .date: return .date(Int32(truncatingIfNeeded: int))
    default: return .int(int)
    }
}

/// Distinct count, min and max of an int, time or float column from its order keys. Sorted
/// columns (time series) count the changes between neighbours; otherwise the keys inside a
/// window of up to 2^24 (where a sample says most keys are) are marked in a bitmap that stays in
/// cache, and the rest go through hash tables.
private func keyStats(_ column: Column) throws(FrameError) -> ColumnStats {
    var stats = ColumnStats()
    try ColumnKeys.of(column, nanIsAKey: true) { (keys) throws(FrameError) in
        let summary = keys.summary()
        let (seen, low, high) = (Int(summary.count), summary.low, summary.high)
        guard seen > 0 else { return }
        if column.type != .float {
            stats.min = value(ofKey: low, column.type)
            stats.max = value(ofKey: high, column.type)
        }
        if summary.ascending != 0 || summary.descending != 0 {
            stats.distinct = Int(summary.changes) &+ 1
            return
        }
        try FrameError.checkCancellation()
        let window: UInt64 = 1 << Swift.min(24, Swift.max(12, 64 &- (seen &* 8).leadingZeroBitCount))
        let start = high &- low < window ? low : denseWindowStart(column, width: window, fallback: low)
        var bitmap = [UInt64](repeating: 0, count: Int(window >> 6))
        // Room for every key, though only the outside ones are written (and their pages touched).
        let outside = UnsafeMutablePointer<UInt64>.allocate(capacity: seen &+ 1)
        defer { outside.deallocate() }
        let outsideCount = Int(trq_mark_keys(keys.values, keys.kernelKind, keys.validity, Int64(keys.rows), start, window, &bitmap, outside))
        try FrameError.checkCancellation()
        let inside = bitmap.reduce(0) { $0 &+ $1.nonzeroBitCount }
        stats.distinct = inside &+ (try distinctCount(UnsafeBufferPointer(start: outside, count: outsideCount)))
    }
    return stats
}

/// Where a window of `width` keys covers the most of a sample of 4096 keys spread over the column.
private func denseWindowStart(_ column: Column, width: UInt64, fallback: UInt64) -> UInt64 {
    let n = column.count
    var sample: [UInt64] = []
    for i in stride(from: 0, to: n, by: Swift.max(1, n / 4096)) where !column.isNull(i) {
        switch column.data {
        case .int(let v), .timestamp(let v): sample.append(intKey(v[i]))
        case .date(let v): sample.append(intKey(Int64(v[i])))
        case .float(let v): sample.append(floatKey(v[i]))
        default: break
        }
    }
    sample.sort()
    var best = 0, bestStart = fallback, first = 0
    for last in sample.indices {
        while sample[last] &- sample[first] >= width { first &+= 1 }
        if last &- first &+ 1 > best {
            best = last &- first &+ 1
            bestStart = sample[first]
        }
    }
    return bestStart
}

/// The number of distinct keys: small sets in one hash table; large ones are first split by
/// hash into partitions of about 8192 keys, so that each partition's table stays in cache.
private func distinctCount(_ keys: UnsafeBufferPointer<UInt64>) throws(FrameError) -> Int {
    if keys.count <= 1 << 16 {
        let table = DenseIdTable()
        for key in keys { _ = table.insert(key) }
        return table.count
    }
    // The partition comes from a second hash (murmur3's finalizer): the tables index by the
    // top bits of `mix64`, which are equal within a partition taken from them.
    @inline(__always) func partition(_ key: UInt64, _ shift: UInt64) -> Int {
        var h = key ^ key >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return Int(truncatingIfNeeded: (h ^ h >> 33) >> shift)
    }
    let bits = Swift.min(12, 64 &- (keys.count >> 13).leadingZeroBitCount)
    let shift = UInt64(64 &- bits)
    var starts = [Int](repeating: 0, count: (1 << bits) &+ 1)
    for key in keys { starts[partition(key, shift) &+ 1] &+= 1 }
    for p in 0..<(1 << bits) { starts[p &+ 1] &+= starts[p] }
    var next = starts
    var grouped = [UInt64](repeating: 0, count: keys.count)
    for key in keys {
        let p = partition(key, shift)
        grouped[next[p]] = key
        next[p] &+= 1
    }
    var distinct = 0
    for p in 0..<(1 << bits) {
        try FrameError.checkCancellation()
        let table = DenseIdTable(expectedCount: (starts[p &+ 1] &- starts[p]) / 4)
        for j in starts[p]..<starts[p &+ 1] { _ = table.insert(grouped[j]) }
        distinct &+= table.count
    }
    return distinct
}

/// Distinct count, min and max of a string column from the dictionary entries its rows use
/// (entries may repeat a string, and some may be unused).
private func stringStats(_ codes: [Int32], _ dictionary: StringDictionary, _ validity: Validity?) throws(FrameError) -> ColumnStats {
    var used = [Bool](repeating: false, count: dictionary.values.count)
    try used.withUnsafeMutableBufferPointer { marks throws(FrameError) in
        try codes.withUnsafeBufferPointer { c throws(FrameError) in
            try forEachValidRow(c.count, validity) { marks[Int(c[$0])] = true }
        }
    }
    var stats = ColumnStats()
    let distinct = KeyInterner()
    var least: String?, greatest: String?
    for (entry, isUsed) in zip(dictionary.values, used) where isUsed {
        if distinct.insert(entry).isNew {
            if least.map({ utf8Less(entry, $0) }) ?? true { least = entry }
            if greatest.map({ utf8Less($0, entry) }) ?? true { greatest = entry }
        }
    }
    stats.distinct = distinct.count
    stats.min = least.map { .string($0) } ?? .null
    stats.max = greatest.map { .string($0) } ?? .null
    return stats
}

private func boolStats(_ values: [Bool], _ validity: Validity?) throws(FrameError) -> ColumnStats {
    var anyTrue = false, anyFalse = false
    try values.withUnsafeBufferPointer { v throws(FrameError) in
        try forEachValidRow(v.count, validity) { i in
            if v[i] { anyTrue = true } else { anyFalse = true }
        }
    }
    var stats = ColumnStats()
    stats.distinct = (anyTrue ? 1 : 0) &+ (anyFalse ? 1 : 0)
    if anyTrue || anyFalse {
        stats.min = .bool(!anyFalse)
        stats.max = .bool(anyTrue)
    }
    return stats
}

/// Mean and sample standard deviation as the `mean` and `std` aggregates compute them (a sum in
/// row order, then squared deviations from the mean in row order), and the min and max of a
/// float column as `min` and `max` do (NaN above every number; the first of equal values).
private func moments(_ column: Column) throws(FrameError) -> ColumnStats {
    let n = column.count, validity = column.validity
    let count = n &- column.nullCount
    var stats = ColumnStats()
    guard count > 0 else { return stats }
    var sum = 0.0, squares = 0.0
    switch column.data {
    case .int(let v):
        try v.withUnsafeBufferPointer { p throws(FrameError) in
            try forEachValidRow(n, validity) { sum += Double(p[$0]) }
            let mean = sum / Double(count)
            try forEachValidRow(n, validity) { i in
                let d = Double(p[i]) - mean
                squares += d * d
            }
        }
    case .float(let v):
        var least = Double.nan, greatest = -Double.infinity
        try v.withUnsafeBufferPointer { p throws(FrameError) in
            try forEachValidRow(n, validity) { i in
                let x = p[i]
                sum += x
                if x.isNaN || x > greatest { greatest = x }
                if x < least || least.isNaN { least = x }
            }
            let mean = sum / Double(count)
            try forEachValidRow(n, validity) { i in
                let d = p[i] - mean
                squares += d * d
            }
        }
        stats.min = .float(least)
        stats.max = .float(greatest)
    default:
        return stats
    }
    stats.mean = sum / Double(count)
    if count > 1 { stats.std = (squares / Double(count &- 1)).squareRoot() }
    return stats
}

/// p25, p50 and p75 as the `quantile` aggregate computes them (NaN ranks above every number),
/// by radix selection of the ranks needed among the order keys of the numbers.
private func quantiles(_ column: Column) throws(FrameError) -> ColumnStats {
    let count = column.count &- column.nullCount
    var stats = ColumnStats()
    guard count > 0 else { return stats }
    let positions = [0.25, 0.5, 0.75].map { OrderStatistic.quantile($0).position(among: count) }
    let isFloat = column.type == .float
    stats.quantiles = try ColumnKeys.of(column) { (keys) throws(FrameError) -> [Double?] in
        let (numbers, low, high) = keys.range()
        var ranks: [Int] = []
        for (lower, fraction) in positions where lower < numbers {
            ranks.append(lower)
            if fraction != 0, lower &+ 1 < numbers { ranks.append(lower &+ 1) }
        }
        let found = try keysAtRanks(ranks, of: keys, count: numbers, low: low, high: high)
        func number(atRank rank: Int) -> Double {
            guard let k = ranks.firstIndex(of: rank) else { return .nan }
            return isFloat ? float(fromKey: found[k]) : Double(Int64(bitPattern: found[k] ^ (1 << 63)))
        }
        return positions.map { (lower, fraction) -> Double? in
            let a = number(atRank: lower)
            return fraction == 0 ? a : lerp(a, number(atRank: lower &+ 1), fraction)
        }
    }
    return stats
}

/// A column from boxed values of one type (nulls allowed); for small results only.
public func column(of values: [Value], type: DataType) -> Column {
    var validity = Validity(count: values.count, allValid: true)
    for (i, value) in values.enumerated() where value.isNull { validity.clear(i) }
    switch type {
    case .int: return Column(.int(values.map { if case .int(let v) = $0 { v } else { 0 } }), validity: validity)
    case .float:
        return Column(.float(values.map {
            switch $0 {
            case .float(let v): v
            case .int(let v): Double(v)
            default: 0
            }
        }), validity: validity)
    case .bool: return Column(.bool(values.map { if case .bool(let v) = $0 { v } else { false } }), validity: validity)
    case .timestamp: return Column(.timestamp(values.map { if case .timestamp(let v) = $0 { v } else { 0 } }), validity: validity)
    case .date: return Column(.date(values.map { if case .date(let v) = $0 { v } else { 0 } }), validity: validity)
    case .string:
        let interner = KeyInterner()
        let codes = values.map { value -> Int32 in
            if case .string(let s) = value { return interner.insert(s).id }
            return value.isNull ? 0 : interner.insert(value.description).id
        }
        return Column(.string(codes: codes, dictionary: StringDictionary(interner.count == 0 ? [""] : interner.strings)), validity: validity)
    }
}
