/// An ordered list of uniquely named columns of equal length.
///
/// Names are found through a hash index, so building, looking up, renaming and dropping are
/// linear in the column count however wide the table is (feature files have 10,000+ columns).
public struct Table: Sendable {
    public private(set) var names: [String]
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int
    /// The position of each name in `names`.
    private var positions: [String: Int]

    public init() {
        names = []
        columns = []
        rowCount = 0
        positions = [:]
    }

    /// Builds a table; `names` must be unique and columns of equal length.
    public init(names: [String], columns: [Column]) throws(FrameError) {
        self.init()
        guard names.count == columns.count else {
            throw FrameError("\(names.count) names for \(columns.count) columns")
        }
        positions.reserveCapacity(names.count)
        self.names.reserveCapacity(names.count)
        self.columns.reserveCapacity(names.count)
        for (name, column) in zip(names, columns) { try append(name, column) }
    }

    public var columnCount: Int { columns.count }

    public func index(of name: String) -> Int? { positions[name] }

    public func column(_ name: String) -> Column? { index(of: name).map { columns[$0] } }

    public mutating func append(_ name: String, _ column: Column) throws(FrameError) {
        guard index(of: name) == nil else { throw FrameError("duplicate column name '\(name)'") }
        if columns.isEmpty { rowCount = column.count }
        guard column.count == rowCount else {
            throw FrameError("column '\(name)' has \(column.count) rows, the table has \(rowCount)")
        }
        positions[name] = names.count
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
        remove(Set([name]))
    }

    /// Removes every column named in `doomed` (names the table lacks are ignored) in one pass.
    public mutating func remove(_ doomed: Set<String>) {
        guard doomed.contains(where: { positions[$0] != nil }) else { return }
        var keptNames: [String] = []
        var keptColumns: [Column] = []
        positions.removeAll(keepingCapacity: true)
        for (name, column) in zip(names, columns) where !doomed.contains(name) {
            positions[name] = keptNames.count
            keptNames.append(name)
            keptColumns.append(column)
        }
        names = keptNames
        columns = keptColumns
        if columns.isEmpty { rowCount = 0 }
    }

    public mutating func rename(_ old: String, to new: String) throws(FrameError) {
        guard let i = index(of: old) else { throw FrameError("no column '\(old)'") }
        if old == new { return }
        guard index(of: new) == nil else { throw FrameError("duplicate column name '\(new)'") }
        names[i] = new
        positions[old] = nil
        positions[new] = i
    }

    /// A table of the given rows (indices may repeat and come in any order).
    public func take(_ rows: [Int]) -> Table {
        var result = self
        result.columns = columns.map { $0.take(rows) }
        result.rowCount = rows.count
        return result
    }
}

/// An error from the frame layer; the engine adds source positions.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The work stopped because its cancellation token was set, not because it failed.
    public var isCancelled: Bool
    public init(_ message: String, isCancelled: Bool = false) {
        self.message = message
        self.isCancelled = isCancelled
    }
    public var description: String { message }
}

extension Column {
    /// The rows at `rows`, in that order.
    public func take(_ rows: [Int]) -> Column {
        rows.withUnsafeBufferPointer { rows in
            let newData: ColumnData
            switch data {
            case .int(let v): newData = .int(gather(v, rows))
            case .float(let v): newData = .float(gather(v, rows))
            case .bool(let v): newData = .bool(gather(v, rows))
            case .string(let codes, let dict): newData = .string(codes: gather(codes, rows), dictionary: dict)
            case .timestamp(let v): newData = .timestamp(gather(v, rows))
            case .date(let v): newData = .date(gather(v, rows))
            }
            return Column(newData, validity: validity.map { $0.gather(rows) })
        }
    }
}

/// `values[rows[j]]` for each j, both halves at once for long results (joins gather every
/// column of both sides).
private func gather<T>(_ values: [T], _ rows: UnsafeBufferPointer<Int>) -> [T] {
    values.withUnsafeBufferPointer { source in
        [T](unsafeUninitializedCapacity: rows.count) { out, initialized in
            let parts = rows.count >= parallelThreshold ? 2 : 1
            let half = rows.count / parts
            parallelFor(parts) { part in
                let end = part == parts &- 1 ? rows.count : half
                for j in (part &* half)..<end { (out.baseAddress! + j).initialize(to: source[rows[j]]) }
            }
            initialized = rows.count
        }
    }
}
