/// A window function of the language; each yields one value per row from the rows of its
/// partition in `by` order.
public enum WindowFunction: Sendable, Equatable {
    case rowNumber, rank, denseRank, cumcount
    /// The value `n` rows before (lag) or after (lead) in the partition, else the default.
    case lag(Int), lead(Int)
    /// Running statistics that skip nulls (null before the first value).
    case cumsum, cummin, cummax
    /// Over the `n` rows ending at this one (fewer at the partition's start), nulls skipped.
    case rollingSum(Int), rollingMean(Int)

    /// The language spelling of each window function.
    public static let names = [
        "row_number", "rank", "dense_rank", "lag", "lead", "cumsum", "cumcount", "cummin", "cummax",
        "rolling_mean", "rolling_sum",
    ]
}

/// The order a window stage reads rows in: partitions (rows with equal `per` keys) one after
/// another, each sorted by the `by` keys; stable (ties keep input order), nulls last.
public struct WindowOrder: Sendable {
    /// The partition of each row, numbered by first appearance.
    public let partitions: Grouping
    /// Row indices, partition by partition, each partition in `by` order.
    let rows: [Int32]
    /// Partition p occupies `rows[starts[p] ..< starts[p + 1]]`.
    let starts: [Int]
    /// The prepared `by` keys (empty without `by`), to tell ties apart.
    let keys: [OrderKeys]

    public var rowCount: Int { rows.count }
}

/// Orders each partition (from `grouping` over the `per` keys) by `by` (input order without
/// it). One global radix sort then a stable counting sort by partition, O(n) in the number of
/// key bytes; many small partitions are instead sorted each on its own, both halves at once.
public func windowOrder(_ partitions: Grouping, by: [(column: Column, descending: Bool)])
    throws(FrameError) -> WindowOrder
{
    let rowCount = partitions.ids.count
    for key in by where key.column.count != rowCount {
        throw FrameError("a window order key has \(key.column.count) rows, the table has \(rowCount)")
    }
    let keys = try parallelMap(by.count, parallel: rowCount >= parallelThreshold) { (k: Int) throws(FrameError) in
        try orderKeys(by[k].column, descending: by[k].descending)
    }
    if keys.isEmpty || partitions.count &* smallPartition >= rowCount {
        let byGroup = rowsByGroup(partitions)
        var rows = byGroup.rows
        if !keys.isEmpty { try sortEachPartition(&rows, byGroup.starts, keys) }
        return WindowOrder(partitions: partitions, rows: rows, starts: byGroup.starts, keys: keys)
    }
    let sorted = try radixOrder(keys, rowCount: rowCount)
    // A stable counting sort by partition keeps the key order inside each partition.
    var starts = [Int](repeating: 0, count: partitions.count &+ 1)
    for g in partitions.ids { starts[Int(g) &+ 1] &+= 1 }
    for g in 0..<partitions.count { starts[g &+ 1] &+= starts[g] }
    var cursor = starts
    var rows = [Int32](repeating: 0, count: rowCount)
    partitions.ids.withUnsafeBufferPointer { ids in
        for row in sorted {
            let g = Int(ids[Int(row)])
            rows[cursor[g]] = row
            cursor[g] &+= 1
        }
    }
    return WindowOrder(partitions: partitions, rows: rows, starts: starts, keys: keys)
}

/// Partitions averaging at most this many rows are sorted one by one (a comparison sort of a
/// few hundred rows stays in cache) rather than by a global radix sort.
private let smallPartition = 512

/// Sorts each partition's slice of `rows` by the keys, ties by row index (input order).
private func sortEachPartition(_ rows: inout [Int32], _ starts: [Int], _ keys: [OrderKeys]) throws(FrameError) {
    let halves = halvesAtPartitions(starts)
    try rows.withUnsafeMutableBufferPointer { all throws(FrameError) in
        if keys.count == 1, keys[0].classes == nil {
            // One key without nulls or NaN: sort (key, row) pairs, contiguous in memory.
            let single = keys[0].keys
            _ = try parallelMap(halves.count, parallel: halves.count > 1) { (half: Int) throws(FrameError) in
                var pairs: [KeyedRow] = []
                for p in halves[half] {
                    if p & 1023 == 0 { try FrameError.checkCancellation() }
                    let range = starts[p]..<starts[p &+ 1]
                    pairs.removeAll(keepingCapacity: true)
                    for j in range { pairs.append(KeyedRow(key: single[Int(all[j])], row: all[j])) }
                    pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.row < $1.row }
                    for (offset, pair) in pairs.enumerated() { all[range.lowerBound &+ offset] = pair.row }
                }
            }
            return
        }
        _ = try parallelMap(halves.count, parallel: halves.count > 1) { (half: Int) throws(FrameError) in
            for p in halves[half] {
                if p & 1023 == 0 { try FrameError.checkCancellation() }
                var partition = UnsafeMutableBufferPointer(rebasing: all[starts[p]..<starts[p &+ 1]])
                partition.sort { a, b in
                    let order = compareRows(Int(a), Int(b), keys)
                    return order != 0 ? order < 0 : a < b
                }
            }
        }
    }
}

/// -1, 0 or 1 as row `a` comes before, ties with, or comes after row `b` in the keys.
@inline(__always) private func compareRows(_ a: Int, _ b: Int, _ keys: [OrderKeys]) -> Int {
    for key in keys {
        if let classes = key.classes, classes[a] != classes[b] { return classes[a] < classes[b] ? -1 : 1 }
        if key.classes?[a] ?? 0 != 0 { continue }  // both null or both NaN: tied here
        if key.keys[a] != key.keys[b] { return key.keys[a] < key.keys[b] ? -1 : 1 }
    }
    return 0
}

/// The partitions split into two runs of about equal row counts (one run for small inputs).
private func halvesAtPartitions(_ starts: [Int]) -> [Range<Int>] {
    let partitionCount = starts.count &- 1
    let rowCount = starts.last ?? 0
    guard rowCount >= parallelThreshold, partitionCount > 1 else { return [0..<partitionCount] }
    var middle = 1
    while middle < partitionCount &- 1, starts[middle] < rowCount / 2 { middle &+= 1 }
    return [0..<middle, middle..<partitionCount]
}

extension WindowOrder {
    /// Calls `body` with each partition's range of positions in `rows`, the two halves of a large
    /// input at once; bodies must write only the rows of their own partition.
    func forEachPartition(_ body: (Range<Int>) throws(FrameError) -> Void) throws(FrameError) {
        let halves = halvesAtPartitions(starts)
        _ = try parallelMap(halves.count, parallel: halves.count > 1) { (half: Int) throws(FrameError) in
            for p in halves[half] {
                if p & 1023 == 0 { try FrameError.checkCancellation() }
                try body(starts[p]..<starts[p &+ 1])
            }
        }
    }

    /// Whether the row at position `j` ties in every `by` key with the one before it (callers
    /// ask only inside a partition). Without `by`, input order decides and nothing ties.
    @inline(__always) func tiesPrevious(_ j: Int) -> Bool {
        !keys.isEmpty && compareRows(Int(rows[j]), Int(rows[j &- 1]), keys) == 0
    }
}

/// The window function's value at each row, in input order. `input` is the evaluated argument
/// (nil for the functions without one); `fallback` is lag/lead's one-row default.
public func windowColumn(_ function: WindowFunction, _ input: Column?, fallback: Column? = nil,
                         order: WindowOrder, label: String) throws(FrameError) -> Column
{
    let n = order.rowCount
    func argument() throws(FrameError) -> Column {
        guard let input, input.count == n else { throw FrameError("\(label) needs an argument with one value per row") }
        return input
    }
    switch function {
    case .rowNumber, .cumcount, .rank, .denseRank:
        var out = [Int64](repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try order.forEachPartition { range in
                var value: Int64 = 0
                for j in range {
                    switch function {
                    case .rank: if j == range.lowerBound || !order.tiesPrevious(j) { value = Int64(j &- range.lowerBound &+ 1) }
                    case .denseRank: if j == range.lowerBound || !order.tiesPrevious(j) { value &+= 1 }
                    default: value = Int64(j &- range.lowerBound &+ 1)
                    }
                    out[Int(order.rows[j])] = value
                }
            }
        }
        return Column(.int(out))
    case .lag(let offset), .lead(let offset):
        let input = try argument()
        guard offset >= 0 else {
            throw FrameError("\(label): the offset \(offset) is negative; use \(function.isLag ? "lead" : "lag")(x, \(-offset)) for the other direction")
        }
        var source = input
        var missing = -1
        if let fallback {
            guard let type = windowDefaultType(input.type, fallback.type) else {
                throw FrameError("\(label): the default is \(fallback.type) but the values are \(input.type); give a default of the same type")
            }
            source = concatenate([try input.widened(to: type), try fallback.widened(to: type)], type: type)
            missing = n
        }
        var sources = [Int](repeating: missing, count: n)
        let step = function.isLag ? -offset : offset
        try sources.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try order.forEachPartition { range in
                for j in range {
                    let k = j &+ step
                    if range.contains(k) { out[Int(order.rows[j])] = Int(order.rows[k]) }
                }
            }
        }
        return source.take(orNull: sources)
    case .cumsum:
        return try runningSum(try argument(), order, label: label)
    case .cummin, .cummax:
        let input = try argument()
        let keys = try orderKeys(input, descending: false)
        let wantMax = function == .cummax
        var best = [Int](repeating: -1, count: n)
        try best.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try order.forEachPartition { range in
                var current = -1
                for j in range {
                    let row = Int(order.rows[j])
                    if !input.isNull(row) {
                        // NaN ranks above every number, as in min/max: cummax keeps it, cummin skips it.
                        if current < 0 || (wantMax ? precedes(current, row, keys) : precedes(row, current, keys)) {
                            current = row
                        }
                    }
                    out[row] = current
                }
            }
        }
        return input.take(orNull: best)
    case .rollingSum(let width), .rollingMean(let width):
        guard width >= 1 else {
            throw FrameError("\(label): the window of \(width) rows must be at least 1 row")
        }
        let input = try argument()
        return try rolling(input, width, mean: function.isMean, order, label: label)
    }
}

extension WindowFunction {
    fileprivate var isLag: Bool { if case .lag = self { true } else { false } }
    fileprivate var isMean: Bool { if case .rollingMean = self { true } else { false } }
}

/// The type lag/lead's values and default share: equal types, or int and float as float.
private func windowDefaultType(_ values: DataType, _ fallback: DataType) -> DataType? {
    if values == fallback { return values }
    if [values, fallback].allSatisfy({ $0 == .int || $0 == .float }) { return .float }
    return nil
}

/// Whether row `a`'s value orders strictly before row `b`'s (neither null).
@inline(__always) private func precedes(_ a: Int, _ b: Int, _ keys: OrderKeys) -> Bool {
    let ca = keys.classes?[a] ?? 0, cb = keys.classes?[b] ?? 0
    return ca != cb ? ca < cb : ca == 0 && keys.keys[a] < keys.keys[b]
}

private func requireNumbers(_ input: Column, _ label: String) throws(FrameError) {
    guard [.int, .float, .bool].contains(input.type) else {
        throw FrameError("\(label) needs numbers, but the argument is \(input.type); convert it with int(...) or float(...)")
    }
}

/// The integers of an int or bool column (nil for floats).
private func integerValues(_ input: Column) -> [Int64]? {
    switch input.data {
    case .int(let v): v
    case .bool(let v): v.map { $0 ? 1 : 0 }
    default: nil
    }
}

private func overflowError(_ label: String) -> FrameError {
    FrameError("\(label) overflows a 64-bit integer; use a float instead, e.g. float(x)")
}

private func runningSum(_ input: Column, _ order: WindowOrder, label: String) throws(FrameError) -> Column {
    try requireNumbers(input, label)
    let n = order.rowCount
    var validity = Validity(count: n, allValid: false)
    var seen = [Bool](repeating: false, count: n)
    let column: Column
    if let integers = integerValues(input) {
        var out = [Int64](repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try seen.withUnsafeMutableBufferPointer { seen throws(FrameError) in
                try order.forEachPartition { (range: Range<Int>) throws(FrameError) in
                    var total: Int64 = 0, any = false
                    for j in range {
                        let row = Int(order.rows[j])
                        if !input.isNull(row) {
                            let (sum, overflow) = total.addingReportingOverflow(integers[row])
                            if overflow { throw overflowError(label) }
                            total = sum
                            any = true
                        }
                        out[row] = total
                        seen[row] = any
                    }
                }
            }
        }
        column = Column(.int(out))
    } else {
        guard case .float(let values) = input.data else { preconditionFailure("checked numeric") }
        var out = [Double](repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try seen.withUnsafeMutableBufferPointer { seen throws(FrameError) in
                try order.forEachPartition { range in
                    var total = 0.0, any = false
                    for j in range {
                        let row = Int(order.rows[j])
                        if !input.isNull(row) {
                            total += values[row]
                            any = true
                        }
                        out[row] = total
                        seen[row] = any
                    }
                }
            }
        }
        column = Column(.float(out))
    }
    for i in 0..<n where seen[i] { validity.set(i) }
    return Column(column.data, validity: validity)
}

/// Rolling sums over the `width` rows ending at each row.
private func rolling(_ input: Column, _ width: Int, mean: Bool, _ order: WindowOrder, label: String)
    throws(FrameError) -> Column
{
    try requireNumbers(input, label)
    if let integers = integerValues(input) {
        let (totals, counts) = try rollingTotals(order, width, input.validity, zero: Int64(0)) {
            (a: Int64, b: Int64) throws(FrameError) in
            let (sum, overflow) = a.addingReportingOverflow(b)
            if overflow { throw overflowError(label) }
            return sum
        } value: { integers[$0] }
        let validity = Validity(counts.map { $0 > 0 })
        if !mean { return Column(.int(totals), validity: validity) }
        return Column(.float(zip(totals, counts).map { $1 > 0 ? Double($0) / Double($1) : 0 }), validity: validity)
    }
    guard case .float(let floats) = input.data else { preconditionFailure("checked numeric") }
    let (totals, counts) = try rollingTotals(order, width, input.validity, zero: 0.0) {
        (a: Double, b: Double) throws(FrameError) in a + b
    } value: { floats[$0] }
    let validity = Validity(counts.map { $0 > 0 })
    if !mean { return Column(.float(totals), validity: validity) }
    return Column(.float(zip(totals, counts).map { $1 > 0 ? $0 / Double($1) : 0 }), validity: validity)
}

/// Per row, the total and count of the non-null values among the `width` rows ending at it.
/// Each partition is cut into blocks of `width` positions; a window is the suffix of one block
/// plus the prefix of the next, so every total is summed from at most `width` values, without
/// the drift of subtracting the values that leave the window.
private func rollingTotals<T>(
    _ order: WindowOrder, _ width: Int, _ validity: Validity?, zero: T,
    add: (T, T) throws(FrameError) -> T, value: (Int) -> T
) throws(FrameError) -> (totals: [T], counts: [Int32]) {
    let n = order.rowCount
    var totals = [T](repeating: zero, count: n)
    var counts = [Int32](repeating: 0, count: n)
    try totals.withUnsafeMutableBufferPointer { totals throws(FrameError) in
        try counts.withUnsafeMutableBufferPointer { counts throws(FrameError) in
            try order.forEachPartition { (range: Range<Int>) throws(FrameError) in
                let s = range.lowerBound
                // Suffix totals (this position ... its block's end), indexed from the partition start.
                var suffix = [T](repeating: zero, count: range.count)
                var suffixCount = [Int32](repeating: 0, count: range.count)
                for j in range.reversed() {
                    let row = Int(order.rows[j])
                    let valid = validity?.isValid(row) ?? true
                    let v = valid ? value(row) : zero
                    let c: Int32 = valid ? 1 : 0
                    let blockEnd = (j &- s) % width == width &- 1 || j == range.upperBound &- 1
                    suffix[j &- s] = blockEnd ? v : try add(suffix[j &- s &+ 1], v)
                    suffixCount[j &- s] = blockEnd ? c : suffixCount[j &- s &+ 1] &+ c
                }
                var prefix = zero
                var prefixCount: Int32 = 0
                for j in range {
                    let row = Int(order.rows[j])
                    let valid = validity?.isValid(row) ?? true
                    if (j &- s) % width == 0 { (prefix, prefixCount) = (zero, 0) }
                    if valid {
                        prefix = try add(prefix, value(row))
                        prefixCount &+= 1
                    }
                    let first = j &- width &+ 1
                    // The window is this block's prefix when it starts at the partition or a block start.
                    if first <= s || (first &- s) % width == 0 {
                        totals[row] = prefix
                        counts[row] = prefixCount
                    } else {
                        totals[row] = try add(suffix[first &- s], prefix)
                        counts[row] = suffixCount[first &- s] &+ prefixCount
                    }
                }
            }
        }
    }
    return (totals, counts)
}

/// An aggregate over each row's partition, given to every row of it. `first` and `last` follow
/// the `order` when one is given (a `by`), else input order.
public func windowAggregate(_ request: AggregateRequest, partitions: Grouping, order: WindowOrder?) throws(FrameError) -> Column {
    let rowCount = partitions.ids.count
    let perPartition: Column
    if let order, !order.keys.isEmpty, let input = request.input, request.function == .first || request.function == .last {
        var chosen = [Int](repeating: -1, count: order.partitions.count)
        let isFirst = request.function == .first
        for p in 0..<order.partitions.count {
            let range = order.starts[p]..<order.starts[p &+ 1]
            let found = isFirst
                ? range.first { !input.isNull(Int(order.rows[$0])) }
                : range.last { !input.isNull(Int(order.rows[$0])) }
            if let found { chosen[p] = Int(order.rows[found]) }
        }
        perPartition = input.take(orNull: chosen)
    } else {
        perPartition = try aggregateColumn(request, partitions, rowCount: rowCount)
    }
    try FrameError.checkCancellation()
    return perPartition.take(partitions.ids.map { Int($0) })
}
