import Foundation
import Testing
import TRQFrame
import TRQParquet

// The fixtures were written by pyarrow (scripts/make_parquet_fixtures.py); the expected cells
// below are typed by hand from the values that script writes. scripts/check_parquet.py compares
// larger random files cell by cell with pyarrow.

func fixture(_ name: String) -> String {
    Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures")!
}

/// Each column as printed text, nulls as "null".
func cells(_ table: Table) -> [String: [String]] {
    var result: [String: [String]] = [:]
    for (name, column) in zip(table.names, table.columns) {
        result[name] = (0..<column.count).map { column[$0].description }
    }
    return result
}

let expectedTypes: [String: [String]] = [
    "id": ["1", "null", "3", "-4"],
    "small": ["1", "2", "null", "-32768"],
    "score": ["1.5", "null", "NaN", "-2.25"],
    "liked": ["true", "false", "null", "true"],
    "genre": ["pop", "hip hop", "null", "pop"],
    "day": ["2020-01-01", "null", "1600-05-06", "2999-12-31"],
    "ts_ms": ["2024-01-01T12:00:00.123Z", "null", "1900-01-01T00:00:00Z", "2200-02-03T00:00:00Z"],
    "ts_us": ["2024-01-01T12:00:00.123456Z", "null", "1800-01-01T00:00:00Z", "2262-01-01T00:00:00Z"],
    "ts_ns": ["2024-01-01T12:00:00.123456Z", "null", "1678-01-01T00:00:00Z", "2262-04-11T00:00:00Z"],
    "price": ["1.23", "null", "-4.56", "100.0"],
    // Binary that is not UTF-8 loads as hex.
    "raw": ["abc", "null", "0xff00", ""],
]

@Test(arguments: ["snappy", "gzip", "zstd", "lz4", "brotli", "none", "v2-plain"])
func everyCodecAndPageVersionReadsTheSameCells(_ variant: String) throws {
    let (table, _) = try ParquetReader.load(fixture("types-\(variant).parquet"))
    #expect(table.names == ["id", "small", "score", "liked", "genre", "day", "ts_ms", "ts_us", "ts_ns", "price", "raw"])
    #expect(table.columns.map(\.type) == [.int, .int, .float, .bool, .string, .date, .timestamp, .timestamp, .timestamp, .float, .string])
    #expect(cells(table) == expectedTypes)
}

@Test func int96TimestampsFarFrom1970() throws {
    let (table, _) = try ParquetReader.load(fixture("int96.parquet"))
    #expect(table.columns.map(\.type) == [.timestamp, .timestamp, .date])
    #expect(cells(table)["ts_us"] == expectedTypes["ts_us"])
    #expect(cells(table)["ts_ns"] == expectedTypes["ts_ns"])
}

@Test func deltaAndByteStreamSplitEncodings() throws {
    let delta = try ParquetReader.load(fixture("delta.parquet")).0
    #expect(cells(delta)["id"] == expectedTypes["id"])
    #expect(cells(delta)["small"] == expectedTypes["small"])
    let strings = try ParquetReader.load(fixture("delta-strings.parquet")).0
    #expect(cells(strings)["genre"] == expectedTypes["genre"])
    #expect(cells(strings)["raw"] == expectedTypes["raw"])
    let split = try ParquetReader.load(fixture("split.parquet")).0
    #expect(cells(split)["score"] == expectedTypes["score"])
}

@Test func structsFlattenListsAndMapsLoadAsJSON() throws {
    let (table, _) = try ParquetReader.load(fixture("nested.parquet"))
    #expect(table.names == ["id", "tags", "artist.name", "artist.origin.country", "counts"])
    let c = cells(table)
    #expect(c["tags"] == [#"["a",null]"#, "null", "[]"])
    #expect(c["artist.name"] == ["x", "null", "null"])
    #expect(c["artist.origin.country"] == ["SE", "null", "null"])
    #expect(c["counts"] == [#"{"k":1}"#, "null", #"{"a":2,"b":null}"#])
}

@Test func onlyRequestedColumnsAreRead() throws {
    let (table, report) = try ParquetReader.load(fixture("types-snappy.parquet"), columns: ["genre", "id"])
    #expect(table.names == ["id", "genre"])
    #expect(report.columnsRead == ["id", "genre"])
    #expect(report.columnsInFile == 11)
}

@Test func statisticsSkipRowGroups() throws {
    // groups.parquet: three row groups holding n = 0-9, 10-19, 20-29.
    func scan(_ predicates: [ParquetPredicate]) throws -> (rows: Int, skipped: Int) {
        let (table, report) = try ParquetReader.load(fixture("groups.parquet"), predicates: predicates)
        #expect(report.rowGroups == 3)
        return (table.rowCount, report.rowGroupsSkipped)
    }
    #expect(try scan([ParquetPredicate(column: "n", comparison: .equal, values: [.int(15)])]) == (10, 2))
    #expect(try scan([ParquetPredicate(column: "n", comparison: .greaterOrEqual, values: [.int(20)])]) == (10, 2))
    #expect(try scan([ParquetPredicate(column: "n", comparison: .less, values: [.float(10.5)])]) == (20, 1))
    #expect(try scan([ParquetPredicate(column: "n", comparison: .isIn, values: [.int(3), .int(25)])]) == (20, 1))
    #expect(try scan([ParquetPredicate(column: "word", comparison: .greater, values: [.string("w19")])]) == (10, 2))
    #expect(try scan([ParquetPredicate(column: "n", comparison: .isNull, values: [])]) == (0, 3))
    // A type the statistics cannot compare skips nothing.
    #expect(try scan([ParquetPredicate(column: "n", comparison: .equal, values: [.string("5")])]) == (30, 0))
}

@Test func hivePartitionsBecomeTypedColumns() throws {
    let (table, _) = try ParquetReader.load(fixture("hive"))
    #expect(table.names == ["plays", "year", "month"])
    #expect(table.columns.map(\.type) == [.int, .int, .int])
    #expect(cells(table)["month"] == ["7", "7", "8", "8", "1", "1"])
    #expect(cells(table)["year"] == ["2023", "2023", "2023", "2023", "2024", "2024"])
    let (filtered, _) = try ParquetReader.load(fixture("hive"), predicates: [ParquetPredicate(column: "year", comparison: .equal, values: [.int(2024)])])
    #expect(cells(filtered)["plays"] == ["1", "10"])
}

@Test func globsStackFiles() throws {
    let folder = (fixture("types-gzip.parquet") as NSString).deletingLastPathComponent
    let (table, _) = try ParquetReader.load(folder + "/types-{gzip,zstd}.parquet")
    #expect(table.rowCount == 8)
    #expect(cells(table)["genre"] == expectedTypes["genre"]! + expectedTypes["genre"]!)
}
