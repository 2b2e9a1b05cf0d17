// libFuzzer target for the CSV reader; built by scripts/fuzz/run-csv together with
// Sources/TRQFrame (as module TRQFrame, so internal entry points are reachable). The first
// input byte picks the options, the rest is the file. Invariants, beyond not crashing:
//  1. parsing serially and in 2-6 parallel chunks gives the same table or the same error;
//  2. a table that loads writes out as CSV that loads back to the same table (types forced to
//     the original ones, since e.g. a text column of digits would otherwise re-infer as int);
//  3. reading only every other column of a file that loads gives those columns of the table.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let flags = data[0]
    let file = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    var options = CSVOptions()
    options.delimiter = [nil, UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")][Int(flags & 3)]
    options.header = flags & 4 == 0
    options.encoding = flags & 8 == 0 ? .utf8 : .latin1
    let chunks = 2 + Int(flags >> 4) % 5
    let serial = Result { () throws(CSVError) -> Table in try CSVReader.parse(file, name: "fuzz.csv", options: options, chunks: 1) }
    let chunked = Result { () throws(CSVError) -> Table in try CSVReader.parse(file, name: "fuzz.csv", options: options, chunks: chunks) }
    switch (serial, chunked) {
    case (.success(let a), .success(let b)):
        require(same(a, b), "serial and \(chunks)-chunk tables differ")
    case (.failure(let a), .failure(let b)):
        require(a == b, "serial error \(a) but \(chunks)-chunk error \(b)")
    case (.success, .failure(let e)):
        require(false, "only the \(chunks)-chunk parse failed: \(e)")
    case (.failure(let e), .success):
        require(false, "only the serial parse failed: \(e)")
    }
    guard case .success(let table) = serial else { return 0 }
    let wanted = Set(table.names.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
    do {
        let pruned = try CSVReader.parse(file, name: "fuzz.csv", options: options, chunks: chunks, columns: wanted)
        var expected = table
        expected.remove(Set(table.names.filter { !wanted.contains($0) && !(wanted.isEmpty && $0 == table.names.first) }))
        require(same(pruned, expected), "reading columns \(wanted.sorted()) differs from the whole table's")
    } catch {
        require(false, "reading columns \(wanted.sorted()) failed: \(error)")
    }
    guard writable(table) else { return 0 }
    var types: [String: DataType] = [:]
    for (name, column) in zip(table.names, table.columns) { types[name] = column.type }
    let written = TableWriter.csv(table)
    do {
        let back = try CSVReader.read(bytes: written, name: "rewritten.csv",
                                      options: CSVOptions(delimiter: UInt8(ascii: ","), types: types))
        require(same(table, back), "written CSV reads back differently")
    } catch {
        require(false, "written CSV does not load: \(error)")
    }
    return 0
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Tables equal in names, types, nulls and values (NaN equal to NaN, strings by bytes).
func same(_ a: Table, _ b: Table) -> Bool {
    guard a.names == b.names, a.rowCount == b.rowCount else { return false }
    for (x, y) in zip(a.columns, b.columns) {
        guard x.type == y.type else { return false }
        for row in 0..<a.rowCount {
            switch (x[row], y[row]) {
            case (.float(let p), .float(let q)): if !(p == q || (p.isNaN && q.isNaN)) { return false }
            case (.string(let p), .string(let q)): if Array(p.utf8) != Array(q.utf8) { return false }
            case (let p, let q): if p != q { return false }
            }
        }
    }
    return true
}

/// False for timestamps outside years 0000-9999, whose ISO 8601 text does not read back
/// (a time zone offset can push a parsed time just outside that range).
func writable(_ table: Table) -> Bool {
    let low = Int64(daysFromCivil(year: 0, month: 1, day: 1)) * microsPerDay
    let high = Int64(daysFromCivil(year: 10000, month: 1, day: 1)) * microsPerDay
    for column in table.columns {
        if case .timestamp(let values) = column.data, values.contains(where: { $0 < low || $0 >= high }) { return false }
    }
    return true
}
