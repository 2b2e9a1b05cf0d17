import Foundation
import Testing
import TRQArrow
import TRQFrame

// The fixtures were written by pyarrow (scripts/spark/make_arrow_fixtures.py); the expected cells
// are typed by hand from the values that script writes.

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures")!)))
}

func cells(_ t: Table, _ name: String) -> [Value] {
    let c = t.column(name)!
    return (0..<c.count).map { c[$0] }
}

/// Microseconds since 1970 of a UTC time.
func micros(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ us: Int = 0) -> Int64 {
    Int64(daysSince1970(y, mo, d)) * 86_400_000_000 + Int64(((h * 60 + mi) * 60 + s) * 1_000_000 + us)
}

func daysSince1970(_ y: Int, _ m: Int, _ d: Int) -> Int32 {
    var c = DateComponents()
    (c.year, c.month, c.day, c.timeZone) = (y, m, d, TimeZone(identifier: "UTC"))
    return Int32((Calendar(identifier: .gregorian).date(from: c)!.timeIntervalSince1970 / 86400).rounded(.down))
}

@Test func readsEveryFlatTypeAcrossBatches() throws {
    var reader = ArrowTableReader()
    try reader.append(stream: fixtureBytes("flat.arrows"))
    let t = try reader.table()
    #expect(t.names == ["i8", "i16", "i32", "i64", "f32", "f64", "b", "s", "d", "ts", "dec", "nothing"])
    #expect(t.rowCount == 4)
    #expect(cells(t, "i8") == [.int(-128), .null, .int(7), .int(1)])
    #expect(cells(t, "i16") == [.int(-32768), .int(2), .null, .null])
    #expect(cells(t, "i32") == [.null, .int(-5), .int(2147483647), .int(3)])
    #expect(cells(t, "i64") == [.int(Int64.min), .int(0), .int(1 << 62), .null])
    #expect(cells(t, "f32") == [.float(1.5), .null, .float(-0.25), .null])
    #expect(cells(t, "f64") == [.null, .float(3.125), .float(-1e300), .float(2)])
    #expect(cells(t, "b") == [.bool(true), .null, .bool(false), .bool(true)])
    #expect(cells(t, "s") == [.string("héllo"), .null, .string(""), .string("héllo")])
    #expect(cells(t, "d") == [.date(-1), .date(daysSince1970(2023, 3, 1)), .null, .date(0)])
    #expect(cells(t, "ts") == [.timestamp(micros(2023, 1, 2, 3, 4, 5, 6)), .null, .timestamp(-1_000_000), .null])
    #expect(cells(t, "dec") == [.float(12.34), .float(-0.01), .null, .float(1)])
    #expect(t.column("nothing")!.nullCount == 4)
}

@Test func readsOtherUnitsAndWidths() throws {
    var reader = ArrowTableReader()
    try reader.append(stream: fixtureBytes("units.arrows"))
    let t = try reader.table()
    #expect(cells(t, "ls") == [.string("a"), .null, .string("ccc")])
    #expect(cells(t, "d64") == [.date(daysSince1970(2000, 2, 29)), .null, .date(daysSince1970(1960, 1, 1))])
    #expect(cells(t, "ts_s") == [.timestamp(0), .timestamp(1_000_000), .timestamp(-1_000_000)])
    #expect(cells(t, "ts_ms") == [.timestamp(1000), .null, .timestamp(-1000)])
    // Nanoseconds floor to microseconds, before 1970 too.
    #expect(cells(t, "ts_ns") == [.timestamp(1), .timestamp(1), .timestamp(-1)])
    #expect(cells(t, "u16") == [.int(65535), .int(0), .int(1)])
}

@Test func streamsAppendAsSparkSendsThem() throws {
    // Spark sends every batch as a stream of its own, each with its schema.
    var reader = ArrowTableReader()
    try reader.append(stream: fixtureBytes("units.arrows"))
    try reader.append(stream: fixtureBytes("units.arrows"))
    let t = try reader.table()
    #expect(t.rowCount == 6)
    #expect(cells(t, "ls") == [.string("a"), .null, .string("ccc"), .string("a"), .null, .string("ccc")])
    // A stream of another shape is refused, not appended.
    #expect(throws: ArrowError.self) { try reader.append(stream: fixtureBytes("flat.arrows")) }
}

@Test func refusesNestedAndTruncatedStreams() throws {
    var reader = ArrowTableReader()
    let error = #expect(throws: ArrowError.self) { try reader.append(stream: fixtureBytes("nested.arrows")) }
    #expect(error?.message.contains("column 'tags'") == true)
    let bytes = try fixtureBytes("flat.arrows")
    for cut in stride(from: 1, to: bytes.count - 8, by: 37) {
        var partial = ArrowTableReader()
        // Any prefix either reads the batches it holds or fails with an error; it never traps.
        _ = try? partial.append(stream: Array(bytes[0..<cut]))
    }
}
