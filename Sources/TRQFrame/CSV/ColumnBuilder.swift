/// The values of one column within one chunk of a file, typed as they are read. The type starts
/// as `unknown` (or the forced type) and widens as values arrive; a widening that numbers cannot
/// express (to `string`) is done by the chunk parser re-reading the column's text.
/// The owner must call `release()`.
struct ColumnBuilder {
    private(set) var kind: ValueKind
    /// The type from `CSVOptions.types`; values are checked against it, never widened.
    let forced: ValueKind?
    private(set) var rowCount = 0
    /// One 8-byte slot per row for the numeric and time kinds (see `ParsedField.bits`), but see
    /// `narrowInts` and `booleans`.
    private(set) var values = GrowableBuffer<UInt64>()
    /// An int column's values while every one fits in 32 bits (ids, counts, durations), and
    /// one byte per row for a bool column: the load's memory peak is when every column's chunks
    /// are held at once, before they are merged into 64-bit and Bool arrays.
    private(set) var narrowInts = GrowableBuffer<Int32>()
    private(set) var booleans = GrowableBuffer<UInt8>()
    /// An int column's values are in `values` (one did not fit in 32 bits), not `narrowInts`.
    private(set) var wideInts = false
    private(set) var codes = GrowableBuffer<Int32>()
    private(set) var strings: KeyInterner
    /// String values read but not yet interned (see `appendPending`).
    private var pending = GrowableBuffer<PendingString>()
    /// The first batched value found to be invalid UTF-8 (see `flushPending()`).
    private(set) var invalidValue: PendingString?
    /// Whether a high-cardinality string column moves to `staged` (the CSV reader's choice).
    private let stagesStrings: Bool
    /// A high-cardinality string column's values from some row on, all of them, for the merge
    /// to intern (`codes` and `strings` are then empty).
    private(set) var staged: StagedStrings?
    /// Bit i set = row i is null; grown lazily, so a column without nulls has no words.
    private(set) var nullBits = GrowableBuffer<UInt64>()
    private(set) var nullCount = 0
    /// A quoted empty field seen while the column was not a string column; it was recorded as
    /// null, but reads as "" if the column ends up a string column.
    var sawQuotedEmpty = false

    init(forced: DataType?, validatesUTF8: Bool, stagesStrings: Bool = false) {
        self.stagesStrings = stagesStrings
        self.forced = forced.map(ValueKind.init)
        kind = self.forced ?? .unknown
        strings = KeyInterner(validatesUTF8: validatesUTF8)
    }

    @inline(__always) mutating func append(bits: UInt64) {
        switch kind {
        case .int where !wideInts:
            let value = Int64(bitPattern: bits)
            if value == Int64(Int32(truncatingIfNeeded: value)) {
                narrowInts.append(Int32(truncatingIfNeeded: value))
            } else {
                widenInts()
                values.append(bits)
            }
        case .bool: booleans.append(UInt8(truncatingIfNeeded: bits))
        default: values.append(bits)
        }
        rowCount &+= 1
    }

    /// Moves an int column's values to 64-bit slots.
    private mutating func widenInts() {
        values.reserve(Swift.max(narrowInts.count &* 2, 16))
        for i in 0..<narrowInts.count { values.append(UInt64(bitPattern: Int64(narrowInts[i]))) }
        narrowInts.release()
        wideInts = true
    }

    /// The value at `row` of a numeric or time column, as `ParsedField.bits`.
    @inline(__always) func bits(at row: Int) -> UInt64 {
        kind == .int && !wideInts ? UInt64(bitPattern: Int64(narrowInts[row])) : values[row]
    }

    /// The code of a string value (see `KeyInterner.intern`). The builder's reference keeps the
    /// interner alive, so the per-field call skips a retain/release pair of its own.
    @inline(__always) mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        Unmanaged.passUnretained(strings)._withUnsafeGuaranteedRef { $0.intern(p, n) }
    }

    /// Whether the next string value should wait for a batch: only once the dictionary is large
    /// enough (here 2^14 values) that its lookups miss the caches; smaller ones answer at once.
    @inline(__always) var batchesStrings: Bool { strings.count >= 1 << 14 }

    /// Appends a row whose code `flushPending()` fills in, batched with others (see
    /// `KeyInterner.batchSize`).
    @inline(__always) mutating func appendPending(_ p: UnsafePointer<UInt8>, _ n: Int) {
        pending.append(PendingString(bytes: p, count: n, row: codes.count))
        codes.append(0)
        rowCount &+= 1
        if pending.count == KeyInterner.batchSize { flushPending() }
    }

    /// Interns the waiting values. The first that is new and not valid UTF-8 is kept in
    /// `invalidValue` for the parser to report; the codes from it on are not written.
    mutating func flushPending() {
        guard pending.count > 0 else { return }
        let batch = UnsafeMutableBufferPointer(start: pending.base, count: pending.count)
        let failed = Unmanaged.passUnretained(strings)._withUnsafeGuaranteedRef {
            $0.intern(batch: batch, codes: codes.base.unsafelyUnwrapped)
        }
        if let failed, invalidValue == nil { invalidValue = batch[failed] }
        pending.removeAll()
        if stagesStrings, invalidValue == nil, StagedStrings.stages(strings, rows: rowCount) { startStaging() }
    }

    /// Moves the values so far to `staged`, which takes every value from here on.
    private mutating func startStaging() {
        let staged = StagedStrings()
        for row in 0..<rowCount where !isNull(row) {
            let value = strings.value(Int(codes[row]))
            staged.append(value.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped, value.count, row: row)
        }
        codes.release()
        releaseDictionary()
        self.staged = staged
    }

    /// Appends a value to `staged`; false, appending nothing, if it is not valid UTF-8 (and
    /// the column is checked).
    @inline(__always) mutating func appendStaged(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if strings.validatesUTF8, !isASCII(p, n), firstInvalidUTF8(p, n) != nil { return false }
        staged.unsafelyUnwrapped.append(p, n, row: rowCount)
        rowCount &+= 1
        return true
    }

    @inline(__always) mutating func append(code: Int32) {
        codes.append(code)
        rowCount &+= 1
    }

    static func markNull(row: Int, in bits: inout GrowableBuffer<UInt64>) {
        let word = row >> 6
        if bits.count <= word { bits.append(repeating: 0, count: word &+ 1 &- bits.count) }
        bits[word] |= 1 << UInt64(row & 63)
    }

    mutating func appendNull() {
        ColumnBuilder.markNull(row: rowCount, in: &nullBits)
        nullCount &+= 1
        switch kind {
        case .unknown: break
        case .string: if staged == nil { codes.append(0) }
        case .bool: booleans.append(0)
        case .int where !wideInts: narrowInts.append(0)
        default: values.append(0)
        }
        rowCount &+= 1
    }

    func isNull(_ row: Int) -> Bool {
        let word = row >> 6
        return word < nullBits.count && nullBits[word] & (1 << UInt64(row & 63)) != 0
    }

    /// Converts the values so far to `newKind`, a widening of `kind` that numbers can express
    /// (unknown -> anything but string, int -> float, date -> timestamp).
    mutating func widen(to newKind: ValueKind) {
        switch (kind, newKind) {
        case (.unknown, _):
            if newKind == .string {
                codes.append(repeating: 0, count: rowCount)
            } else if newKind == .bool {
                booleans.append(repeating: 0, count: rowCount)
            } else if newKind == .int {
                narrowInts.append(repeating: 0, count: rowCount)
            } else {
                values.append(repeating: 0, count: rowCount)
            }
        case (.int, .float):
            if !wideInts { widenInts() }
            for i in 0..<values.count { values[i] = Double(Int64(bitPattern: values[i])).bitPattern }
        case (.date, .timestamp):
            for i in 0..<values.count { values[i] = UInt64(bitPattern: Int64(bitPattern: values[i]) &* microsPerDay) }
        default:
            preconditionFailure("widen from \(kind) to \(newKind) needs the text")
        }
        kind = newKind
    }

    /// Replaces the column with string codes read again from the text.
    mutating func replace(withStrings strings: KeyInterner, codes: GrowableBuffer<Int32>,
                          nullBits: GrowableBuffer<UInt64>, nullCount: Int) {
        releaseStorage()
        self.strings = strings
        self.codes = codes
        self.nullBits = nullBits
        self.nullCount = nullCount
        rowCount = codes.count
        kind = .string
    }

    /// Frees the dictionary once the merge has taken its values (see `BuilderMerge`).
    mutating func releaseDictionary() {
        strings = KeyInterner(validatesUTF8: strings.validatesUTF8)
    }

    private mutating func releaseStorage() {
        values.release()
        narrowInts.release()
        booleans.release()
        codes.release()
        nullBits.release()
        pending.release()
        staged?.release()
        staged = nil
        // Drops the values now (if no one else holds them), not when the builder is deinitialized.
        releaseDictionary()
    }

    mutating func release() {
        releaseStorage()
        rowCount = 0
        nullCount = 0
    }
}
