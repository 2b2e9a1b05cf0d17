import CZlib
import TRQFrame

/// A page's or dictionary's values in trq's storage: int and timestamp as Int64, float as
/// Double, bool, date and string codes as Int32.
enum Values {
    case int64([Int64])
    case double([Double])
    case bool([Bool])
    case int32([Int32])

    var count: Int {
        switch self {
        case .int64(let v): v.count
        case .double(let v): v.count
        case .bool(let v): v.count
        case .int32(let v): v.count
        }
    }

    /// The values as `T`, which must be their storage type (the column's, see `storage`).
    func withBuffer<T, R>(of _: T.Type, _ body: (UnsafeBufferPointer<T>) throws(EncodingFailure) -> R) throws(EncodingFailure) -> R {
        func typed<U>(_ v: [U]) throws(EncodingFailure) -> R {
            precondition(U.self == T.self, "values are not in the column's storage type")
            return try v.withUnsafeBufferPointer { buffer throws(EncodingFailure) in
                try body(UnsafeRawBufferPointer(buffer).assumingMemoryBound(to: T.self))
            }
        }
        switch self {
        case .int64(let v): return try typed(v)
        case .double(let v): return try typed(v)
        case .bool(let v): return try typed(v)
        case .int32(let v): return try typed(v)
        }
    }
}

/// An array of `count` values written by `fill` (which writes all of them or throws).
func makeArray<T>(_ count: Int, _ fill: (UnsafeMutablePointer<T>) throws(EncodingFailure) -> Void) throws(EncodingFailure) -> [T] {
    var failure: EncodingFailure?
    let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        do throws(EncodingFailure) {
            try fill(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<T>.alignment)!)
            initialized = count
        } catch {
            failure = error
        }
    }
    if let failure { throw failure }
    return values
}

/// The values and levels of one data page; `values` holds only the non-null ones.
struct DecodedPage {
    var levelCount: Int
    var definitions: [Int32]?
    var repetitions: [Int32]?
    var values: Values
}

/// Buffers one decoding thread reuses from page to page and from chunk to chunk (fresh buffers
/// for each page cost page faults): the decompressed page, the decompressed dictionary page and
/// the page's definition levels. Sendable because one task at a time uses it (see `ScratchPool`).
final class PageScratch: @unchecked Sendable {
    private var page = ScratchBuffer()
    private var dictionary = ScratchBuffer()
    private var levelBuffer = ScratchBuffer()

    deinit {
        page.release()
        dictionary.release()
        levelBuffer.release()
    }

    /// Room for `count` bytes, not zeroed: every codec checks it wrote exactly the page's size,
    /// and a header that lies about a huge size then costs untouched address space.
    func bytes(_ count: Int, dictionary isDictionary: Bool = false) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: isDictionary ? dictionary.room(count) : page.room(count), count: count)
    }

    func levels(_ count: Int) -> UnsafeMutablePointer<Int32> {
        levelBuffer.room(count &* 4).assumingMemoryBound(to: Int32.self)
    }
}

private struct ScratchBuffer {
    private var base = UnsafeMutableRawPointer.allocate(byteCount: 0, alignment: 16)
    private var capacity = 0

    mutating func room(_ count: Int) -> UnsafeMutableRawPointer {
        if count > capacity {
            base.deallocate()
            // A quarter more, for the next page being a little larger.
            capacity = count &+ count >> 2
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        return base
    }

    func release() { base.deallocate() }
}

/// Decodes the pages of one column chunk. String values are interned into `interner`, so a
/// dictionary page's entries are interned once and its data pages map indices to codes. A
/// string column's dictionary pages can be read first, into the column's interner
/// (`readDictionary`), and given to the decoder of the chunk's data pages: they then yield the
/// column's codes and only values stored outside the dictionary are interned in `interner`.
final class ChunkDecoder {
    let leaf: Leaf
    let chunk: ColumnMetadata
    let file: UnsafeRawBufferPointer
    let interner: StringInterner
    private var dictionary: Values?
    /// The dictionary's entries as they are stored, when that is trq's storage (ints, floats,
    /// dates): in the file or the scratch buffer, not copied.
    private var storedDictionary: UnsafeRawBufferPointer?
    /// The chunk's first page, decoded already, when it is its dictionary.
    private let givenDictionary: Values?
    /// Whether `dictionary` holds codes of `interner` (not the given ones of the column's).
    private var dictionaryIsLocal = true
    /// Whether PLAIN pages are still decompressed straight into the column (see
    /// `decompressInPlace`); off after a page whose level bytes were not one run.
    private var inPlace = true
    /// The rows (from the chunk's first) whose string codes are `interner`'s.
    private(set) var localRows: [Range<Int>] = []
    private let scratch: PageScratch

    init(leaf: Leaf, chunk: ColumnMetadata, file: UnsafeRawBufferPointer, scratch: PageScratch = PageScratch(),
         interner: StringInterner = StringInterner(), dictionary: Values? = nil) {
        self.leaf = leaf
        self.chunk = chunk
        self.file = file
        self.scratch = scratch
        self.interner = interner
        givenDictionary = dictionary
    }

    /// The chunk's dictionary when its first page is one, strings interned in `interner`; nil
    /// when it has none.
    func readDictionary() throws(EncodingFailure) -> Values? {
        guard chunk.valueCount > 0 else { return nil }
        let (start, end) = try bounds()
        let page = try pageAt(start, end: end)
        guard page.header.type == .dictionary else { return nil }
        try decodeDictionary(page.payload, page.header)
        return dictionary
    }

    /// Calls `body` with each data page in order (the nested columns' way: levels and values
    /// as arrays).
    func forEachPage(_ body: (DecodedPage) throws(EncodingFailure) -> Void) throws(EncodingFailure) {
        try forEachDataPage { payload, header throws(EncodingFailure) in try body(try decodeDataPage(payload, header)) }
    }

    /// Decodes a flat leaf's data pages into rows `row..<row + rows` of `out`, a column in the
    /// leaf's storage type (see `Values`), nulls as zero. Returns the validity of those rows
    /// when there are nulls.
    func decodeFlat(into out: UnsafeMutableRawPointer, at row: Int, rows: Int) throws(EncodingFailure) -> Validity? {
        switch leaf.mapping.dataType {
        case .int, .timestamp: return try decodeFlat(into: out.assumingMemoryBound(to: Int64.self) + row, rows: rows)
        case .float: return try decodeFlat(into: out.assumingMemoryBound(to: Double.self) + row, rows: rows)
        case .bool: return try decodeFlat(into: out.assumingMemoryBound(to: Bool.self) + row, rows: rows)
        case .string, .date: return try decodeFlat(into: out.assumingMemoryBound(to: Int32.self) + row, rows: rows)
        }
    }

    private func decodeFlat<T>(into out: UnsafeMutablePointer<T>, rows: Int) throws(EncodingFailure) -> Validity? {
        var written = 0
        var validity: Validity?
        let full = leaf.maxDefinition
        try forEachDataPage { payload, header throws(EncodingFailure) in
            let n = Int(header.valueCount)
            guard n <= rows &- written else {
                throw EncodingFailure(message: "column chunk has more values than the row group's \(rows) rows")
            }
            if try decompressInPlace(payload, header, count: n, into: out + written, room: written &* MemoryLayout<T>.stride) {
                written &+= n
                return
            }
            try withPageSections(payload, header) { _, definitionData, cursor throws(EncodingFailure) in
                let encoding = try valueEncoding(header)
                if leaf.mapping.dataType == .string, dictionaryIsLocal || (encoding != .plainDictionary && encoding != .rleDictionary) {
                    if let last = localRows.last, last.upperBound == written {
                        localRows[localRows.count &- 1] = last.lowerBound..<(written &+ n)
                    } else {
                        localRows.append(written..<(written &+ n))
                    }
                }
                let target = out + written
                // Pages without nulls (levels one run of the maximum) need no per-value level work.
                guard var levelData = definitionData, !isSingleRun(levelData, bitWidth: bitWidth(full), value: full, count: n) else {
                    return try decodeDense(&cursor, encoding: encoding, count: n, into: target)
                }
                let levels = scratch.levels(n)
                try decodeLevels(&levelData, max: full, count: n, into: levels)
                var present = 0
                for i in 0..<n where levels[i] == Int32(full) { present &+= 1 }
                try decodeDense(&cursor, encoding: encoding, count: present, into: target)
                if present == n { return }
                if validity == nil { validity = Validity(count: rows, allValid: true) }
                // The present values, decoded at the front, moved back to their rows from the
                // last one down (a value never moves before its own position).
                var j = present
                var i = n
                while i > 0 {
                    i &-= 1
                    if levels[i] == Int32(full) {
                        j &-= 1
                        target[i] = target[j]
                    } else {
                        UnsafeMutableRawPointer(target + i).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<T>.stride)
                        validity!.clear(written &+ i)
                    }
                }
            }
            written &+= n
        }
        guard written == rows else {
            throw EncodingFailure(message: "column chunk has \(written) values, the row group has \(rows) rows")
        }
        return validity
    }

    /// Decompresses a PLAIN page without nulls, whose values are stored as trq stores them,
    /// straight into the column at `target` (not into the scratch buffer and copied from there).
    /// A v1 page's level bytes come first in the same compressed block: it is decompressed
    /// `prefix` bytes before `target`, into the `room` bytes this chunk has written already,
    /// which are saved first and put back. False (and nothing changed in the column) when the
    /// page is not such a page; when its levels turn out not to be one run of "present", the
    /// page's own rows were written and the caller decodes it again the usual way.
    private func decompressInPlace<T>(
        _ payload: UnsafeRawBufferPointer, _ header: PageHeader, count n: Int, into target: UnsafeMutablePointer<T>, room: Int
    ) throws(EncodingFailure) -> Bool {
        guard inPlace, chunk.codec != .uncompressed, leaf.maxRepetition == 0, storedSize == MemoryLayout<T>.stride,
              header.encoding == Encoding.plain.rawValue else { return false }
        let valueBytes = n &* MemoryLayout<T>.stride
        let total = Int(header.uncompressedSize)
        let full = leaf.maxDefinition
        let values = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(target), count: valueBytes)
        if header.type == .dataV2 {
            // Levels are stored uncompressed in front of the values.
            let levelBytes = Int(header.definitionLength)
            guard header.isCompressed, header.repetitionLength == 0, levelBytes >= 0, levelBytes <= payload.count,
                  total &- levelBytes == valueBytes else { return false }
            let levels = ByteCursor(UnsafeRawBufferPointer(rebasing: payload[0..<levelBytes]))
            if full > 0, !isSingleRun(levels, bitWidth: bitWidth(full), value: full, count: n) { return false }
            try chunk.codec.decompress(UnsafeRawBufferPointer(rebasing: payload[levelBytes...]), into: values)
            return true
        }
        // v1: a page without nulls has a length and one run (a few bytes) before its values.
        let prefix = total &- valueBytes
        if full == 0 {
            guard prefix == 0 else { return false }
            try chunk.codec.decompress(payload, into: values)
            return true
        }
        guard prefix > 0, prefix <= 32, prefix <= room, header.definitionEncoding == Encoding.rle.rawValue else { return false }
        let start = UnsafeMutableRawPointer(target) - prefix
        return try withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { (saved) throws(EncodingFailure) -> Bool in
            saved.baseAddress!.copyMemory(from: start, byteCount: prefix)
            defer { start.copyMemory(from: saved.baseAddress!, byteCount: prefix) }
            try chunk.codec.decompress(payload, into: UnsafeMutableRawBufferPointer(start: start, count: total))
            var cursor = ByteCursor(UnsafeRawBufferPointer(start: start, count: prefix))
            guard let definitions = try? cursor.lengthPrefixed(), cursor.remaining == 0,
                  isSingleRun(ByteCursor(definitions), bitWidth: bitWidth(full), value: full, count: n) else {
                inPlace = false
                return false
            }
            return true
        }
    }

    /// Calls `body` with each data page's stored bytes and header, in order, decoding the
    /// dictionary page on the way.
    private func forEachDataPage(_ body: (UnsafeRawBufferPointer, PageHeader) throws(EncodingFailure) -> Void) throws(EncodingFailure) {
        if chunk.valueCount == 0 { return }
        let (start, end) = try bounds()
        var position = start
        var levelsRead = 0
        while levelsRead < chunk.valueCount {
            guard position < end else {
                throw EncodingFailure(message: "column chunk ends after \(levelsRead) of \(chunk.valueCount) values")
            }
            let page = try pageAt(position, end: end)
            switch page.header.type {
            case .dictionary?:
                if position == start, let givenDictionary {
                    dictionary = givenDictionary
                    dictionaryIsLocal = false
                } else {
                    try decodeDictionary(page.payload, page.header)
                }
            case .data?, .dataV2?:
                let header = page.header
                guard header.valueCount >= 0, header.valueCount <= 1 << 28 else { throw EncodingFailure(message: "page claims \(header.valueCount) values") }
                try body(page.payload, header)
                levelsRead &+= Int(header.valueCount)
            case .index?, nil:
                break
            }
            position = page.next
        }
    }

    /// The chunk's first and end byte in the file.
    private func bounds() throws(EncodingFailure) -> (start: Int, end: Int) {
        var start = Int(chunk.dataPageOffset)
        if let d = chunk.dictionaryPageOffset, d > 0, d < start { start = Int(d) }
        let size = Int(chunk.compressedSize)
        guard start >= 4, size >= 0, start <= file.count, size <= file.count &- start else {
            throw EncodingFailure(message: "column chunk at byte \(start), \(size) bytes, is outside the file (\(file.count) bytes)")
        }
        return (start, start &+ size)
    }

    /// The page whose header is at `position`: the header, the stored bytes (checksum checked)
    /// and where the next page starts.
    private func pageAt(_ position: Int, end: Int) throws(EncodingFailure) -> (header: PageHeader, payload: UnsafeRawBufferPointer, next: Int) {
        var reader = ThriftReader(UnsafeRawBufferPointer(rebasing: file[position..<end]))
        let header: PageHeader
        do { header = try PageHeader(&reader) } catch { throw EncodingFailure(message: "corrupt page header at byte \(position)") }
        let first = position &+ reader.position
        let compressedSize = Int(header.compressedSize), uncompressedSize = Int(header.uncompressedSize)
        guard compressedSize >= 0, uncompressedSize >= 0, compressedSize <= end &- first, uncompressedSize <= 1 << 31 else {
            throw EncodingFailure(message: "page at byte \(first) claims \(compressedSize) bytes, past the end of the column chunk")
        }
        let payload = UnsafeRawBufferPointer(rebasing: file[first..<(first &+ compressedSize)])
        if let crc = header.crc {
            let actual = UInt32(crc32(0, payload.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(payload.count)))
            guard actual == UInt32(bitPattern: crc) else {
                throw EncodingFailure(message: "page checksum mismatch (CRC32 \(actual), the header says \(UInt32(bitPattern: crc)))")
            }
        }
        return (header, payload, first &+ compressedSize)
    }

    private func decodeDictionary(_ payload: UnsafeRawBufferPointer, _ header: PageHeader) throws(EncodingFailure) {
        guard header.valueCount >= 0 else { throw EncodingFailure(message: "negative dictionary size") }
        let n = Int(header.valueCount)
        dictionary = nil
        storedDictionary = nil
        try withPageBytes(payload, header, levels: 0, dictionary: true) { bytes throws(EncodingFailure) in
            guard let size = storedSize else {
                var cursor = ByteCursor(bytes)
                dictionary = try decodeValues(&cursor, encoding: .plain, count: n)
                return
            }
            guard n &* size <= bytes.count else { throw EncodingFailure(message: "needs \(n &* size) bytes, \(bytes.count) left") }
            var entries = UnsafeRawBufferPointer(rebasing: bytes[0..<(n &* size)])
            // An uncompressed page in the file may be unaligned for its values.
            if n > 0, Int(bitPattern: entries.baseAddress!) % size != 0 {
                let copy = scratch.bytes(entries.count, dictionary: true)
                copy.copyMemory(from: entries)
                entries = UnsafeRawBufferPointer(copy)
            }
            storedDictionary = entries
        }
        dictionaryIsLocal = true
    }

    /// The size of a value when PLAIN stores values as trq does (the same bytes), else nil.
    private var storedSize: Int? {
        switch (leaf.type, leaf.mapping) {
        case (.int64, .int), (.int64, .timestamp(.micros)), (.double, _): 8
        case (.int32, .date): 4
        default: nil
        }
    }

    /// The page's bytes after decompression; for v2 pages the first `levels` bytes are stored
    /// uncompressed and copied in front.
    private func withPageBytes(
        _ payload: UnsafeRawBufferPointer, _ header: PageHeader, levels: Int, dictionary isDictionary: Bool = false,
        _ body: (UnsafeRawBufferPointer) throws(EncodingFailure) -> Void
    ) throws(EncodingFailure) {
        let compressed = header.type == .dataV2 ? header.isCompressed : true
        if chunk.codec == .uncompressed || !compressed {
            guard payload.count == Int(header.uncompressedSize) else {
                throw EncodingFailure(message: "page is \(payload.count) bytes, its header says \(header.uncompressedSize)")
            }
            return try body(payload)
        }
        guard levels <= payload.count, levels <= Int(header.uncompressedSize) else {
            throw EncodingFailure(message: "page levels (\(levels) bytes) are longer than the page")
        }
        let out = scratch.bytes(Int(header.uncompressedSize), dictionary: isDictionary)
        if levels > 0 { out.baseAddress!.copyMemory(from: payload.baseAddress!, byteCount: levels) }
        try chunk.codec.decompress(
            UnsafeRawBufferPointer(rebasing: payload[levels...]),
            into: UnsafeMutableRawBufferPointer(rebasing: out[levels...]))
        try body(UnsafeRawBufferPointer(out))
    }

    /// A data page after decompression: its repetition and definition level data (nil where the
    /// leaf has none) and a cursor at its values.
    private func withPageSections(
        _ payload: UnsafeRawBufferPointer, _ header: PageHeader,
        _ body: (_ repetitions: ByteCursor?, _ definitions: ByteCursor?, _ values: inout ByteCursor) throws(EncodingFailure) -> Void
    ) throws(EncodingFailure) {
        let isV2 = header.type == .dataV2
        let levelBytes = isV2 ? Int(header.repetitionLength) &+ Int(header.definitionLength) : 0
        guard levelBytes >= 0, header.repetitionLength >= 0, header.definitionLength >= 0 else { throw EncodingFailure(message: "negative level length") }
        try withPageBytes(payload, header, levels: levelBytes) { bytes throws(EncodingFailure) in
            var cursor = ByteCursor(bytes)
            var repetitions: ByteCursor?, definitions: ByteCursor?
            if leaf.maxRepetition > 0 {
                repetitions = ByteCursor(isV2 ? try cursor.take(Int(header.repetitionLength)) : try cursor.lengthPrefixed())
            } else if isV2 {
                _ = try cursor.take(Int(header.repetitionLength))
            }
            if leaf.maxDefinition > 0 {
                guard isV2 || header.definitionEncoding == Encoding.rle.rawValue else {
                    throw EncodingFailure(message: "definition levels in the deprecated BIT_PACKED encoding are not supported")
                }
                definitions = ByteCursor(isV2 ? try cursor.take(Int(header.definitionLength)) : try cursor.lengthPrefixed())
            } else if isV2 {
                _ = try cursor.take(Int(header.definitionLength))
            }
            try body(repetitions, definitions, &cursor)
        }
    }

    private func valueEncoding(_ header: PageHeader) throws(EncodingFailure) -> Encoding {
        guard let encoding = Encoding(rawValue: header.encoding) else {
            throw EncodingFailure(message: "unknown encoding \(header.encoding)")
        }
        return encoding
    }

    private func decodeDataPage(_ payload: UnsafeRawBufferPointer, _ header: PageHeader) throws(EncodingFailure) -> DecodedPage {
        let n = Int(header.valueCount)
        var page: DecodedPage?
        try withPageSections(payload, header) { repetitionData, definitionData, cursor throws(EncodingFailure) in
            func levels(_ data: ByteCursor?, max: Int) throws(EncodingFailure) -> [Int32]? {
                guard var data else { return nil }
                return try makeArray(n) { out throws(EncodingFailure) in try decodeLevels(&data, max: max, count: n, into: out) }
            }
            let repetitions = try levels(repetitionData, max: leaf.maxRepetition)
            let definitions = try levels(definitionData, max: leaf.maxDefinition)
            var present = n
            if let definitions {
                let full = Int32(leaf.maxDefinition)
                present = definitions.reduce(0) { $0 &+ ($1 == full ? 1 : 0) }
            }
            let values = try decodeValues(&cursor, encoding: try valueEncoding(header), count: present)
            page = DecodedPage(levelCount: n, definitions: definitions, repetitions: repetitions, values: values)
        }
        return page!
    }

    private func decodeLevels(_ cursor: inout ByteCursor, max: Int, count: Int, into out: UnsafeMutablePointer<Int32>) throws(EncodingFailure) {
        if let level = try decodeHybrid(&cursor, bitWidth: bitWidth(max), count: count, limit: UInt32(max) &+ 1, into: out, { Int32(bitPattern: $0) }) {
            throw EncodingFailure(message: "level \(level) is over the column's maximum \(max)")
        }
    }

    /// `count` non-null values in `encoding` written into `out`, in trq's storage (`T`). The
    /// common cases go straight into `out`; the others through `decodeValues`.
    private func decodeDense<T>(_ cursor: inout ByteCursor, encoding: Encoding, count n: Int, into out: UnsafeMutablePointer<T>) throws(EncodingFailure) {
        switch (encoding, leaf.type, leaf.mapping) {
        case (.plainDictionary, _, _), (.rleDictionary, _, _):
            let width = n == 0 && cursor.remaining == 0 ? 0 : Int(try cursor.take(1)[0])
            func gather(_ entries: UnsafeBufferPointer<T>) throws(EncodingFailure) {
                let base = entries.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<T>.alignment)!
                if let index = try decodeHybrid(&cursor, bitWidth: width, count: n, limit: UInt32(clamping: entries.count), into: out, { base[Int($0)] }) {
                    throw EncodingFailure(message: "dictionary index \(index) is past the dictionary's \(entries.count) entries")
                }
            }
            if let storedDictionary {
                try gather(storedDictionary.assumingMemoryBound(to: T.self))
            } else {
                guard let dictionary else { throw EncodingFailure(message: "dictionary-encoded page without a dictionary page") }
                try dictionary.withBuffer(of: T.self, gather)
            }
        // Stored as trq stores them: copied.
        case (.plain, _, _) where storedSize != nil:
            let raw = try cursor.take(n &* MemoryLayout<T>.size)
            if n > 0 { UnsafeMutableRawPointer(out).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
        case (.plain, .int32, .int):
            let raw = try cursor.take(n &* 4)
            let wide = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Int64.self)
            for i in 0..<n { wide[i] = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self))) }
        case (.plain, .boolean, _):
            let raw = try cursor.take((n &+ 7) >> 3)
            let bools = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Bool.self)
            for i in 0..<n { bools[i] = raw[i >> 3] & (1 << UInt8(i & 7)) != 0 }
        case (.rle, .boolean, _):
            var bits = ByteCursor(try cursor.lengthPrefixed())
            let bools = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Bool.self)
            _ = try decodeHybrid(&bits, bitWidth: 1, count: n, limit: 2, into: bools) { $0 != 0 }
        case (.rle, _, _):
            throw EncodingFailure(message: "RLE encoding of a \(leaf.type) column")
        default:
            let values = try decodeValues(&cursor, encoding: encoding, count: n)
            guard values.count == n else { throw EncodingFailure(message: "page has \(values.count) of its \(n) values") }
            try values.withBuffer(of: T.self) { if let base = $0.baseAddress { out.initialize(from: base, count: n) } }
        }
    }

    /// `count` non-null values in `encoding`, converted to trq's storage.
    func decodeValues(_ cursor: inout ByteCursor, encoding: Encoding, count n: Int) throws(EncodingFailure) -> Values {
        switch encoding {
        case .plainDictionary, .rleDictionary, .rle:
            func decoded<T>(_: T.Type) throws(EncodingFailure) -> [T] {
                try makeArray(n) { out throws(EncodingFailure) in try decodeDense(&cursor, encoding: encoding, count: n, into: out) }
            }
            switch leaf.mapping.dataType {
            case .int, .timestamp: return .int64(try decoded(Int64.self))
            case .float: return .double(try decoded(Double.self))
            case .bool: return .bool(try decoded(Bool.self))
            case .string, .date: return .int32(try decoded(Int32.self))
            }
        case .plain:
            return try convert(decodePlain(&cursor, count: n))
        case .deltaBinaryPacked:
            let values = try decodeDeltaBinaryPacked(&cursor, limit: n)
            guard values.count == n else { throw EncodingFailure(message: "delta data has \(values.count) of \(n) values") }
            switch leaf.type {
            case .int32: return try convert(.int32(values.map { Int32(truncatingIfNeeded: $0) }))
            case .int64: return try convert(.int64(values))
            default: throw EncodingFailure(message: "DELTA_BINARY_PACKED encoding of a \(leaf.type) column")
            }
        case .deltaLengthByteArray:
            return try convert(.bytes(try decodeDeltaLengthByteArrays(&cursor, count: n)))
        case .deltaByteArray:
            return try convert(.bytes(try decodeDeltaByteArrays(&cursor, count: n)))
        case .byteStreamSplit:
            let width: Int
            switch leaf.type {
            case .float, .int32: width = 4
            case .double, .int64: width = 8
            case .fixedLenByteArray: width = leaf.typeLength
            default: throw EncodingFailure(message: "BYTE_STREAM_SPLIT encoding of a \(leaf.type) column")
            }
            let plain = try unsplitByteStreams(cursor.rest, width: width, count: n)
            return try plain.withUnsafeBufferPointer { bytes throws(EncodingFailure) in
                var inner = ByteCursor(UnsafeRawBufferPointer(bytes))
                return try convert(decodePlain(&inner, count: n))
            }
        case .bitPacked:
            throw EncodingFailure(message: "BIT_PACKED is only defined for levels")
        }
    }

    /// Values as the file stores them, before the logical type applies.
    enum Physical {
        case bool([Bool]), int32([Int32]), int64([Int64]), int96Micros([Int64]), float([Float]), double([Double])
        case bytes(ByteStrings)
    }

    private func decodePlain(_ cursor: inout ByteCursor, count n: Int) throws(EncodingFailure) -> Physical {
        func fixed<T>(_ type: T.Type) throws(EncodingFailure) -> [T] {
            let raw = try cursor.take(n &* MemoryLayout<T>.size)
            return [T](unsafeUninitializedCapacity: n) { out, count in
                UnsafeMutableRawBufferPointer(out).copyMemory(from: raw)
                count = n
            }
        }
        switch leaf.type {
        case .boolean:
            let raw = try cursor.take((n &+ 7) >> 3)
            return .bool((0..<n).map { raw[$0 >> 3] & (1 << UInt8($0 & 7)) != 0 })
        case .int32: return .int32(try fixed(Int32.self))
        case .int64: return .int64(try fixed(Int64.self))
        case .float: return .float(try fixed(Float.self))
        case .double: return .double(try fixed(Double.self))
        case .int96:
            let raw = try cursor.take(n &* 12)
            return .int96Micros((0..<n).map { i in
                let nanos = raw.loadUnaligned(fromByteOffset: i &* 12, as: Int64.self).littleEndian
                let julianDay = Int64(raw.loadUnaligned(fromByteOffset: i &* 12 &+ 8, as: UInt32.self).littleEndian)
                return (julianDay &- 2_440_588) &* microsPerDay &+ floorDivide(nanos, 1000)
            })
        case .byteArray: return .bytes(try decodePlainByteArrays(&cursor, count: n))
        case .fixedLenByteArray: return .bytes(try decodeFixedByteArrays(&cursor, count: n, width: leaf.typeLength))
        }
    }

    private func convert(_ physical: Physical) throws(EncodingFailure) -> Values {
        switch (physical, leaf.mapping) {
        case (.bool(let v), _): return .bool(v)
        case (.int32(let v), .date): return .int32(v)
        case (.int32(let v), .uint32): return .int64(v.map { Int64(UInt32(bitPattern: $0)) })
        case (.int32(let v), .decimal(let scale)): return .double(v.map { Double($0) / power10(scale) })
        case (.int32(let v), _): return .int64(v.map { Int64($0) })
        case (.int64(let v), .decimal(let scale)): return .double(v.map { Double($0) / power10(scale) })
        case (.int64(let v), .timestamp(.millis)): return .int64(v.map { $0 &* 1000 })
        case (.int64(let v), .timestamp(.nanos)): return .int64(v.map { floorDivide($0, 1000) })
        case (.int64(let v), _): return .int64(v)
        case (.int96Micros(let v), _): return .int64(v)
        case (.float(let v), _): return .double(v.map { Double($0) })
        case (.double(let v), _): return .double(v)
        case (.bytes(let strings), let mapping):
            return try strings.withBase { base throws(EncodingFailure) in
                try convertBytes(strings, base, mapping)
            }
        }
    }

    private func convertBytes(_ strings: ByteStrings, _ base: UnsafePointer<UInt8>, _ mapping: ValueMapping) throws(EncodingFailure) -> Values {
        let n = strings.count
        switch mapping {
        case .decimal(let scale):
            return .double((0..<n).map { decimalValue(UnsafeBufferPointer(start: base + strings.starts[$0], count: strings.lengths[$0])) / power10(scale) })
        case .float16:
            guard strings.lengths.allSatisfy({ $0 == 2 }) else { throw EncodingFailure(message: "FLOAT16 values must be 2 bytes") }
            return .double((0..<n).map { i in
                let bits = UInt16(base[strings.starts[i]]) | UInt16(base[strings.starts[i] &+ 1]) << 8
                return Double(halfToFloat(bits))
            })
        case .string:
            return .int32((0..<n).map { interner.intern(base + strings.starts[$0], strings.lengths[$0]) })
        case .binary, .uuid:
            return .int32((0..<n).map { i in
                let bytes = UnsafeBufferPointer(start: base + strings.starts[i], count: strings.lengths[i])
                let text = mapping == .uuid && bytes.count == 16 ? uuidText(bytes) : hexTextUnlessUTF8(bytes)
                guard var text else { return interner.intern(bytes.baseAddress ?? base, bytes.count) }
                return text.withUTF8 { interner.intern($0.baseAddress ?? base, $0.count) }
            })
        default:
            throw EncodingFailure(message: "a byte-array column annotated as \(mapping.dataType)")
        }
    }
}

@inline(__always) func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q &- 1 : q
}

func power10(_ exponent: Int32) -> Double {
    var result = 1.0
    for _ in 0..<max(0, exponent) { result *= 10 }
    return exponent < 0 ? 1 / power10(-exponent) : result
}

/// A big-endian two's-complement integer of any length, as a Double.
func decimalValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
    guard let first = bytes.first else { return 0 }
    if bytes.count <= 8 {
        var v = Int64(Int8(bitPattern: first))
        for b in bytes.dropFirst() { v = v << 8 | Int64(b) }
        return Double(v)
    }
    var v = Double(Int8(bitPattern: first))
    for b in bytes.dropFirst() { v = v * 256 + Double(b) }
    return v
}

/// IEEE 754 binary16 to Float (Float16 is not available on every platform Swift targets).
func halfToFloat(_ bits: UInt16) -> Float {
    let sign: Float = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int(bits >> 10 & 0x1F), fraction = Float(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
}

/// nil when the bytes are UTF-8 text (kept as is), else their hex digits after `0x`.
func hexTextUnlessUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    if String(validating: bytes, as: UTF8.self) != nil { return nil }
    return hexText(bytes)
}

func hexText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = [UInt8(ascii: "0"), UInt8(ascii: "x")]
    for b in bytes {
        text.append(digits[Int(b >> 4)])
        text.append(digits[Int(b & 15)])
    }
    return String(decoding: text, as: UTF8.self)
}

func uuidText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var hex = Array(hexText(bytes).utf8.dropFirst(2))
    for at in [20, 16, 12, 8] { hex.insert(UInt8(ascii: "-"), at: at) }
    return String(decoding: hex, as: UTF8.self)
}
