/// The most columns a pivot makes.
public let maximumPivotColumns = 10_000

/// Spreads a grouped table (one row per distinct combination of `rowKeys` and `column`, in order
/// of first appearance, as `groupBy` gives) into one row per distinct `rowKeys` and, for each
/// distinct value of `column` ascending (numbers as numbers, text by code point, null last),
/// one column per entry of `values` (the grouped table's aggregate columns). Columns are named by
/// the value's text (`null` for null), or `VALUE_name` when `valueNames` has several names. A
/// combination without rows is null.
public func pivot(_ grouped: Table, rowKeys: [String], column: String, values: [String], valueNames: [String])
    throws(FrameError) -> Table
{
    guard let pivoted = grouped.column(column) else { throw noColumn(column, in: grouped) }
    var keyColumns: [Column] = []
    for key in rowKeys {
        guard let keyColumn = grouped.column(key) else { throw noColumn(key, in: grouped) }
        keyColumns.append(keyColumn)
    }
    var valueColumns: [Column] = []
    for value in values {
        guard let valueColumn = grouped.column(value) else { throw noColumn(value, in: grouped) }
        valueColumns.append(valueColumn)
    }
    let n = grouped.rowCount
    let distinctValues = try grouping([pivoted], rowCount: n)
    guard distinctValues.count <= maximumPivotColumns else {
        throw FrameError(
            "pivot over '\(column)' would make \(distinctValues.count) columns, more than \(maximumPivotColumns); "
                + "keep its most common values first (with top, or a join with them) or filter the rows")
    }
    // The value of each output column, ascending.
    let representatives = pivoted.take(distinctValues.firstRows)
    let ascending = try sortIndices([(representatives, false)])
    var position = [Int](repeating: 0, count: distinctValues.count)
    for (p, v) in ascending.enumerated() { position[v] = p }
    let rows = try grouping(keyColumns, rowCount: n)
    // cells[p][r]: the grouped row of output row r and value p, or -1.
    var cells = [[Int]](repeating: [Int](repeating: -1, count: rows.count), count: distinctValues.count)
    for i in 0..<n {
        cells[position[Int(distinctValues.ids[i])]][Int(rows.ids[i])] = i
    }
    var result = Table()
    for (key, keyColumn) in zip(rowKeys, keyColumns) { try result.append(key, keyColumn.take(rows.firstRows)) }
    for (p, v) in ascending.enumerated() {
        try FrameError.checkCancellation()
        let text = representatives[v].description
        for (name, valueColumn) in zip(valueNames, valueColumns) {
            let outputName = valueNames.count > 1 ? "\(text)_\(name)" : text
            guard result.index(of: outputName) == nil else {
                throw FrameError(
                    "pivot over '\(column)' would make two columns named '\(outputName)' (a key or another value); rename the key first")
            }
            try result.append(outputName, valueColumn.take(orNull: cells[p]))
        }
    }
    return result
}

/// The other columns, then `nameColumn` (the name of each listed column) and `valueColumn`
/// (its value): one row per input row and listed column, in that order, nulls kept. Int and
/// float values widen to float; other mixes of types are an error naming two clashing columns.
public func unpivot(_ t: Table, columns: [String], nameColumn: String, valueColumn: String) throws(FrameError) -> Table {
    var parts: [Column] = []
    for name in columns {
        guard let part = t.column(name) else { throw noColumn(name, in: t) }
        parts.append(part)
    }
    guard Set(columns).count == columns.count else { throw FrameError("unpivot lists a column twice; list each once") }
    var type = parts[0].type
    for (name, part) in zip(columns, parts).dropFirst() where part.type != type {
        guard [type, part.type].allSatisfy({ $0 == .int || $0 == .float }) else {
            let first = zip(columns, parts).first { $0.1.type == type }!.0
            throw FrameError(
                "unpivot cannot put '\(first)' (\(type)) and '\(name)' (\(part.type)) in one column; "
                    + "convert one first, e.g. derive \(name) = string(\(name))")
        }
        type = .float
    }
    let others = t.names.filter { !columns.contains($0) }
    for name in [nameColumn, valueColumn] where others.contains(name) {
        throw FrameError("unpivot would make a second column named '\(name)'; choose another name after 'into'")
    }
    let m = columns.count, n = t.rowCount
    let (total, overflow) = n.multipliedReportingOverflow(by: m)
    guard !overflow, total <= maximumRowCount else {
        throw FrameError("unpivot would make \(n) × \(m) rows, more than the \(maximumRowCount) the engine handles; filter first")
    }
    // Output row i * m + j holds row i of listed column j.
    var repeated = [Int](repeating: 0, count: total)
    var interleaved = [Int](repeating: 0, count: total)
    for i in 0..<n {
        for j in 0..<m {
            repeated[i &* m &+ j] = i
            interleaved[i &* m &+ j] = j &* n &+ i
        }
    }
    var result = Table()
    for name in others { try result.append(name, t.column(name)!.take(repeated)) }
    let nameCodes = (0..<total).map { Int32(truncatingIfNeeded: $0 % m) }
    try result.append(nameColumn, Column(.string(codes: nameCodes, dictionary: StringDictionary(columns))))
    var widened: [Column] = []
    for part in parts { widened.append(try part.widened(to: type)) }
    try result.append(valueColumn, concatenate(widened, type: type).take(interleaved))
    return result
}

/// The tables' rows one after another, matched by column name: the first table's columns, then
/// new ones in order of first appearance; a column a table lacks is null there. Int and float
/// widen to float; other differing types are an error naming the column and both tables.
public func union(_ tables: [(name: String, table: Table)]) throws(FrameError) -> Table {
    var types: [String: (type: DataType, table: String)] = [:]
    for (tableName, table) in tables {
        for (name, column) in zip(table.names, table.columns) {
            guard let known = types[name] else {
                types[name] = (column.type, tableName)
                continue
            }
            if known.type == column.type { continue }
            guard [known.type, column.type].allSatisfy({ $0 == .int || $0 == .float }) else {
                throw FrameError(
                    "union: column '\(name)' is \(known.type) in \(known.table) but \(column.type) in \(tableName); "
                        + "convert one first, e.g. derive \(name) = string(\(name))")
            }
            types[name] = (.float, known.table)
        }
    }
    var total = 0
    for (_, table) in tables { total &+= table.rowCount }
    try checkRowLimit(total)
    return try concatenate(tables.map(\.table))
}

/// Every pair of rows: left row i with right row j is row i × (right rows) + j. Right columns
/// named like a left column get the suffix `_right`. Refused past the engine's row limit.
public func crossJoin(_ left: Table, _ right: Table) throws(FrameError) -> Table {
    let l = left.rowCount, r = right.rowCount
    let (total, overflow) = l.multipliedReportingOverflow(by: r)
    guard !overflow, total <= maximumRowCount else {
        throw FrameError(
            "join cross would make \(l) × \(r) = \(overflow ? "more than \(Int.max)" : String(total)) rows, more than the "
                + "\(maximumRowCount) the engine handles; filter or aggregate one side first")
    }
    var leftRows = [Int](repeating: 0, count: total)
    var rightRows = [Int](repeating: 0, count: total)
    for i in 0..<l {
        try FrameError.checkCancellation()
        for j in 0..<r {
            leftRows[i &* r &+ j] = i
            rightRows[i &* r &+ j] = j
        }
    }
    var result = left.columns.isEmpty ? Table() : left.take(leftRows)
    for (name, column) in zip(rightOutputNames(left.names, right.names, dropped: []), right.columns) {
        try result.append(name, column.take(rightRows))
    }
    return result
}
