import Testing
import TestSupport
@testable import TRQFrame

/// A string column of long values, most of them new, is copied aside by hash partition and
/// interned after the parse (see `StagedStrings`): rows must get their own values whatever the
/// chunking, and the dictionary must hold each value once, partition after partition.
@Suite("CSV reader: staged high-cardinality strings")
struct CSVStagedStringsTests {
    /// 200,000 rows: 150,000 distinct ids of 12 to 30 bytes, then repeats of the first `pool`;
    /// among them nulls, quoted values (the parser's slow path), values under 8 bytes and over
    /// 254 bytes. With a small pool, the second of two chunks has too few distinct values to be
    /// staged, and its dictionary joins the first chunk's staged values.
    static func ids(pool: Int) -> [String?] {
        var random = SplitMix64(seed: 7)
        let distinct = (0..<150_000).map { i -> String in
            if i % 13 == 0 { return "s\(i % 50)" }
            if i % 20_011 == 0 { return "long-\(i)-" + String(repeating: "é", count: 150) }
            return "track-\(i)-\(String(repeating: "x", count: i % 19))"
        }
        return (0..<200_000).map { r in
            if r % 997 == 0 { return nil }
            return r < 150_000 ? distinct[r] : distinct[Int.random(in: 0..<pool, using: &random)]
        }
    }

    static func text(_ ids: [String?]) -> String {
        var text = "id,n\n"
        for (r, id) in ids.enumerated() {
            text += (id.map { r % 101 == 0 ? "\"\($0)\"" : $0 } ?? "") + ",\(r)\n"
        }
        return text
    }

    @Test(arguments: [150_000, 1_000])
    func rowsDictionaryAndItsOrderAreTheSameForAnyChunking(pool: Int) throws {
        let ids = Self.ids(pool: pool)
        let text = Self.text(ids)
        var firstSeen: [String] = []
        var seen = Set<String>()
        for case let id? in ids where seen.insert(id).inserted { firstSeen.append(id) }
        // Documented order: by partition, then by first appearance within it.
        let expectedOrder = firstSeen.enumerated().sorted { a, b in
            let pa = partition(a.element), pb = partition(b.element)
            return pa != pb ? pa < pb : a.offset < b.offset
        }.map(\.element)
        for chunks in [1, 2] {
            let table = try parseChunked(text, chunks: chunks)
            guard case .string(let codes, let dictionary) = table.columns[0].data else {
                Issue.record("id is not a string column")
                return
            }
            // Compared here, not by #expect on the arrays: a failure would diff 150,000 strings.
            let values = dictionary.values
            #expect(values.count == expectedOrder.count, "chunks \(chunks)")
            if let i = values.indices.first(where: { $0 < expectedOrder.count && values[$0] != expectedOrder[$0] }) {
                Issue.record("chunks \(chunks): dictionary entry \(i) is \(values[i]), expected \(expectedOrder[i])")
            }
            #expect(codes.count == ids.count)
            for (r, id) in ids.enumerated() {
                let value = table.columns[0][r]
                if value != (id.map { Value.string($0) } ?? .null) {
                    Issue.record("chunks \(chunks), row \(r): \(value) != \(String(describing: id))")
                    break
                }
            }
            #expect(table.columns[1][199_999] == .int(199_999))
        }
    }

    private func partition(_ value: String) -> Int {
        var value = value
        return value.withUTF8 { StagedStrings.partition($0.baseAddress!, $0.count) }
    }

    /// Past the switch to staging, a value is checked as it is copied; the error names the row
    /// and column as anywhere else, in either chunk and either parse path.
    @Test(arguments: [false, true])
    func invalidUTF8InAStagedColumnIsReportedWhereItIs(quoted: Bool) {
        var bytes = Array("id\n".utf8)
        let badRow = 149_000
        for r in 0..<150_000 {
            let value = "track-\(r)-" + (r == badRow ? "\u{FFFF}" : "")
            bytes += Array((quoted ? "\"\(value)\"" : value).utf8) + [10]
        }
        let bad = bytes.firstIndex(of: 0xEF)!
        bytes[bad] = 0xFF
        for chunks in [1, 2] {
            do throws(CSVError) {
                _ = try parseChunked(bytes, chunks: chunks)
                Issue.record("no error")
            } catch {
                #expect(error.line == badRow + 2, "chunks \(chunks)")
                #expect(error.column == 1)
                #expect(error.message == "invalid UTF-8 byte 0xFF in column 'id'")
            }
        }
    }
}
