/// An aggregate function of the language. All skip nulls; a group without values yields null
/// (count and count_distinct yield 0).
public enum AggregateFunction: Sendable, Equatable {
    /// `count()` (no input: rows) or `count(x)` (non-null values).
    case count
    case countDistinct
    /// Integers and bools sum to an integer (overflow is an error), floats to a float.
    case sum
    case mean
    /// numpy.median: the mean of the two middle values for an even count.
    case median
    /// Keep the input type; strings by UTF-8 byte order; NaN is larger than every number.
    case min, max
    /// Sample statistics (n - 1); a single value yields null.
    case std, variance
    /// The first or last non-null value in row order.
    case first, last
    /// Linear interpolation between closest ranks (numpy's default, DuckDB's quantile_cont).
    case quantile(Double)

    /// The function spelled `name` in the language (`count_distinct`, `var`, ...); `quantile`
    /// needs `q`.
    public init?(name: String, quantile q: Double? = nil) {
        switch name.lowercased() {
        case "count": self = .count
        case "count_distinct": self = .countDistinct
        case "sum": self = .sum
        case "mean", "avg": self = .mean
        case "median": self = .median
        case "min": self = .min
        case "max": self = .max
        case "std", "stddev": self = .std
        case "var", "variance": self = .variance
        case "first": self = .first
        case "last": self = .last
        case "quantile":
            guard let q else { return nil }
            self = .quantile(q)
        default: return nil
        }
    }

    /// The language spelling.
    public var name: String {
        switch self {
        case .count: "count"
        case .countDistinct: "count_distinct"
        case .sum: "sum"
        case .mean: "mean"
        case .median: "median"
        case .min: "min"
        case .max: "max"
        case .std: "std"
        case .variance: "var"
        case .first: "first"
        case .last: "last"
        case .quantile: "quantile"
        }
    }
}

/// One output column of `groupBy` or `aggregate`: `function` applied to `input` (an evaluated
/// expression with the table's row count; nil only for `count()`).
public struct AggregateRequest: Sendable {
    public var name: String
    public var function: AggregateFunction
    public var input: Column?

    public init(name: String, function: AggregateFunction, input: Column? = nil) {
        self.name = name
        self.function = function
        self.input = input
    }
}

/// One row per distinct combination of `keys` (nulls form their own group), in order of first
/// appearance, with the key columns followed by one column per aggregate; without aggregates,
/// a `count` column.
public func groupBy(_ t: Table, keys: [String], aggregates: [AggregateRequest]) throws(FrameError) -> Table {
    var keyColumns: [Column] = []
    for key in keys {
        guard let column = t.column(key) else { throw noColumn(key, in: t) }
        keyColumns.append(column)
    }
    let groups = try grouping(keyColumns, rowCount: t.rowCount)
    var result = Table()
    for (key, column) in zip(keys, keyColumns) { try result.append(key, column.take(groups.firstRows)) }
    let requests = aggregates.isEmpty ? [AggregateRequest(name: "count", function: .count)] : aggregates
    for (request, column) in zip(requests, try aggregateColumns(requests, groups, rowCount: t.rowCount)) {
        try result.append(request.name, column)
    }
    return result
}

/// The whole table aggregated into one row (also for an empty table: counts 0, others null).
public func aggregate(_ t: Table, _ aggregates: [AggregateRequest]) throws(FrameError) -> Table {
    try checkRowLimit(t.rowCount)
    let single = Grouping(ids: [Int32](repeating: 0, count: t.rowCount), count: 1, firstRows: [0])
    let columns = try aggregateColumns(aggregates, single, rowCount: t.rowCount)
    return try Table(names: aggregates.map(\.name), columns: columns)
}

func noColumn(_ name: String, in t: Table) -> FrameError {
    FrameError("no column '\(name)'; the columns are \(t.names.joined(separator: ", "))")
}

/// Aggregates run concurrently: each reads shared inputs and writes only its own arrays.
private func aggregateColumns(_ requests: [AggregateRequest], _ groups: Grouping, rowCount: Int)
    throws(FrameError) -> [Column]
{
    try parallelMap(requests.count, parallel: rowCount >= parallelThreshold) { (k: Int) throws(FrameError) in
        try aggregateColumn(requests[k], groups, rowCount: rowCount)
    }
}

func aggregateColumn(_ request: AggregateRequest, _ groups: Grouping, rowCount: Int)
    throws(FrameError) -> Column
{
    let function = request.function
    let label = "\(request.name) = \(function.name)(...)"
    guard let input = request.input else {
        guard case .count = function else { throw FrameError("\(label) needs a column argument") }
        return Column(.int(try rowCounts(groups, nil)))
    }
    guard input.count == rowCount else {
        throw FrameError("\(label): the argument has \(input.count) rows, the table has \(rowCount)")
    }
    func requireNumeric() throws(FrameError) {
        switch input.type {
        case .int, .float, .bool: return
        default: throw FrameError("\(label) needs numbers, but the argument is \(input.type); convert it with int(...) or float(...)")
        }
    }
    switch function {
    case .count:
        return Column(.int(try rowCounts(groups, input.validity)))
    case .countDistinct:
        return Column(.int(try distinctCounts(input, groups)))
    case .sum:
        try requireNumeric()
        return try sum(input, groups, label: label)
    case .mean:
        try requireNumeric()
        let (sums, counts) = try floatSums(input, groups)
        return floatColumn(groups.count) { g in counts[g] > 0 ? sums[g] / Double(counts[g]) : nil }
    case .std, .variance:
        try requireNumeric()
        let variances = try sampleVariances(input, groups)
        if case .variance = function { return variances }
        guard case .float(let v) = variances.data else { return variances }
        return Column(.float(v.map { $0.squareRoot() }), validity: variances.validity)
    case .median:
        try requireNumeric()
        return try orderStatistics(input, groups, .median)
    case .quantile(let q):
        try requireNumeric()
        guard q >= 0, q <= 1 else {
            throw FrameError("\(label): the quantile \(formatDouble(q)) is outside 0...1; use e.g. 0.9 for the 90th percentile")
        }
        return try orderStatistics(input, groups, .quantile(q))
    case .min, .max:
        return try extremes(input, groups, wantMax: function == .max)
    case .first, .last:
        var rows = [Int](repeating: -1, count: groups.count)
        let isFirst = function == .first
        try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
            try forEachValidRow(rowCount, input.validity) { i in
                let g = Int(ids[i])
                if !isFirst || rows[g] < 0 { rows[g] = i }
            }
        }
        return input.take(orNull: rows)
    }
}

/// A float column from per-group optional values.
private func floatColumn(_ count: Int, _ value: (Int) -> Double?) -> Column {
    var values = [Double](repeating: 0, count: count)
    var validity = Validity(count: count, allValid: true)
    for g in 0..<count {
        if let v = value(g) { values[g] = v } else { validity.clear(g) }
    }
    return Column(.float(values), validity: validity)
}

/// Non-null rows per group (all rows when `validity` is nil).
private func rowCounts(_ groups: Grouping, _ validity: Validity?) throws(FrameError) -> [Int64] {
    var counts = [Int64](repeating: 0, count: groups.count)
    try counts.withUnsafeMutableBufferPointer { c throws(FrameError) in
        try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
            try forEachValidRow(ids.count, validity) { i in c[Int(ids[i])] &+= 1 }
        }
    }
    return counts
}

/// Reads row `i` of a numeric column as a Double.
@inline(__always) private func withDoubles<R>(
    _ column: Column, _ body: ((Int) -> Double) throws(FrameError) -> R
) throws(FrameError) -> R {
    switch column.data {
    case .float(let v): return try body { v[$0] }
    case .int(let v): return try body { Double(v[$0]) }
    case .bool(let v): return try body { v[$0] ? 1 : 0 }
    default: return try body { _ in 0 }  // callers check the type first
    }
}

private func floatSums(_ input: Column, _ groups: Grouping) throws(FrameError) -> (sums: [Double], counts: [Int64]) {
    var sums = [Double](repeating: 0, count: groups.count)
    var counts = [Int64](repeating: 0, count: groups.count)
    try sums.withUnsafeMutableBufferPointer { s throws(FrameError) in
        try counts.withUnsafeMutableBufferPointer { c throws(FrameError) in
            try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
                try withDoubles(input) { (value) throws(FrameError) in
                    try forEachValidRow(ids.count, input.validity) { i in
                        let g = Int(ids[i])
                        s[g] += value(i)
                        c[g] &+= 1
                    }
                }
            }
        }
    }
    return (sums, counts)
}

private func sum(_ input: Column, _ groups: Grouping, label: String) throws(FrameError) -> Column {
    let intValues: [Int64]
    switch input.data {
    case .int(let v): intValues = v
    case .bool(let v): intValues = v.map { $0 ? 1 : 0 }
    default:
        let (sums, counts) = try floatSums(input, groups)
        return floatColumn(groups.count) { g in counts[g] > 0 ? sums[g] : nil }
    }
    var sums = [Int64](repeating: 0, count: groups.count)
    var counts = [Int64](repeating: 0, count: groups.count)
    var overflow = false
    try sums.withUnsafeMutableBufferPointer { s throws(FrameError) in
        try counts.withUnsafeMutableBufferPointer { c throws(FrameError) in
            try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
                try forEachValidRow(ids.count, input.validity) { i in
                    let g = Int(ids[i])
                    let (total, overflowed) = s[g].addingReportingOverflow(intValues[i])
                    s[g] = total
                    overflow = overflow || overflowed
                    c[g] &+= 1
                }
            }
        }
    }
    if overflow {
        throw FrameError("\(label) overflows a 64-bit integer; sum a float instead, e.g. sum(float(x))")
    }
    var validity = Validity(count: groups.count, allValid: true)
    for g in 0..<groups.count where counts[g] == 0 { validity.clear(g) }
    return Column(.int(sums), validity: validity)
}

/// Two passes (mean, then squared deviations) for accuracy on data far from zero.
private func sampleVariances(_ input: Column, _ groups: Grouping) throws(FrameError) -> Column {
    let (sums, counts) = try floatSums(input, groups)
    let means = zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : 0 }
    var squares = [Double](repeating: 0, count: groups.count)
    try squares.withUnsafeMutableBufferPointer { s throws(FrameError) in
        try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
            try withDoubles(input) { (value) throws(FrameError) in
                try forEachValidRow(ids.count, input.validity) { i in
                    let g = Int(ids[i])
                    let d = value(i) - means[g]
                    s[g] += d * d
                }
            }
        }
    }
    return floatColumn(groups.count) { g in counts[g] > 1 ? squares[g] / Double(counts[g] &- 1) : nil }
}

/// Gathers each group's values contiguously (a counting sort by group) and computes the
/// statistic per group by selection, O(n) on average.
private func orderStatistics(_ input: Column, _ groups: Grouping, _ statistic: OrderStatistic)
    throws(FrameError) -> Column
{
    let counts = try rowCounts(groups, input.validity)
    var starts = [Int](repeating: 0, count: groups.count &+ 1)
    for g in 0..<groups.count { starts[g &+ 1] = starts[g] &+ Int(counts[g]) }
    var values = [Double](repeating: 0, count: starts[groups.count])
    var cursor = starts
    try values.withUnsafeMutableBufferPointer { out throws(FrameError) in
        try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
            try withDoubles(input) { (value) throws(FrameError) in
                try forEachValidRow(ids.count, input.validity) { i in
                    let g = Int(ids[i])
                    out[cursor[g]] = value(i)
                    cursor[g] &+= 1
                }
            }
        }
    }
    var results = [Double?](repeating: nil, count: groups.count)
    try values.withUnsafeMutableBufferPointer { all throws(FrameError) in
        for g in 0..<groups.count {
            if g & 1023 == 0 { try FrameError.checkCancellation() }
            results[g] = orderStatistic(UnsafeMutableBufferPointer(rebasing: all[starts[g]..<starts[g &+ 1]]), statistic)
        }
    }
    return floatColumn(groups.count) { results[$0] }
}

private func distinctCounts(_ input: Column, _ groups: Grouping) throws(FrameError) -> [Int64] {
    let values = try columnCodes(input)
    let nullCode = values.nullCode ?? -1
    let cardinality = values.cardinality
    var counts = [Int64](repeating: 0, count: groups.count)
    let (pairs, overflow) = groups.count.multipliedReportingOverflow(by: cardinality)
    try counts.withUnsafeMutableBufferPointer { c throws(FrameError) in
        try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
            try values.codes.withUnsafeBufferPointer { codes throws(FrameError) in
                if !overflow, pairs <= 1 << 23 {
                    // A bitmap of seen (group, value) pairs, small enough to stay in cache.
                    var seen = [UInt64](repeating: 0, count: (pairs &+ 63) >> 6)
                    try seen.withUnsafeMutableBufferPointer { bits throws(FrameError) in
                        try forEachRow(ids.count) { i in
                            let code = codes[i]
                            if code == nullCode { return }
                            let g = Int(ids[i])
                            let pair = g &* cardinality &+ Int(code)
                            let word = bits[pair >> 6], mask: UInt64 = 1 << UInt64(pair & 63)
                            if word & mask == 0 {
                                bits[pair >> 6] = word | mask
                                c[g] &+= 1
                            }
                        }
                    }
                } else {
                    try stampedDistinctCounts(c, ids, codes, nullCode: nullCode, cardinality: cardinality)
                }
            }
        }
    }
    return counts
}

/// Counts distinct codes per group without hashing: gathers each group's codes contiguously
/// (a counting sort), then marks each code with the last group that saw it.
private func stampedDistinctCounts(
    _ counts: UnsafeMutableBufferPointer<Int64>, _ ids: UnsafeBufferPointer<Int32>,
    _ codes: UnsafeBufferPointer<Int32>, nullCode: Int32, cardinality: Int
) throws(FrameError) {
    let groupCount = counts.count
    var starts = [Int](repeating: 0, count: groupCount &+ 1)
    try starts.withUnsafeMutableBufferPointer { s throws(FrameError) in
        try forEachRow(ids.count) { i in if codes[i] != nullCode { s[Int(ids[i]) &+ 1] &+= 1 } }
        for g in 0..<groupCount { s[g &+ 1] &+= s[g] }
    }
    var gathered = [Int32](repeating: 0, count: starts[groupCount])
    var cursor = starts
    try gathered.withUnsafeMutableBufferPointer { out throws(FrameError) in
        try cursor.withUnsafeMutableBufferPointer { next throws(FrameError) in
            try forEachRow(ids.count) { i in
                let code = codes[i]
                if code == nullCode { return }
                let g = Int(ids[i])
                out[next[g]] = code
                next[g] &+= 1
            }
        }
    }
    var stamps = [Int32](repeating: -1, count: cardinality)
    try stamps.withUnsafeMutableBufferPointer { stamp throws(FrameError) in
        try gathered.withUnsafeBufferPointer { all throws(FrameError) in
            for g in 0..<groupCount {
                if g & 4095 == 0 { try FrameError.checkCancellation() }
                let group = Int32(truncatingIfNeeded: g)
                var distinct: Int64 = 0
                for j in starts[g]..<starts[g &+ 1] {
                    let code = Int(all[j])
                    if stamp[code] != group {
                        stamp[code] = group
                        distinct &+= 1
                    }
                }
                counts[g] = distinct
            }
        }
    }
}

/// min or max per group, keeping the input type.
private func extremes(_ input: Column, _ groups: Grouping, wantMax: Bool) throws(FrameError) -> Column {
    switch input.data {
    case .int(let v):
        let (best, validity) = try extremeValues(v, input.validity, groups, wantMax)
        return Column(.int(best), validity: validity)
    case .timestamp(let v):
        let (best, validity) = try extremeValues(v, input.validity, groups, wantMax)
        return Column(.timestamp(best), validity: validity)
    case .date(let v):
        let (best, validity) = try extremeValues(v, input.validity, groups, wantMax)
        return Column(.date(best), validity: validity)
    case .bool(let v):
        let (best, validity) = try extremeValues(v.map { $0 ? Int8(1) : 0 }, input.validity, groups, wantMax)
        return Column(.bool(best.map { $0 != 0 }), validity: validity)
    case .string(let codes, let dictionary):
        // Compare byte-order ranks, then report the code holding the winning rank.
        let ranks = dictionary.byteOrderRanks().ranks
        let rowRanks = codes.map { ranks[Int($0)] }
        let (best, validity) = try extremeValues(rowRanks, input.validity, groups, wantMax)
        var codeOfRank = [Int32](repeating: 0, count: Int(ranks.max() ?? 0) &+ 1)
        for (code, rank) in ranks.enumerated() { codeOfRank[Int(rank)] = Int32(truncatingIfNeeded: code) }
        // A group without values needs a valid code too: an empty dictionary gets one entry.
        let outputDictionary = dictionary.values.isEmpty ? StringDictionary([""]) : dictionary
        return Column(.string(codes: best.map { codeOfRank[Int($0)] }, dictionary: outputDictionary), validity: validity)
    case .float(let v):
        var best = [Double](repeating: wantMax ? -.infinity : .nan, count: groups.count)
        var seen = Validity(count: groups.count, allValid: false)
        try best.withUnsafeMutableBufferPointer { b throws(FrameError) in
            try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
                try forEachValidRow(ids.count, input.validity) { i in
                    let g = Int(ids[i]), x = v[i]
                    seen.set(g)
                    // NaN ranks above every number (as in sorting): max keeps it, min skips it.
                    if wantMax {
                        if x.isNaN || x > b[g] { b[g] = x }
                    } else if x < b[g] || b[g].isNaN {
                        b[g] = x
                    }
                }
            }
        }
        return Column(.float(best), validity: seen)
    }
}

private func extremeValues<T: FixedWidthInteger>(
    _ values: [T], _ validity: Validity?, _ groups: Grouping, _ wantMax: Bool
) throws(FrameError) -> ([T], Validity) {
    var best = [T](repeating: wantMax ? T.min : T.max, count: groups.count)
    var seen = Validity(count: groups.count, allValid: false)
    try best.withUnsafeMutableBufferPointer { b throws(FrameError) in
        try groups.ids.withUnsafeBufferPointer { ids throws(FrameError) in
            try forEachValidRow(ids.count, validity) { i in
                let g = Int(ids[i]), x = values[i]
                seen.set(g)
                b[g] = wantMax ? Swift.max(b[g], x) : Swift.min(b[g], x)
            }
        }
    }
    for g in 0..<groups.count where !seen.isValid(g) { best[g] = 0 }
    return (best, seen)
}
