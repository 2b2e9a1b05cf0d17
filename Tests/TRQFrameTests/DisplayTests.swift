import Testing
@testable import TRQFrame

// Expected boxes are written by hand from the layout rules in BoxRenderer.swift, not captured.

private func stringColumn(_ values: [String?]) -> Column {
    var dictionary: [String] = []
    var codes: [Int32] = []
    for value in values {
        if let value, let i = dictionary.firstIndex(of: value) {
            codes.append(Int32(i))
        } else if let value {
            dictionary.append(value)
            codes.append(Int32(dictionary.count - 1))
        } else {
            codes.append(0)
        }
    }
    return Column(.string(codes: codes, dictionary: StringDictionary(dictionary)),
                  validity: Validity(values.map { $0 != nil }))
}

private func intColumn(_ values: [Int64?]) -> Column {
    Column(.int(values.map { $0 ?? 0 }), validity: Validity(values.map { $0 != nil }))
}

@Suite struct DisplayBoxTests {
    @Test func smallTableAlignsNumbersRightAndShowsNull() throws {
        let t = try Table(names: ["artist", "plays"],
                          columns: [stringColumn(["Björk", nil, "AC/DC"]), intColumn([120, 7, nil])])
        let expected = """
        ┌────────┬───────┐
        │ artist │ plays │
        │ string │  int  │
        ├────────┼───────┤
        │ Björk  │   120 │
        │ NULL   │     7 │
        │ AC/DC  │  NULL │
        ├────────┴───────┤
        │ 3 rows         │
        │ 2 columns      │
        └────────────────┘

        """
        #expect(renderBox(t, maxRows: 40, maxWidth: 100) == expected)
    }

    @Test func longTableIsElidedInTheMiddle() throws {
        let t = try Table(names: ["n"], columns: [intColumn((0..<10).map { Int64($0) })])
        let expected = """
        ┌───────────────────┐
        │         n         │
        │        int        │
        ├───────────────────┤
        │                 0 │
        │                 1 │
        │         ⋮         │
        │                 8 │
        │                 9 │
        ├───────────────────┤
        │ 10 rows (4 shown) │
        │ 1 column          │
        └───────────────────┘

        """
        #expect(renderBox(t, maxRows: 4, maxWidth: 100) == expected)
    }

    /// A remote engine's first rows with the result's row count: those rows, then `⋮`.
    @Test func firstRowsOfALongerResultShowTheirCount() throws {
        let t = try Table(names: ["n"], columns: [intColumn((0..<5).map { Int64($0) })])
        let box = renderBox(t, maxRows: 4, maxWidth: 100, rowCount: 1000)
        let body = box.split(separator: "\n").map { $0.filter { $0 != " " && $0 != "│" } }
        #expect(Array(body[4...8]) == ["0", "1", "2", "3", "⋮"])
        #expect(box.contains("1000 rows (4 shown)"))
    }

    @Test func oddRowLimitShowsOneMoreAtTheTop() throws {
        let t = try Table(names: ["n"], columns: [intColumn((0..<10).map { Int64($0) })])
        let box = renderBox(t, maxRows: 3, maxWidth: 100)
        let body = box.split(separator: "\n").map { $0.filter { $0 != " " && $0 != "│" } }
        #expect(body.contains("0") && body.contains("1") && body.contains("9"))
        #expect(!body.contains("2") && !body.contains("8"))
        #expect(box.contains("10 rows (3 shown)"))
    }

    @Test func wideTableDropsMiddleColumns() throws {
        let t = try Table(names: ["c1", "c2", "c3", "c4", "c5"],
                          columns: (1...5).map { intColumn([Int64($0)]) })
        let expected = """
        ┌─────┬─────┬───┬─────┐
        │ c1  │ c2  │ … │ c5  │
        │ int │ int │   │ int │
        ├─────┼─────┼───┼─────┤
        │   1 │   2 │ … │   5 │
        ├─────┴─────┴───┴─────┤
        │ 1 row               │
        │ 5 columns (3 shown) │
        └─────────────────────┘

        """
        let box = renderBox(t, maxRows: 40, maxWidth: 25)
        #expect(box == expected)
        #expect(box.split(separator: "\n").allSatisfy { displayWidth($0) <= 25 })
    }

    @Test func longTextIsTruncatedWithEllipsis() throws {
        let t = try Table(names: ["title"], columns: [stringColumn(["abcdefghijklmnopqrstuvwxyz0123"])])
        let expected = """
        ┌──────────────────┐
        │      title       │
        │      string      │
        ├──────────────────┤
        │ abcdefghijklmno… │
        ├──────────────────┤
        │ 1 row  1 column  │
        └──────────────────┘

        """
        #expect(renderBox(t, maxRows: 40, maxWidth: 20) == expected)
    }

    @Test func wideCharactersTakeTwoColumns() throws {
        let t = try Table(names: ["城市"], columns: [stringColumn(["東京", "Paris"])])
        let expected = """
        ┌──────────┐
        │   城市   │
        │  string  │
        ├──────────┤
        │ 東京     │
        │ Paris    │
        ├──────────┤
        │ 2 rows   │
        │ 1 column │
        └──────────┘

        """
        #expect(renderBox(t, maxRows: 40, maxWidth: 100) == expected)
    }

    @Test func emptyTables() throws {
        #expect(renderBox(Table(), maxRows: 40, maxWidth: 100) == """
        ┌───────────────────┐
        │ 0 rows  0 columns │
        └───────────────────┘

        """)
        let noRows = try Table(names: ["user_id", "track_id"], columns: [intColumn([]), intColumn([])])
        #expect(renderBox(noRows, maxRows: 40, maxWidth: 100) == """
        ┌─────────┬──────────┐
        │ user_id │ track_id │
        │   int   │   int    │
        ├─────────┴──────────┤
        │ 0 rows  2 columns  │
        └────────────────────┘

        """)
    }

    @Test func everyLineFitsTheWidthForManyColumns() throws {
        let names = (0..<30).map { "column_number_\($0)" }
        let t = try Table(names: names, columns: names.map { _ in stringColumn(["a value that is rather long indeed"]) })
        for width in [30, 60, 80, 120, 200] {
            let lines = renderBox(t, maxRows: 40, maxWidth: width).split(separator: "\n")
            #expect(lines.allSatisfy { displayWidth($0) <= width }, "width \(width)")
            #expect(Set(lines.map { displayWidth($0) }).count == 1, "ragged box at width \(width)")
        }
    }
}

@Suite struct DisplayTextTests {
    @Test func floatsShowAtMostSixSignificantDigits() {
        #expect(boxText(0.1 + 0.2) == "0.3")
        #expect(boxText(3.14159265) == "3.14159")
        #expect(boxText(2.0) == "2.0")
        #expect(boxText(2.5) == "2.5")
        #expect(boxText(1234567.891) == "1234567.9")
        #expect(boxText(99.99999999) == "100.0")
        #expect(boxText(-0.000123456789) == "-0.000123457")
        #expect(boxText(1.23456789e20) == "1.23457e+20")
        #expect(boxText(1e-5) == "1e-05")
        #expect(boxText(.nan) == "NaN")
        #expect(boxText(-.infinity) == "-inf")
    }

    @Test func displayWidths() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("日本") == 4)
        #expect(displayWidth("e\u{301}") == 1)  // e + combining acute
        #expect(displayWidth("한국어") == 6)
        #expect(displayWidth("👍") == 2)
        #expect(displayWidth("❤\u{FE0F}") == 2)  // text-default heart asking for emoji form
        #expect(displayWidth("ｆｕｌｌ") == 8)  // fullwidth Latin
    }

    @Test func truncationRespectsWideCharacters() {
        #expect(truncated("日本語テキスト", toWidth: 6) == "日本…")
        #expect(truncated("short", toWidth: 5) == "short")
        #expect(truncated("longer", toWidth: 5) == "long…")
    }

    @Test func controlCharactersAreEscaped() {
        #expect(escapingControlCharacters("a\nb\tc") == "a\\nb\\tc")
        #expect(escapingControlCharacters("\u{1B}[0m") == "\\u{1B}[0m")
        #expect(escapingControlCharacters("plain") == "plain")
    }
}
