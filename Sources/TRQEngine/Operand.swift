import TRQFrame
import TRQLanguage

/// An evaluated expression: a constant (not yet broadcast) or a column of the table's length.
/// Keeping constants unbroadcast lets `x > 5` compare against a scalar without building a column.
enum Operand {
    case scalar(Value)
    case column(Column)

    func materialized(count: Int) -> Column {
        switch self {
        case .column(let c): c
        case .scalar(let v): Column(broadcasting: v, count: count)
        }
    }

    var type: DataType? {
        switch self {
        case .column(let c): c.type
        case .scalar(let v): v.type
        }
    }
}

extension Value {
    init(_ literal: Literal) {
        switch literal {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        case .string(let s): self = .string(s)
        }
    }

    /// nil for null, whose type is unknown.
    var type: DataType? {
        switch self {
        case .null: nil
        case .int: .int
        case .float: .float
        case .bool: .bool
        case .string: .string
        case .timestamp: .timestamp
        case .date: .date
        }
    }
}

extension Column {
    /// A column of `count` copies of `value` (a null becomes an all-null string column).
    init(broadcasting value: Value, count: Int) {
        switch value {
        case .null:
            self.init(.string(codes: [Int32](repeating: 0, count: count), dictionary: StringDictionary([""])),
                      validity: Validity(count: count, allValid: false))
        case .int(let v): self.init(.int([Int64](repeating: v, count: count)))
        case .float(let v): self.init(.float([Double](repeating: v, count: count)))
        case .bool(let v): self.init(.bool([Bool](repeating: v, count: count)))
        case .string(let s): self.init(.string(codes: [Int32](repeating: 0, count: count), dictionary: StringDictionary([s])))
        case .timestamp(let v): self.init(.timestamp([Int64](repeating: v, count: count)))
        case .date(let v): self.init(.date([Int32](repeating: v, count: count)))
        }
    }

    /// Builds a column from boxed values; the type is the widest of the non-null values
    /// (int widens to float; mixed other types become strings). Used off the hot paths only.
    init(values: [Value]) {
        var kind: DataType?
        for v in values {
            guard let t = v.type else { continue }
            if kind == nil { kind = t } else if kind != t {
                kind = (kind == .int && t == .float) || (kind == .float && t == .int) ? .float : .string
            }
        }
        self = column(of: values, type: kind ?? .string)
    }

    /// The validity of a row-wise combination: a row is valid when it is valid in every input.
    static func combinedValidity(_ columns: [Column], count: Int) -> Validity? {
        let present = columns.compactMap(\.validity)
        guard var result = present.first else { return nil }
        for other in present.dropFirst() {
            for i in 0..<count where !other.isValid(i) { result.clear(i) }
        }
        return result
    }
}
