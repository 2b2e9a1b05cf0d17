// libFuzzer target for the JSON reader; built by scripts/fuzz/run-json together with
// Sources/TRQFrame (as module TRQFrame, so internal entry points are reachable). The first
// input byte picks the layout (bit 0: NDJSON), the chunk count (bits 1-3) and a projection
// (bit 4: only the first column); the rest is the document. Invariants, beyond not crashing:
//  1. parsing serially and in 2-9 parallel chunks gives the same table or the same error;
//  2. a projection gives the requested column exactly as the full read has it.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let flags = data[0]
    let file = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let format: JSONFormat = flags & 1 == 0 ? .json : .ndjson
    let chunks = 2 + Int(flags >> 1) & 7
    let serial = Result { () throws(CSVError) -> Table in
        try JSONReader.parse(file, name: "fuzz.json", format: format, columns: nil, chunks: 1)
    }
    let chunked = Result { () throws(CSVError) -> Table in
        try JSONReader.parse(file, name: "fuzz.json", format: format, columns: nil, chunks: chunks)
    }
    requireSame(serial, chunked, chunks: chunks)
    guard flags & 16 != 0, case .success(let table) = serial, let first = table.names.first,
          !table.names.contains(where: { $0 != first && ($0.hasPrefix(first + ".") || first.hasPrefix($0 + ".")) })
    else { return 0 }
    do {
        let projected = try JSONReader.parse(file, name: "fuzz.json", format: format, columns: [first], chunks: 1)
        var expected = Table()
        try? expected.append(first, table.columns[0])
        require(same(projected, expected), "projection on '\(first)' differs from the full read")
    } catch {
        require(false, "projection failed where the full read did not: \(error)")
    }
    return 0
}
