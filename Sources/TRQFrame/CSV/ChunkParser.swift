import CFrameKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a chunk stopped; offsets are into the scanned buffer and become lines in `CSVError`.
enum ParseFailure: Sendable {
    case unterminatedQuote(offset: Int, column: Int)
    case fieldCount(rowStart: Int, found: Int)
    case invalidUTF8(offset: Int, column: Int, byte: UInt8)
    case typeMismatch(offset: Int, column: Int, value: [UInt8], type: DataType)
    case cancelled
}

/// Parses the rows that start in `start..<limit` (the last one may run past `limit`) into one
/// `ColumnBuilder` per column. Chunks of one file run on separate threads; `stop` (where the
/// next row starts) lets the reader check that a chunk's guessed start was a real row start.
struct ChunkParser {
    let scanner: CSVScanner
    let columnCount: Int
    let nulls: NullTokens
    let start: Int
    let limit: Int
    let builders: UnsafeMutableBufferPointer<ColumnBuilder>
    /// `skipped[c]`: how many columns from c on were not asked for (0: c is read). Their fields
    /// are stepped over, not parsed (nor checked as UTF-8). nil when every column is read.
    let skipped: UnsafePointer<Int>?
    private let avx2 = trq_cpu_has_avx2()
    /// Set when the buffer is a read-only file mapping: pages already parsed are then handed
    /// back to the kernel, so a large file does not stay in this process's memory (they are
    /// read again from the page cache if an error message or a type change needs them).
    let releasesParsedPages: Bool
    private var scratch = GrowableBuffer<UInt8>()
    private(set) var rowCount = 0
    private(set) var stop: Int
    private(set) var failure: ParseFailure?
    /// Captured where the parser is made: its worker thread has no binding of its own.
    private let cancel = CancellationToken.current

    init(scanner: CSVScanner, columnCount: Int, skipped: UnsafePointer<Int>?, forcedTypes: [DataType?], nulls: NullTokens,
         validatesUTF8: Bool, start: Int, limit: Int, releasesParsedPages: Bool) {
        self.scanner = scanner
        self.skipped = skipped
        self.releasesParsedPages = releasesParsedPages
        self.columnCount = columnCount
        self.nulls = nulls
        self.start = start
        self.limit = limit
        stop = start
        builders = .allocate(capacity: columnCount)
        for c in 0..<columnCount {
            (builders.baseAddress! + c).initialize(to: ColumnBuilder(forced: forcedTypes[c], validatesUTF8: validatesUTF8, stagesStrings: true))
        }
    }

    mutating func release() {
        for c in 0..<columnCount { builders[c].release() }
        builders.deinitialize()
        builders.deallocate()
        scratch.release()
    }

    mutating func run() {
        parseRows()
        // A batched string found invalid was read before anything that stopped the parse.
        var firstInvalid: (column: Int, value: PendingString)?
        for c in 0..<columnCount {
            builders[c].flushPending()
            if let value = builders[c].invalidValue, value.bytes < firstInvalid?.value.bytes ?? scanner.base + scanner.end {
                firstInvalid = (c, value)
            }
        }
        if case .cancelled? = failure { return }
        if let (column, value) = firstInvalid {
            let index = firstInvalidUTF8(value.bytes, value.count) ?? 0
            failure = .invalidUTF8(offset: (value.bytes - scanner.base) &+ index, column: column, byte: value.bytes[index])
        }
    }

    private mutating func parseRows() {
        // Ctrl-C during an earlier step of the load (or an earlier file of a glob): parse nothing.
        if cancel?.isCancelled == true {
            failure = .cancelled
            return
        }
        // Locals, so the per-field calls below take a few words, not a copy of `self`.
        let scanner = self.scanner
        let nulls = self.nulls
        let base = scanner.base
        let end = scanner.end
        let delimiter = scanner.delimiter
        let first = builders.baseAddress!
        let skipped = self.skipped
        var p = start
        var checkpoint = start
        while p < limit {
            // Every 2 MB: give parsed pages back (they count in the process's memory until then),
            // and stop if the user pressed Ctrl-C.
            if p &- checkpoint >= 2 << 20 {
                if releasesParsedPages { releasePages(from: checkpoint, to: p) }
                checkpoint = p
                if cancel?.isCancelled == true {
                    failure = .cancelled
                    stop = p
                    return
                }
            }
            let b0 = base[p]
            // Blank lines separate nothing in a multi-column file (pandas skips them); in a
            // one-column file they are null values.
            if columnCount > 1, b0 == asciiLF || b0 == asciiCR {
                p = scanner.afterLineBreak(p)
                continue
            }
            let rowStart = p
            var column = 0
            while true {
                if let skipped, skipped[column] != 0 {
                    // The unread run of fields at once; a quoted one among them stops the step
                    // at its start and is scanned here.
                    var crossed: Int64 = 0
                    p = Int(trq_skip_fields(base, Int64(p), Int64(end), delimiter, Int64(skipped[column]), avx2, &crossed))
                    column &+= Int(crossed)
                    if p < end, base[p] == asciiQuote {
                        let fieldStart = p
                        guard scanner.scanField(&p) != nil else {
                            failure = .unterminatedQuote(offset: fieldStart, column: column)
                            stop = p
                            return
                        }
                    }
                } else if !ChunkParser.fastField(first + column, &p, scanner, nulls) {
                    guard slowField(column, &p) else {
                        stop = p
                        return
                    }
                }
                if p < end, base[p] == delimiter {
                    column &+= 1
                    p &+= 1
                    if column == columnCount {
                        failure = .fieldCount(rowStart: rowStart, found: scanner.fieldCount(rowAt: rowStart))
                        stop = p
                        return
                    }
                    continue
                }
                if column &+ 1 != columnCount {
                    failure = .fieldCount(rowStart: rowStart, found: column &+ 1)
                    stop = p
                    return
                }
                if p < end { p = scanner.afterLineBreak(p) }
                break
            }
            rowCount &+= 1
        }
        stop = p
    }

    /// Releases the whole pages of this chunk in `from..<to`.
    private func releasePages(from: Int, to: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // Whole pages only; the chunk's first page may hold the previous chunk's last row.
        let first = Swift.max((start &+ page &- 1) / page &* page, from / page &* page)
        let last = Swift.min(to, limit) / page &* page
        if last > first {
            madvise(UnsafeMutableRawPointer(mutating: scanner.base + first), last &- first, MADV_DONTNEED)
        }
    }

    /// Parses the field at `p` directly as the column's current type, without a separate scan.
    /// Returns false, leaving `p` alone, when the field needs the general path (quoted, null,
    /// a different type, ...). Transparent: with `@inline(__always)` the compiler still called
    /// it once per field (measured: 8-10% longer loads than inlined).
    @_transparent
    private static func fastField(_ b: UnsafeMutablePointer<ColumnBuilder>, _ p: inout Int,
                                  _ scanner: CSVScanner, _ nulls: NullTokens) -> Bool {
        let base = scanner.base
        let end = scanner.end
        switch b.pointee.kind {
        case .int:
            if let (v, next) = scanInt(base, p, end), scanner.atFieldEnd(next) {
                b.pointee.append(bits: UInt64(bitPattern: v))
                p = next
                return true
            }
        case .float:
            if let (v, next) = scanDouble(base, p, end), scanner.atFieldEnd(next) {
                b.pointee.append(bits: v.bitPattern)
                p = next
                return true
            }
        case .bool:
            if let (v, next) = scanBool(base, p, end), scanner.atFieldEnd(next) {
                b.pointee.append(bits: v ? 1 : 0)
                p = next
                return true
            }
        case .date, .timestamp:
            guard p < end, base[p] != asciiQuote else { return false }
            var parsed: ParsedTime?
            var next: Int
            if let (value, after) = scanISO8601Fast(base, p, end), scanner.atFieldEnd(after) {
                parsed = value
                next = after
            } else {
                next = scanner.endOfUnquoted(from: p)
                parsed = parseISO8601(UnsafeBufferPointer(start: base + p, count: next &- p))
            }
            switch parsed {
            case .timestamp(let t)?:
                guard b.pointee.kind == .timestamp else { return false }
                b.pointee.append(bits: UInt64(bitPattern: t))
            case .date(let d)?:
                let days = Int64(d)
                b.pointee.append(bits: UInt64(bitPattern: b.pointee.kind == .date ? days : days &* microsPerDay))
            case nil:
                return false
            }
            p = next
            return true
        case .string:
            if p < end, base[p] == asciiQuote { return false }
            let next = scanner.endOfUnquoted(from: p)
            let n = next &- p
            if nulls.matches(base + p, n) {
                b.pointee.appendNull()
            } else if b.pointee.batchesStrings {
                b.pointee.appendPending(base + p, n)
            } else if b.pointee.staged != nil {
                if !b.pointee.appendStaged(base + p, n) { return false }
            } else {
                let code = b.pointee.intern(base + p, n)
                if code < 0 { return false }
                b.pointee.append(code: code)
            }
            p = next
            return true
        case .unknown:
            break
        }
        return false
    }

    private mutating func slowField(_ column: Int, _ p: inout Int) -> Bool {
        let fieldStart = p
        guard let field = scanner.scanField(&p) else {
            failure = .unterminatedQuote(offset: fieldStart, column: column)
            return false
        }
        if field.needsUnescape {
            scanner.unescape(field, into: &scratch)
            return accept(column, scratch.buffer, field)
        }
        return accept(column, UnsafeBufferPointer(start: scanner.base + field.start, count: field.end &- field.start), field)
    }

    /// Adds one field's text to its column, widening the column's type if needed.
    private mutating func accept(_ column: Int, _ text: UnsafeBufferPointer<UInt8>, _ field: FieldBounds) -> Bool {
        let b = builders.baseAddress! + column
        let bytes = text.baseAddress ?? scanner.base
        let n = text.count
        if !field.quoted, nulls.matches(bytes, n) {
            b.pointee.appendNull()
            return true
        }
        let kind = b.pointee.kind
        if field.quoted, n == 0, kind != .string {
            b.pointee.sawQuotedEmpty = true
            b.pointee.appendNull()
            return true
        }
        if kind == .string { return appendString(b, column, text, field) }
        let parsed = classifyField(text)
        if let forced = b.pointee.forced {
            guard let bits = convert(parsed, to: forced) else {
                failure = .typeMismatch(offset: field.rawStart, column: column, value: Array(text), type: forced.dataType)
                return false
            }
            b.pointee.append(bits: bits)
            return true
        }
        let joined = kind.joined(with: parsed.kind)
        if joined == .string {
            if let problem = becomeString(column) {
                failure = problem
                return false
            }
            return appendString(b, column, text, field)
        }
        if joined != kind { b.pointee.widen(to: joined) }
        b.pointee.append(bits: convert(parsed, to: joined) ?? 0)
        return true
    }

    /// The value's bits in a column of kind `target`, or nil if it does not fit.
    private func convert(_ parsed: ParsedField, to target: ValueKind) -> UInt64? {
        switch (parsed.kind, target) {
        case _ where parsed.kind == target: return parsed.bits
        case (.int, .float): return Double(Int64(bitPattern: parsed.bits)).bitPattern
        case (.date, .timestamp): return UInt64(bitPattern: Int64(bitPattern: parsed.bits) &* microsPerDay)
        default: return nil
        }
    }

    private mutating func appendString(_ b: UnsafeMutablePointer<ColumnBuilder>, _ column: Int,
                                       _ text: UnsafeBufferPointer<UInt8>, _ field: FieldBounds) -> Bool {
        // Earlier rows' values first, so codes stay in order of first appearance.
        b.pointee.flushPending()
        let bytes = text.baseAddress ?? scanner.base
        if b.pointee.staged != nil {
            guard b.pointee.appendStaged(bytes, text.count) else {
                failure = invalidUTF8(column, text, field)
                return false
            }
            return true
        }
        let code = b.pointee.intern(bytes, text.count)
        guard code >= 0 else {
            failure = invalidUTF8(column, text, field)
            return false
        }
        b.pointee.append(code: code)
        return true
    }

    private func invalidUTF8(_ column: Int, _ text: UnsafeBufferPointer<UInt8>, _ field: FieldBounds) -> ParseFailure {
        let index = text.baseAddress.flatMap { firstInvalidUTF8($0, text.count) } ?? 0
        let offset = field.needsUnescape ? field.rawStart : field.start &+ index
        return .invalidUTF8(offset: offset, column: column, byte: index < text.count ? text[index] : 0)
    }

    /// Turns the column into a string column holding the text of its rows so far. Touches only
    /// that column's builder, so different columns may be converted concurrently.
    func becomeString(_ column: Int) -> ParseFailure? {
        let b = builders.baseAddress! + column
        if b.pointee.kind == .unknown, !b.pointee.sawQuotedEmpty {
            b.pointee.widen(to: .string)
            return nil
        }
        return rebuildAsStrings(column)
    }

    /// Reads the column's text again for the rows parsed so far, as strings: the numbers
    /// already parsed cannot give back their exact text.
    private func rebuildAsStrings(_ column: Int) -> ParseFailure? {
        let base = scanner.base
        let end = scanner.end
        let target = builders.baseAddress! + column
        let strings = KeyInterner(validatesUTF8: target.pointee.strings.validatesUTF8)
        var codes = GrowableBuffer<Int32>()
        var nullBits = GrowableBuffer<UInt64>()
        var nullCount = 0
        var unescaped = GrowableBuffer<UInt8>()
        defer { unescaped.release() }
        let rows = target.pointee.rowCount
        codes.reserve(rows)
        var p = start
        var row = 0
        while row < rows, p < end {
            if columnCount > 1, base[p] == asciiLF || base[p] == asciiCR {
                p = scanner.afterLineBreak(p)
                continue
            }
            for c in 0..<columnCount {
                let fieldStart = p
                guard let field = scanner.scanField(&p) else {
                    codes.release()
                    nullBits.release()
                    return .unterminatedQuote(offset: fieldStart, column: c)
                }
                if c == column {
                    var text = UnsafeBufferPointer(start: base + field.start, count: field.end &- field.start)
                    if field.needsUnescape {
                        scanner.unescape(field, into: &unescaped)
                        text = unescaped.buffer
                    }
                    let bytes = text.baseAddress ?? base
                    if !field.quoted, nulls.matches(bytes, text.count) {
                        ColumnBuilder.markNull(row: codes.count, in: &nullBits)
                        nullCount &+= 1
                        codes.append(0)
                    } else {
                        let code = strings.intern(bytes, text.count)
                        guard code >= 0 else {
                            codes.release()
                            nullBits.release()
                            return invalidUTF8(column, text, field)
                        }
                        codes.append(code)
                    }
                }
                if p < end, base[p] == scanner.delimiter {
                    p &+= 1
                } else if p < end {
                    p = scanner.afterLineBreak(p)
                }
            }
            row &+= 1
        }
        target.pointee.replace(withStrings: strings, codes: codes, nullBits: nullBits, nullCount: nullCount)
        return nil
    }
}
