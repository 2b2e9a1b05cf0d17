import CFrameKernels
/// The rows where `mask` is true (null counts as false).
public func filter(_ t: Table, mask: Column) throws(FrameError) -> Table {
    guard case .bool(let keep) = mask.data else {
        throw FrameError("a filter condition must be true or false, but it is \(mask.type); compare it, e.g. x > 0 or x == \"text\"")
    }
    guard mask.count == t.rowCount else {
        throw FrameError("the filter condition has \(mask.count) rows, the table has \(t.rowCount)")
    }
    try FrameError.checkCancellation()
    let rows = selectedRows(keep, mask.validity)
    return rows.count == t.rowCount ? t : t.take(rows)
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
    return countSelected(keep, mask.validity)
}

private func countSelected(_ keep: [Bool], _ validity: Validity?) -> Int {
    keep.withUnsafeBufferPointer { flags in
        var selected = 0
        if let validity {
            for i in 0..<flags.count where flags[i] && validity.isValid(i) { selected &+= 1 }
        } else {
            for i in 0..<flags.count where flags[i] { selected &+= 1 }
        }
        return selected
    }
}

/// The indices of the true, non-null entries: counted first so the result is allocated once, then
/// written through a pointer (the hot loop of every filter).
func selectedRows(_ keep: [Bool], _ validity: Validity?) -> [Int] {
    let selected = countSelected(keep, validity)
    return keep.withUnsafeBufferPointer { flags in
        let n = flags.count
        return [Int](unsafeUninitializedCapacity: selected) { out, initialized in
            var j = 0
            if let validity {
                for i in 0..<n where flags[i] && validity.isValid(i) {
                    out[j] = i
                    j &+= 1
                }
            } else {
                for i in 0..<n where flags[i] {
                    out[j] = i
                    j &+= 1
                }
            }
            initialized = j
        }
    }
}

/// A comparison with a constant, for kernels that filter without building a mask.
public enum Comparison: Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

/// The number of non-null rows where `values[i] op constant`: `filter x > c | agg count()`
/// compares 64 rows into one bit word (SIMD) and counts its bits, with no mask in between.
public func countMatching(_ values: [Int64], validity: Validity?, _ op: Comparison, _ constant: Int64) throws(FrameError) -> Int {
    try countMatchingRows(values, validity, op, constant) { rows, validity, words in
        Int(trq_count_matching_i64(rows, validity, Int64(words), op.kernelCode, constant))
    }
}

/// As above, for floats (NaN compares false except with `!=`, as Swift's operators do).
public func countMatching(_ values: [Double], validity: Validity?, _ op: Comparison, _ constant: Double) throws(FrameError) -> Int {
    try countMatchingRows(values, validity, op, constant) { rows, validity, words in
        Int(trq_count_matching_f64(rows, validity, Int64(words), op.kernelCode, constant))
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

/// Runs `countWords(rows, validity words, word count)` over whole 64-row words in chunks (to
/// check for cancellation), both halves of a large column concurrently; the rows after the last
/// whole word are counted here.
private func countMatchingRows<T: Comparable>(
    _ values: [T], _ validity: Validity?, _ op: Comparison, _ constant: T,
    _ countWords: (UnsafePointer<T>, UnsafePointer<UInt64>?, Int) -> Int
) throws(FrameError) -> Int {
    let fullWords = values.count >> 6
    let parts = values.count >= parallelThreshold ? 2 : 1
    let wordsPerPart = (fullWords &+ parts &- 1) / parts
    let counts = try values.withUnsafeBufferPointer { v throws(FrameError) in
        try (validity?.words ?? []).withUnsafeBufferPointer { validWords throws(FrameError) in
            try parallelMap(parts, parallel: parts > 1) { (part: Int) throws(FrameError) -> Int in
                var count = 0
                var w = part &* wordsPerPart
                let end = Swift.min(w &+ wordsPerPart, fullWords)
                while w < end {
                    try FrameError.checkCancellation()
                    let chunk = Swift.min(end &- w, cancellationChunk >> 6)
                    count &+= countWords(v.baseAddress! + (w << 6), validity == nil ? nil : validWords.baseAddress! + w, chunk)
                    w &+= chunk
                }
                return count
            }
        }
    }
    var rest = 0
    for i in (fullWords << 6)..<values.count where validity?.isValid(i) ?? true {
        let x = values[i]
        let matches: Bool
        switch op {
        case .equal: matches = x == constant
        case .notEqual: matches = x != constant
        case .less: matches = x < constant
        case .lessOrEqual: matches = x <= constant
        case .greater: matches = x > constant
        case .greaterOrEqual: matches = x >= constant
        }
        if matches { rest &+= 1 }
    }
    return counts.reduce(rest, &+)
}
