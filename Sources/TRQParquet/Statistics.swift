import TRQFrame

/// A column's value range and null count in a row group (or a partition's single value).
struct RangeCheck {
    var min: Value?
    var max: Value?
    var nullCount: Int64?
    var rows: Int64

    /// Whether no row in the range can satisfy the predicate (rows where the column is null
    /// never satisfy a comparison or `[not] in`).
    func excludes(_ p: SourcePredicate) -> Bool {
        let allNull = nullCount == rows
        if case .isNull(let negated) = p.test { return negated ? allNull : nullCount == 0 }
        if allNull { return true }
        guard let min, let max, !min.isNull, !max.isNull else { return false }
        func outside(_ v: Value) -> Bool {
            guard let low = order(v, min), let high = order(v, max) else { return false }
            return low < 0 || high > 0
        }
        switch p.test {
        case .compare(.equal, let v): return outside(v)
        case .compare(.notEqual, let v): return order(min, v) == 0 && order(max, v) == 0
        case .compare(.less, let v): return order(min, v).map { $0 >= 0 } ?? false
        case .compare(.lessOrEqual, let v): return order(min, v).map { $0 > 0 } ?? false
        case .compare(.greater, let v): return order(max, v).map { $0 <= 0 } ?? false
        case .compare(.greaterOrEqual, let v): return order(max, v).map { $0 < 0 } ?? false
        case .isIn(let values, negated: false): return values.allSatisfy { $0.isNull || outside($0) }
        case .isIn(_, negated: true), .isNull: return false
        }
    }
}

/// -1, 0 or 1 as `a` sorts before, with or after `b`; nil when they do not compare.
private func order(_ a: Value, _ b: Value) -> Int? {
    func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
    switch (a, b) {
    case (.int(let x), .int(let y)): return sign(x, y)
    case (.float(let x), .float(let y)): return x.isNaN || y.isNaN ? nil : sign(x, y)
    case (.int(let x), .float(let y)): return y.isNaN ? nil : sign(Double(x), y)
    case (.float(let x), .int(let y)): return x.isNaN ? nil : sign(x, Double(y))
    case (.bool(let x), .bool(let y)): return sign(x ? 1 : 0, y ? 1 : 0)
    case (.date(let x), .date(let y)): return sign(x, y)
    case (.timestamp(let x), .timestamp(let y)): return sign(x, y)
    case (.timestamp, .string(let text)), (.date, .string(let text)):
        // A timestamp or date compares with ISO text, as in filters.
        guard let parsed = parseISO8601(text) else { return nil }
        switch (a, parsed) {
        case (.timestamp(let x), .timestamp(let y)): return sign(x, y)
        case (.timestamp(let x), .date(let d)): return sign(x, Int64(d) &* microsPerDay)
        case (.date(let x), .date(let y)): return sign(x, y)
        default: return nil
        }
    case (.string, .timestamp), (.string, .date):
        return order(b, a).map { -$0 }
    case (.string(let x), .string(let y)):
        // Parquet orders UTF-8 text by unsigned bytes, which is code point order.
        return x == y ? 0 : (x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1)
    default: return nil
    }
}

/// A row group's statistics for one flat leaf, decoded for the types whose order trq shares.
func RowGroupStatistics(_ stats: Statistics, leaf: Leaf, rows: Int64) -> RangeCheck {
    func decode(_ bytes: [UInt8]?) -> Value? {
        guard let bytes else { return nil }
        func int(_ size: Int) -> Int64? {
            guard bytes.count == size else { return nil }
            return bytes.withUnsafeBytes { size == 4 ? Int64($0.loadUnaligned(as: Int32.self).littleEndian) : $0.loadUnaligned(as: Int64.self).littleEndian }
        }
        switch (leaf.mapping, leaf.type) {
        case (.int, .int32): return int(4).map { .int($0) }
        case (.int, .int64): return int(8).map { .int($0) }
        case (.date, _): return int(4).map { .date(Int32($0)) }
        case (.timestamp(.millis), .int64): return int(8).map { .timestamp($0 &* 1000) }
        case (.timestamp(.micros), .int64): return int(8).map { .timestamp($0) }
        case (.timestamp(.nanos), .int64): return int(8).map { .timestamp(floorDivide($0, 1000)) }
        case (.float, .float): return bytes.count == 4 ? .float(Double(bytes.withUnsafeBytes { $0.loadUnaligned(as: Float.self) })) : nil
        case (.float, .double): return bytes.count == 8 ? .float(bytes.withUnsafeBytes { $0.loadUnaligned(as: Double.self) }) : nil
        case (.bool, _): return bytes.count == 1 ? .bool(bytes[0] != 0) : nil
        case (.string, .byteArray) where !stats.legacyOrder:
            return String(validating: bytes, as: UTF8.self).map { .string($0) }
        default: return nil
        }
    }
    return RangeCheck(min: decode(stats.min), max: decode(stats.max), nullCount: stats.nullCount, rows: rows)
}
