/// The logical type of a column.
public enum DataType: String, Sendable, CaseIterable {
    case int, float, bool, string, timestamp, date
}

/// One bit per row; a set bit means the value is present (not null).
public struct Validity: Sendable, Equatable {
    public private(set) var words: [UInt64]
    public let count: Int

    public init(count: Int, allValid: Bool) {
        self.count = count
        let wordCount = (count &+ 63) >> 6
        words = [UInt64](repeating: allValid ? ~0 : 0, count: wordCount)
        if allValid, count & 63 != 0 { words[wordCount &- 1] = (1 << UInt64(count & 63)) &- 1 }
    }

    public init(_ bits: [Bool]) {
        self.init(count: bits.count, allValid: false)
        for (i, bit) in bits.enumerated() where bit { set(i) }
    }

    @inline(__always) public func isValid(_ i: Int) -> Bool {
        words[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    @inline(__always) public mutating func set(_ i: Int) {
        words[i >> 6] |= 1 << UInt64(i & 63)
    }

    @inline(__always) public mutating func clear(_ i: Int) {
        words[i >> 6] &= ~(1 << UInt64(i & 63))
    }

    public var nullCount: Int {
        count &- words.reduce(0) { $0 &+ $1.nonzeroBitCount }
    }

    /// Keeps only the rows valid in both (a row with a null in either is null).
    public mutating func formIntersection(_ other: Validity) {
        for w in words.indices { words[w] &= other.words[w] }
    }
}

extension Validity {
    /// `count` bits written by a kernel, one word per 64 rows; bits past `count` must be clear.
    init(words: [UInt64], count: Int) {
        precondition(words.count == (count &+ 63) >> 6, "validity words do not match the row count")
        self.words = words
        self.count = count
    }

    /// The bits at `rows`, in that order.
    func gather(_ rows: UnsafeBufferPointer<Int>) -> Validity {
        var gathered = [UInt64](repeating: 0, count: (rows.count &+ 63) >> 6)
        gathered.withUnsafeMutableBufferPointer { out in
            words.withUnsafeBufferPointer { source in
                for j in 0..<rows.count {
                    let i = rows[j]
                    out[j >> 6] |= ((source[i >> 6] >> UInt64(i & 63)) & 1) << UInt64(j & 63)
                }
            }
        }
        return Validity(words: gathered, count: rows.count)
    }
}

/// Typed storage. Timestamps are microseconds since 1970-01-01T00:00:00Z; dates are days since
/// 1970-01-01. The value stored at a null row is unspecified (zero by convention).
public enum ColumnData: Sendable, Equatable {
    case int([Int64])
    case float([Double])
    case bool([Bool])
    case string(codes: [Int32], dictionary: StringDictionary)
    case timestamp([Int64])
    case date([Int32])
}

/// A typed column with an optional validity bitmap (nil means no nulls).
public struct Column: Sendable {
    public var data: ColumnData
    public var validity: Validity?

    public init(_ data: ColumnData, validity: Validity? = nil) {
        self.data = data
        self.validity = validity.flatMap { $0.nullCount == 0 ? nil : $0 }
    }

    public var type: DataType {
        switch data {
        case .int: .int
        case .float: .float
        case .bool: .bool
        case .string: .string
        case .timestamp: .timestamp
        case .date: .date
        }
    }

    public var count: Int {
        switch data {
        case .int(let v): v.count
        case .float(let v): v.count
        case .bool(let v): v.count
        case .string(let codes, _): codes.count
        case .timestamp(let v): v.count
        case .date(let v): v.count
        }
    }

    @inline(__always) public func isNull(_ i: Int) -> Bool {
        guard let validity else { return false }
        return !validity.isValid(i)
    }

    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// The value at row `i` as a boxed scalar (slow; for printing, tests and single values).
    public subscript(i: Int) -> Value {
        if isNull(i) { return .null }
        switch data {
        case .int(let v): return .int(v[i])
        case .float(let v): return .float(v[i])
        case .bool(let v): return .bool(v[i])
        case .string(let codes, let dict): return .string(dict[Int(codes[i])])
        case .timestamp(let v): return .timestamp(v[i])
        case .date(let v): return .date(v[i])
        }
    }
}

/// A single boxed value, used at the edges (literals, printing, tests), never in hot loops.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case timestamp(Int64)
    case date(Int32)

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var description: String {
        switch self {
        case .null: "null"
        case .int(let v): String(v)
        case .float(let v): formatDouble(v)
        case .bool(let v): v ? "true" : "false"
        case .string(let s): s
        case .timestamp(let us): formatTimestamp(us)
        case .date(let d): formatDate(d)
        }
    }
}

extension Value {
    /// A number as a double; nil for other values.
    public var asDouble: Double? {
        switch self {
        case .int(let i): Double(i)
        case .float(let d): d
        default: nil
        }
    }
}

extension Column {
    /// Numeric values as doubles (ints converted); nil for non-numeric columns.
    public var doubles: [Double]? {
        switch data {
        case .float(let v): v
        case .int(let v): v.map { Double($0) }
        default: nil
        }
    }
}
