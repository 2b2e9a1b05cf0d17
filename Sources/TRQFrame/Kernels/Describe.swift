/// Summary statistics, one row per column of `t`: name, type (strings); count (non-null), nulls,
/// distinct (non-null distinct values) (ints); mean, std (sample), p25, p50, p75 (floats, null
/// unless the column is int or float); min and max as text (any type; strings by byte order).
public func describe(_ t: Table) throws(FrameError) -> Table {
    var rows: [[Value]] = []
    for (name, column) in zip(t.names, t.columns) {
        let numeric = column.type == .int || column.type == .float
        var requests = [
            AggregateRequest(name: "count", function: .count, input: column),
            AggregateRequest(name: "distinct", function: .countDistinct, input: column),
            AggregateRequest(name: "min", function: .min, input: column),
            AggregateRequest(name: "max", function: .max, input: column),
        ]
        if numeric {
            requests += [
                AggregateRequest(name: "mean", function: .mean, input: column),
                AggregateRequest(name: "std", function: .std, input: column),
                AggregateRequest(name: "p25", function: .quantile(0.25), input: column),
                AggregateRequest(name: "p50", function: .quantile(0.5), input: column),
                AggregateRequest(name: "p75", function: .quantile(0.75), input: column),
            ]
        }
        let stats = try aggregate(Table(names: [name], columns: [column]), requests)
        func stat(_ key: String) -> Value { stats.column(key)?[0] ?? .null }
        func text(_ key: String) -> Value { stat(key).isNull ? .null : .string(stat(key).description) }
        rows.append([
            .string(name), .string(column.type.rawValue), stat("count"), .int(Int64(column.nullCount)),
            stat("distinct"), stat("mean"), stat("std"), text("min"), stat("p25"), stat("p50"), stat("p75"),
            text("max"),
        ])
    }
    let names = ["name", "type", "count", "nulls", "distinct", "mean", "std", "min", "p25", "p50", "p75", "max"]
    let types: [DataType] = [.string, .string, .int, .int, .int, .float, .float, .string, .float, .float, .float, .string]
    return try Table(names: names, columns: names.indices.map { k in column(of: rows.map { $0[k] }, type: types[k]) })
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
