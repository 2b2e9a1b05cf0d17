import Testing
import TestSupport
@testable import TRQFrame

// Each input with the table or the error it must give; expected values are written by hand.

private func json(_ text: String, _ format: JSONFormat = .json, columns: Set<String>? = nil, chunks: Int? = nil,
                  sourceLocation: SourceLocation = #_sourceLocation) -> Table? {
    do {
        return try Array(text.utf8).withUnsafeBytes { bytes throws(CSVError) in
            try JSONReader.parse(bytes, name: "t.json", format: format, columns: columns, chunks: chunks)
        }
    } catch {
        Issue.record("load failed: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

private func jsonError(_ bytes: [UInt8], _ format: JSONFormat = .json, chunks: Int? = nil) -> String {
    do {
        _ = try bytes.withUnsafeBytes { raw throws(CSVError) in
            try JSONReader.parse(raw, name: "t.json", format: format, columns: nil, chunks: chunks)
        }
        return "no error"
    } catch {
        return "\(error)"
    }
}

private func jsonError(_ text: String, _ format: JSONFormat = .json) -> String { jsonError(Array(text.utf8), format) }

private func ts(_ text: String) -> Value {
    guard case .timestamp(let us) = parseISO8601(text) else { return .string("bad timestamp \(text)") }
    return .timestamp(us)
}

@Suite("JSON reader: values, types and columns")
struct JSONValueTests {
    @Test func typesFromEveryValueAndKeyUnionInFirstAppearanceOrder() {
        let table = json("""
        [{"id": 1, "name": "a", "score": 2.5, "ok": true, "at": "2023-01-05T13:22:10Z", "day": "2023-01-05"},
         {"id": 2, "name": null, "ok": false, "at": "2023-01-05 14:00", "day": "2023-02-01", "extra": "x"},
         {"name": "", "score": 3, "id": -7, "at": "2023-01-05T15:00:00+01:00"}]
        """)
        expectTable(table, [
            ("id", .int, [.int(1), .int(2), .int(-7)]),
            ("name", .string, [.string("a"), .null, .string("")]),
            ("score", .float, [.float(2.5), .null, .float(3)]),
            ("ok", .bool, [.bool(true), .bool(false), .null]),
            ("at", .timestamp, [ts("2023-01-05T13:22:10Z"), ts("2023-01-05T14:00:00Z"), ts("2023-01-05T14:00:00Z")]),
            ("day", .date, [.date(19362), .date(19389), .null]),
            ("extra", .string, [.null, .string("x"), .null]),
        ])
    }

    @Test func nestedObjectsFlattenAtTheParentsPlace() {
        let table = json("""
        {"a": 1, "p": {"x": 1, "q": {"z": true}}, "b": 2}
        {"a": 2, "p": null, "b": 3}
        {"a": 3, "p": {"y": "new", "x": 5}, "b": 4}
        {"a": 4, "b": 5}
        """, .ndjson)
        expectTable(table, [
            ("a", .int, [.int(1), .int(2), .int(3), .int(4)]),
            ("p.x", .int, [.int(1), .null, .int(5), .null]),
            ("p.q.z", .bool, [.bool(true), .null, .null, .null]),
            ("p.y", .string, [.null, .null, .string("new"), .null]),
            ("b", .int, [.int(2), .int(3), .int(4), .int(5)]),
        ])
    }

    @Test func arraysAndMixedObjectsLoadAsMinifiedJSONText() {
        let table = json("""
        [{"tags": [1, "two", {"k": [true, null]}], "m": {"k": 1}},
         {"tags": [], "m": "flat"},
         {"tags": null, "m": null}]
        """)
        expectTable(table, [
            ("tags", .string, [.string("[1,\"two\",{\"k\":[true,null]}]"), .string("[]"), .null]),
            ("m", .string, [.string("{\"k\":1}"), .string("\"flat\""), .null]),
        ])
    }

    @Test func arraysOfStringsLoadMinifiedWhateverTheirSpacing() {
        // Plain strings take a path of their own; an escape, a number or a nested value falls
        // back to the general one part-way through the array.
        let table = json("""
        {"tags": ["chill", "focus"]}
        {"tags": [ "a" ,\t"b" ]}
        {"tags": ["a", "b\\"c"]}
        {"tags": ["é", 1, ["x"]]}
        {"tags": [ ]}
        """, .ndjson)
        expectTable(table, [
            ("tags", .string, [.string("[\"chill\",\"focus\"]"), .string("[\"a\",\"b\"]"), .string("[\"a\",\"b\\\"c\"]"),
                               .string("[\"é\",1,[\"x\"]]"), .string("[]")]),
        ])
    }

    @Test func kindsWidenAsInCSV() {
        let table = json("""
        {"n": 1, "s": 10, "t": "2023-01-01", "u": true}
        {"n": 2.5, "s": "ten", "t": "2023-01-01T10:00:00Z", "u": "yes"}
        {"n": 3, "s": 1e3, "t": null, "u": false}
        """, .ndjson)
        expectTable(table, [
            ("n", .float, [.float(1), .float(2.5), .float(3)]),
            ("s", .string, [.string("10"), .string("ten"), .string("1e3")]),
            ("t", .timestamp, [ts("2023-01-01T00:00:00Z"), ts("2023-01-01T10:00:00Z"), .null]),
            ("u", .string, [.string("true"), .string("yes"), .string("false")]),
        ])
    }

    @Test func stringEscapesAndLargeIntegers() {
        let table = json(#"""
        [{"s": "caf\u00e9 \ud83c\udfb5 \"q\" a\/b\n", "big": 9223372036854775807},
         {"s": "plain", "big": 9223372036854775808}]
        """#)
        expectTable(table, [
            ("s", .string, [.string("café 🎵 \"q\" a/b\n"), .string("plain")]),
            ("big", .float, [.float(9223372036854775807), .float(9223372036854775808)]),
        ])
    }

    @Test func emptyInputs() {
        #expect(json("", .ndjson)?.columnCount == 0)
        #expect(json("\n\n", .ndjson)?.rowCount == 0)
        let empty = json("[ ]")
        #expect(empty?.columnCount == 0 && empty?.rowCount == 0)
        #expect(json("{}")?.columnCount == 0)  // one row without columns is no table at all
    }

    @Test func byteOrderMarkIsSkipped() {
        expectTable(json("\u{FEFF}[{\"a\": 1}]"), [("a", .int, [.int(1)])])
    }

    @Test func projectionBuildsOnlyTheRequestedColumns() {
        let text = """
        [{"a": 1, "skip": {"deep": [1, {"x": "y"}]}, "p": {"x": 1, "y": 2}, "b": "k"},
         {"a": 2, "skip": "z", "p": {"x": 3, "y": 4}, "b": "l"}]
        """
        expectTable(json(text, columns: ["b", "p.y"]), [
            ("p.y", .int, [.int(2), .int(4)]),
            ("b", .string, [.string("k"), .string("l")]),
        ])
    }
}

@Suite("JSON reader: malformed input")
struct JSONErrorTests {
    @Test(arguments: [
        ("", "t.json:1:1: empty JSON document"),
        ("[{\"a\": 1},]", "t.json:1:11: trailing comma before ']'"),
        ("[{\"a\": 1,}]", "t.json:1:10: trailing comma before '}'"),
        ("[{\"a\": [\"x\", ]}]", "t.json:1:14: trailing comma before ']'"),
        ("[{\"a\": [\"x\" \"y\"]}]", "t.json:1:13: expected ',' or ']' after an array element, found '\"'"),
        ("[{\"a\": [\"x\", \"y]}]", "t.json:1:14: string is never closed"),
        ("[{\"a\": NaN}]", "t.json:1:8: NaN and Infinity are not JSON values"),
        ("[{\"a\": 1},\n {\"a\": -Infinity}]", "t.json:2:8: NaN and Infinity are not JSON values"),
        ("[{\"a\": 1}, {\"a\": 2", "t.json:1:19: the document ends in the middle of a value"),
        ("[{\"a\": \"open", "t.json:1:8: string is never closed"),
        ("[{\"a\": 1, \"a\": 2}]", "t.json:1:16: key 'a' appears twice in one object"),
        ("[{\"a\": 012}]", "t.json:1:8: number with a leading zero"),
        ("[{\"a\": 1} {\"a\": 2}]", "t.json:1:11: expected ',' or ']' after an array element, found '{'"),
        ("[1, 2]", "t.json:1:2: expected an object ({...}) as an element of the top-level array"),
        ("{\"a\": 1} {\"a\": 2}", "t.json:1:10: unexpected text after the end of the JSON document"),
        ("[{\"a\": \"x\ty\"}]", "t.json:1:10: control character inside a string"),
        ("[{\"é\": tru}]", "t.json:1:8: expected a value (true, false, null, a number, a string, an object or an array)"),
    ])
    func errorNamesLineAndColumn(_ input: String, _ expected: String) {
        let message = jsonError(input)
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test func invalidUTF8NamesTheByte() {
        var bytes = Array("[{\"a\": \"ok\"},\n {\"a\": \"x".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}]".utf8)
        #expect(jsonError(bytes).hasPrefix("t.json:2:10: invalid UTF-8"))
    }

    @Test func invalidUTF8InATextConflictIsFoundBeforeALaterError() {
        // The column is a timestamp, so the bad text is not interned; a serial and a chunked read must agree.
        var bytes = Array("[{\"at\": \"2023-01-05T13:22:10Z\"},\n {\"at\": \"x".utf8)
        bytes += [0xCD, 0xD4]
        bytes += Array("\", \"b\"} 1}]".utf8)
        for chunks in [1, 2] {
            #expect(jsonError(bytes, chunks: chunks).hasPrefix("t.json:2:11: invalid UTF-8"))
        }
        // An object key given a string later: the string is stepped over, not parsed, and still checked.
        var nested = Array("{\"d\": {\"e\": 1}}\n\n{\"d\": \"fl".utf8)
        nested += [0x82]
        nested += Array("at\"}\n".utf8)
        for chunks in [1, 2] {
            #expect(jsonError(nested, .ndjson, chunks: chunks).hasPrefix("t.json:3:10: invalid UTF-8"))
        }
    }

    @Test func valuesSteppedOverFollowTheSameRules() {
        // "o" is an object by the first line, so a number for it is stepped over, not parsed;
        // a chunk that starts at the second line parses it. Both must give the same error.
        let text = "{\"o\": {\"k\": 1}}\n\n{\"o\": -01, \"p\": 1}\n"
        for chunks in [1, 2] {
            #expect(jsonError(Array(text.utf8), .ndjson, chunks: chunks).hasPrefix("t.json:3:7: number with a leading zero"))
        }
        let huge = "{\"o\": {\"k\": 1}}\n\n{\"o\": 1e999}\n"
        #expect(jsonError(Array(huge.utf8), .ndjson, chunks: 1) == jsonError(Array(huge.utf8), .ndjson, chunks: 2))
        let duplicate = "{\"o\": 1}\n\n{\"o\": {\"k\": 1, \"k\": 2}}\n"
        #expect(jsonError(Array(duplicate.utf8), .ndjson, chunks: 1) == jsonError(Array(duplicate.utf8), .ndjson, chunks: 2))
    }

    @Test func nestingDeeperThanTheLimit() {
        let ok = "[{\"a\": " + String(repeating: "[", count: 998) + String(repeating: "]", count: 998) + "}]"
        #expect(json(ok)?.rowCount == 1)
        let deep = "[{\"a\": " + String(repeating: "[", count: 999) + String(repeating: "]", count: 999) + "}]"
        #expect(jsonError(deep).contains("nest deeper than 1000 levels"))
        let objects = "{\"a\": " + String(repeating: "{\"a\": ", count: 1000) + "1" + String(repeating: "}", count: 1001)
        #expect(jsonError(objects).contains("nest deeper than 1000 levels"))
    }

    @Test func ndjsonLineThatIsNotAnObject() {
        #expect(jsonError("{\"a\": 1}\n[1]\n", .ndjson).hasPrefix("t.json:2:1: expected an object"))
        #expect(jsonError("{\"a\": 1} {\"a\": 2}\n", .ndjson).hasPrefix("t.json:1:10: expected a line break after the object"))
    }
}

@Suite("JSON reader: parallel chunks")
struct JSONChunkTests {
    /// Rows with strings that look like element boundaries, so guessed splits land inside them.
    static func rows(_ n: Int) -> [String] {
        (0..<n).map { i in
            let tricky = i % 7 == 0 ? "}, {\\\"x\\\": 1}, {" : "t\(i % 13)"
            let extra = i % 5 == 0 ? ", \"n\": {\"v\": \(i / 5)}" : ""
            return "{\"id\": \(i), \"s\": \"\(tricky)\", \"f\": \(i % 3 == 0 ? "1.5" : "2")\(extra)}"
        }
    }

    @Test(arguments: [JSONFormat.json, .ndjson])
    func chunkedEqualsSerial(_ format: JSONFormat) throws {
        let rows = Self.rows(3000)
        let text = format == .json ? "[\n" + rows.joined(separator: ",\n") + "\n]\n" : rows.joined(separator: "\n") + "\n"
        let serial = try #require(json(text, format, chunks: 1))
        #expect(serial.rowCount == 3000)
        #expect(serial.names == ["id", "s", "f", "n.v"])
        for chunks in [2, 3, 7, 64] {
            let chunked = try #require(json(text, format, chunks: chunks))
            #expect(chunked.names == serial.names)
            for (a, b) in zip(chunked.columns, serial.columns) {
                #expect(a.type == b.type)
                #expect((0..<a.count).allSatisfy { sameValue(a[$0], b[$0]) })
            }
        }
    }

    @Test func anErrorIsFoundWhereverTheChunksSplit() {
        var rows = Self.rows(2000)
        rows[1500] = "{\"id\": 1500, \"s\": NaN}"
        let text = "[" + rows.joined(separator: ",\n") + "]"
        for chunks in [1, 2, 5] {
            #expect(jsonError(Array(text.utf8), chunks: chunks).hasPrefix("t.json:1501:19: NaN and Infinity"))
        }
    }

    /// Past 2^14 distinct values a column's strings are interned in batches: the codes keep
    /// their rows, and a new value that is not UTF-8 is still the error, found before a later
    /// error in the same batch, as when each value is looked up at once (smaller chunks).
    @Test func batchedStringsKeepTheirRowsAndTheirErrors() throws {
        let rows = (0..<20000).map { "{\"s\": \"v\($0)\", \"t\": \"w\($0 % 7)\"}" }
        let text = rows.joined(separator: "\n")
        for chunks in [1, 3] {
            let table = try #require(json(text, .ndjson, chunks: chunks))
            #expect(table.rowCount == 20000)
            #expect((0..<20000).allSatisfy { table.columns[0][$0] == .string("v\($0)") && table.columns[1][$0] == .string("w\($0 % 7)") })
        }
        var bytes = Array(rows[0..<19000].joined(separator: "\n").utf8)
        bytes += Array("\n{\"s\": \"x".utf8) + [0xFF] + Array("\"}\n{\"s\": \"y\"}\n{\"s\": NaN}\n".utf8)
        for chunks in [1, 2, 5] {
            #expect(jsonError(bytes, .ndjson, chunks: chunks).hasPrefix("t.json:19001:9: invalid UTF-8"))
        }
    }

    /// Past 2^16 distinct values, most rows new, a chunk keeps a column's values as references
    /// and they are interned after the parse, split by hash: every row keeps its value (escaped
    /// strings, a bool, an array's text and nulls after the switch too), each distinct value is
    /// in the dictionary once, also when only some chunks switched (the last 40,000 rows repeat
    /// 1,000 values: with 2 chunks only the first switches, with 3 none), and a value that is
    /// not UTF-8 is still the error where it is.
    @Test func highCardinalityStringsInternedAfterTheParse() throws {
        let n = 140_000
        // Values of up to 8 bytes are kept as their bytes, longer ones by address (or copied).
        func id(_ i: Int) -> String {
            let k = i % (i < 100_000 ? 90_000 : 1000)
            return k % 2 == 0 ? "v\(k)" : "value number \(k)"
        }
        func expected(_ i: Int) -> Value {
            switch i {
            case 100_001: .string("a\"b")
            case 100_002: .string("long \"escaped\" value")
            case 100_003: .string("true")
            case 100_004: .string("[1,2]")
            case 100_005: .string("[1,2,3,4,5]")
            case 100_006: .null
            default: .string(id(i))
            }
        }
        let rows = (0..<n).map { i -> String in
            switch i {
            case 100_001: #"{"s": "a\"b", "k": 1}"#
            case 100_002: #"{"s": "long \"escaped\" value", "k": 1}"#
            case 100_003: #"{"s": true, "k": 1}"#
            case 100_004: #"{"s": [1, 2], "k": 1}"#
            case 100_005: #"{"s": [1, 2, 3, 4, 5], "k": 1}"#
            case 100_006: #"{"k": 1}"#
            default: "{\"s\": \"\(id(i))\", \"k\": \(i % 3)}"
            }
        }
        let text = rows.joined(separator: "\n")
        for chunks in [1, 2, 3] {
            let table = try #require(json(text, .ndjson, chunks: chunks))
            #expect(table.rowCount == n)
            let column = table.columns[0]
            #expect((0..<n).allSatisfy { column[$0] == expected($0) })
            guard case .string(_, let dictionary) = column.data else { Issue.record("not a string column"); continue }
            // 90,000 ids, the escaped strings, "true" and the arrays' text.
            #expect(dictionary.count == 90_005)
            #expect(Set(dictionary.values).count == 90_005)
        }
        var bytes = Array(rows[0..<120_000].joined(separator: "\n").utf8)
        bytes += Array("\n{\"s\": \"x".utf8) + [0xFF] + Array("\"}\n{\"s\": \"y\"}\n{\"s\": NaN}\n".utf8)
        for chunks in [1, 2, 5] {
            #expect(jsonError(bytes, .ndjson, chunks: chunks).hasPrefix("t.json:120001:9: invalid UTF-8"))
        }
    }

    @Test func conflictsInLaterChunksAreReadAgainAsText() throws {
        var rows = (0..<2000).map { "{\"v\": \($0), \"o\": {\"k\": \($0)}}" }
        rows[1900] = "{\"v\": \"text\", \"o\": 5}"
        let table = try #require(json(rows.joined(separator: "\n"), .ndjson, chunks: 4))
        #expect(table.names == ["v", "o"])
        #expect(table.columns[0][1] == .string("1") && table.columns[0][1900] == .string("text"))
        #expect(table.columns[1][3] == .string("{\"k\":3}") && table.columns[1][1900] == .string("5"))
    }
}
