import CFrameKernels

/// The rows a filter keeps, one bit per row (bit `i & 63` of `words[i >> 6]`), never a null row
/// and never a bit past `rowCount`. Taking rows from bits needs no index array.
public struct RowSelection: Sendable {
    public let words: [UInt64]
    public let rowCount: Int
    /// The number of set bits.
    public let selectedCount: Int
}

/// The rows where `mask` is true (null counts as false).
public func filter(_ t: Table, mask: Column) throws(FrameError) -> Table {
    guard mask.count == t.rowCount else {
        throw FrameError("the filter condition has \(mask.count) rows, the table has \(t.rowCount)")
    }
    return try filter(t, try rowSelection(mask))
}

/// The rows where `mask` is true and not null.
public func rowSelection(_ mask: Column) throws(FrameError) -> RowSelection {
    guard case .bool(let keep) = mask.data else {
        throw FrameError("a filter condition must be true or false, but it is \(mask.type); compare it, e.g. x > 0 or x == \"text\"")
    }
    return try selectRows(keep, mask.validity, firstMatches: nil) { flags, validity, rows, out in
        UnsafeRawPointer(flags).withMemoryRebound(to: UInt8.self, capacity: rows) { bytes in
            Int(trq_select_flags(bytes, validity, Int64(rows), out))
        }
    }
}

/// The selected rows of `t` in order; only the first `limit` of them when given.
public func filter(_ t: Table, _ selection: RowSelection, limit: Int? = nil) throws(FrameError) -> Table {
    guard selection.rowCount == t.rowCount else {
        throw FrameError("the filter selects from \(selection.rowCount) rows, the table has \(t.rowCount)")
    }
    try FrameError.checkCancellation()
    var selection = selection
    if let limit, limit < selection.selectedCount { selection = selection.prefix(Swift.max(limit, 0)) }
    if selection.selectedCount == t.rowCount { return t }
    if t.columns.isEmpty { return t.take([Int](repeating: 0, count: selection.selectedCount)) }
    let plan = CompressPlan(selection)
    var columns: [Column] = []
    for column in t.columns {
        try FrameError.checkCancellation()
        columns.append(plan.compress(column))
    }
    return try Table(names: t.names, columns: columns)
}

extension RowSelection {
    /// The first `n` selected rows (n ≤ selectedCount).
    func prefix(_ n: Int) -> RowSelection {
        var words = [UInt64](repeating: 0, count: self.words.count)
        var remaining = n
        for w in self.words.indices where remaining > 0 {
            var bits = self.words[w]
            let taken = bits.nonzeroBitCount
            if taken > remaining {
                // Clear the highest set bits until `remaining` are left.
                for _ in 0..<(taken &- remaining) { bits &= ~(1 << UInt64(63 &- bits.leadingZeroBitCount)) }
            }
            words[w] = bits
            remaining &-= bits.nonzeroBitCount
        }
        return RowSelection(words: words, rowCount: rowCount, selectedCount: n)
    }
}

/// How a selection is taken from every column: the words up to the last selected row, split in
/// two halves for long columns, each with the output position where its rows go.
private struct CompressPlan {
    let selection: RowSelection
    /// Word ranges and the number of selected rows before each.
    var parts: [(words: Range<Int>, offset: Int)] = []

    init(_ selection: RowSelection) {
        self.selection = selection
        let used = (selection.words.lastIndex { $0 != 0 } ?? -1) &+ 1
        let halves = selection.selectedCount >= parallelThreshold ? 2 : 1
        var start = 0, offset = 0
        for h in 0..<halves {
            let end = h == halves &- 1 ? used : used / 2
            parts.append((start..<end, offset))
            for w in start..<end { offset &+= selection.words[w].nonzeroBitCount }
            start = end
        }
    }

    func compress(_ column: Column) -> Column {
        let validity = column.validity.flatMap(compressedValidity)
        switch column.data {
        case .int(let v): return Column(.int(compress(v)), validity: validity)
        case .float(let v): return Column(.float(compress(v)), validity: validity)
        case .bool(let v): return Column(.bool(compress(v)), validity: validity)
        case .string(let codes, let dictionary): return Column(.string(codes: compress(codes), dictionary: dictionary), validity: validity)
        case .timestamp(let v): return Column(.timestamp(compress(v)), validity: validity)
        case .date(let v): return Column(.date(compress(v)), validity: validity)
        }
    }

    /// The selected elements of `values` (8, 4 or 1 bytes each).
    private func compress<T>(_ values: [T]) -> [T] {
        let count = selection.selectedCount
        let kernel: (UnsafeRawPointer?, UnsafePointer<UInt64>?, Int64, UnsafeMutableRawPointer?) -> Int64
        switch MemoryLayout<T>.stride {
        case 8: kernel = trq_compress_64
        case 4: kernel = trq_compress_32
        default: kernel = trq_compress_8
        }
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            values.withUnsafeBytes { source in
                selection.words.withUnsafeBufferPointer { bits in
                    parallelFor(parts.count) { p in
                        let (words, offset) = parts[p]
                        guard !words.isEmpty, let target = out.baseAddress, let base = source.baseAddress else { return }
                        _ = kernel(base + (words.lowerBound << 6) &* MemoryLayout<T>.stride, bits.baseAddress! + words.lowerBound,
                                   Int64(words.count), UnsafeMutableRawPointer(target + offset))
                    }
                }
            }
            initialized = count
        }
    }

    /// The validity of the selected rows; nil when none is null.
    private func compressedValidity(_ validity: Validity) -> Validity? {
        let count = selection.selectedCount
        var packed = [UInt64](repeating: 0, count: (count &+ 63) >> 6)
        validity.words.withUnsafeBufferPointer { source in
            selection.words.withUnsafeBufferPointer { bits in
                packed.withUnsafeMutableBufferPointer { out in
                    guard let used = parts.last?.words.upperBound, used > 0 else { return }
                    trq_compress_bits(source.baseAddress, bits.baseAddress, Int64(used), out.baseAddress)
                }
            }
        }
        let result = Validity(words: packed, count: count)
        return result.nullCount == 0 ? nil : result
    }
}

/// The rows without a null in `columns` (all columns when empty). NaN is a value, not a null.
public func dropNulls(_ t: Table, columns: [String] = []) throws(FrameError) -> Table {
    var checked: [Column] = []
    for name in columns {
        guard let column = t.column(name) else { throw noColumn(name, in: t) }
        checked.append(column)
    }
    if columns.isEmpty { checked = t.columns }
    var complete = Validity(count: t.rowCount, allValid: true)
    var anyNull = false
    for column in checked {
        guard let validity = column.validity else { continue }
        anyNull = true
        complete.formIntersection(validity)
    }
    if !anyNull { return t }
    var rows: [Int] = []
    try forEachValidRow(t.rowCount, complete) { rows.append($0) }
    return t.take(rows)
}

/// The first row of each distinct combination of `columns` (all columns when empty), in order.
public func distinct(_ t: Table, columns: [String] = []) throws(FrameError) -> Table {
    var keys: [Column] = []
    for name in columns {
        guard let column = t.column(name) else { throw noColumn(name, in: t) }
        keys.append(column)
    }
    if columns.isEmpty { keys = t.columns }
    let groups = try grouping(keys, rowCount: t.rowCount)
    return groups.count == t.rowCount ? t : t.take(groups.firstRows)
}

/// `table` with the nulls of each named column replaced by its value.
public func fillNulls(_ t: Table, _ fills: [(column: String, value: Value)]) throws(FrameError) -> Table {
    var result = t
    for (name, value) in fills {
        guard let column = result.column(name) else { throw noColumn(name, in: t) }
        try result.set(name, try column.fillingNulls(with: value, name: name))
    }
    return result
}

extension Column {
    /// The column with nulls replaced by `value`, which must have the column's type (an int may
    /// fill a float column; ISO 8601 text a date or timestamp column).
    public func fillingNulls(with value: Value, name: String) throws(FrameError) -> Column {
        guard let validity, !value.isNull else { return self }
        func mismatch() -> FrameError {
            FrameError("cannot fill nulls of '\(name)' (\(type)) with \(valueDescription(value)); use a \(type) value, or convert the column first, e.g. derive \(name) = string(\(name))")
        }
        func filled<T>(_ values: [T], _ fill: T) -> [T] {
            var values = values
            for i in 0..<count where !validity.isValid(i) { values[i] = fill }
            return values
        }
        switch (data, value) {
        case (.int(let v), .int(let x)): return Column(.int(filled(v, x)))
        case (.float(let v), .float(let x)): return Column(.float(filled(v, x)))
        case (.float(let v), .int(let x)): return Column(.float(filled(v, Double(x))))
        case (.bool(let v), .bool(let x)): return Column(.bool(filled(v, x)))
        case (.timestamp(let v), .timestamp(let x)): return Column(.timestamp(filled(v, x)))
        case (.timestamp(let v), .date(let x)): return Column(.timestamp(filled(v, Int64(x) &* microsPerDay)))
        case (.date(let v), .date(let x)): return Column(.date(filled(v, x)))
        case (.date, .string(let text)), (.timestamp, .string(let text)):
            switch parseISO8601(text) {
            case .date(let d)?: return try fillingNulls(with: .date(d), name: name)
            case .timestamp(let us)? where type == .timestamp: return try fillingNulls(with: .timestamp(us), name: name)
            default: throw mismatch()
            }
        case (.string(let codes, let dictionary), .string(let text)):
            var dictionary = dictionary
            let code: Int32
            if let existing = dictionary.values.firstIndex(where: { $0.utf8.elementsEqual(text.utf8) }) {
                code = Int32(truncatingIfNeeded: existing)
            } else {
                code = Int32(truncatingIfNeeded: dictionary.values.count)
                dictionary.values.append(text)
            }
            return Column(.string(codes: filled(codes, code), dictionary: dictionary))
        default:
            throw mismatch()
        }
    }
}

/// A value as it would be written in the language, with its type.
private func valueDescription(_ value: Value) -> String {
    switch value {
    case .string(let s): "\"\(s)\" (a string)"
    case .int: "\(value) (an int)"
    case .float: "\(value) (a float)"
    case .bool: "\(value) (a bool)"
    case .date: "\(value) (a date)"
    case .timestamp: "\(value) (a timestamp)"
    case .null: "null"
    }
}

/// The number of rows a bool mask selects (true and not null).
public func selectedRowCount(_ mask: Column) -> Int {
    guard case .bool(let keep) = mask.data else { return 0 }
    return keep.withUnsafeBytes { flags in
        (mask.validity?.words ?? []).withUnsafeBufferPointer { validity in
            Int(trq_select_flags(flags.baseAddress?.assumingMemoryBound(to: UInt8.self), mask.validity == nil ? nil : validity.baseAddress,
                                 Int64(keep.count), nil))
        }
    }
}

/// The rows whose code is one of `hits` (the dictionary entries equal to a value), as bit words:
/// bit i & 63 of word i >> 6 is set when row i matches. 64 codes are compared per word (SIMD);
/// nulls are not cleared.
public func rowsWithCode(_ codes: [Int32], in hits: [Int32]) -> [UInt64] {
    let rows = codes.count
    var words = [UInt64](repeating: 0, count: (rows &+ 63) >> 6)
    guard let first = hits.first else { return words }
    codes.withUnsafeBufferPointer { codes in
        words.withUnsafeMutableBufferPointer { out in
            _ = trq_select_matching_i32(codes.baseAddress, nil, Int64(rows), Comparison.equal.kernelCode, first, out.baseAddress)
            guard hits.count > 1 else { return }
            // Entries may repeat a value (a dictionary built from given strings).
            var more = [UInt64](repeating: 0, count: out.count)
            more.withUnsafeMutableBufferPointer { more in
                for hit in hits.dropFirst() {
                    _ = trq_select_matching_i32(codes.baseAddress, nil, Int64(rows), Comparison.equal.kernelCode, hit, more.baseAddress)
                    for w in 0..<out.count { out[w] |= more[w] }
                }
            }
        }
    }
    return words
}

/// A comparison with a constant, for kernels that filter without building a mask.
public enum Comparison: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

/// The number of non-null rows where `values[i] op constant`: `filter x > c | agg count()`
/// compares 64 rows into one bit word (SIMD) and counts its bits, with no mask in between.
public func countMatching(_ values: [Int64], validity: Validity?, _ op: Comparison, _ constant: Int64) throws(FrameError) -> Int {
    try scanRows(values, validity, output: nil, firstMatches: nil) { rows, validity, count, _ in
        Int(trq_count_matching_i64(rows, validity, Int64(count), op.kernelCode, constant))
    }
}

/// As above, for floats (NaN compares false except with `!=`, as Swift's operators do).
public func countMatching(_ values: [Double], validity: Validity?, _ op: Comparison, _ constant: Double) throws(FrameError) -> Int {
    try scanRows(values, validity, output: nil, firstMatches: nil) { rows, validity, count, _ in
        Int(trq_count_matching_f64(rows, validity, Int64(count), op.kernelCode, constant))
    }
}

/// The non-null rows where `values[i] op constant`, compared 64 rows per bit word (SIMD). With
/// `firstMatches`, the scan stops early: the selection then holds the first matching rows, at
/// least that many (all when fewer match), and no row after them.
public func selectMatching(
    _ values: [Int64], validity: Validity?, _ op: Comparison, _ constant: Int64, firstMatches: Int? = nil
) throws(FrameError) -> RowSelection {
    try selectRows(values, validity, firstMatches: firstMatches) { rows, validity, count, out in
        Int(trq_select_matching_i64(rows, validity, Int64(count), op.kernelCode, constant, out))
    }
}

/// As above, for floats (NaN compares false except with `!=`).
public func selectMatching(
    _ values: [Double], validity: Validity?, _ op: Comparison, _ constant: Double, firstMatches: Int? = nil
) throws(FrameError) -> RowSelection {
    try selectRows(values, validity, firstMatches: firstMatches) { rows, validity, count, out in
        Int(trq_select_matching_f64(rows, validity, Int64(count), op.kernelCode, constant, out))
    }
}

extension Comparison {
    var kernelCode: Int32 {
        switch self {
        case .equal: Int32(TRQ_EQ.rawValue)
        case .notEqual: Int32(TRQ_NE.rawValue)
        case .less: Int32(TRQ_LT.rawValue)
        case .lessOrEqual: Int32(TRQ_LE.rawValue)
        case .greater: Int32(TRQ_GT.rawValue)
        case .greaterOrEqual: Int32(TRQ_GE.rawValue)
        }
    }
}

/// A selection from `scan(rows, validity words, row count, output words) -> set bits`.
private func selectRows<T>(
    _ values: [T], _ validity: Validity?, firstMatches: Int?,
    _ scan: (UnsafePointer<T>, UnsafePointer<UInt64>?, Int, UnsafeMutablePointer<UInt64>?) -> Int
) throws(FrameError) -> RowSelection {
    var words = [UInt64](repeating: 0, count: (values.count &+ 63) >> 6)
    let selected = try words.withUnsafeMutableBufferPointer { out throws(FrameError) in
        try scanRows(values, validity, output: out.baseAddress, firstMatches: firstMatches, scan)
    }
    return RowSelection(words: words, rowCount: values.count, selectedCount: selected)
}

/// Runs `scan` over the rows in chunks (to check for cancellation), both halves of a large
/// column concurrently, and adds up the counts it returns. Chunks start on 64-row words, so
/// `output` (one word per 64 rows, or nil) and the validity words line up. With `firstMatches`,
/// one thread scans and stops after the chunk where the count reaches it.
private func scanRows<T>(
    _ values: [T], _ validity: Validity?, output: UnsafeMutablePointer<UInt64>?, firstMatches: Int?,
    _ scan: (UnsafePointer<T>, UnsafePointer<UInt64>?, Int, UnsafeMutablePointer<UInt64>?) -> Int
) throws(FrameError) -> Int {
    let n = values.count
    let parts = n >= parallelThreshold && firstMatches == nil ? 2 : 1
    let wordsPerPart = (((n &+ 63) >> 6) &+ parts &- 1) / parts
    let counts = try values.withUnsafeBufferPointer { v throws(FrameError) in
        try (validity?.words ?? []).withUnsafeBufferPointer { validWords throws(FrameError) in
            try parallelMap(parts, parallel: parts > 1) { (part: Int) throws(FrameError) -> Int in
                var count = 0
                var row = part &* wordsPerPart << 6
                let end = Swift.min(row &+ wordsPerPart << 6, n)
                while row < end {
                    try FrameError.checkCancellation()
                    let chunk = Swift.min(end &- row, cancellationChunk)
                    count &+= scan(v.baseAddress! + row, validity == nil ? nil : validWords.baseAddress! + (row >> 6), chunk,
                                   output.map { $0 + (row >> 6) })
                    row &+= chunk
                    if let firstMatches, count >= firstMatches { break }
                }
                return count
            }
        }
    }
    return counts.reduce(0, &+)
}
