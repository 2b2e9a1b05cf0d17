import CFrameKernels
import Testing
import TestSupport
@testable import TRQFrame

// Wide inputs (issue 17): every step is linear in the column count, repeated names get a
// deterministic renaming with a warning, and a JSON file given as CSV is named as such.
// Speed is measured in scripts/bench (wide.py); these tests check the results.

@Suite("CSV reader: wide files and column names")
struct CSVWideTests {
    @Test func repeatedNamesGetTheNextFreeSuffix() {
        #expect(CSVReader.uniqueNames(["id", "id", "id"]).names == ["id", "id_2", "id_3"])
        // A name the header has itself is skipped, wherever it stands.
        #expect(CSVReader.uniqueNames(["id", "id", "id_2"]).names == ["id", "id_3", "id_2"])
        #expect(CSVReader.uniqueNames(["a", "", "column2", ""]).names == ["a", "column2_2", "column2", "column4"])
        let result = CSVReader.uniqueNames(["x", "y", "x", "y", "x"])
        #expect(result.names == ["x", "y", "x_2", "y_2", "x_3"])
        #expect(result.renamed.map { "\($0.from)>\($0.to)" } == ["x>x_2", "y>y_2", "x>x_3"])
    }

    /// Against the rule written out the slow way: a name already taken, or a generated
    /// `columnN` the header has, gets the smallest suffix that is neither taken nor in the header.
    @Test func renamingFollowsTheRuleOnRandomHeaders() {
        func reference(_ fields: [String]) -> [String] {
            var names: [String] = []
            for (i, field) in fields.enumerated() {
                let base = field.isEmpty ? "column\(i + 1)" : field
                if !names.contains(base) && !(field.isEmpty && fields.contains(base)) {
                    names.append(base)
                    continue
                }
                var k = 2
                while names.contains("\(base)_\(k)") || fields.contains("\(base)_\(k)") { k += 1 }
                names.append("\(base)_\(k)")
            }
            return names
        }
        let pool = ["a", "a_2", "a_3", "", "column3", "column5", "column5_2", "b", "b_2", "b_2_2", "a_2_2"]
        var generator = SplitMix64(seed: 3)
        for _ in 0..<300 {
            let fields = (0..<Int(generator.next() % 12 + 1)).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }
            let names = CSVReader.uniqueNames(fields).names
            #expect(names == reference(fields), "\(fields)")
            #expect(Set(names).count == names.count, "\(fields)")
        }
    }

    @Test func renamingIsReportedAsAWarning() throws {
        let warnings = CSVWarnings()
        let table = try parse("v,v,w,v\n1,2,3,4\n", CSVOptions(warnings: warnings), name: "dup.csv")
        #expect(table.names == ["v", "v_2", "w", "v_3"])
        #expect(table.column("v_3")?[0] == .int(4))
        #expect(warnings.messages == ["dup.csv: repeated column names renamed: v -> v_2, v -> v_3"])
    }

    @Test func aLongRenamingWarningNamesTheFirstTen() throws {
        let warnings = CSVWarnings()
        let header = [String](repeating: "x", count: 25).joined(separator: ",")
        let table = try parse(header + "\n", CSVOptions(warnings: warnings), name: "w.csv")
        #expect(table.columnCount == 25)
        #expect(table.names.last == "x_25")
        #expect(warnings.messages.count == 1)
        #expect(warnings.messages.first?.hasSuffix("x -> x_11 and 14 more") == true)
    }

    @Test func noWarningWithoutRepeats() throws {
        let warnings = CSVWarnings()
        _ = try parse("a,,c\n1,2,3\n", CSVOptions(warnings: warnings))
        #expect(warnings.messages.isEmpty)
    }

    /// 100,000 columns by 10 rows: names, types and every value of a few columns are right.
    @Test func aHundredThousandColumns() throws {
        let columns = 100_000
        var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<10 {
            text += (0..<columns).map { $0 % 3 == 0 ? "s\(row)" : String($0 &* 10 &+ row) }.joined(separator: ",") + "\n"
        }
        let table = try parse(text)
        #expect(table.columnCount == columns)
        #expect(table.rowCount == 10)
        #expect(table.index(of: "c99999") == 99_999)
        #expect(table.column("c99998")?.type == .int)
        #expect(table.column("c99999")?.type == .string)
        #expect((0..<10).map { table.column("c99998")![$0] } == (0..<10).map { .int(Int64(999_980 &+ $0)) })
        #expect(table.column("c3")?[9] == .string("s9"))

        let stats = try describe(table)
        #expect(stats.rowCount == columns)
        #expect(stats.column("name")?[54_321] == .string("c54321"))
        #expect(stats.column("mean")?[1] == .float(14.5))

        let saved = TableWriter.encode(table, as: .csv)
        let again = try CSVReader.read(bytes: saved, name: "again.csv")
        #expect(again.names == table.names)
        #expect(again.column("c99998")?[3] == .int(999_983))

        let box = renderBox(table, maxRows: 40, maxWidth: 100)
        #expect(box.contains("100000 columns ("))
        #expect(box.contains("c99999"))
    }

    @Test func jsonGivenAsCSVIsNamed() {
        for text in ["[{\"a\": 1, \"b\": [true, null]}, {\"a\": -2.5e3}]", "{\"x\": \"y,z\"}\n{\"x\": \"\\\"w\"}\n", "[]"] {
            #expect(throws: CSVError.self) { try parse(text, name: "export.csv") }
            do {
                _ = try parse(text, name: "export.csv")
            } catch {
                #expect(error.message == "this file is JSON, not CSV")
                #expect(error.hint?.contains(".json") == true)
            }
        }
    }

    @Test func csvThatStartsWithABracketIsStillCSV() throws {
        let table = try parse("[a],{b}\n1,2\n")
        #expect(table.names == ["[a]", "{b}"])
        #expect(table.column("{b}")?[0] == .int(2))
        #expect(try parse("[1,2\n").columnCount == 2)
    }
}

@Suite("Table: the name index")
struct TableIndexTests {
    @Test func lookupsFollowAppendsRemovesAndRenames() throws {
        var table = try Table(names: ["a", "b", "c", "d"], columns: (0..<4).map { Column(.int([Int64($0)])) })
        table.remove(Set(["b", "zz"]))
        #expect(table.names == ["a", "c", "d"])
        #expect(table.index(of: "d") == 2)
        #expect(table.index(of: "b") == nil)
        try table.rename("c", to: "b")
        #expect(table.index(of: "b") == 1)
        #expect(table.index(of: "c") == nil)
        #expect(throws: FrameError.self) { try table.rename("a", to: "d") }
        try table.append("c", Column(.int([9])))
        #expect(table.column("c")?[0] == .int(9))
        #expect(throws: FrameError.self) { try table.append("a", Column(.int([1]))) }
        let taken = table.take([0, 0])
        #expect(taken.index(of: "c") == 3)
        #expect(taken.rowCount == 2)
        table.remove("a")
        #expect(table.names == ["b", "d", "c"])
        #expect(table.index(of: "c") == 2)
    }
}

@Suite("CSV reader: reading some columns")
struct CSVColumnPruningTests {
    // A quoted line break and delimiter, a stray quote and invalid UTF-8 in the columns not read.
    static let text = "a,b,c,d\n1,\"x,\ny\",2.5,\u{FF}\n2,\"\"\"q\"\" w\",,ok\n3,plain,7,\n"

    @Test func onlyTheAskedColumnsInTheFileOrder() throws {
        let table = try CSVReader.read(bytes: Array(Self.text.utf8), name: "p.csv", columns: ["c", "a", "zz"])
        expectTable(table, [
            ("a", .int, [.int(1), .int(2), .int(3)]),
            ("c", .float, [.float(2.5), .null, .float(7)]),
        ])
    }

    @Test func aStringColumnBetweenSkippedOnes() throws {
        let table = try CSVReader.read(bytes: Array(Self.text.utf8), name: "p.csv", columns: ["b"])
        expectTable(table, [("b", .string, [.string("x,\ny"), .string("\"q\" w"), .string("plain")])])
    }

    @Test func noColumnsReadsTheFirstForTheRowCount() throws {
        let table = try CSVReader.read(bytes: Array(Self.text.utf8), name: "p.csv", columns: [])
        #expect(table.names == ["a"])
        #expect(table.rowCount == 3)
    }

    @Test func skippedColumnsStillCountAndCloseTheirQuotes() {
        #expect(throws: CSVError.self) { try CSVReader.read(bytes: Array("a,b\n1,2\n3\n".utf8), name: "p.csv", columns: ["a"]) }
        do {
            _ = try CSVReader.read(bytes: Array("a,b\n1,\"open\n".utf8), name: "p.csv", columns: ["a"])
            Issue.record("an unterminated quote in a skipped column was accepted")
        } catch {
            #expect(error.message.contains("quoted field is never closed"))
            #expect(error.line == 2 && error.column == 2)
        }
    }

    /// Unread fields are stepped over 32 bytes at a time (AVX2) or byte by byte: both must read
    /// each column exactly as the full read does, whatever the quoting and field lengths.
    @Test(arguments: [false, true]) func anyColumnsReadAsTheFullReadDoes(portable: Bool) throws {
        if portable { trq_use_portable_kernels(1) }
        defer { if portable { trq_use_portable_kernels(0) } }
        var generator = SplitMix64(seed: 11)
        let pieces = ["", "7", "plain", "\"a,b\"", "\"line\nbreak\"", "\"say \"\"hi\"\"\"", "x\"y",
                      String(repeating: "long", count: 12), "\"" + String(repeating: ",", count: 40) + "\""]
        var text = "a,b,c,d,e,f\n"
        for row in 0..<400 {
            let fields = (0..<6).map { c in c == 0 ? String(row) : pieces[Int(generator.next() % UInt64(pieces.count))] }
            text += fields.joined(separator: ",") + (row % 7 == 0 ? "\r\n" : "\n")
        }
        let whole = try CSVReader.read(bytes: Array(text.utf8), name: "p.csv")
        for wanted: Set<String> in [["a"], ["f"], ["c"], ["a", "f"], ["b", "e"], ["d"]] {
            let part = try CSVReader.read(bytes: Array(text.utf8), name: "p.csv", columns: wanted)
            #expect(part.names == whole.names.filter(wanted.contains))
            for name in part.names {
                #expect(values(part, name) == values(whole, name), "\(name) of \(wanted.sorted())")
            }
        }
        // A row one field short is found even when the missing field is an unread one.
        let short = text + "999,1,2,3,4\n"
        #expect(throws: CSVError.self) { try CSVReader.read(bytes: Array(short.utf8), name: "p.csv", columns: ["a"]) }
    }
}
