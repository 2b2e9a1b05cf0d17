import Testing
@testable import TRQFrame

/// The folder of the CSV fixture files (located from this source file, so no bundle is needed).
let csvFixtures: String = {
    let file = #filePath
    let folder = file[..<file.lastIndex(of: "/")!]
    return folder + "/Fixtures/csv"
}()

func fixture(_ name: String) -> String { csvFixtures + "/" + name }

/// Reads a file the way `load` does, failing the test with the error text if it fails.
func loadTable(_ path: String, _ options: CSVOptions = CSVOptions(),
               sourceLocation: SourceLocation = #_sourceLocation) -> Table? {
    do {
        return try CSVReader.load(path, options: options)
    } catch {
        Issue.record("load failed: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

func loadError(_ path: String, _ options: CSVOptions = CSVOptions()) -> CSVError? {
    do {
        _ = try CSVReader.load(path, options: options)
        return nil
    } catch {
        return error
    }
}

func parse(_ text: String, _ options: CSVOptions = CSVOptions(), name: String = "test.csv") throws(CSVError) -> Table {
    try CSVReader.read(bytes: Array(text.utf8), name: name, options: options)
}

/// Value equality that treats NaN as equal to NaN and compares strings by bytes (Swift's String
/// equality would accept canonically equivalent but different text).
func sameValue(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.float(let x), .float(let y)): return x == y || (x.isNaN && y.isNaN)
    case (.string(let x), .string(let y)): return Array(x.utf8) == Array(y.utf8)
    default: return a == b
    }
}

/// Checks names, types and every value of a table.
func expectTable(_ table: Table?, _ expected: [(name: String, type: DataType, values: [Value])],
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let table else { return }
    #expect(table.names == expected.map(\.name), sourceLocation: sourceLocation)
    for (i, column) in expected.enumerated() where i < table.columnCount {
        let actual = table.columns[i]
        #expect(actual.type == column.type, "column \(column.name)", sourceLocation: sourceLocation)
        #expect(actual.count == column.values.count, "column \(column.name)", sourceLocation: sourceLocation)
        for row in 0..<min(actual.count, column.values.count) where !sameValue(actual[row], column.values[row]) {
            Issue.record("column \(column.name) row \(row): \(actual[row]) != \(column.values[row])", sourceLocation: sourceLocation)
        }
    }
}

/// True when both tables have the same names, types, nulls and values.
func tablesEqual(_ a: Table, _ b: Table) -> Bool {
    guard a.names == b.names, a.rowCount == b.rowCount else { return false }
    for (x, y) in zip(a.columns, b.columns) {
        guard x.type == y.type else { return false }
        for row in 0..<a.rowCount where !sameValue(x[row], y[row]) { return false }
    }
    return true
}

func timestamp(_ text: String) -> Value {
    guard case .timestamp(let us)? = parseISO8601(text) else { fatalError("bad timestamp literal \(text)") }
    return .timestamp(us)
}

func date(_ text: String) -> Value {
    guard case .date(let d)? = parseISO8601(text) else { fatalError("bad date literal \(text)") }
    return .date(d)
}
