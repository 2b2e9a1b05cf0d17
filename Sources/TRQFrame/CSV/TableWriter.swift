/// The output formats of `save` and of printed results, chosen by file extension.
public enum TableFormat: String, Sendable, CaseIterable {
    case csv, tsv, json, markdown

    /// `.csv`, `.tsv`, `.json`, `.md` (any letter case); nil for anything else.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "tsv": self = .tsv
        case "json": self = .json
        case "md", "markdown": self = .markdown
        default: return nil
        }
    }
}

/// Encodes tables as CSV, JSON or Markdown bytes.
///
/// In all formats floats are the shortest text that reads back as the same Double
/// (`formatDouble`), timestamps are ISO 8601 in UTC, dates `YYYY-MM-DD`.
/// CSV (RFC 4180, LF line ends, header row): null is an empty unquoted field; the empty string is
/// `""`; a field is quoted when it contains the delimiter, a quote, CR or LF, has leading or
/// trailing spaces, starts with a byte-order mark, or equals one of `CSVOptions.defaultNulls`, so `CSVReader` reads every value
/// back as written. JSON: an array of objects, one per row, null as `null`; NaN and infinities,
/// which JSON cannot express, are written as `null` (as pandas does).
public enum TableWriter {
    public static func encode(_ table: Table, as format: TableFormat) -> [UInt8] {
        switch format {
        case .csv: csv(table)
        case .tsv: csv(table, delimiter: UInt8(ascii: "\t"))
        case .json: json(table)
        case .markdown: markdown(table)
        }
    }

    public static func csv(_ table: Table, delimiter: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
        var out = ByteWriter()
        let needsQuotes = { (bytes: [UInt8]) -> Bool in
            if bytes.isEmpty { return true }
            if bytes.first == asciiSpace || bytes.last == asciiSpace { return true }
            // A leading byte-order mark would be skipped by readers at the start of the file.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
            if bytes.contains(where: { $0 == delimiter || $0 == asciiQuote || $0 == asciiLF || $0 == asciiCR }) { return true }
            return CSVOptions.defaultNulls.contains { Array($0.utf8) == bytes }
        }
        let field = { (text: String) -> [UInt8] in
            let bytes = Array(text.utf8)
            guard needsQuotes(bytes) else { return bytes }
            var quoted: [UInt8] = [asciiQuote]
            for b in bytes {
                if b == asciiQuote { quoted.append(asciiQuote) }
                quoted.append(b)
            }
            quoted.append(asciiQuote)
            return quoted
        }
        for (i, name) in table.names.enumerated() {
            if i > 0 { out.append(delimiter) }
            out.append(field(name))
        }
        out.append(asciiLF)
        let cells = table.columns.map { CellEncoder($0, strings: field, jsonFloats: false) }
        for row in 0..<table.rowCount {
            for (i, cell) in cells.enumerated() {
                if i > 0 { out.append(delimiter) }
                cell.write(row, into: &out, null: [])
            }
            out.append(asciiLF)
        }
        return out.bytes
    }

    public static func json(_ table: Table) -> [UInt8] {
        var out = ByteWriter()
        let keys = table.names.map { jsonString($0) + Array(":".utf8) }
        let cells = table.columns.map { CellEncoder($0, strings: jsonString, jsonFloats: true) }
        let null = Array("null".utf8)
        out.append(UInt8(ascii: "["))
        for row in 0..<table.rowCount {
            out.append(row == 0 ? Array("\n{".utf8) : Array(",\n{".utf8))
            for (i, cell) in cells.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(keys[i])
                cell.write(row, into: &out, null: null)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(Array("\n]\n".utf8))
        return out.bytes
    }

    /// A GitHub-flavoured Markdown table; numbers are right-aligned, `|` is escaped and line
    /// breaks become `<br>`.
    public static func markdown(_ table: Table) -> [UInt8] {
        var out = ByteWriter()
        let escape = { (text: String) -> [UInt8] in
            var bytes: [UInt8] = []
            var i = text.utf8.startIndex
            let utf8 = text.utf8
            while i < utf8.endIndex {
                let b = utf8[i]
                switch b {
                case UInt8(ascii: "|"): bytes += Array("\\|".utf8)
                case asciiLF: bytes += Array("<br>".utf8)
                case asciiCR: break
                default: bytes.append(b)
                }
                i = utf8.index(after: i)
            }
            return bytes
        }
        out.append(UInt8(ascii: "|"))
        for name in table.names {
            out.append(asciiSpace)
            out.append(escape(name))
            out.append(Array(" |".utf8))
        }
        out.append(asciiLF)
        out.append(UInt8(ascii: "|"))
        for column in table.columns {
            out.append(Array((column.type == .int || column.type == .float ? " ---: |" : " --- |").utf8))
        }
        out.append(asciiLF)
        let cells = table.columns.map { CellEncoder($0, strings: escape, jsonFloats: false) }
        for row in 0..<table.rowCount {
            out.append(UInt8(ascii: "|"))
            for cell in cells {
                out.append(asciiSpace)
                cell.write(row, into: &out, null: [])
                out.append(Array(" |".utf8))
            }
            out.append(asciiLF)
        }
        return out.bytes
    }

    static func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [asciiQuote]
        for b in text.utf8 {
            switch b {
            case asciiQuote: out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case asciiLF: out += Array("\\n".utf8)
            case asciiCR: out += Array("\\r".utf8)
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(asciiQuote)
        return out
    }
}

/// An append-only byte buffer for the writers.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    @inline(__always) mutating func append(_ b: UInt8) { bytes.append(b) }
    @inline(__always) mutating func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func append(int value: Int64) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(asciiMinus) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[n] = asciiZero &+ UInt8(magnitude % 10)
                magnitude /= 10
                n &+= 1
            } while magnitude > 0
            for i in stride(from: n &- 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }

    /// Two digits, zero-padded.
    @inline(__always) mutating func append(twoDigits value: Int) {
        bytes.append(asciiZero &+ UInt8(truncatingIfNeeded: value / 10))
        bytes.append(asciiZero &+ UInt8(truncatingIfNeeded: value % 10))
    }

    /// `YYYY-MM-DD`, the same text as `formatDate`.
    mutating func append(date days: Int) {
        let c = civilFromDays(days)
        if c.year < 0 || c.year > 9999 {
            append(Array(formatDate(Int32(truncatingIfNeeded: days)).utf8))
            return
        }
        append(twoDigits: c.year / 100)
        append(twoDigits: c.year % 100)
        bytes.append(asciiMinus)
        append(twoDigits: c.month)
        bytes.append(asciiMinus)
        append(twoDigits: c.day)
    }

    /// ISO 8601 UTC, the same text as `formatTimestamp`, without building Strings per value.
    mutating func append(timestamp us: Int64) {
        let days = daysOf(timestamp: us)
        let inDay = us &- Int64(days) &* microsPerDay
        let seconds = Int(inDay / microsPerSecond)
        var fraction = Int(inDay % microsPerSecond)
        append(date: days)
        bytes.append(UInt8(ascii: "T"))
        append(twoDigits: seconds / 3600)
        bytes.append(UInt8(ascii: ":"))
        append(twoDigits: seconds / 60 % 60)
        bytes.append(UInt8(ascii: ":"))
        append(twoDigits: seconds % 60)
        if fraction != 0 {
            bytes.append(asciiDot)
            var digits = 6
            while fraction % 10 == 0 {
                fraction /= 10
                digits &-= 1
            }
            var scale = 1
            for _ in 1..<digits { scale &*= 10 }
            while scale > 0 {
                bytes.append(asciiZero &+ UInt8(truncatingIfNeeded: fraction / scale % 10))
                scale /= 10
            }
        }
        bytes.append(UInt8(ascii: "Z"))
    }
}

/// Writes the cells of one column; string columns encode each distinct value once.
private struct CellEncoder {
    let column: Column
    let encodedStrings: [[UInt8]]
    let jsonFloats: Bool
    let quoteText: Bool

    init(_ column: Column, strings: (String) -> [UInt8], jsonFloats: Bool) {
        self.column = column
        self.jsonFloats = jsonFloats
        // JSON writes dates and timestamps as strings; CSV and Markdown as bare text.
        quoteText = jsonFloats
        if case .string(_, let dictionary) = column.data {
            encodedStrings = dictionary.values.map(strings)
        } else {
            encodedStrings = []
        }
    }

    func write(_ row: Int, into out: inout ByteWriter, null: [UInt8]) {
        if column.isNull(row) {
            out.append(null)
            return
        }
        switch column.data {
        case .int(let v):
            out.append(int: v[row])
        case .float(let v):
            let x = v[row]
            if jsonFloats, !x.isFinite {
                out.append(null)
            } else {
                out.append(Array(formatDouble(x).utf8))
            }
        case .bool(let v):
            out.append(Array((v[row] ? "true" : "false").utf8))
        case .string(let codes, _):
            out.append(encodedStrings[Int(codes[row])])
        case .timestamp(let v):
            if quoteText { out.append(asciiQuote) }
            out.append(timestamp: v[row])
            if quoteText { out.append(asciiQuote) }
        case .date(let v):
            if quoteText { out.append(asciiQuote) }
            out.append(date: Int(v[row]))
            if quoteText { out.append(asciiQuote) }
        }
    }
}
