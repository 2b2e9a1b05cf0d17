/// Dense per-row codes of one column in 0 ..< cardinality, equal codes meaning equal values;
/// all null rows share one code. Codes are not ordered.
struct ColumnCodes {
    var codes: [Int32]
    var cardinality: Int
    /// The code of null rows, if the column has any.
    var nullCode: Int32?
}

/// The largest value range coded directly (code = value - min) instead of through a hash table.
private func directRangeLimit(_ rowCount: Int) -> UInt64 {
    UInt64(Swift.max(rowCount &* 2, 1 << 16))
}

/// The bits that identify a float for grouping: 0.0 and -0.0 are one value, and so are all NaNs.
@inline(__always) func canonicalBits(_ v: Double) -> UInt64 {
    if v == 0 { return 0 }
    if v.isNaN { return Double.nan.bitPattern }
    return v.bitPattern
}

func columnCodes(_ column: Column) throws(FrameError) -> ColumnCodes {
    let n = column.count
    switch column.data {
    case .int(let values): return try integerCodes(values, column.validity)
    case .timestamp(let values): return try integerCodes(values, column.validity)
    case .date(let values): return try integerCodes(values, column.validity)
    case .bool(let values):
        var codes = [Int32](repeating: 2, count: n)
        try forEachValidRow(n, column.validity) { i in codes[i] = values[i] ? 1 : 0 }
        return ColumnCodes(codes: codes, cardinality: column.validity == nil ? 2 : 3,
                           nullCode: column.validity == nil ? nil : 2)
    case .float(let values):
        let table = DenseIdTable()
        var codes = [Int32](repeating: -1, count: n)
        try codes.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try forEachValidRow(n, column.validity) { i in out[i] = table.insert(canonicalBits(values[i])).id }
        }
        return finishWithNulls(codes, table.count, column.validity)
    case .string(let dictCodes, let dictionary):
        let (distinct, cardinality) = dictionary.denseIds()
        if column.validity == nil, cardinality == distinct.count {
            // Entries are distinct (their ids are 0, 1, 2 ...): the codes serve as they are.
            return ColumnCodes(codes: dictCodes, cardinality: cardinality, nullCode: nil)
        }
        // Null rows get the code after the values' directly: one pass over the rows.
        let nullCode = Int32(truncatingIfNeeded: cardinality)
        var codes = [Int32](repeating: nullCode, count: n)
        try codes.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try distinct.withUnsafeBufferPointer { remap throws(FrameError) in
                try forEachValidRow(n, column.validity) { i in out[i] = remap[Int(dictCodes[i])] }
            }
        }
        return column.validity == nil
            ? ColumnCodes(codes: codes, cardinality: cardinality, nullCode: nil)
            : ColumnCodes(codes: codes, cardinality: cardinality &+ 1, nullCode: nullCode)
    }
}

extension StringDictionary {
    /// A dense id per entry (equal strings share one) and the number of ids.
    func denseIds() -> (ids: [Int32], count: Int) {
        let ids = distinctIds().ids
        return (ids, ids.isEmpty ? 0 : Int(ids.max() ?? 0) &+ 1)
    }
}

/// Gives the null rows (still coded -1) the code after the values'.
private func finishWithNulls(_ codes: consuming [Int32], _ valueCount: Int, _ validity: Validity?) -> ColumnCodes {
    guard validity != nil else { return ColumnCodes(codes: codes, cardinality: valueCount, nullCode: nil) }
    var codes = codes
    let nullCode = Int32(truncatingIfNeeded: valueCount)
    codes.withUnsafeMutableBufferPointer { out in
        for i in out.indices where out[i] < 0 { out[i] = nullCode }
    }
    return ColumnCodes(codes: codes, cardinality: valueCount &+ 1, nullCode: nullCode)
}

private func integerCodes<T: FixedWidthInteger & SignedInteger>(
    _ values: [T], _ validity: Validity?
) throws(FrameError) -> ColumnCodes {
    let n = values.count
    var low = Int64.max, high = Int64.min
    try forEachValidRow(n, validity) { i in
        let v = Int64(values[i])
        low = Swift.min(low, v)
        high = Swift.max(high, v)
    }
    var codes = [Int32](repeating: -1, count: n)
    if low > high { return finishWithNulls(codes, 0, validity) }
    let range = UInt64(bitPattern: high &- low)
    if range < directRangeLimit(n) {
        try codes.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try forEachValidRow(n, validity) { i in out[i] = Int32(truncatingIfNeeded: Int64(values[i]) &- low) }
        }
        return finishWithNulls(codes, Int(range) &+ 1, validity)
    }
    let table = DenseIdTable()
    try codes.withUnsafeMutableBufferPointer { out throws(FrameError) in
        try forEachValidRow(n, validity) { i in
            out[i] = table.insert(UInt64(bitPattern: Int64(values[i]))).id
        }
    }
    return finishWithNulls(codes, table.count, validity)
}

/// Rows assigned to groups of equal keys, numbered in order of first appearance.
public struct Grouping: Sendable {
    /// The group of each row.
    public var ids: [Int32]
    /// The number of groups.
    public var count: Int
    /// The first row of each group (ascending).
    public var firstRows: [Int]
}

/// Groups rows by the values of `columns` (nulls equal to each other; 0.0 equal to -0.0, NaN to
/// NaN). With no columns, all rows form one group.
public func grouping(_ columns: [Column], rowCount: Int) throws(FrameError) -> Grouping {
    try checkRowLimit(rowCount)
    guard !columns.isEmpty else {
        return Grouping(ids: [Int32](repeating: 0, count: rowCount), count: rowCount > 0 ? 1 : 0,
                        firstRows: rowCount > 0 ? [0] : [])
    }
    for column in columns where column.count != rowCount {
        throw FrameError("a key column has \(column.count) rows, the table has \(rowCount)")
    }
    if columns.count == 1, case .string(let dictCodes, let dictionary) = columns[0].data {
        // One string key: rows are numbered straight from their dictionary codes, with no
        // intermediate array of codes.
        let (remap, nullCode) = dictionary.denseIds()
        let validity = columns[0].validity
        return try remap.withUnsafeBufferPointer { remap throws(FrameError) in
            try dictCodes.withUnsafeBufferPointer { dictCodes throws(FrameError) in
                try firstAppearanceIds(rowCount, cardinality: nullCode &+ 1) { i in
                    validity?.isValid(i) ?? true ? Int(remap[Int(dictCodes[i])]) : nullCode
                }
            }
        }
    }
    let perColumn = try parallelMap(columns.count, parallel: rowCount >= parallelThreshold) {
        (k: Int) throws(FrameError) in try columnCodes(columns[k])
    }
    // Each step numbers pairs (codes so far, next column's code) densely; codes are Int32, so a
    // pair index (below 2^62) cannot overflow. Only the last step needs first-appearance
    // numbering, but the others get it for free.
    var codes = perColumn[0].codes
    var cardinality = perColumn[0].cardinality
    for next in perColumn.dropFirst().dropLast() {
        let previous = codes, multiplier = next.cardinality
        let step = try firstAppearanceIds(rowCount, cardinality: cardinality &* multiplier) {
            Int(previous[$0]) &* multiplier &+ Int(next.codes[$0])
        }
        codes = step.ids
        cardinality = step.count
    }
    guard perColumn.count > 1, let last = perColumn.last else {
        return try firstAppearanceIds(rowCount, cardinality: cardinality) { Int(codes[$0]) }
    }
    let multiplier = last.cardinality
    return try firstAppearanceIds(rowCount, cardinality: cardinality &* multiplier) {
        Int(codes[$0]) &* multiplier &+ Int(last.codes[$0])
    }
}

/// For each row of `probe`, the first row of `keys` holding an equal value, or -1 when none does.
/// Values are equal as in `grouping`: nulls equal each other, 0.0 equals -0.0, NaN equals NaN.
public func firstMatchingRows(of probe: Column, in keys: Column) throws(FrameError) -> [Int32] {
    guard probe.type == keys.type else {
        throw FrameError("cannot look up \(probe.type) values among \(keys.type) keys; convert one first")
    }
    // Keys first: a probe row's group starts at a key row exactly when some key equals it.
    let stacked = concatenate([keys, probe], type: keys.type)
    let groups = try grouping([stacked], rowCount: stacked.count)
    let keyCount = keys.count
    var matches = [Int32](repeating: -1, count: probe.count)
    try forEachRow(probe.count) { i in
        let first = groups.firstRows[Int(groups.ids[keyCount &+ i])]
        if first < keyCount { matches[i] = Int32(truncatingIfNeeded: first) }
    }
    return matches
}

/// Numbers the rows' keys (in 0 ..< cardinality) densely by first appearance, through a lookup
/// array when the key range is small, else a hash table.
@inline(__always) func firstAppearanceIds(
    _ rowCount: Int, cardinality: Int, key: (Int) -> Int
) throws(FrameError) -> Grouping {
    var firstRows: [Int] = []
    let ids = try [Int32](unsafeUninitializedCapacity: rowCount) { out, initialized throws(FrameError) in
        if UInt64(cardinality) <= directRangeLimit(rowCount) {
            var idOfKey = [Int32](repeating: -1, count: cardinality)
            try idOfKey.withUnsafeMutableBufferPointer { lookup throws(FrameError) in
                try forEachRow(rowCount) { i in
                    let k = key(i)
                    var id = lookup[k]
                    if id < 0 {
                        id = Int32(truncatingIfNeeded: firstRows.count)
                        lookup[k] = id
                        firstRows.append(i)
                    }
                    out[i] = id
                }
            }
        } else {
            let table = DenseIdTable()
            try forEachRow(rowCount) { i in
                let (id, isNew) = table.insert(UInt64(bitPattern: Int64(key(i))))
                if isNew { firstRows.append(i) }
                out[i] = id
            }
        }
        initialized = rowCount
    }
    return Grouping(ids: ids, count: firstRows.count, firstRows: firstRows)
}
