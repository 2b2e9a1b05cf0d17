/// The type both columns convert to when stacked: int and float give float, date and timestamp
/// give timestamp, other differing types give string.
public func commonType(_ a: DataType, _ b: DataType) -> DataType {
    if a == b { return a }
    switch (a, b) {
    case (.int, .float), (.float, .int): return .float
    case (.date, .timestamp), (.timestamp, .date): return .timestamp
    default: return .string
    }
}

extension Column {
    /// The column converted to a wider type: int to float, date to timestamp (midnight UTC), or
    /// anything to string (as printed). Nulls stay null.
    public func widened(to target: DataType) throws(FrameError) -> Column {
        if target == type { return self }
        switch (data, target) {
        case (.int(let v), .float): return Column(.float(v.map { Double($0) }), validity: validity)
        case (.date(let v), .timestamp): return Column(.timestamp(v.map { Int64($0) &* microsPerDay }), validity: validity)
        case (_, .string):
            // Format each distinct value once; the dense codes become the dictionary codes.
            let coded = try columnCodes(self)
            var texts = [String](repeating: "", count: coded.cardinality)
            var formatted = [Bool](repeating: false, count: coded.cardinality)
            for i in 0..<count where !formatted[Int(coded.codes[i])] {
                formatted[Int(coded.codes[i])] = true
                if !isNull(i) { texts[Int(coded.codes[i])] = self[i].description }
            }
            return Column(.string(codes: coded.codes, dictionary: StringDictionary(texts)), validity: validity)
        default:
            throw FrameError("cannot convert a \(type) column to \(target)")
        }
    }
}

/// The tables stacked by column name: columns in order of first appearance, a column missing
/// from a table is null there, and differing types convert to `commonType`.
public func concatenate(_ tables: [Table]) throws(FrameError) -> Table {
    var names: [String] = []
    var types: [String: DataType] = [:]
    for table in tables {
        for (name, column) in zip(table.names, table.columns) {
            if let known = types[name] {
                types[name] = commonType(known, column.type)
            } else {
                names.append(name)
                types[name] = column.type
            }
        }
    }
    var result = Table()
    for name in names {
        let type = types[name] ?? .string
        var parts: [Column] = []
        for table in tables {
            try FrameError.checkCancellation()
            parts.append(try table.column(name)?.widened(to: type) ?? Column.nulls(type, count: table.rowCount))
        }
        try result.append(name, concatenate(parts, type: type))
    }
    return result
}

/// Columns of one type end to end; string dictionaries are merged by value.
func concatenate(_ parts: [Column], type: DataType) -> Column {
    let total = parts.reduce(0) { $0 &+ $1.count }
    var validity = Validity(count: total, allValid: true)
    var offset = 0
    for part in parts {
        if let partValidity = part.validity {
            for i in 0..<part.count where !partValidity.isValid(i) { validity.clear(offset &+ i) }
        }
        offset &+= part.count
    }
    func joined<T>(_ extract: (ColumnData) -> [T]) -> [T] {
        var values: [T] = []
        values.reserveCapacity(total)
        for part in parts { values.append(contentsOf: extract(part.data)) }
        return values
    }
    let data: ColumnData
    switch type {
    case .int: data = .int(joined { if case .int(let v) = $0 { v } else { [] } })
    case .float: data = .float(joined { if case .float(let v) = $0 { v } else { [] } })
    case .bool: data = .bool(joined { if case .bool(let v) = $0 { v } else { [] } })
    case .timestamp: data = .timestamp(joined { if case .timestamp(let v) = $0 { v } else { [] } })
    case .date: data = .date(joined { if case .date(let v) = $0 { v } else { [] } })
    case .string:
        let interner = KeyInterner()
        let codes: [Int32] = joined { part in
            guard case .string(let codes, let dictionary) = part else { return [] }
            let ids = dictionary.values.map { interner.insert($0).id }
            return codes.map { ids[Int($0)] }
        }
        data = .string(codes: codes, dictionary: StringDictionary(interner.strings))
    }
    return Column(data, validity: validity)
}
