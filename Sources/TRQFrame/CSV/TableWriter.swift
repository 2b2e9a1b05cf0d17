/// The output formats of `save` and of printed results, chosen by file extension.
public enum TableFormat: String, Sendable, CaseIterable {
    case csv, tsv, json, ndjson, markdown

    /// `.csv`, `.tsv`, `.json`, `.ndjson` (or `.jsonl`), `.md` (any letter case); nil for anything else.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "tsv": self = .tsv
        case "json": self = .json
        case "ndjson", "jsonl": self = .ndjson
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
/// trailing spaces, starts with a byte-order mark, or equals one of `CSVOptions.defaultNulls`,
/// so `CSVReader` reads every value back as written. (A string column whose values all look
/// like numbers, dates or bools is inferred as that type when read back without `types`.)
/// JSON: an array of objects, one per row, null as `null`; NaN and infinities, which JSON
/// cannot express, are written as `null` (as pandas does). NDJSON: the same objects, one per
/// line, without the array.
public enum TableWriter {
    public static func encode(_ table: Table, as format: TableFormat) -> [UInt8] {
        switch format {
        case .csv: csv(table)
        case .tsv: csv(table, delimiter: UInt8(ascii: "\t"))
        case .json: json(table)
        case .ndjson: json(table, lines: true)
        case .markdown: markdown(table)
        }
    }

    public static func csv(_ table: Table, delimiter: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
        var out = ByteWriter()
        let field = { (text: String) in csvField(text, delimiter: delimiter) }
        for (i, name) in table.names.enumerated() {
            if i > 0 { out.append(delimiter) }
            out.append(field(name))
        }
        out.append(asciiLF)
        let cells = CellWriters(table, CellStyle(strings: field, null: "", jsonText: false))
        cells.writeRows(table.rowCount, into: &out,
                        beforeRow: { _, _ in },
                        beforeCell: { i, out in if i > 0 { out.append(delimiter) } },
                        afterCell: { _ in },
                        afterRow: { $0.append(asciiLF) })
        return out.finish()
    }

    /// `lines`: NDJSON, one object per line.
    public static func json(_ table: Table, lines: Bool = false) -> [UInt8] {
        var out = ByteWriter()
        // The `"name":` prefixes, in one array so rows copy slices without reference counting.
        var keys: [UInt8] = []
        var keyStarts = [0]
        for name in table.names {
            keys += jsonString(name) + [UInt8(ascii: ":")]
            keyStarts.append(keys.count)
        }
        let cells = CellWriters(table, CellStyle(strings: jsonString, null: "null", jsonText: true))
        if !lines { out.append(UInt8(ascii: "[")) }
        cells.writeRows(table.rowCount, into: &out,
                        beforeRow: { row, out in out.append(lines ? "{" : row == 0 ? "\n{" : ",\n{") },
                        beforeCell: { i, out in
                            if i > 0 { out.append(UInt8(ascii: ",")) }
                            keys.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[keyStarts[i]..<keyStarts[i &+ 1]])) }
                        },
                        afterCell: { _ in },
                        afterRow: { $0.append(lines ? "}\n" : "}") })
        if !lines { out.append("\n]\n") }
        return out.finish()
    }

    /// A GitHub-flavoured Markdown table; numbers are right-aligned, `|` is escaped and line
    /// breaks become `<br>`.
    public static func markdown(_ table: Table) -> [UInt8] {
        var out = ByteWriter()
        out.append(UInt8(ascii: "|"))
        for name in table.names {
            out.append(asciiSpace)
            out.append(markdownText(name))
            out.append(" |")
        }
        out.append(asciiLF)
        out.append(UInt8(ascii: "|"))
        for column in table.columns { out.append(column.type == .int || column.type == .float ? " ---: |" : " --- |") }
        out.append(asciiLF)
        let cells = CellWriters(table, CellStyle(strings: markdownText, null: "", jsonText: false))
        cells.writeRows(table.rowCount, into: &out,
                        beforeRow: { _, out in out.append(UInt8(ascii: "|")) },
                        beforeCell: { _, out in out.append(asciiSpace) },
                        afterCell: { $0.append(" |") },
                        afterRow: { $0.append(asciiLF) })
        return out.finish()
    }

    /// One CSV field: quoted when the reader would otherwise read something else.
    static func csvField(_ text: String, delimiter: UInt8) -> [UInt8] {
        let bytes = Array(text.utf8)
        let needsQuotes = bytes.isEmpty || bytes.first == asciiSpace || bytes.last == asciiSpace
            // A leading byte-order mark would be skipped by readers at the start of the file.
            || bytes.starts(with: [0xEF, 0xBB, 0xBF])
            || bytes.contains { $0 == delimiter || $0 == asciiQuote || $0 == asciiLF || $0 == asciiCR }
            || CSVOptions.defaultNulls.contains { Array($0.utf8) == bytes }
        guard needsQuotes else { return bytes }
        var quoted: [UInt8] = [asciiQuote]
        for b in bytes {
            if b == asciiQuote { quoted.append(asciiQuote) }
            quoted.append(b)
        }
        quoted.append(asciiQuote)
        return quoted
    }

    /// `text` as a quoted JSON string.
    package static func jsonString(_ text: String) -> [UInt8] {
        var out: [UInt8] = [asciiQuote]
        let hex = Array("0123456789abcdef".utf8)
        for b in text.utf8 {
            switch b {
            case asciiQuote: out += [UInt8(ascii: "\\"), asciiQuote]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case asciiLF: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case asciiCR: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(asciiQuote)
        return out
    }

    static func markdownText(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "|"): out += [UInt8(ascii: "\\"), UInt8(ascii: "|")]
            case asciiLF: out += Array("<br>".utf8)
            case asciiCR: break
            default: out.append(b)
            }
        }
        return out
    }
}

/// An append-only byte buffer for the writers, without reference counting per append.
struct ByteWriter {
    private var buffer = GrowableBuffer<UInt8>()

    init() { buffer.reserve(1 << 16) }

    /// The bytes written; the writer is empty afterwards.
    mutating func finish() -> [UInt8] {
        let bytes = Array(buffer.buffer)
        buffer.release()
        return bytes
    }

    @inline(__always) mutating func append(_ b: UInt8) { buffer.append(b) }
    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { buffer.append(contentsOf: bytes) }
    mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { buffer.append(contentsOf: $0) } }
    mutating func append(_ text: StaticString) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(int value: Int64) {
        var magnitude = value.magnitude
        if value < 0 { buffer.append(asciiMinus) }
        // Digits are produced last first into a 20-byte scratch (UInt64.max has 20 digits).
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { scratch in
            var i = 24
            repeat {
                i &-= 1
                scratch[i] = asciiZero &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: scratch.bindMemory(to: UInt8.self)[i...]))
        }
    }

    mutating func append(double value: Double) {
        var text = formatDouble(value)
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    /// Two digits, zero-padded.
    @inline(__always) mutating func append(twoDigits value: Int) {
        buffer.append(asciiZero &+ UInt8(truncatingIfNeeded: value / 10))
        buffer.append(asciiZero &+ UInt8(truncatingIfNeeded: value % 10))
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
        buffer.append(asciiMinus)
        append(twoDigits: c.month)
        buffer.append(asciiMinus)
        append(twoDigits: c.day)
    }

    /// ISO 8601 UTC, the same text as `formatTimestamp`, without building Strings per value.
    mutating func append(timestamp us: Int64) {
        let days = daysOf(timestamp: us)
        let inDay = us &- Int64(days) &* microsPerDay
        let seconds = Int(inDay / microsPerSecond)
        var fraction = Int(inDay % microsPerSecond)
        append(date: days)
        buffer.append(UInt8(ascii: "T"))
        append(twoDigits: seconds / 3600)
        buffer.append(UInt8(ascii: ":"))
        append(twoDigits: seconds / 60 % 60)
        buffer.append(UInt8(ascii: ":"))
        append(twoDigits: seconds % 60)
        if fraction != 0 {
            buffer.append(asciiDot)
            var digits = 6
            while fraction % 10 == 0 {
                fraction /= 10
                digits &-= 1
            }
            var scale = 1
            for _ in 1..<digits { scale &*= 10 }
            while scale > 0 {
                buffer.append(asciiZero &+ UInt8(truncatingIfNeeded: fraction / scale % 10))
                scale /= 10
            }
        }
        buffer.append(UInt8(ascii: "Z"))
    }
}

/// How a format spells cells: string encoding (quoting/escaping), null, and whether dates,
/// timestamps and non-finite floats are JSON (quoted text; null).
private struct CellStyle {
    let strings: (String) -> [UInt8]
    let null: StaticString
    let jsonText: Bool
}

/// Writes one column's cells. A class per type keeps the typed array at hand, so writing a
/// cell neither switches on the column's enum nor copies its payload.
private class CellWriter {
    /// The validity words (bit set = value present); empty when the column has no nulls.
    let validWords: [UInt64]
    let null: StaticString

    init(_ column: Column, _ style: CellStyle) {
        validWords = column.validity?.words ?? []
        null = style.null
    }

    @inline(__always) final func write(_ row: Int, into out: inout ByteWriter) {
        if !validWords.isEmpty, validWords[row >> 6] & (1 << UInt64(row & 63)) == 0 {
            out.append(null)
        } else {
            writeValue(row, into: &out)
        }
    }

    func writeValue(_ row: Int, into out: inout ByteWriter) {}
}

/// The writers of a table's columns. Rows loop over them millions of times, so they are held
/// unmanaged (no reference counting per cell); `keepAlive` owns them meanwhile.
private struct CellWriters {
    private let keepAlive: [CellWriter]
    private let writers: [Unmanaged<CellWriter>]

    init(_ table: Table, _ style: CellStyle) {
        keepAlive = table.columns.map { column -> CellWriter in
            switch column.data {
            case .int(let v): IntCells(column, style, v)
            case .float(let v): FloatCells(column, style, v)
            case .bool(let v): BoolCells(column, style, v)
            case .string(let codes, let dictionary): StringCells(column, style, codes, dictionary)
            case .timestamp(let v): TimestampCells(column, style, v)
            case .date(let v): DateCells(column, style, v)
            }
        }
        writers = keepAlive.map { Unmanaged.passUnretained($0) }
    }

    var count: Int { writers.count }

    @inline(__always) func write(_ column: Int, _ row: Int, into out: inout ByteWriter) {
        writers[column]._withUnsafeGuaranteedRef { $0.write(row, into: &out) }
    }

    /// Every row's cells with a format's punctuation around them (row number or column index
    /// passed where it matters). Inlined with its closures, so each writer compiles to its own loop.
    @inline(__always) func writeRows(
        _ rowCount: Int, into out: inout ByteWriter,
        beforeRow: (Int, inout ByteWriter) -> Void, beforeCell: (Int, inout ByteWriter) -> Void,
        afterCell: (inout ByteWriter) -> Void, afterRow: (inout ByteWriter) -> Void
    ) {
        for row in 0..<rowCount {
            beforeRow(row, &out)
            for i in 0..<writers.count {
                beforeCell(i, &out)
                write(i, row, into: &out)
                afterCell(&out)
            }
            afterRow(&out)
        }
    }
}

private final class IntCells: CellWriter {
    let values: [Int64]
    init(_ column: Column, _ style: CellStyle, _ values: [Int64]) {
        self.values = values
        super.init(column, style)
    }
    override func writeValue(_ row: Int, into out: inout ByteWriter) { out.append(int: values[row]) }
}

private final class FloatCells: CellWriter {
    let values: [Double]
    let nonFiniteAsNull: Bool
    init(_ column: Column, _ style: CellStyle, _ values: [Double]) {
        self.values = values
        nonFiniteAsNull = style.jsonText
        super.init(column, style)
    }
    override func writeValue(_ row: Int, into out: inout ByteWriter) {
        let x = values[row]
        if nonFiniteAsNull, !x.isFinite { out.append(null) } else { out.append(double: x) }
    }
}

private final class BoolCells: CellWriter {
    let values: [Bool]
    init(_ column: Column, _ style: CellStyle, _ values: [Bool]) {
        self.values = values
        super.init(column, style)
    }
    override func writeValue(_ row: Int, into out: inout ByteWriter) { out.append(values[row] ? "true" : "false") }
}

/// Each distinct string is encoded once, into one arena.
private final class StringCells: CellWriter {
    let codes: [Int32]
    let arena: [UInt8]
    let starts: [Int]
    init(_ column: Column, _ style: CellStyle, _ codes: [Int32], _ dictionary: StringDictionary) {
        self.codes = codes
        var arena: [UInt8] = []
        var starts: [Int] = []
        for value in dictionary.values {
            starts.append(arena.count)
            arena += style.strings(value)
        }
        starts.append(arena.count)
        self.arena = arena
        self.starts = starts
        super.init(column, style)
    }
    override func writeValue(_ row: Int, into out: inout ByteWriter) {
        let code = Int(codes[row])
        let start = starts[code], end = starts[code &+ 1]
        arena.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }
}

private final class TimestampCells: CellWriter {
    let values: [Int64]
    let quoted: Bool
    init(_ column: Column, _ style: CellStyle, _ values: [Int64]) {
        self.values = values
        quoted = style.jsonText
        super.init(column, style)
    }
    override func writeValue(_ row: Int, into out: inout ByteWriter) {
        if quoted { out.append(asciiQuote) }
        out.append(timestamp: values[row])
        if quoted { out.append(asciiQuote) }
    }
}

private final class DateCells: CellWriter {
    let values: [Int32]
    let quoted: Bool
    init(_ column: Column, _ style: CellStyle, _ values: [Int32]) {
        self.values = values
        quoted = style.jsonText
        super.init(column, style)
    }
    override func writeValue(_ row: Int, into out: inout ByteWriter) {
        if quoted { out.append(asciiQuote) }
        out.append(date: Int(values[row]))
        if quoted { out.append(asciiQuote) }
    }
}
