/// The most columns a pivot makes.
public let maximumPivotColumns = 10_000

/// Spreads a grouped table (one row per distinct combination of `rowKeys` and `column`, in order
/// of first appearance, as `groupBy` gives) into one row per distinct `rowKeys` and, for each
/// distinct value of `column` ascending (numbers as numbers, text by code point, null last),
/// one column per entry of `values` (the grouped table's aggregate columns). Columns are named by
/// the value's text (`null` for null), or `VALUE_name` when `valueNames` has several names. A
/// combination without rows is null.
/// The distinct values of a pivot's column, ascending as the pivot orders its columns; an error
/// past `maximumPivotColumns`. The binder names a pivot's columns with it when the values are
/// known before the pivot runs.
public func pivotValues(_ column: Column, name: String) throws(FrameError) -> [Value] {
    let distinctValues = try grouping([column], rowCount: column.count)
    try checkPivotWidth(distinctValues.count, column: name)
    let representatives = column.take(distinctValues.firstRows)
    return try sortIndices([(representatives, false)]).map { representatives[$0] }
}

/// The output columns one pivot value makes: named by the value, or `VALUE_name` for each of
/// several named aggregates.
public func pivotColumnNames(_ value: Value, valueNames: [String]) -> [String] {
    valueNames.map { valueNames.count > 1 ? "\(value.description)_\($0)" : value.description }
}

private func checkPivotWidth(_ count: Int, column: String) throws(FrameError) {
    guard count <= maximumPivotColumns else {
        throw FrameError(
            "pivot over '\(column)' would make \(count) columns, more than \(maximumPivotColumns); "
                + "keep its most common values first (with top, or a join with them) or filter the rows")
    }
}

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
    try checkPivotWidth(distinctValues.count, column: column)
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
        for (outputName, valueColumn) in zip(pivotColumnNames(representatives[v], valueNames: valueNames), valueColumns) {
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
/// The type of an unpivot's value column given the listed columns' types (nil where a type is
/// known only once read: the result is then nil unless a clash is already certain), after
/// checking the names: each column listed once, NAME and VALUE not among the other columns in
/// `names`. The binder checks a plan with it before anything runs, the kernel the data.
public func unpivotValueType(_ columns: [(name: String, type: DataType?)], others names: [String], nameColumn: String,
                             valueColumn: String) throws(FrameError) -> DataType?
{
    guard Set(columns.map(\.name)).count == columns.count else { throw FrameError("unpivot lists a column twice; list each once") }
    let listed = Set(columns.map(\.name))
    for name in [nameColumn, valueColumn] where names.contains(name) && !listed.contains(name) {
        throw FrameError("unpivot would make a second column named '\(name)'; choose another name after 'into'")
    }
    let known = columns.compactMap { column in column.type.map { (column.name, $0) } }
    guard var type = known.first?.1 else { return nil }
    for (name, columnType) in known.dropFirst() where columnType != type {
        guard [type, columnType].allSatisfy({ $0 == .int || $0 == .float }) else {
            let first = known.first { $0.1 == type }!.0
            throw FrameError(
                "unpivot cannot put '\(first)' (\(type)) and '\(name)' (\(columnType)) in one column; "
                    + "convert one first, e.g. derive \(name) = string(\(name))")
        }
        type = .float
    }
    return known.count == columns.count ? type : nil
}

public func unpivot(_ t: Table, columns: [String], nameColumn: String, valueColumn: String) throws(FrameError) -> Table {
    var parts: [Column] = []
    for name in columns {
        guard let part = t.column(name) else { throw noColumn(name, in: t) }
        parts.append(part)
    }
    let type = try unpivotValueType(zip(columns, parts).map { ($0, $1.type) }, others: t.names, nameColumn: nameColumn, valueColumn: valueColumn)!
    let others = t.names.filter { !columns.contains($0) }
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

/// A union's output columns and their types, given each table's columns (a nil type is known
/// only once read, and makes the output's nil unless a clash is already certain): the first
/// table's columns, then new ones in order of first appearance. Int and float widen to float;
/// other differing types are an error naming the column and both tables.
public func unionColumns(_ tables: [(name: String, columns: [(name: String, type: DataType?)])]) throws(FrameError)
    -> [(name: String, type: DataType?)]
{
    var order: [String] = []
    var types: [String: (type: DataType?, table: String)] = [:]
    for (tableName, columns) in tables {
        for (name, type) in columns {
            guard let known = types[name] else {
                order.append(name)
                types[name] = (type, tableName)
                continue
            }
            guard let knownType = known.type, let type else {
                types[name] = (nil, known.table)
                continue
            }
            if knownType == type { continue }
            guard [knownType, type].allSatisfy({ $0 == .int || $0 == .float }) else {
                throw FrameError(
                    "union: column '\(name)' is \(knownType) in \(known.table) but \(type) in \(tableName); "
                        + "convert one first, e.g. derive \(name) = string(\(name))")
            }
            types[name] = (.float, known.table)
        }
    }
    return order.map { ($0, types[$0]!.type) }
}

/// The tables' rows one after another, matched by column name: the first table's columns, then
/// new ones in order of first appearance; a column a table lacks is null there. Int and float
/// widen to float; other differing types are an error naming the column and both tables.
public func union(_ tables: [(name: String, table: Table)]) throws(FrameError) -> Table {
    _ = try unionColumns(tables.map { part in (part.name, zip(part.table.names, part.table.columns).map { ($0, $1.type) }) })
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
