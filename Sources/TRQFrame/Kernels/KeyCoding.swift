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
        let distinct = dictionary.distinctIds().ids
        let cardinality = distinct.isEmpty ? 0 : Int(distinct.max() ?? 0) &+ 1
        var codes = [Int32](repeating: -1, count: n)
        try codes.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try distinct.withUnsafeBufferPointer { remap throws(FrameError) in
                try forEachValidRow(n, column.validity) { i in out[i] = remap[Int(dictCodes[i])] }
            }
        }
        return finishWithNulls(codes, cardinality, column.validity)
    }
}

/// Gives the null rows (still coded -1) the code after the values'.
private func finishWithNulls(_ codes: [Int32], _ valueCount: Int, _ validity: Validity?) -> ColumnCodes {
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
    let perColumn = try parallelMap(columns.count, parallel: rowCount >= parallelThreshold) {
        (k: Int) throws(FrameError) in try columnCodes(columns[k])
    }
    let (keys, cardinality) = try combine(perColumn.map { ($0.codes, $0.cardinality) }, rowCount: rowCount)
    return try firstAppearanceIds(keys, cardinality: cardinality)
}

/// Combines per-column codes into one 64-bit key per row (key * cardinality + code), renumbering
/// densely first whenever the product of cardinalities would overflow.
func combine(_ columns: [(codes: [Int32], cardinality: Int)], rowCount: Int) throws(FrameError)
    -> (keys: [Int64], cardinality: Int)
{
    var keys = columns[0].codes.map { Int64($0) }
    var cardinality = columns[0].cardinality
    for (codes, codeCardinality) in columns.dropFirst() {
        var (product, overflow) = cardinality.multipliedReportingOverflow(by: codeCardinality)
        if overflow {
            let dense = try firstAppearanceIds(keys, cardinality: cardinality)
            keys = dense.ids.map { Int64($0) }
            cardinality = dense.count
            product = cardinality &* codeCardinality  // both at most rowCount + 1: fits
        }
        let multiplier = Int64(codeCardinality)
        try keys.withUnsafeMutableBufferPointer { k throws(FrameError) in
            try forEachRow(rowCount) { i in k[i] = k[i] &* multiplier &+ Int64(codes[i]) }
        }
        cardinality = product
    }
    return (keys, cardinality)
}

/// Renumbers keys in 0 ..< cardinality densely by first appearance.
func firstAppearanceIds(_ keys: [Int64], cardinality: Int) throws(FrameError) -> Grouping {
    let n = keys.count
    var ids = [Int32](repeating: 0, count: n)
    var firstRows: [Int] = []
    if UInt64(cardinality) <= directRangeLimit(n) {
        var idOfKey = [Int32](repeating: -1, count: cardinality)
        try idOfKey.withUnsafeMutableBufferPointer { lookup throws(FrameError) in
            try ids.withUnsafeMutableBufferPointer { out throws(FrameError) in
                try forEachRow(n) { i in
                    let key = Int(keys[i])
                    var id = lookup[key]
                    if id < 0 {
                        id = Int32(truncatingIfNeeded: firstRows.count)
                        lookup[key] = id
                        firstRows.append(i)
                    }
                    out[i] = id
                }
            }
        }
    } else {
        let table = DenseIdTable()
        try ids.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try forEachRow(n) { i in
                let (id, isNew) = table.insert(UInt64(bitPattern: keys[i]))
                if isNew { firstRows.append(i) }
                out[i] = id
            }
        }
    }
    return Grouping(ids: ids, count: firstRows.count, firstRows: firstRows)
}
