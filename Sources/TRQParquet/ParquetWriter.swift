import TRQFrame

/// Writes tables as Parquet: int → INT64, float → DOUBLE, bool → BOOLEAN, string → UTF-8
/// BYTE_ARRAY (dictionary-encoded per column chunk), timestamp → TIMESTAMP(µs, UTC), date →
/// DATE; columns with nulls are OPTIONAL. Each chunk carries min, max and null count.
public enum ParquetWriter {
    public enum Compression: String, Sendable, CaseIterable {
        case snappy, zstd, gzip, none

        var codec: Codec {
            switch self {
            case .snappy: .snappy
            case .zstd: .zstd
            case .gzip: .gzip
            case .none: .uncompressed
            }
        }
    }

    /// The file's bytes. Row groups hold `rowGroupSize` rows; pages `pageRows`.
    public static func encode(_ table: Table, compression: Compression = .snappy, rowGroupSize: Int = 1 << 20, pageRows: Int = 1 << 16) -> [UInt8] {
        Array(encodeParts(table, compression: compression, rowGroupSize: rowGroupSize, pageRows: pageRows).joined())
    }

    /// The file's bytes as parts to write one after another (the column chunks, then the
    /// footer), not joined: see `saveAtomically(parts:to:overwrite:)`.
    public static func encodeParts(_ table: Table, compression: Compression = .snappy, rowGroupSize: Int = 1 << 20, pageRows: Int = 1 << 16) -> [[UInt8]] {
        let groupCount = max(1, (table.rowCount &+ rowGroupSize &- 1) / rowGroupSize)
        let columnCount = table.columnCount
        // Each chunk is encoded on its own (in parallel); offsets are fixed when they are joined.
        var chunks = [EncodedChunk?](repeating: nil, count: groupCount &* columnCount)
        chunks.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            // One task a chunk, handed to whichever core is free (chunks differ in cost by 10x:
            // a fixed share per core left one core idle for a third of a save).
            parallelFor(slots.count) { job in
                let g = job / columnCount, c = job % columnCount
                let start = g &* rowGroupSize
                let rows = start..<min(table.rowCount, start &+ rowGroupSize)
                slots[job] = ChunkEncoder(column: table.columns[c], rows: rows, codec: compression.codec, pageRows: pageRows).encode()
            }
        }
        var parts: [[UInt8]] = [Array("PAR1".utf8)]
        var size = 4
        var groups: [(rows: Int, chunks: [(EncodedChunk, Int)])] = []
        for g in 0..<groupCount {
            var placed: [(EncodedChunk, Int)] = []
            for c in 0..<columnCount {
                let chunk = chunks[g &* columnCount &+ c]!
                placed.append((chunk, size))
                parts.append(chunk.bytes)
                size &+= chunk.bytes.count
            }
            let start = g &* rowGroupSize
            groups.append((min(table.rowCount, start &+ rowGroupSize) &- start, placed))
        }
        var footer = ThriftWriter()
        footer.structure { w in
            w.field(1, i32: 1)
            w.field(2, listOf: .structure, count: columnCount &+ 1) { w, i in
                w.structure { w in
                    if i == 0 {
                        w.field(4, string: "schema")
                        w.field(5, i32: Int32(columnCount))
                        return
                    }
                    let column = table.columns[i &- 1]
                    let kind = ColumnKind(column.type)
                    w.field(1, i32: kind.physical.rawValue)
                    w.field(3, i32: (column.validity == nil ? Repetition.required : .optional).rawValue)
                    w.field(4, string: table.names[i &- 1])
                    if let converted = kind.convertedType { w.field(6, i32: converted) }
                    if let logical = kind.logicalField {
                        w.field(10, structure: { w in
                            w.field(logical, structure: { w in
                                if logical == 8 {
                                    w.field(1, bool: true)
                                    w.field(2, structure: { w in w.field(2, structure: { _ in }) })
                                }
                            })
                        })
                    }
                }
            }
            w.field(3, i64: Int64(table.rowCount))
            w.field(4, listOf: .structure, count: table.rowCount == 0 && columnCount == 0 ? 0 : groups.count) { w, g in
                let group = groups[g]
                w.structure { w in
                    w.field(1, listOf: .structure, count: group.chunks.count) { w, c in
                        let (chunk, offset) = group.chunks[c]
                        w.structure { w in
                            w.field(2, i64: Int64(offset))
                            w.field(3, structure: { w in chunk.writeMetadata(&w, name: table.names[c], type: ColumnKind(table.columns[c].type), codec: compression.codec, offset: offset) })
                        }
                    }
                    w.field(2, i64: group.chunks.reduce(0) { $0 &+ Int64($1.0.uncompressedSize) })
                    w.field(3, i64: Int64(group.rows))
                }
            }
            w.field(6, string: "trq")
            // Each column's TypeDefinedOrder: without it pyarrow ignores the min_value and
            // max_value statistics (the only ones written) and prunes no row group by them.
            w.field(7, listOf: .structure, count: columnCount) { w, _ in
                w.structure { w in w.field(1, structure: { _ in }) }
            }
        }
        var tail = footer.bytes
        let length = UInt32(footer.bytes.count)
        tail.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)])
        tail.append(contentsOf: Array("PAR1".utf8))
        parts.append(tail)
        return parts
    }
}

/// The Parquet types a trq column type is written as.
struct ColumnKind {
    var physical: PhysicalType
    var convertedType: Int32?
    /// The LogicalType union member: 1 string, 6 date, 8 timestamp.
    var logicalField: Int16?

    init(_ type: DataType) {
        switch type {
        case .int: self.init(physical: .int64)
        case .float: self.init(physical: .double)
        case .bool: self.init(physical: .boolean)
        case .string: self.init(physical: .byteArray, convertedType: 0, logicalField: 1)
        case .timestamp: self.init(physical: .int64, convertedType: 10, logicalField: 8)
        case .date: self.init(physical: .int32, convertedType: 6, logicalField: 6)
        }
    }

    init(physical: PhysicalType, convertedType: Int32? = nil, logicalField: Int16? = nil) {
        self.physical = physical
        self.convertedType = convertedType
        self.logicalField = logicalField
    }
}

/// One column chunk's pages, with offsets relative to its start.
struct EncodedChunk {
    var bytes: [UInt8] = []
    var uncompressedSize = 0
    var valueCount = 0
    var nullCount = 0
    var hasDictionary = false
    /// Offset of the first data page (after the dictionary page, if any).
    var dataPageStart = 0
    var min: [UInt8]?
    var max: [UInt8]?

    func writeMetadata(_ w: inout ThriftWriter, name: String, type: ColumnKind, codec: Codec, offset: Int) {
        w.field(1, i32: type.physical.rawValue)
        let encodings: [Encoding] = hasDictionary ? [.plain, .rle, .rleDictionary] : [.plain, .rle]
        w.field(2, listOf: .i32, count: encodings.count) { w, i in w.zigzag(Int64(encodings[i].rawValue)) }
        w.field(3, listOf: .binary, count: 1) { w, _ in
            w.varint(UInt64(name.utf8.count))
            w.bytes.append(contentsOf: name.utf8)
        }
        w.field(4, i32: codec.rawValue)
        w.field(5, i64: Int64(valueCount))
        w.field(6, i64: Int64(uncompressedSize))
        w.field(7, i64: Int64(bytes.count))
        w.field(9, i64: Int64(offset &+ dataPageStart))
        if hasDictionary { w.field(11, i64: Int64(offset)) }
        w.field(12, structure: { w in
            w.field(3, i64: Int64(nullCount))
            if let max { w.field(5, binary: max) }
            if let min { w.field(6, binary: min) }
        })
    }
}

/// Encodes one column's rows as a chunk: a dictionary page for strings, then data pages
/// (v1: definition levels when the column has nulls, then PLAIN or dictionary indices).
struct ChunkEncoder {
    let column: Column
    let rows: Range<Int>
    let codec: Codec
    let pageRows: Int

    func encode() -> EncodedChunk {
        var chunk = EncodedChunk()
        chunk.valueCount = rows.count
        // About the uncompressed size: the chunk is not copied as it grows page by page.
        chunk.bytes.reserveCapacity(rows.count &* (column.type == .string ? 4 : 8) &+ 65_536)
        chunk.nullCount = column.validity == nil ? 0 : rows.reduce(0) { $0 &+ (column.isNull($1) ? 1 : 0) }
        if case .string(let codes, let dictionary) = column.data {
            // The chunk's own dictionary: the strings its rows use, in order of first use.
            let strings = dictionary.values
            var local = [Int32](repeating: -1, count: strings.count)
            var entries: [Int32] = []
            // Null rows keep 0 (they are skipped when the indices are written).
            var localCodes = [Int32](repeating: 0, count: rows.count)
            codes.withUnsafeBufferPointer { codes in
                local.withUnsafeMutableBufferPointer { local in
                    localCodes.withUnsafeMutableBufferPointer { localCodes in
                        for i in rows where column.validity == nil || column.validity.unsafelyUnwrapped.isValid(i) {
                            let code = Int(codes[i])
                            if local[code] < 0 {
                                local[code] = Int32(truncatingIfNeeded: entries.count)
                                entries.append(Int32(truncatingIfNeeded: code))
                            }
                            localCodes[i &- rows.lowerBound] = local[code]
                        }
                    }
                }
            }
            var page: [UInt8] = []
            var minEntry: String?, maxEntry: String?
            for entry in entries {
                let text = strings[Int(entry)]
                appendLength(&page, text.utf8.count)
                page.append(contentsOf: text.utf8)
                if minEntry.map({ text.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true { minEntry = text }
                if maxEntry.map({ $0.utf8.lexicographicallyPrecedes(text.utf8) }) ?? true { maxEntry = text }
            }
            chunk.min = minEntry.map { Array($0.utf8) }
            chunk.max = maxEntry.map { Array($0.utf8) }
            chunk.hasDictionary = true
            appendPage(&chunk, page, type: .dictionary, header: { w in
                w.field(7, structure: { w in
                    w.field(1, i32: Int32(entries.count))
                    w.field(2, i32: Encoding.plain.rawValue)
                })
            })
            let width = max(1, bitWidth(max(0, entries.count &- 1)))
            localCodes.withUnsafeBufferPointer { localCodes in
                forEachPage(&chunk) { page, range in
                    page.append(UInt8(width))
                    appendPresent(&page, range, width: width) { UInt64(UInt32(bitPattern: localCodes[$0 &- rows.lowerBound])) }
                }
            }
            return chunk
        }
        setStatistics(&chunk)
        forEachPage(&chunk) { page, range in
            switch column.data {
            case .int(let v), .timestamp(let v): appendPlain(&page, v, range)
            case .float(let v): appendPlain(&page, v, range)
            case .date(let v): appendPlain(&page, v, range)
            case .bool(let v):
                // PLAIN booleans: one bit each, no run header.
                v.withUnsafeBufferPointer { v in
                    let present = column.validity == nil ? range.count : range.reduce(0) { $0 &+ (column.isNull($1) ? 0 : 1) }
                    var rows = range.makeIterator()
                    packBits(&page, present, 1) { _ in
                        var i = rows.next().unsafelyUnwrapped
                        while column.isNull(i) { i = rows.next().unsafelyUnwrapped }
                        return v[i] ? 1 : 0
                    }
                }
            case .string: break
            }
        }
        return chunk
    }

    /// The values of the rows in `range` that are not null, as one bit-packed run (dictionary
    /// indices): `value(row)` for each.
    private func appendPresent(_ out: inout [UInt8], _ range: Range<Int>, width: Int, _ value: (Int) -> UInt64) {
        guard let validity = column.validity else {
            return appendHybridRun(&out, range.count, width) { value(range.lowerBound &+ $0) }
        }
        var kept: [UInt64] = []
        kept.reserveCapacity(range.count)
        for i in range where validity.isValid(i) { kept.append(value(i)) }
        appendHybridRun(&out, kept.count, width) { kept[$0] }
    }

    /// The non-null values of the rows, each as PLAIN little-endian bytes.
    private func appendPlain<T>(_ page: inout [UInt8], _ values: [T], _ range: Range<Int>) {
        values.withUnsafeBufferPointer { v in
            if column.validity == nil {
                page.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: v[range])))
                return
            }
            for i in range where !column.isNull(i) {
                withUnsafeBytes(of: v[i]) { page.append(contentsOf: $0) }
            }
        }
    }

    private func setStatistics(_ chunk: inout EncodedChunk) {
        func bytes<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        func range<T: Comparable>(_ values: [T], _ ok: (T) -> Bool = { _ in true }) -> (T, T)? {
            values.withUnsafeBufferPointer { values in
                var i = rows.lowerBound
                while i < rows.upperBound, column.isNull(i) || !ok(values[i]) { i &+= 1 }
                guard i < rows.upperBound else { return nil }
                var lo = values[i], hi = lo
                if let validity = column.validity {
                    for i in i..<rows.upperBound where validity.isValid(i) && ok(values[i]) {
                        lo = Swift.min(lo, values[i])
                        hi = Swift.max(hi, values[i])
                    }
                } else {
                    for i in i..<rows.upperBound where ok(values[i]) {
                        lo = Swift.min(lo, values[i])
                        hi = Swift.max(hi, values[i])
                    }
                }
                return (lo, hi)
            }
        }
        switch column.data {
        case .int(let v), .timestamp(let v):
            if let (lo, hi) = range(v) { (chunk.min, chunk.max) = (bytes(lo), bytes(hi)) }
        case .float(let v):
            if let (lo, hi) = range(v, { !$0.isNaN }) { (chunk.min, chunk.max) = (bytes(lo), bytes(hi)) }
        case .date(let v):
            if let (lo, hi) = range(v) { (chunk.min, chunk.max) = (bytes(lo), bytes(hi)) }
        case .bool(let v):
            // Over the chunk's rows only (mapping the whole column made 10M values per chunk).
            var seen: (Bool, Bool) = (false, false)
            v.withUnsafeBufferPointer { v in
                for i in rows where !column.isNull(i) {
                    if v[i] { seen.1 = true } else { seen.0 = true }
                    if seen.0 && seen.1 { break }
                }
            }
            if seen.0 || seen.1 { (chunk.min, chunk.max) = ([seen.0 ? 0 : 1], [seen.1 ? 1 : 0]) }
        case .string: break
        }
    }

    /// Splits the rows into pages; `values` appends a page's encoded values.
    private func forEachPage(_ chunk: inout EncodedChunk, _ values: (inout [UInt8], Range<Int>) -> Void) {
        chunk.dataPageStart = chunk.bytes.count
        let encoding = chunk.hasDictionary ? Encoding.rleDictionary : .plain
        var start = rows.lowerBound
        repeat {
            let range = start..<Swift.min(rows.upperBound, start &+ pageRows)
            var page: [UInt8] = []
            if column.validity != nil {
                var levels: [UInt8] = []
                appendHybridRun(&levels, range.count, 1) { column.isNull(range.lowerBound &+ $0) ? 0 : 1 }
                appendLength(&page, levels.count)
                page.append(contentsOf: levels)
            }
            values(&page, range)
            appendPage(&chunk, page, type: .data, header: { w in
                w.field(5, structure: { w in
                    w.field(1, i32: Int32(range.count))
                    w.field(2, i32: encoding.rawValue)
                    w.field(3, i32: Encoding.rle.rawValue)
                    w.field(4, i32: Encoding.rle.rawValue)
                })
            })
            start = range.upperBound
        } while start < rows.upperBound
    }

    /// Appends a page: its header (type and sizes, then the fields `header` writes) and bytes.
    private func appendPage(_ chunk: inout EncodedChunk, _ page: [UInt8], type: PageType, header: (inout ThriftWriter) -> Void) {
        let compressed = page.withUnsafeBytes { codec.compress($0) }
        var w = ThriftWriter()
        w.structure { w in
            w.field(1, i32: type.rawValue)
            w.field(2, i32: Int32(page.count))
            w.field(3, i32: Int32(compressed.count))
            header(&w)
        }
        chunk.bytes.append(contentsOf: w.bytes)
        chunk.bytes.append(contentsOf: compressed)
        chunk.uncompressedSize &+= w.bytes.count &+ page.count
    }
}

private func appendLength(_ out: inout [UInt8], _ n: Int) {
    let v = UInt32(n)
    out.append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)])
}

/// `n` values as one bit-packed run of the RLE/bit-packed hybrid (levels and dictionary
/// indices): a run header, then `width` bits per value in groups of 8.
private func appendHybridRun(_ out: inout [UInt8], _ n: Int, _ width: Int, _ value: (Int) -> UInt64) {
    let groups = (n &+ 7) / 8
    out.reserveCapacity(out.count &+ 10 &+ groups &* width)
    var header = UInt64(groups) << 1 | 1
    while header >= 0x80 {
        out.append(UInt8(truncatingIfNeeded: header) | 0x80)
        header >>= 7
    }
    out.append(UInt8(header))
    packBits(&out, groups &* 8, width) { $0 < n ? value($0) : 0 }
}

/// `n` values of `width` bits, least significant first.
private func packBits(_ out: inout [UInt8], _ n: Int, _ width: Int, _ value: (Int) -> UInt64) {
    var buffer: UInt64 = 0
    var bits = 0
    for j in 0..<n {
        buffer |= value(j) << UInt64(bits)
        bits &+= width
        while bits >= 8 {
            out.append(UInt8(truncatingIfNeeded: buffer))
            buffer >>= 8
            bits &-= 8
        }
    }
    if bits > 0 { out.append(UInt8(truncatingIfNeeded: buffer)) }
}
