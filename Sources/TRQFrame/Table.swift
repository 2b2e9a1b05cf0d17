/// An ordered list of uniquely named columns of equal length.
public struct Table: Sendable {
    public private(set) var names: [String]
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int

    public init() {
        names = []
        columns = []
        rowCount = 0
    }

    /// Builds a table; `names` must be unique and columns of equal length.
    public init(names: [String], columns: [Column]) throws(FrameError) {
        self.init()
        guard names.count == columns.count else {
            throw FrameError("\(names.count) names for \(columns.count) columns")
        }
        for (name, column) in zip(names, columns) { try append(name, column) }
    }

    public var columnCount: Int { columns.count }

    public func index(of name: String) -> Int? { names.firstIndex(of: name) }

    public func column(_ name: String) -> Column? { index(of: name).map { columns[$0] } }

    public mutating func append(_ name: String, _ column: Column) throws(FrameError) {
        guard index(of: name) == nil else { throw FrameError("duplicate column name '\(name)'") }
        if columns.isEmpty { rowCount = column.count }
        guard column.count == rowCount else {
            throw FrameError("column '\(name)' has \(column.count) rows, the table has \(rowCount)")
        }
        names.append(name)
        columns.append(column)
    }

    /// Adds the column, or replaces the one of the same name in place.
    public mutating func set(_ name: String, _ column: Column) throws(FrameError) {
        if let i = index(of: name) {
            guard column.count == rowCount || columns.count == 1 else {
                throw FrameError("column '\(name)' has \(column.count) rows, the table has \(rowCount)")
            }
            columns[i] = column
            rowCount = column.count
        } else {
            try append(name, column)
        }
    }

    public mutating func remove(_ name: String) {
        guard let i = index(of: name) else { return }
        names.remove(at: i)
        columns.remove(at: i)
        if columns.isEmpty { rowCount = 0 }
    }

    public mutating func rename(_ old: String, to new: String) throws(FrameError) {
        guard let i = index(of: old) else { throw FrameError("no column '\(old)'") }
        if old == new { return }
        guard index(of: new) == nil else { throw FrameError("duplicate column name '\(new)'") }
        names[i] = new
    }

    /// A table of the given rows (indices may repeat and come in any order).
    public func take(_ rows: [Int]) -> Table {
        var result = Table()
        result.names = names
        result.columns = columns.map { $0.take(rows) }
        result.rowCount = rows.count
        return result
    }
}

/// An error from the frame layer; the engine adds source positions.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Column {
    /// The rows at `rows`, in that order.
    public func take(_ rows: [Int]) -> Column {
        let newValidity = validity.map { old in
            var v = Validity(count: rows.count, allValid: false)
            for (j, i) in rows.enumerated() where old.isValid(i) { v.set(j) }
            return v
        }
        let newData: ColumnData
        switch data {
        case .int(let v): newData = .int(rows.map { v[$0] })
        case .float(let v): newData = .float(rows.map { v[$0] })
        case .bool(let v): newData = .bool(rows.map { v[$0] })
        case .string(let codes, let dict): newData = .string(codes: rows.map { codes[$0] }, dictionary: dict)
        case .timestamp(let v): newData = .timestamp(rows.map { v[$0] })
        case .date(let v): newData = .date(rows.map { v[$0] })
        }
        return Column(newData, validity: newValidity)
    }
}
