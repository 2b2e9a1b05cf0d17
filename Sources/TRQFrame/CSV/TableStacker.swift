/// Stacks tables read from several files by column name (see `CSVReader.read(paths:)`).
enum TableStacker {
    struct Plan {
        var names: [String] = []
        var kinds: [ValueKind] = []
        /// Files (by index) to read again with these columns as text, because the stacked column
        /// is a string column and their own column was typed.
        var rereads: [(file: Int, columns: [String])] = []
    }

    /// A column's kind for stacking: one without values says nothing about the type.
    private static func kind(_ column: Column) -> ValueKind {
        column.nullCount == column.count ? .unknown : ValueKind(column.type)
    }

    static func plan(_ tables: [Table]) -> Plan {
        var plan = Plan()
        var position: [String: Int] = [:]
        for table in tables {
            for (name, column) in zip(table.names, table.columns) {
                if let i = position[name] {
                    plan.kinds[i] = plan.kinds[i].joined(with: kind(column))
                } else {
                    position[name] = plan.names.count
                    plan.names.append(name)
                    plan.kinds.append(kind(column))
                }
            }
        }
        for (file, table) in tables.enumerated() {
            let columns = zip(table.names, table.columns).filter { name, column in
                let k = kind(column)
                return plan.kinds[position[name]!] == .string && k != .unknown && k != .string
            }.map(\.0)
            if !columns.isEmpty { plan.rereads.append((file, columns)) }
        }
        return plan
    }

    static func stack(_ tables: [Table], plan: Plan) throws(CSVError) -> Table {
        let total = tables.reduce(0) { $0 &+ $1.rowCount }
        var columns: [Column] = []
        for (name, kind) in zip(plan.names, plan.kinds) {
            let parts = tables.map { table -> Column? in
                guard let column = table.column(name), self.kind(column) != .unknown else { return nil }
                return column
            }
            columns.append(stackColumn(parts, rowCounts: tables.map(\.rowCount), total: total, kind: kind))
        }
        do {
            return try Table(names: plan.names, columns: columns)
        } catch {
            throw CSVError(file: "", message: error.message)
        }
    }

    /// One column from its parts; a nil part (missing or without values) is all null.
    private static func stackColumn(_ parts: [Column?], rowCounts: [Int], total: Int, kind: ValueKind) -> Column {
        var validity = Validity(count: total, allValid: true)
        var offset = 0
        for (part, rows) in zip(parts, rowCounts) {
            if let part {
                if let partValidity = part.validity {
                    for i in 0..<rows where !partValidity.isValid(i) { validity.clear(offset &+ i) }
                }
            } else {
                for i in offset..<(offset &+ rows) { validity.clear(i) }
            }
            offset &+= rows
        }
        let data: ColumnData
        switch kind {
        case .int:
            data = .int(concatenate(parts, rowCounts, total, zero: 0) { column -> [Int64] in
                if case .int(let v) = column.data { return v }
                return []
            })
        case .float:
            data = .float(concatenate(parts, rowCounts, total, zero: 0) { column -> [Double] in
                switch column.data {
                case .float(let v): return v
                case .int(let v): return v.map { Double($0) }
                default: return []
                }
            })
        case .bool:
            data = .bool(concatenate(parts, rowCounts, total, zero: false) { column -> [Bool] in
                if case .bool(let v) = column.data { return v }
                return []
            })
        case .date:
            data = .date(concatenate(parts, rowCounts, total, zero: 0) { column -> [Int32] in
                if case .date(let v) = column.data { return v }
                return []
            })
        case .timestamp:
            data = .timestamp(concatenate(parts, rowCounts, total, zero: 0) { column -> [Int64] in
                switch column.data {
                case .timestamp(let v): return v
                case .date(let v): return v.map { Int64($0) &* microsPerDay }
                default: return []
                }
            })
        case .string, .unknown:
            // Interned by bytes: Swift String equality would merge canonically equivalent texts
            // (NFC "é" and NFD "e\u{301}"), which are different values in a file.
            let interner = KeyInterner()
            var codes: [Int32] = []
            codes.reserveCapacity(total)
            for (part, rows) in zip(parts, rowCounts) {
                guard let part, case .string(let partCodes, let dictionary) = part.data else {
                    codes.append(contentsOf: repeatElement(0, count: rows))
                    continue
                }
                let remap = dictionary.values.map { interner.insert($0).id }
                codes.append(contentsOf: partCodes.map { Int(truncatingIfNeeded: $0) < remap.count ? remap[Int($0)] : 0 })
            }
            var values = interner.strings
            if values.isEmpty, total > 0 { values = [""] }  // so null rows' code 0 is a valid index
            data = .string(codes: codes, dictionary: StringDictionary(values))
        }
        return Column(data, validity: validity)
    }

    /// The parts' values in order, zero for rows of a nil part (those rows are null).
    private static func concatenate<T>(_ parts: [Column?], _ rowCounts: [Int], _ total: Int, zero: T,
                                       _ values: (Column) -> [T]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(total)
        for (part, rows) in zip(parts, rowCounts) {
            let v = part.map(values) ?? []
            if v.count == rows { out.append(contentsOf: v) } else { out.append(contentsOf: repeatElement(zero, count: rows)) }
        }
        return out
    }
}

extension Table {
    /// Stacks tables read from several files of a format with typed columns (Parquet) by column
    /// name, as CSV files are stacked; a column that is text in one file and typed in another
    /// is an error naming it, since such files cannot be re-read as text.
    package static func stackedByName(_ tables: [Table], files: [String]) throws(FrameError) -> Table {
        if tables.count == 1 { return tables[0] }
        let plan = TableStacker.plan(tables)
        if let (file, columns) = plan.rereads.first {
            throw FrameError("\(files[file]): column '\(columns[0])' is \(tables[file].column(columns[0])!.type.rawValue) here but text in another file")
        }
        do { return try TableStacker.stack(tables, plan: plan) } catch { throw FrameError(error.message) }
    }
}
