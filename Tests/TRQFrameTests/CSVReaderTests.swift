import Testing
import TestSupport
@testable import TRQFrame

// Each fixture in Fixtures/csv with the table or the error it must give. Expected values are
// written by hand from the fixture bytes.

@Suite("CSV reader: quoting and line endings")
struct CSVQuotingTests {
    @Test func quotedFieldsDoubledQuotesAndEmbeddedNewlines() {
        expectTable(loadTable(fixture("quoted.csv")), [
            ("id", .int, (1...7).map { .int($0) }),
            ("text", .string, [.string("plain"), .string("with, comma"), .string("say \"hi\""),
                               .string("line one\nline two"), .string("crlf\r\ninside"), .string(""), .null]),
            ("note", .string, ["x", "y", "z", "w", "v", "u", "t"].map { .string($0) }),
        ])
    }

    @Test(arguments: ["crlf.csv", "cr_only.csv"])
    func lineEndings(_ name: String) {
        expectTable(loadTable(fixture(name)), [
            ("a", .int, [.int(1), .int(2)]),
            ("b", .string, [.string("x"), .string("y")]),
        ])
    }

    @Test func mixedLineEndingsAndNoFinalNewline() {
        expectTable(loadTable(fixture("mixed_endings.csv")), [
            ("a", .int, [.int(1), .int(2), .int(3)]),
            ("b", .string, [.string("x"), .string("y"), .string("z")]),
        ])
        expectTable(loadTable(fixture("no_trailing_newline.csv")), [
            ("a", .int, [.int(1), .int(3)]),
            ("b", .int, [.int(2), .int(4)]),
        ])
    }

    @Test func byteOrderMarkIsSkipped() {
        expectTable(loadTable(fixture("bom.csv")), [
            ("name", .string, [.string("x")]),
            ("value", .int, [.int(1)]),
        ])
    }

    @Test func strayQuotesReadLikePandas() {
        // pandas.read_csv(sep="\t"): a quote opening a field closes at the next quote and the
        // rest of the field is kept; quotes inside a field are characters.
        expectTable(loadTable(fixture("stray_quotes.tsv")), [
            ("id", .int, [.int(1), .int(2), .int(3)]),
            ("name", .string, [.string("Weird Al Yankovic"), .string("Royce da 5'9\""), .string("Lee \"Scratch\" Perry")]),
            ("url", .string, [.string("http://a/%22Weird"), .string("http://b"), .string("http://c")]),
        ])
    }

    @Test func quotedEmptyIsEmptyStringAndUnquotedEmptyIsNull() {
        // In the int column n, "" has no text meaning and is null.
        expectTable(loadTable(fixture("quoted_empty.csv")), [
            ("name", .string, [.string(""), .null, .string("x")]),
            ("n", .int, [.int(1), .int(2), .null]),
        ])
    }

    @Test func blankLinesAreSkippedExceptInOneColumnFiles() {
        expectTable(loadTable(fixture("blank_lines.csv")), [
            ("a", .int, [.int(1), .int(2)]),
            ("b", .string, [.string("x"), .string("y")]),
        ])
        expectTable(loadTable(fixture("one_column_blank.csv")), [
            ("v", .string, [.string("x"), .null, .string("y")]),
        ])
    }

    @Test func nulBytesAreData() {
        expectTable(loadTable(fixture("nul_bytes.csv")), [
            ("a", .int, [.int(1), .int(2)]),
            ("b", .string, [.string("x\u{0}y"), .string("\u{0}")]),
        ])
    }
}

@Suite("CSV reader: delimiters and encodings")
struct CSVDelimiterTests {
    @Test func semicolonIsDetected() {
        // Decimal commas are not numbers: the price column is text.
        expectTable(loadTable(fixture("semicolon.csv")), [
            ("name", .string, [.string("apple"), .string("pear")]),
            ("price", .string, [.string("1,5"), .string("2,25")]),
            ("qty", .int, [.int(3), .int(4)]),
        ])
    }

    @Test func tabIsDetectedAndCommasStayInFields() {
        expectTable(loadTable(fixture("tab.tsv")), [
            ("name", .string, [.string("rock, pop"), .string("jazz")]),
            ("count", .int, [.int(3), .int(5)]),
        ])
    }

    @Test func pipeIsDetected() {
        expectTable(loadTable(fixture("pipe.txt")), [
            ("a", .int, [.int(1), .int(4)]), ("b", .int, [.int(2), .int(5)]), ("c", .int, [.int(3), .int(6)]),
        ])
    }

    @Test func explicitDelimiterOverridesDetection() throws {
        let table = try parse("a,b;c\n1,2;3\n", CSVOptions(delimiter: UInt8(ascii: ";")))
        expectTable(table, [("a,b", .string, [.string("1,2")]), ("c", .int, [.int(3)])])
    }

    @Test func sniffingPrefersTheConsistentDelimiter() {
        let scanner = { (text: String, name: String) -> UInt8 in
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { DelimiterSniffer.sniff($0.baseAddress!, start: 0, end: bytes.count, name: name) }
        }
        #expect(scanner("a;b\n1,5;2,5\n3,5;4,5\n", "x.csv") == UInt8(ascii: ";"))
        #expect(scanner("a,b\n\"x;y\",1\n\"z;w\",2\n", "x.csv") == UInt8(ascii: ","))
        #expect(scanner("a\tb,c\n1\t2,3\n", "x.tsv") == UInt8(ascii: "\t"))
        #expect(scanner("just one column\nvalue\n", "x.tsv") == UInt8(ascii: "\t"))
        #expect(scanner("just one column\nvalue\n", "x.csv") == UInt8(ascii: ","))
    }

    @Test func latin1IsDecoded() {
        expectTable(loadTable(fixture("latin1.csv"), CSVOptions(encoding: .latin1)), [
            ("city", .string, [.string("M\u{FC}nchen"), .string("S\u{E3}o Paulo"), .string("Z\u{FC}rich")]),
            ("country", .string, [.string("DE"), .string("BR"), .string("CH")]),
        ])
    }

    @Test func latin1ReadAsUTF8FailsNamingTheLine() {
        let error = loadError(fixture("latin1.csv"))
        #expect(error?.description == fixture("latin1.csv")
            + ":2:1: invalid UTF-8 byte 0xFC in column 'city' (hint: add `with encoding = \"latin1\"` if the file is Latin-1)")
    }

    @Test func invalidUTF8NamesLineColumnAndByte() {
        let error = loadError(fixture("invalid_utf8.csv"))
        #expect(error?.line == 3)
        #expect(error?.column == 2)
        #expect(error?.message == "invalid UTF-8 byte 0xE9 in column 'b'")
        #expect(error?.hint == "add `with encoding = \"latin1\"` if the file is Latin-1")
    }

    @Test func invalidUTF8InTheHeaderIsAnError() {
        #expect(throws: CSVError.self) { try CSVReader.read(bytes: [0x61, 0xFF, 0x2C, 0x62, 0x0A], name: "h.csv") }
    }

    @Test func encodingNames() {
        #expect(CSVEncoding(name: "UTF-8") == .utf8)
        #expect(CSVEncoding(name: "latin-1") == .latin1)
        #expect(CSVEncoding(name: "ISO-8859-1") == .latin1)
        #expect(CSVEncoding(name: "ebcdic") == nil)
    }
}

@Suite("CSV reader: type inference and options")
struct CSVTypeTests {
    @Test func everyTypeIsInferred() {
        expectTable(loadTable(fixture("types.csv")), [
            ("i", .int, [.int(1), .int(-2), .int(3)]),
            ("f", .float, [.float(1.5), .float(2), .float(1000)]),
            ("b", .bool, [.bool(true), .bool(false), .bool(true)]),
            ("d", .date, [.date(19796), .date(19782), .date(10956)]),
            ("ts", .timestamp, [.timestamp(1_710_440_525_000_000), .timestamp(1_710_433_325_250_000),
                                .timestamp(1_710_440_520_000_000)]),
            ("mix", .string, [.string("1"), .string("x"), .string("2")]),
            ("ifl", .float, [.float(1), .float(2.5), .float(3)]),
            ("dts", .timestamp, [.timestamp(19723 * 86_400_000_000), .timestamp(1_704_196_800_000_000),
                                 .timestamp(19725 * 86_400_000_000)]),
        ])
    }

    @Test func defaultNullTokens() {
        expectTable(loadTable(fixture("nulls.csv")), [
            ("a", .int, [.int(1), .null, .null, .null, .int(4)]),
            ("b", .string, [.null, .string("x"), .null, .string("y"), .null]),
        ])
    }

    @Test func customNullTokens() {
        expectTable(loadTable(fixture("nulls.csv"), CSVOptions(nulls: ["NA", "-"])), [
            ("a", .string, [.string("1"), .string("N/A"), .string("null"), .string(""), .string("4")]),
            ("b", .string, [.null, .string("x"), .string("NULL"), .string("y"), .string("")]),
        ])
    }

    @Test func integersBeyondInt64AreFloats() {
        expectTable(loadTable(fixture("beyond_int64.csv")), [
            ("big", .float, [.float(9_223_372_036_854_775_808), .float(9_223_372_036_854_775_808)]),
            ("small", .int, [.int(1), .int(Int64.min)]),
            ("word", .string, [.string("12"), .string("99999999999999999999x")]),
        ])
    }

    @Test func nanAndInfinityAreFloats() {
        expectTable(loadTable(fixture("nan_inf.csv")), [
            ("x", .float, [.float(1.5), .float(.nan), .float(.nan), .float(.infinity), .float(-.infinity),
                           .float(.infinity), .float(-.infinity), .float(2)]),
        ])
    }

    @Test func floatsParseCorrectlyRounded() throws {
        let texts = ["0.1", "-6.746", "1.01e-06", "3.141592653589793238462643383", "1e308", "2.2250738585072014e-308",
                     "4.9e-324", "123456789012345678901234567890", "0.000000000000000000001234", "1e-400", "1e400", ".5", "5."]
        let table = try parse("x\n" + texts.joined(separator: "\n") + "\n")
        for (row, text) in texts.enumerated() {
            #expect(sameValue(table.columns[0][row], .float(Double(text)!)), "\(text)")
        }
    }

    @Test func fastTimestampPathAgreesWithParseISO8601() {
        var random = SplitMix64(seed: 3)
        func two(_ range: ClosedRange<Int>) -> String {
            let v = Int.random(in: range, using: &random)
            return v < 10 ? "0\(v)" : "\(v)"
        }
        var checked = 0
        for _ in 0..<20_000 {
            // Half near today, where the fast path reads dates from a table, and past its ends.
            let year = String(Bool.random(using: &random) ? Int.random(in: 1000...9999, using: &random) : Int.random(in: 1890...2110, using: &random))
            var text = "\(year)-\(two(0...13))-\(two(0...32))"
            if Bool.random(using: &random) {
                text += ["T", " ", "x"].randomElement(using: &random)! + "\(two(0...25)):\(two(0...61)):\(two(0...62))"
                text += ["", "Z", "+01:00", ".5"].randomElement(using: &random)!
            }
            var bytes = Array(text.utf8)
            // Some with one byte replaced by a near-digit or separator, which the fast path must refuse.
            if Int.random(in: 0..<4, using: &random) == 0 {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = Array("/:;?-T 0@".utf8).randomElement(using: &random)!
            }
            bytes.withUnsafeBufferPointer { b in
                guard let (value, next) = scanISO8601Fast(b.baseAddress!, 0, b.count), next == b.count else { return }
                #expect(parseISO8601(b) == value, "\(String(decoding: bytes, as: UTF8.self))")
                checked += 1
            }
        }
        #expect(checked > 5000)
    }

    @Test func headerOffNamesColumnsByPosition() throws {
        let table = try parse("1,x\n2,y\n", CSVOptions(header: false))
        expectTable(table, [("column1", .int, [.int(1), .int(2)]), ("column2", .string, [.string("x"), .string("y")])])
    }

    @Test func duplicateAndEmptyNamesAreMadeUnique() {
        let table = loadTable(fixture("duplicate_names.csv"))
        #expect(table?.names == ["id", "name", "id_2", "column4", "name_2", "id_1"])
    }

    @Test func forcedTypes() {
        let options = CSVOptions(types: ["i": .float, "mix": .string, "d": .timestamp, "b": .string])
        let table = loadTable(fixture("types.csv"), options)
        #expect(table?.column("i")?.type == .float)
        #expect(table?.column("mix")?.type == .string)
        #expect(table?.column("b")?.type == .string)
        #expect(table.map { sameValue($0.column("b")![1], .string("FALSE")) } == true)
        #expect(table.map { sameValue($0.column("d")![0], .timestamp(19796 * 86_400_000_000)) } == true)
    }

    @Test func forcedTypeMismatchNamesLineColumnAndValue() {
        let error = loadError(fixture("types.csv"), CSVOptions(types: ["mix": .int]))
        #expect(error?.description == fixture("types.csv")
            + ":3:6: value \"x\" in column 'mix' is not an int (hint: `types` makes this column int; fix the value or choose another type)")
    }

    @Test func forcedTypeOfAMissingColumn() {
        let error = loadError(fixture("types.csv"), CSVOptions(types: ["nope": .int]))
        #expect(error?.message == "`types` names column 'nope', which the file does not have")
    }

    @Test func forcedStringKeepsLeadingZeros() throws {
        let table = try parse("zip\n01234\n", CSVOptions(types: ["zip": .string]))
        expectTable(table, [("zip", .string, [.string("01234")])])
    }
}

@Suite("CSV reader: malformed files")
struct CSVMalformedTests {
    @Test func rowWithTooManyFields() {
        let error = loadError(fixture("ragged_more.csv"))
        #expect(error?.description == fixture("ragged_more.csv")
            + ":3: row has 4 fields, expected 3 like the header (hint: the file was read with delimiter ',' (detected); "
            + "set `with delimiter = ...` if that is wrong, or quote fields that contain ',')")
    }

    @Test func rowWithTooFewFields() {
        let error = loadError(fixture("ragged_fewer.csv"))
        #expect(error?.line == 4)
        #expect(error?.message == "row has 2 fields, expected 3 like the header")
    }

    @Test func unterminatedQuoteIsReportedWhereItOpens() {
        let error = loadError(fixture("unterminated.csv"))
        #expect(error?.description == fixture("unterminated.csv")
            + ":3:2: quoted field is never closed (its opening quote is here) (hint: a quote inside a quoted field is "
            + "written twice (\"\"); otherwise remove the stray quote)")
    }

    @Test func emptyFileIsAnEmptyTable() throws {
        let table = loadTable(fixture("empty.csv"))
        #expect(table?.columnCount == 0)
        #expect(table?.rowCount == 0)
        #expect(try parse("\n\r\n").columnCount == 0)
    }

    @Test func headerOnlyGivesStringColumnsWithoutRows() {
        expectTable(loadTable(fixture("header_only.csv")), [
            ("user_id", .string, []), ("track_id", .string, []), ("ms_played", .string, []),
        ])
    }

    @Test func missingFileAndFolder() {
        #expect(loadError(fixture("nope.csv"))?.message == "cannot open: No such file or directory")
        #expect(loadError(csvFixtures)?.message == "is a folder, not a file")
        #expect(loadError(csvFixtures + "/*.nothing")?.message == "no files match")
    }
}

@Suite("CSV reader: several files")
struct CSVStackingTests {
    @Test func globStacksByNameWithTheWidestTypes() {
        // c.csv's id is text, so a, b and d are read again with id as text; d's score has no
        // values and does not make score a string column.
        expectTable(loadTable(csvFixtures + "/stack/*.csv"), [
            ("id", .string, ["1", "2", "3", "x9", "4"].map { .string($0) }),
            ("name", .string, [.string("ann"), .string("bob"), .null, .string("cy"), .null]),
            ("score", .float, [.float(10), .float(20), .float(2.5), .null, .null]),
            ("extra", .bool, [.null, .null, .bool(true), .null, .null]),
        ])
    }

    @Test func expandGlobSortsAndSkipsFolders() throws {
        let paths = try SourceFiles.expandGlob(csvFixtures + "/stack*/*.csv")
        #expect(paths.map { String($0.dropFirst(csvFixtures.count + 1)) }
            == ["stack-unicode/1.csv", "stack-unicode/2.csv", "stack/a.csv", "stack/b.csv", "stack/c.csv", "stack/d.csv"])
        #expect(try SourceFiles.expandGlob(csvFixtures + "/st*").isEmpty == false)
        #expect(throws: CSVError.self) { try SourceFiles.expandGlob(csvFixtures + "/stack*") }
    }

    @Test func canonicallyEquivalentStringsStayDistinct() {
        // "café" precomposed and with a combining accent are different bytes, so different values.
        let table = loadTable(csvFixtures + "/stack-unicode/*.csv")
        guard case .string(let codes, let dictionary)? = table?.columns[0].data else {
            Issue.record("w is not a string column")
            return
        }
        #expect(codes == [0, 1])
        #expect(dictionary.values.map { Array($0.utf8) } == [[99, 97, 102, 195, 169], [99, 97, 102, 101, 204, 129]])
    }
}
