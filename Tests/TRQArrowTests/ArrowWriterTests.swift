import Foundation
import Testing
import TRQArrow
import TRQFrame

/// Every trq type, with nulls (and a null string whose code points at a real value).
func sampleTable() throws -> Table {
    var t = Table()
    try t.append("i", Column(.int([1, -2, 0, Int64.max]), validity: Validity([true, true, false, true])))
    try t.append("f", Column(.float([0.5, -1e-300, 0, 7]), validity: Validity([true, true, true, false])))
    try t.append("b", Column(.bool([true, false, false, true]), validity: Validity([true, false, true, true])))
    try t.append("s", Column(.string(codes: [0, 1, 0, 2], dictionary: StringDictionary(["ä", "", "zz"])),
                             validity: Validity([true, true, false, true])))
    try t.append("d", Column(.date([-1, 0, 19417, 3])))
    try t.append("ts", Column(.timestamp([-1_000_001, 0, 1_672_628_645_000_006, 5]), validity: Validity([true, false, true, true])))
    return t
}

@Test func writtenStreamReadsBack() throws {
    let t = try sampleTable()
    var reader = ArrowTableReader()
    try reader.append(stream: arrowStream(t))
    let back = try reader.table()
    #expect(back.names == t.names)
    for name in t.names { #expect(cells(back, name) == cells(t, name), "column \(name)") }
}

/// pyarrow, the reference reader, reads what trq writes: each cell as Python prints it.
@Test func pyarrowReadsTheWrittenStream() throws {
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", "-c", "import pyarrow"]
    try python.run()
    python.waitUntilExit()
    guard python.terminationStatus == 0 else {
        print("note: pyarrow is not installed; the Arrow writer's pyarrow check skipped")
        return
    }
    let path = NSTemporaryDirectory() + "trq-arrow-\(UUID().uuidString).arrows"
    try Data(try arrowStream(try sampleTable())).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let script = """
        import sys, pyarrow as pa
        t = pa.ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
        t.validate(full=True)
        print(t.schema.to_string(show_schema_metadata=False).replace('\\n', '; '))
        for c in t.columns: print([v.isoformat() if hasattr(v, 'isoformat') else v for v in c.to_pylist()])
        """
    let reader = Process()
    reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    reader.arguments = ["python3", "-c", script, path]
    let pipe = Pipe()
    reader.standardOutput = pipe
    try reader.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    reader.waitUntilExit()
    #expect(reader.terminationStatus == 0)
    #expect(output.split(separator: "\n").map(String.init) == [
        "i: int64; f: double; b: bool; s: string; d: date32[day]; ts: timestamp[us, tz=UTC]",
        "[1, -2, None, 9223372036854775807]",
        "[0.5, -1e-300, 0.0, None]",
        "[True, None, False, True]",
        "['ä', '', None, 'zz']",
        "['1969-12-31', '1970-01-01', '2023-03-01', '1970-01-04']",
        "['1969-12-31T23:59:58.999999+00:00', None, '2023-01-02T03:04:05.000006+00:00', '1970-01-01T00:00:00.000005+00:00']",
    ])
}
