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

/// A Parquet file, folder or glob read as `load` reads it: `SourceFiles` over `ParquetSource`,
/// with the rows and row groups the predicates ruled out.
struct ParquetLoad {
    var table: Table
    var applied: Set<Int>
    var rowGroupsSkipped: Int
    var rowGroups: Int
}

func load(_ pattern: String, columns: [String]? = nil, predicates: [SourcePredicate] = []) throws -> ParquetLoad {
    let files = try SourceFile.expand(pattern) { (names, _) throws(SourceError) -> [Int] in ParquetSource.partFiles(names) }
    let source = try SourceFiles(files: files, format: ParquetSource.self, options: SourceOptions())
    let read = try source.read(columns: columns, predicates: predicates, cancel: CancellationToken())
    let blocks = source.skips(predicates).blocks
    return ParquetLoad(table: read.table, applied: read.applied, rowGroupsSkipped: blocks?.skipped ?? 0, rowGroups: blocks?.total ?? 0)
}

func compare(_ column: String, _ op: Comparison, _ value: Value) -> SourcePredicate {
    SourcePredicate(column: column, test: .compare(op, value))
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
    let table = try load(fixture("types-\(variant).parquet")).table
    #expect(table.names == ["id", "small", "score", "liked", "genre", "day", "ts_ms", "ts_us", "ts_ns", "price", "raw"])
    #expect(table.columns.map(\.type) == [.int, .int, .float, .bool, .string, .date, .timestamp, .timestamp, .timestamp, .float, .string])
    #expect(cells(table) == expectedTypes)
}

@Test func int96TimestampsFarFrom1970() throws {
    let table = try load(fixture("int96.parquet")).table
    #expect(table.columns.map(\.type) == [.timestamp, .timestamp, .date])
    #expect(cells(table)["ts_us"] == expectedTypes["ts_us"])
    #expect(cells(table)["ts_ns"] == expectedTypes["ts_ns"])
}

@Test func deltaAndByteStreamSplitEncodings() throws {
    let delta = try load(fixture("delta.parquet")).table
    #expect(cells(delta)["id"] == expectedTypes["id"])
    #expect(cells(delta)["small"] == expectedTypes["small"])
    let strings = try load(fixture("delta-strings.parquet")).table
    #expect(cells(strings)["genre"] == expectedTypes["genre"])
    #expect(cells(strings)["raw"] == expectedTypes["raw"])
    let split = try load(fixture("split.parquet")).table
    #expect(cells(split)["score"] == expectedTypes["score"])
}

@Test func structsFlattenListsAndMapsLoadAsJSON() throws {
    let table = try load(fixture("nested.parquet")).table
    #expect(table.names == ["id", "tags", "artist.name", "artist.origin.country", "counts"])
    let c = cells(table)
    #expect(c["tags"] == [#"["a",null]"#, "null", "[]"])
    #expect(c["artist.name"] == ["x", "null", "null"])
    #expect(c["artist.origin.country"] == ["SE", "null", "null"])
    #expect(c["counts"] == [#"{"k":1}"#, "null", #"{"a":2,"b":null}"#])
}

@Test func onlyRequestedColumnsAreRead() throws {
    let source = try ParquetSource(file: .onDisk(fixture("types-snappy.parquet")), options: SourceOptions())
    #expect(try source.schema().count == 11)
    let table = try source.read(ReadRequest(columns: ["genre", "id"])).table
    #expect(table.names == ["id", "genre"])
    #expect(cells(table)["genre"] == expectedTypes["genre"])
}

@Test func statisticsSkipRowGroupsAndPredicatesFilterRows() throws {
    // groups.parquet: three row groups holding n = 0-9, 10-19, 20-29 and word = "w00"-"w29".
    func scan(_ predicate: SourcePredicate) throws -> (rows: Int, skipped: Int, applied: Bool) {
        let result = try load(fixture("groups.parquet"), predicates: [predicate])
        #expect(result.rowGroups == 3)
        return (result.table.rowCount, result.rowGroupsSkipped, result.applied == [0])
    }
    #expect(try scan(compare("n", .equal, .int(15))) == (1, 2, true))
    #expect(try scan(compare("n", .greaterOrEqual, .int(20))) == (10, 2, true))
    // An int column against a float: groups are skipped, the rows are left to the filter.
    #expect(try scan(compare("n", .less, .float(10.5))) == (20, 1, false))
    #expect(try scan(SourcePredicate(column: "n", test: .isIn([.int(3), .int(25)], negated: false))) == (2, 1, true))
    #expect(try scan(compare("word", .greater, .string("w19"))) == (10, 2, true))
    #expect(try scan(SourcePredicate(column: "n", test: .isNull(negated: false))) == (0, 3, true))
    // A type the statistics cannot compare skips nothing.
    #expect(try scan(compare("n", .equal, .string("5"))) == (30, 0, false))
}

@Test func hivePartitionsBecomeTypedColumns() throws {
    let table = try load(fixture("hive")).table
    #expect(table.names == ["plays", "year", "month"])
    #expect(table.columns.map(\.type) == [.int, .int, .int])
    #expect(cells(table)["month"] == ["7", "7", "8", "8", "1", "1"])
    #expect(cells(table)["year"] == ["2023", "2023", "2023", "2023", "2024", "2024"])
    let filtered = try load(fixture("hive"), predicates: [compare("year", .equal, .int(2024))])
    #expect(cells(filtered.table)["plays"] == ["1", "10"])
    #expect(filtered.applied == [0])
    // Only a partition column requested: the rows are still counted.
    #expect(cells(try load(fixture("hive"), columns: ["month"]).table) == ["month": ["7", "7", "8", "8", "1", "1"]])
}

@Test func globsStackFiles() throws {
    let folder = (fixture("types-gzip.parquet") as NSString).deletingLastPathComponent
    let table = try load(folder + "/types-{gzip,zstd}.parquet").table
    #expect(table.rowCount == 8)
    #expect(cells(table)["genre"] == expectedTypes["genre"]! + expectedTypes["genre"]!)
}
