import Testing
@testable import TRQFrame

/// The chunk builders hold ints in 32 bits while they fit and bools in a byte (see
/// `ColumnBuilder`), and a loaded string column's dictionary keeps its bytes until strings are
/// asked for (see `StringDictionary`): each must give the values written.
@Suite("CSV reader: how chunks hold values")
struct CSVBuilderStorageTests {
    /// Rows where an int column fits 32 bits in the first chunks and not in the last, one that
    /// widens to float in the last, one all-null until the last, and bools with nulls.
    static let rows: [(big: Int64, mixed: String, late: String, flag: String)] = (0..<400).map { i in
        let late = i < 399 ? "" : "7"
        let big: Int64 = i == 390 ? 9_000_000_000 : (i % 2 == 0 ? -2_147_483_648 : 2_147_483_647 - Int64(i))
        let mixed = i == 395 ? "2.5" : String(i - 200)
        let flag = i % 7 == 0 ? "" : (i % 3 == 0 ? "true" : "false")
        return (big, mixed, late, flag)
    }

    static var text: String {
        "big,mixed,late,flag\n" + rows.map { "\($0.big),\($0.mixed),\($0.late),\($0.flag)" }.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [1, 2, 4])
    func narrowIntsAndBytesBoolsReadBackExactly(chunks: Int) throws {
        let table = try parseChunked(Self.text, chunks: chunks)
        #expect(table.columns.map(\.type) == [.int, .float, .int, .bool])
        for (i, row) in Self.rows.enumerated() {
            #expect(table.columns[0][i] == .int(row.big))
            #expect(table.columns[1][i] == .float(Double(row.mixed)!))
            #expect(table.columns[2][i] == (row.late.isEmpty ? .null : .int(7)))
            #expect(table.columns[3][i] == (row.flag.isEmpty ? .null : .bool(row.flag == "true")))
        }
    }

    @Test(arguments: [1, 3])
    func loadedDictionaryGivesItsEntriesWithoutAndWithStrings(chunks: Int) throws {
        let ids = (0..<300).map { "id-\($0 * 7919 % 1000)-\(String(repeating: "x", count: $0 % 13))" }
        let table = try parseChunked("id\n" + ids.joined(separator: "\n") + "\n", chunks: chunks)
        guard case .string(let codes, let dictionary) = table.columns[0].data else {
            Issue.record("not a string column")
            return
        }
        let singly = (0..<dictionary.count).map { dictionary[$0] }
        // Entries in order of first appearance, before and after the strings are made.
        var firstSeen: [String] = []
        for id in ids where !firstSeen.contains(id) { firstSeen.append(id) }
        #expect(singly == firstSeen)
        for (code, id) in firstSeen.enumerated() {
            #expect(dictionary.codes(equalTo: id) == [Int32(code)])
        }
        #expect(dictionary.codes(equalTo: "id-") == [])
        #expect(StringDictionary(["a", "é", "a"]).codes(equalTo: "a") == [0, 2])
        #expect(dictionary.values == firstSeen)
        #expect(codes.map { dictionary[Int($0)] } == ids)
        #expect(dictionary == StringDictionary(firstSeen))
        #expect(dictionary != StringDictionary(firstSeen.reversed()))
    }
}
