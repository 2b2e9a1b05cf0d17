import Testing
@testable import TRQFrame

/// Inputs found by scripts/fuzz/run-csv that once crashed or broke an invariant. Each must parse
/// the same serially and in chunks, and give the table written here by hand.
@Suite("CSV reader: fuzz regressions")
struct CSVFuzzRegressionTests {
    func bothWays(_ bytes: [UInt8], chunks: Int = 2) throws -> Table {
        let text = String(decoding: bytes, as: UTF8.self)
        let serial = try parseChunked(text, chunks: 1)
        let chunked = try parseChunked(text, chunks: chunks)
        #expect(tablesEqual(serial, chunked))
        return chunked
    }

    /// A column that is null in one chunk and a widened string in another.
    @Test func nullOnlyChunkMergedIntoStringColumn() throws {
        let name = "a|\u{0}n" + String(repeating: "x", count: 47) + "ame"
        let table = try bothWays(Array((name + ",n\n\"\u{1A}\",1\n,5|6\n").utf8))
        expectTable(table, [
            (name, .string, [.string("\u{1A}"), .null]),
            ("n", .string, [.string("1"), .string("5|6")]),
        ])
    }

    @Test func allNullStringColumnCodesIndexTheDictionary() throws {
        for chunks in [1, 2] {
            let table = try parseChunked("a,b\n1,\n2,\n", chunks: chunks)
            guard case .string(let codes, let dictionary) = table.columns[1].data else {
                Issue.record("b is not a string column")
                continue
            }
            #expect(table.columns[1].nullCount == 2)
            #expect(codes.allSatisfy { Int($0) < dictionary.values.count })
        }
    }
}
