import Foundation
import Testing
import TestSupport
@testable import TRQFrame

/// Parses in-memory text with a fixed number of parallel chunks (1 = serial).
func parseChunked(_ text: String, chunks: Int, _ options: CSVOptions = CSVOptions(),
                  columns: Set<String>? = nil) throws(CSVError) -> Table {
    try parseChunked(Array(text.utf8), chunks: chunks, options, columns: columns)
}

func parseChunked(_ bytes: [UInt8], chunks: Int, _ options: CSVOptions = CSVOptions(),
                  columns: Set<String>? = nil) throws(CSVError) -> Table {
    var result: Result<Table, CSVError>!
    bytes.withUnsafeBytes { raw in
        result = Result { () throws(CSVError) -> Table in
            try CSVReader.parse(raw, name: "gen.csv", options: options, chunks: chunks, columns: columns)
        }
    }
    return try result.get()
}

@Suite("CSV reader: generated inputs")
struct CSVGeneratedTests {
    @Test func fiveThousandColumns() throws {
        let names = (0..<5000).map { "c\($0)" }
        var text = names.joined(separator: ",") + "\n"
        for row in 0..<3 { text += (0..<5000).map { String($0 * 10 + row) }.joined(separator: ",") + "\n" }
        let table = try parse(text)
        #expect(table.columnCount == 5000)
        #expect(table.rowCount == 3)
        #expect(table.names[4999] == "c4999")
        #expect(table.columns[4321][2] == .int(43212))
        #expect(table.columns.allSatisfy { $0.type == .int })
    }

    @Test func twentyMegabyteField() throws {
        let piece = "a,b \"q\"\nline\r\n"
        let repeats = 20 * 1024 * 1024 / piece.utf8.count
        let value = String(repeating: piece, count: repeats)
        let quoted = "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let table = try parse("id,big,after\n1," + quoted + ",x\n2,small,y\n")
        #expect(table.rowCount == 2)
        guard case .string(let codes, let dictionary) = table.columns[1].data else {
            Issue.record("big is not a string column")
            return
        }
        #expect(Array(dictionary.values[Int(codes[0])].utf8) == Array(value.utf8))
        #expect(table.columns[2][1] == .string("y"))
    }

    @Test(arguments: [nil, 1, 2, 7] as [Int?])
    func nonNumberLateInANumericColumn(chunks: Int?) throws {
        // Row 200,001: x gets a word, y a decimal, z a null; everything else is an integer.
        var text = "x,y,z\n"
        for i in 0..<250_000 {
            text += i == 200_001 ? "oops,2.5,\n" : "\(i),\(i),\(i)\n"
        }
        let table = try chunks.map { n throws(CSVError) in try parseChunked(text, chunks: n) } ?? parse(text)
        #expect(table.rowCount == 250_000)
        #expect(table.columns.map(\.type) == [.string, .float, .int])
        #expect(table.columns[0][199_999] == .string("199999"))
        #expect(table.columns[0][200_001] == .string("oops"))
        #expect(table.columns[0][249_999] == .string("249999"))
        #expect(table.columns[1][200_001] == .float(2.5))
        #expect(table.columns[1][3] == .float(3))
        #expect(table.columns[2][200_001] == .null)
        #expect(table.columns[2].nullCount == 1)
        #expect(table.columns[2][249_999] == .int(249_999))
    }

    @Test(arguments: [1, 2, 3, 4, 9])
    func chunkStartInsideAQuotedField(chunks: Int) throws {
        // The middle row's quoted field spans most of the file and its lines look like rows,
        // so guessed chunk starts fall inside it and must be rejected.
        let inner = String(repeating: "7,fake row\n", count: 100_000)
        var text = "id,text\n"
        for i in 0..<1000 { text += "\(i),short\n" }
        text += "1000,\"" + inner + "\"\n"
        for i in 1001..<2000 { text += "\(i),short\n" }
        let table = try parseChunked(text, chunks: chunks)
        #expect(table.rowCount == 2000)
        #expect(table.columns[0].type == .int)
        #expect(table.columns[0][1999] == .int(1999))
        #expect(sameValue(table.columns[1][1000], .string(inner)))
        #expect(table.columns[1][1001] == .string("short"))
    }

    /// Random files with quoting, line breaks in fields, nulls and late type changes parse to
    /// the same table whatever the chunking.
    @Test func chunkingNeverChangesTheResult() throws {
        var random = SplitMix64(seed: 42)
        let pieces = ["a", "b,c", "\"q\"", "line\nbreak", "crlf\r\nx", "", "NA", " pad ", "é", "\u{0}"]
        for round in 0..<20 {
            let rows = Int.random(in: 1...3000, using: &random)
            let lineEnd = ["\n", "\r\n", "\r"][round % 3]
            var text = "i,f,s,b,t" + lineEnd
            for r in 0..<rows {
                var fields: [String] = []
                fields.append(r == rows / 2 && round % 2 == 0 ? "x" : String(Int.random(in: -1000...1000, using: &random)))
                fields.append(Bool.random(using: &random) ? "\(Double(Int.random(in: 0...9999, using: &random)) / 100)" : "")
                let piece = pieces[Int.random(in: 0..<pieces.count, using: &random)]
                let needsQuotes = piece.utf8.contains(where: { Array(",\"\r\n".utf8).contains($0) }) || Bool.random(using: &random)
                fields.append(needsQuotes ? "\"" + piece.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : piece)
                fields.append(Bool.random(using: &random) ? "true" : "FALSE")
                fields.append(r % 7 == 0 ? "NA" : "2024-01-\(10 + r % 18)T0\(r % 10):00:00Z")
                text += fields.joined(separator: ",") + lineEnd
            }
            let serial = try parseChunked(text, chunks: 1)
            #expect(serial.rowCount == rows)
            for chunks in [2, 3, 8] {
                let parallel = try parseChunked(text, chunks: chunks)
                #expect(tablesEqual(serial, parallel), "round \(round), \(chunks) chunks")
            }
            // Reading some columns gives exactly those columns of the whole read.
            for wanted in [["s"], ["i", "t"], ["f", "b", "s"], []] as [Set<String>] {
                let pruned = try parseChunked(text, chunks: 3, columns: wanted)
                var expected = serial
                expected.remove(Set(serial.names.filter { !wanted.contains($0) && !(wanted.isEmpty && $0 == "i") }))
                #expect(tablesEqual(pruned, expected), "round \(round), columns \(wanted.sorted())")
            }
        }
    }

    /// Past 2^14 distinct values a string column's values are interned in batches; rows must
    /// still get their own values, and codes stay in order of first appearance.
    @Test(arguments: [1, 3])
    func highCardinalityStrings(chunks: Int) throws {
        var random = SplitMix64(seed: 16)
        // Short (packed) and long (hashed) ids, some repeated, some quoted (the unbatched path).
        let ids = (0..<60_000).map { i in
            i % 3 == 0 ? "t\(i)" : "track-\(i)-\(String(repeating: "x", count: i % 17))"
        }
        var text = "id,n\n"
        var expected: [String] = []
        for r in 0..<90_000 {
            let id = r < 60_000 ? ids[r] : ids[Int.random(in: 0..<60_000, using: &random)]
            expected.append(id)
            text += (r % 101 == 0 ? "\"\(id)\"" : id) + ",\(r)\n"
        }
        let table = try parseChunked(text, chunks: chunks)
        guard case .string(let codes, let dictionary) = table.columns[0].data else {
            Issue.record("id is not a string column")
            return
        }
        #expect(codes.count == expected.count)
        for r in 0..<min(codes.count, expected.count) where dictionary.values[Int(codes[r])] != expected[r] {
            Issue.record("row \(r): \(dictionary.values[Int(codes[r])]) != \(expected[r])")
            break
        }
        // The first 60,000 rows bring the ids in order, so they have codes 0, 1, 2 ...
        if chunks == 1 { #expect(codes.prefix(60_000).elementsEqual(0..<60_000)) }
    }

    @Test func invalidUTF8AmongBatchedStringsIsReportedFirst() {
        var text = "id,n\n"
        for r in 0..<30_000 { text += "id\(r),\(r)\n" }
        // An invalid value waiting in a batch precedes the malformed row after it.
        text += "bad\u{FFFF}x,1\nok,1,2\n"
        var bytes = Array(text.utf8)
        let bad = bytes.firstIndex(of: 0xEF)!
        bytes[bad] = 0xFF
        do {
            _ = try CSVReader.read(bytes: bytes, name: "b.csv")
            Issue.record("no error")
        } catch {
            #expect(error.line == 30_002)
            #expect(error.column == 1)
            #expect(error.message == "invalid UTF-8 byte 0xFF in column 'id'")
        }
    }

    @Test func errorsAreFoundInLaterChunks() {
        var text = "a,b\n"
        for i in 0..<50_000 { text += "\(i),x\n" }
        text += "1,2,3\n"
        for i in 0..<50_000 { text += "\(i),y\n" }
        for chunks in [1, 2, 5] {
            do {
                _ = try parseChunked(text, chunks: chunks)
                Issue.record("no error with \(chunks) chunks")
            } catch {
                #expect(error.line == 50_002)
                #expect(error.message == "row has 3 fields, expected 2 like the header")
            }
        }
    }

    @Test func memoryLimitRefusesLargeLoads() throws {
        var text = "a,b\n"
        for i in 0..<10_000 { text += "\(i),\(i)\n" }
        let error = #expect(throws: CSVError.self) {
            try parse(text, CSVOptions(memoryLimit: 100_000))
        }
        #expect(error?.message.hasPrefix("loading needs about ") == true)
        #expect(error?.message.hasSuffix("more than the memory limit of 100.0 KB") == true)
        #expect(try parse(text, CSVOptions(memoryLimit: 10_000_000)).rowCount == 10_000)
    }
}
