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
    requireSame(serial, chunked, chunks: chunks)
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

// require, same and writable are in scripts/fuzz/tables.swift.
