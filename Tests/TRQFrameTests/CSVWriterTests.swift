import Foundation
import Testing
import TestSupport
@testable import TRQFrame

/// A table with every type, nulls in each column, and strings that need quoting.
func sampleTable() throws -> Table {
    let strings = ["plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", " padded ", "NA", "null", "ünï©ødé", "x\u{0}y", "|pipe|"]
    let n = strings.count + 1
    let nulls = Validity((0..<n).map { $0 != 1 })
    return try Table(names: ["int", "float", "bool", "string", "timestamp", "date", "name, with \"quotes\""], columns: [
        Column(.int((0..<n).map { [Int64.min, 0, Int64.max, -1, 42][$0 % 5] }), validity: nulls),
        Column(.float((0..<n).map { [0.1, -0.0, 1e300, Double.leastNonzeroMagnitude, .nan, .infinity, -.infinity, 2, 1.0 / 3][$0 % 9] }), validity: nulls),
        Column(.bool((0..<n).map { $0 % 2 == 0 }), validity: nulls),
        Column(.string(codes: (0..<n).map { Int32($0 % strings.count) }, dictionary: StringDictionary(strings)),
               validity: Validity((0..<n).map { $0 != strings.count })),
        Column(.timestamp((0..<n).map { [0, 1_710_433_325_250_000, -1, 1_000_001, -86_400_000_000 * 365][$0 % 5] }), validity: nulls),
        Column(.date((0..<n).map { [0, 19796, -1, 2_932_896][$0 % 4] }), validity: nulls),
        Column(.int((0..<n).map { Int64($0) })),
    ])
}

@Suite("Table writers")
struct CSVWriterTests {
    @Test func csvRoundTripsEveryTypeWithNulls() throws {
        let table = try sampleTable()
        let bytes = TableWriter.csv(table)
        let back = try CSVReader.read(bytes: bytes, name: "out.csv")
        #expect(tablesEqual(table, back))
        #expect(!tablesEqual(table, back.take(Array((0..<back.rowCount).reversed()))))
        // Null string and empty string stay different: row 12 is null, row 1 is "".
        #expect(back.column("string")?[12] == .null)
        #expect(back.column("string")?[1] == .string(""))
    }

    @Test(arguments: [UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|")])
    func otherDelimitersRoundTrip(_ delimiter: UInt8) throws {
        let table = try sampleTable()
        let back = try CSVReader.read(bytes: TableWriter.csv(table, delimiter: delimiter), name: "out.txt")
        #expect(tablesEqual(table, back))
    }

    @Test func csvTextIsRFC4180() throws {
        let table = try Table(names: ["s", "x"], columns: [
            Column(.string(codes: [0, 1, 2, 0], dictionary: StringDictionary(["a\"b", "", "c,d"])), validity: Validity([true, true, true, false])),
            Column(.float([1, 0.1, .nan, 2.5e-7])),
        ])
        #expect(String(decoding: TableWriter.csv(table), as: UTF8.self) == "s,x\n\"a\"\"b\",1.0\n\"\",0.1\n\"c,d\",NaN\n,2.5e-07\n")
    }

    @Test func oneColumnWithNullsRoundTrips() throws {
        let table = try Table(names: ["v"], columns: [
            Column(.string(codes: [0, 0, 1], dictionary: StringDictionary(["x", "y"])), validity: Validity([true, false, true])),
        ])
        #expect(tablesEqual(table, try CSVReader.read(bytes: TableWriter.csv(table), name: "v.csv")))
    }

    @Test func timestampTextMatchesFormatTimestamp() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let us = Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &random)
            var writer = ByteWriter()
            writer.append(timestamp: us)
            #expect(String(decoding: writer.finish(), as: UTF8.self) == formatTimestamp(us))
            var dates = ByteWriter()
            dates.append(date: Int(us / 86_400_000_000))
            #expect(String(decoding: dates.finish(), as: UTF8.self) == formatDate(Int32(us / 86_400_000_000)))
            var ints = ByteWriter()
            ints.append(int: us)
            #expect(String(decoding: ints.finish(), as: UTF8.self) == String(us))
        }
    }

    @Test func jsonIsValidAndTyped() throws {
        let table = try sampleTable()
        let bytes = TableWriter.json(table)
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]]
        #expect(parsed?.count == table.rowCount)
        guard let rows = parsed, rows.count == table.rowCount else { return }
        #expect(rows[0]["int"] as? Int64 == Int64.min)
        #expect(rows[1]["int"] is NSNull)
        #expect(rows[4]["float"] is NSNull)  // NaN has no JSON form
        #expect(rows[8]["float"] as? Double == 1.0 / 3)
        #expect(rows[3]["string"] as? String == "say \"hi\"")
        #expect(rows[10]["string"] as? String == "x\u{0}y")
        #expect(rows[1]["timestamp"] is NSNull)
        #expect(rows[2]["timestamp"] as? String == "1969-12-31T23:59:59.999999Z")
        #expect(rows[3]["date"] as? String == "9999-12-31")
        #expect(rows[0]["bool"] as? Bool == true)
        #expect(rows[5]["name, with \"quotes\""] as? Int == 5)
    }

    @Test func ndjsonHasTheJSONArraysObjectsOnePerLine() throws {
        let table = try sampleTable()
        let text = String(decoding: TableWriter.encode(table, as: .ndjson), as: UTF8.self)
        let array = try JSONSerialization.jsonObject(with: Data(TableWriter.json(table))) as? [NSDictionary]
        #expect(text.hasSuffix("}\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == table.rowCount)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary }
        #expect(objects == array)
        let empty = table.take([])
        #expect(TableWriter.encode(empty, as: .ndjson).isEmpty)
    }

    @Test func markdownTable() throws {
        let table = try Table(names: ["name", "n"], columns: [
            Column(.string(codes: [0, 1], dictionary: StringDictionary(["a|b", "two\nlines"]))),
            Column(.int([1, 2]), validity: Validity([true, false])),
        ])
        #expect(String(decoding: TableWriter.markdown(table), as: UTF8.self)
            == "| name | n |\n| --- | ---: |\n| a\\|b | 1 |\n| two<br>lines |  |\n")
    }

    @Test func formatFromExtension() {
        #expect(TableFormat(path: "out/x.CSV") == .csv)
        #expect(TableFormat(path: "x.tsv") == .tsv)
        #expect(TableFormat(path: "x.json") == .json)
        #expect(TableFormat(path: "x.NDJSON") == .ndjson)
        #expect(TableFormat(path: "x.jsonl") == .ndjson)
        #expect(TableFormat(path: "x.md") == .markdown)
        #expect(TableFormat(path: "x.parquet") == nil)
        #expect(TableFormat(path: "dir.csv/x") == nil)
    }
}

@Suite("Atomic save")
struct AtomicSaveTests {
    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "trq-save-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    func entries(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func writesReplacesAndLeavesNoTemporaryFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.csv"
        try saveAtomically(Array("one\n".utf8), to: path, overwrite: false)
        #expect(contents(path) == "one\n")
        try saveAtomically(Array("two\n".utf8), to: path, overwrite: true)
        #expect(contents(path) == "two\n")
        #expect(entries(folder) == ["out.csv"])
    }

    @Test func refusesToOverwriteWhenAsked() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.csv"
        try saveAtomically(Array("old\n".utf8), to: path, overwrite: true)
        let error = #expect(throws: SaveError.self) { try saveAtomically(Array("new\n".utf8), to: path, overwrite: false) }
        #expect(error?.message == "already exists")
        #expect(contents(path) == "old\n")
        #expect(entries(folder) == ["out.csv"])
    }

    @Test func refusesAFolderTarget() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = #expect(throws: SaveError.self) { try saveAtomically([], to: folder, overwrite: true) }
        #expect(error?.message == "is a folder")
    }

    @Test func failureLeavesNothingBehind() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = #expect(throws: SaveError.self) {
            try saveAtomically(Array("x".utf8), to: folder + "/missing/out.csv", overwrite: true)
        }
        #expect(error?.message == "cannot write: the folder does not exist")
        #expect(entries(folder).isEmpty)
    }

    @Test func keepsThePermissionsOfAReplacedFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.csv"
        try saveAtomically(Array("a".utf8), to: path, overwrite: true)
        chmod(path, 0o600)
        try saveAtomically(Array("b".utf8), to: path, overwrite: true)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
