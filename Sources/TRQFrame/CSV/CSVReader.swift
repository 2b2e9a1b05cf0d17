import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads CSV/TSV files into tables.
///
/// - Quoting: RFC 4180 (`"a,b"`, `""` for a quote, line breaks inside quotes), plus pandas'
///   leniency for stray quotes (see `CSVScanner`). Line breaks may be LF, CRLF or CR, mixed.
///   A UTF-8 byte-order mark is skipped. Blank lines are skipped, except in a one-column file,
///   where they are null values.
/// - Header: column names come from the first row; empty names become `columnN` (N = 1-based
///   position) and repeated ones get `_2`, `_3`, ... (`id, id` -> `id, id_2`), with a warning
///   naming them (see `uniqueNames`). Without a header the columns are `column1` ... `columnN`.
/// - Types are inferred from every row: int, then float (also integers beyond Int64, `nan`,
///   `inf`, `-inf`, `Infinity`), bool (`true`/`false`, any case), date (`2024-03-14`),
///   timestamp (ISO 8601, converted to UTC), else string. Mixed ints and floats are float,
///   dates and timestamps are timestamp; any other mix is string. Spaces around a number,
///   bool or date are allowed. A column with no values is a string column.
/// - Nulls: unquoted fields equal to one of `options.nulls`. A quoted field is text, so `""` is
///   the empty string in a string column (and null in any other column), as in DuckDB; this is
///   what lets `TableWriter.csv` output read back with nulls and empty strings intact.
/// - An empty file is a table without columns; a header alone gives string columns, no rows.
/// - Strings are dictionary-encoded. A file is parsed in chunks on all cores.
public enum CSVReader {
    /// Reads one file. `path` is not a glob; see `load` for that.
    ///
    /// `columns`: the columns to read (nil: all), kept in the file's order; names the file lacks
    /// are left out. The other columns' fields are stepped over without being parsed, interned
    /// or typed. An empty set reads the first column, which carries the row count.
    public static func read(path: String, options: CSVOptions = CSVOptions(), columns: Set<String>? = nil) throws(CSVError) -> Table {
        try read(path: path, options: options, chunks: nil, columns: columns)
    }

    /// Reads CSV text held in memory; `name` is used in errors and as the delimiter hint.
    public static func read(bytes: UnsafeRawBufferPointer, name: String, options: CSVOptions = CSVOptions(),
                            columns: Set<String>? = nil) throws(CSVError) -> Table {
        if let limit = options.memoryLimit {
            try checkMemory(bytes, name: name, options: options, limit: limit, alreadyUsed: 0)
        }
        return try parse(bytes, name: name, options: options, chunks: nil, columns: columns, fileMapping: false)
    }

    public static func read(bytes: [UInt8], name: String, options: CSVOptions = CSVOptions(),
                            columns: Set<String>? = nil) throws(CSVError) -> Table {
        var result: Result<Table, CSVError>!
        bytes.withUnsafeBytes { raw in
            result = Result { () throws(CSVError) -> Table in try read(bytes: raw, name: name, options: options, columns: columns) }
        }
        return try result.get()
    }

    /// The column names of a file's bytes, reading only its first row.
    static func columnNames(_ bytes: UnsafeRawBufferPointer, name path: String, options: CSVOptions) throws(CSVError) -> [String] {
        let whole = bytes.count
        // The first row is almost always in the first megabyte; a longer one is read whole.
        var prefix = min(whole, 1 << 20)
        while true {
            let text = DecodedText(UnsafeRawBufferPointer(rebasing: bytes[..<prefix]), encoding: options.encoding)
            defer { text.release() }
            guard text.start < text.end else { return [] }
            let delimiter = options.delimiter ?? DelimiterSniffer.sniff(text.base, start: text.start, end: text.end, name: path)
            let scanner = CSVScanner(base: text.base, end: text.end, delimiter: delimiter)
            let context = ErrorContext(name: path, scanner: scanner, options: options)
            if prefix == whole { return try readHeader(scanner, start: text.start, options: options, context: context).names }
            if let header = try? readHeader(scanner, start: text.start, options: options, context: context), header.dataStart < text.end {
                return header.names
            }
            prefix = whole
        }
    }

    /// `chunks`: how many pieces to parse in parallel; nil picks one per core for large inputs.
    static func read(path: String, options: CSVOptions, chunks: Int?, columns: Set<String>? = nil) throws(CSVError) -> Table {
        let input = try InputBuffer(path: path)
        if let limit = options.memoryLimit {
            try checkMemory(input.bytes, name: path, options: options, limit: limit, alreadyUsed: 0)
        }
        return try parse(input.bytes, name: path, options: options, chunks: chunks, columns: columns, fileMapping: input.isMapped)
    }

    /// Estimates the memory a load needs from the file size and the first rows, and throws if
    /// it is above `limit`. Returns `alreadyUsed` plus the estimate.
    @discardableResult
    static func checkMemory(_ bytes: UnsafeRawBufferPointer, name: String, options: CSVOptions, limit: Int,
                            alreadyUsed: Int) throws(CSVError) -> Int {
        let need = alreadyUsed &+ estimateMemory(bytes, name: name, options: options)
        guard need > limit else { return need }
        throw CSVError(file: name, message: "loading needs about \(formatBytes(need)), more than the memory limit of \(formatBytes(limit))",
                       hint: "raise it with `trq --memory-limit SIZE`, or split the file and load the parts you need")
    }

    /// About 8 bytes per value (typed values while parsing, then the final columns, built one
    /// at a time), plus one column of slack, plus the UTF-8 copy of a Latin-1 file. The rows are
    /// estimated from the first rows' length. A mapped file's pages are not counted: they are
    /// released as they are parsed.
    static func estimateMemory(_ bytes: UnsafeRawBufferPointer, name: String, options: CSVOptions) -> Int {
        guard let raw = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let end = bytes.count
        let delimiter = options.delimiter ?? DelimiterSniffer.sniff(base, start: 0, end: end, name: name)
        let scanner = CSVScanner(base: base, end: end, delimiter: delimiter)
        let sampleEnd = min(end, 1 << 20)
        var rows = 0
        var p = 0
        while p < sampleEnd, rows < 1000 {
            p = scanner.nextRowStart(from: p)
            rows &+= 1
        }
        let columns = scanner.fieldCount(rowAt: 0)
        let bytesPerRow = max(1, p / max(rows, 1))
        let estimatedRows = end / bytesPerRow &+ 1
        let latin1Copy = options.encoding == .latin1 ? end &* 2 : 0
        return latin1Copy &+ estimatedRows &* (columns &+ 1) &* 8
    }

    static func formatBytes(_ n: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(n) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
    }

    /// `columns`: see `read(path:options:columns:)`. `fileMapping`: `bytes` is a private
    /// read-only mapping of a file (see `ChunkParser`).
    static func parse(_ bytes: UnsafeRawBufferPointer, name: String, options: CSVOptions, chunks: Int?,
                      columns: Set<String>? = nil, fileMapping: Bool = false) throws(CSVError) -> Table {
        let text = DecodedText(bytes, encoding: options.encoding)
        defer { text.release() }
        let (base, start, end, transcoded) = (text.base, text.start, text.end, text.transcoded)
        guard start < end else { return Table() }
        if base[start] == UInt8(ascii: "[") || base[start] == UInt8(ascii: "{"),
           JSONSniffer.isJSON(base, start: start, end: end) {
            throw CSVError(file: name, message: "this file is JSON, not CSV",
                           hint: "give it a .json name, or load it with `with format = \"json\"`")
        }

        let delimiter = options.delimiter ?? DelimiterSniffer.sniff(base, start: start, end: end, name: name)
        let scanner = CSVScanner(base: base, end: end, delimiter: delimiter)
        let context = ErrorContext(name: name, scanner: scanner, options: options)
        let (names, dataStart) = try readHeader(scanner, start: start, options: options, context: context)
        context.names = names
        var forcedTypes = [DataType?](repeating: nil, count: names.count)
        let positions = options.types.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for (column, type) in options.types {
            guard let i = positions[column] else {
                throw CSVError(file: name, message: "`types` names column '\(column)', which the file does not have",
                               hint: "the columns are: \(names.joined(separator: ", "))")
            }
            forcedTypes[i] = type
        }
        let kept = names.indices.filter { columns?.contains(names[$0]) ?? true }
        let read = kept.isEmpty ? [0] : kept
        // For each column, how many unread columns start there (0: it is read).
        let skipped: UnsafeMutableBufferPointer<Int>? = read.count == names.count ? nil : .allocate(capacity: names.count)
        defer { skipped?.deallocate() }
        if let skipped {
            skipped.initialize(repeating: 1)
            for c in read { skipped[c] = 0 }
            for c in stride(from: names.count &- 2, through: 0, by: -1) where skipped[c] != 0 {
                skipped[c] = skipped[c &+ 1] &+ 1
            }
        }
        let skips = skipped.map { UnsafePointer($0.baseAddress!) }

        let boundaries = chunkStarts(scanner, from: dataStart, count: chunks, rowBytes: dataStart &- start)
        let parsers = UnsafeMutableBufferPointer<ChunkParser>.allocate(capacity: boundaries.count)
        let nulls = NullTokens(options.nulls)
        defer { nulls.release() }
        let validates = options.encoding == .utf8
        let releasesPages = fileMapping && transcoded == nil
        for (i, chunkStart) in boundaries.enumerated() {
            let limit = i &+ 1 < boundaries.count ? boundaries[i &+ 1] : end
            (parsers.baseAddress! + i).initialize(to: ChunkParser(
                scanner: scanner, columnCount: names.count, skipped: skips, forcedTypes: forcedTypes, nulls: nulls,
                validatesUTF8: validates, start: chunkStart, limit: limit, releasesParsedPages: releasesPages))
        }
        let box = UncheckedSendable(parsers)
        if parsers.count == 1 {
            parsers[0].run()
        } else {
            parallelFor(parsers.count) { box.value[$0].run() }
        }
        // Stitch the chunks: a chunk counts only if the previous one stopped exactly at its
        // start; otherwise its guessed start was inside a quoted field and that stretch is
        // parsed again from where the previous chunk really stopped.
        var accepted: [ChunkParser] = []
        defer {
            for i in accepted.indices { accepted[i].release() }
        }
        var position = dataStart
        var i = 0
        while i < parsers.count {
            var chunk: ChunkParser
            if parsers[i].start == position {
                chunk = parsers[i]
                i &+= 1
            } else {
                parsers[i].release()
                var next = i &+ 1
                while next < parsers.count, parsers[next].start < position {
                    parsers[next].release()
                    next &+= 1
                }
                if next < parsers.count, parsers[next].start == position {
                    i = next
                    continue
                }
                chunk = ChunkParser(
                    scanner: scanner, columnCount: names.count, skipped: skips, forcedTypes: forcedTypes, nulls: nulls,
                    validatesUTF8: validates, start: position, limit: next < parsers.count ? parsers[next].start : end,
                    releasesParsedPages: releasesPages)
                chunk.run()
                i = next
            }
            accepted.append(chunk)
            if let failure = chunk.failure {
                while i < parsers.count {
                    parsers[i].release()
                    i &+= 1
                }
                parsers.deallocate()
                throw context.error(failure)
            }
            position = chunk.stop
        }
        parsers.deallocate()
        let merged = try merge(accepted, columns: read, context: context)
        do {
            return try Table(names: read.map { names[$0] }, columns: merged)
        } catch {
            throw CSVError(file: name, message: error.message)
        }
    }

    /// Row starts that split the data into about equal chunks, by default one per core, each of
    /// at least 1 MB. Each is the position after a line break; whether it is really a row start
    /// (not inside a quoted field) is checked after parsing.
    /// One chunk a core, not more: every chunk keeps its own dictionary of each string column, so
    /// a column of millions of distinct ids is held once per chunk until the merge (two chunks a
    /// core cost 10-15% more memory and CPU on a 2M-id file). Each chunk also has at least about
    /// 1,000 rows (a row taken to be as long as the header): every chunk has a builder per column,
    /// so a wide file of few rows split finely would spend its time making and merging builders.
    private static func chunkStarts(_ scanner: CSVScanner, from dataStart: Int, count requested: Int?, rowBytes: Int) -> [Int] {
        let size = scanner.end &- dataStart
        let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let byRows = size / max(1, rowBytes &* 1000)
        let count = max(1, min(requested ?? min(cores, size / (1 << 20), byRows), max(size, 1)))
        var starts = [dataStart]
        for k in 1..<max(count, 1) {
            let guess = scanner.nextRowStart(from: dataStart &+ size / count &* k)
            if guess > starts[starts.count &- 1], guess < scanner.end { starts.append(guess) }
        }
        return starts
    }

    /// Parses the first row: the column names with a header, else just the column count.
    private static func readHeader(_ scanner: CSVScanner, start: Int, options: CSVOptions,
                                   context: ErrorContext) throws(CSVError) -> (names: [String], dataStart: Int) {
        var p = start
        var fields: [String] = []
        var text = GrowableBuffer<UInt8>()
        defer { text.release() }
        while true {
            let fieldStart = p
            guard let field = scanner.scanField(&p) else {
                throw context.error(.unterminatedQuote(offset: fieldStart, column: fields.count))
            }
            if options.header {
                var bytes = UnsafeBufferPointer(start: scanner.base + field.start, count: field.end &- field.start)
                if field.needsUnescape {
                    scanner.unescape(field, into: &text)
                    bytes = text.buffer
                }
                if options.encoding == .utf8, let b = bytes.baseAddress, let bad = firstInvalidUTF8(b, bytes.count) {
                    let offset = field.needsUnescape ? field.rawStart : field.start &+ bad
                    throw context.error(.invalidUTF8(offset: offset, column: fields.count, byte: bytes[bad]))
                }
                fields.append(String(decoding: bytes, as: UTF8.self))
            } else {
                fields.append("")
            }
            guard p < scanner.end, scanner.base[p] == scanner.delimiter else { break }
            p &+= 1
        }
        let dataStart = options.header ? (p < scanner.end ? scanner.afterLineBreak(p) : p) : start
        let (names, renamed) = uniqueNames(fields)
        if !renamed.isEmpty { options.warnings?.add(renamingWarning(renamed, file: context.name)) }
        return (names, dataStart)
    }

    /// Empty names become `columnN`. A repeated name gets `_2`, `_3`, ... (`id, id, id` ->
    /// `id, id_2, id_3`), skipping names the header itself has (`id, id, id_2` -> `id, id_3,
    /// id_2`). Linear in the number of fields: each name's next suffix is remembered.
    ///
    /// A generated name never equals another name: candidates skip every header name, and a
    /// `base_k` (k digits after the last underscore) or `columnN` (N the position) is made once.
    /// So a header name is taken exactly when it appeared before, and one pass over the header's
    /// codes (one hash per field; headers can have a million fields) finds the repeats.
    static func uniqueNames(_ fields: [String]) -> (names: [String], renamed: [(from: String, to: String)]) {
        let header = KeyInterner()
        let codes = fields.map { header.insert($0).id }
        if header.count == fields.count, header.find("") < 0 { return (fields, []) }
        // By header code: whether the name has appeared, and the next suffix to try for it.
        var seen = [Bool](repeating: false, count: header.count)
        var nextSuffix = [Int](repeating: 2, count: header.count)
        var names: [String] = []
        names.reserveCapacity(fields.count)
        var renamed: [(from: String, to: String)] = []
        for (i, field) in fields.enumerated() {
            var base = field
            var code = Int(codes[i])
            if field.isEmpty {
                base = "column\(i &+ 1)"
                // A generated `columnN` gives way to a header name `columnN`, wherever that stands.
                code = Int(header.find(base))
                if code < 0 {
                    names.append(base)
                    continue
                }
            } else if !seen[code] {
                seen[code] = true
                names.append(field)
                continue
            }
            var k = nextSuffix[code]
            while header.find("\(base)_\(k)") >= 0 { k &+= 1 }
            nextSuffix[code] = k &+ 1
            let name = "\(base)_\(k)"
            if !field.isEmpty { renamed.append((field, name)) }
            names.append(name)
        }
        return (names, renamed)
    }

    /// `file: repeated column names renamed: id -> id_2, ...`, the first ten of them.
    static func renamingWarning(_ renamed: [(from: String, to: String)], file: String) -> String {
        let shown = renamed.prefix(10).map { "\($0.from) -> \($0.to)" }.joined(separator: ", ")
        let more = renamed.count > 10 ? " and \(renamed.count &- 10) more" : ""
        return "\(file): repeated column names renamed: \(shown)\(more)"
    }

    /// Joins each of `columns`' chunks into one typed column; columns are done in parallel, and
    /// each chunk's storage for a column is freed as soon as it is copied (see `BuilderMerge`).
    /// String columns go first: merging one frees all but one of its chunk dictionaries, while
    /// merging an int column held in 32 bits doubles it, so this order lowers the memory peak.
    private static func merge(_ chunks: [ChunkParser], columns: [Int], context: ErrorContext) throws(CSVError) -> [Column] {
        let columnCount = columns.count
        let results = UnsafeMutableBufferPointer<Result<Column, ErrorWrapper>?>.allocate(capacity: columnCount)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        // A staged column is merged on all cores by itself (see `StagedStrings`), before the others.
        let isStaged = columns.map { c in chunks.contains { $0.builders[c].staged != nil } }
        let isString = columns.map { c in chunks.contains { $0.builders[c].kind == .string } }
        let stringsFirst = columns.indices.filter { isString[$0] && !isStaged[$0] } + columns.indices.filter { !isString[$0] }
        let box = UncheckedSendable((results, chunks))
        let merge: @Sendable (Int) -> Void = { c in
            box.value.0[c] = Result { () throws(ErrorWrapper) -> Column in try mergeColumn(columns[c], box.value.1) }
        }
        for c in columns.indices where isStaged[c] { merge(c) }
        if stringsFirst.count > 1, chunks.reduce(0, { $0 &+ $1.rowCount }) > 100_000 {
            parallelFor(stringsFirst.count) { merge(stringsFirst[$0]) }
        } else {
            for c in stringsFirst { merge(c) }
        }
        var columns: [Column] = []
        for result in results {
            switch result! {
            case .success(let column): columns.append(column)
            case .failure(let wrapped): throw context.error(wrapped.failure)
            }
        }
        return columns
    }

    private struct ErrorWrapper: Error { let failure: ParseFailure }

    private static func mergeColumn(_ c: Int, _ chunks: [ChunkParser]) throws(ErrorWrapper) -> Column {
        var kind = ValueKind.unknown
        for chunk in chunks { kind = kind.joined(with: chunk.builders[c].kind) }
        if kind == .unknown { kind = .string }
        if kind == .string {
            for chunk in chunks where chunk.builders[c].kind != .string {
                if let failure = chunk.becomeString(c) { throw ErrorWrapper(failure: failure) }
            }
        }
        let parts = chunks.map { $0.builders.baseAddress! + c }
        return BuilderMerge.column(parts, kind: kind)
    }
}

/// Turns parse failures (byte offsets) into located, explained errors.
final class ErrorContext {
    let name: String
    let scanner: CSVScanner
    let options: CSVOptions
    var names: [String] = []

    init(name: String, scanner: CSVScanner, options: CSVOptions) {
        self.name = name
        self.scanner = scanner
        self.options = options
    }

    private func columnName(_ c: Int) -> String {
        c < names.count ? "column '\(names[c])'" : "column \(c &+ 1)"
    }

    private var delimiterName: String {
        switch scanner.delimiter {
        case UInt8(ascii: "\t"): "\\t"
        default: String(decoding: [scanner.delimiter], as: UTF8.self)
        }
    }

    func error(_ failure: ParseFailure) -> CSVError {
        switch failure {
        case .unterminatedQuote(let offset, let column):
            return CSVError(file: name, line: scanner.lineNumber(at: offset), column: column &+ 1,
                            message: "quoted field is never closed (its opening quote is here)",
                            hint: "a quote inside a quoted field is written twice (\"\"); otherwise remove the stray quote")
        case .fieldCount(let rowStart, let found):
            let expected = names.count
            let reference = options.header ? "the header" : "the first row"
            var hint = "the file was read with delimiter '\(delimiterName)'"
            if options.delimiter == nil { hint += " (detected)" }
            hint += found > expected
                ? "; set `with delimiter = ...` if that is wrong, or quote fields that contain '\(delimiterName)'"
                : "; set `with delimiter = ...` if that is wrong; a row may be cut short or a quoted field broken"
            return CSVError(file: name, line: scanner.lineNumber(at: rowStart),
                            message: "row has \(found) field\(found == 1 ? "" : "s"), expected \(expected) like \(reference)",
                            hint: hint)
        case .invalidUTF8(let offset, let column, let byte):
            let hex = String(byte, radix: 16, uppercase: true)
            return CSVError(file: name, line: scanner.lineNumber(at: offset), column: column &+ 1,
                            message: "invalid UTF-8 byte 0x\(hex.count < 2 ? "0" + hex : hex) in \(columnName(column))",
                            hint: "add `with encoding = \"latin1\"` if the file is Latin-1")
        case .cancelled:
            return CSVError.cancelled(file: name)
        case .typeMismatch(let offset, let column, let value, let type):
            var text = String(decoding: value, as: UTF8.self)
            if text.count > 40 { text = String(text.prefix(40)) + "..." }
            return CSVError(file: name, line: scanner.lineNumber(at: offset), column: column &+ 1,
                            message: "value \"\(text)\" in \(columnName(column)) is not \(type == .int ? "an" : "a") \(type.rawValue)",
                            hint: "`types` makes this column \(type.rawValue); fix the value or choose another type")
        }
    }
}


/// A file's bytes as UTF-8 text: after a byte-order mark and leading blank lines, Latin-1
/// transcoded (into memory `release` frees).
struct DecodedText {
    var base: UnsafePointer<UInt8>
    var start = 0
    var end: Int
    var transcoded: UnsafeMutablePointer<UInt8>?

    init(_ bytes: UnsafeRawBufferPointer, encoding: CSVEncoding) {
        guard let raw = bytes.baseAddress, !bytes.isEmpty else {
            base = UnsafePointer(bitPattern: 1)!
            end = 0
            return
        }
        base = raw.assumingMemoryBound(to: UInt8.self)
        end = bytes.count
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        if encoding == .latin1, let (utf8, count) = transcodeLatin1(base + start, end &- start) {
            transcoded = utf8
            base = UnsafePointer(utf8)
            end = count
            start = 0
        }
        while start < end, base[start] == asciiLF || base[start] == asciiCR { start &+= 1 }
    }

    func release() { transcoded?.deallocate() }
}
