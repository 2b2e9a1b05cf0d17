// Decoders for Parquet's value and level encodings. Inputs are untrusted: every read is
// bounds-checked and malformed data throws `EncodingFailure`.

struct EncodingFailure: Error { var message: String }

/// A byte range being decoded from the front.
struct ByteCursor {
    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0

    init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(bitPattern: 1)!
        count = buffer.count
    }

    var remaining: Int { count &- position }
    var rest: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + position, count: remaining) }

    mutating func varint() throws(EncodingFailure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < count, shift < 64 else { throw EncodingFailure(message: "truncated varint") }
            let b = base[position]
            position &+= 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift &+= 7
        }
    }

    mutating func zigzag() throws(EncodingFailure) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func take(_ n: Int) throws(EncodingFailure) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= remaining else { throw EncodingFailure(message: "needs \(n) bytes, \(remaining) left") }
        defer { position &+= n }
        return UnsafeRawBufferPointer(start: base + position, count: n)
    }

    /// A little-endian UInt32 length prefix (data page v1 levels).
    mutating func lengthPrefixed() throws(EncodingFailure) -> UnsafeRawBufferPointer {
        let header = try take(4)
        return try take(Int(header.loadUnaligned(as: UInt32.self).littleEndian))
    }
}

/// `width` bits (0...64) starting at bit `bit` of `p[0..<count]`, least significant first;
/// the caller has checked that `bit + width <= count * 8`.
@inline(__always) func loadBits(_ p: UnsafePointer<UInt8>, _ count: Int, _ bit: Int, _ width: Int) -> UInt64 {
    let byte = bit >> 3, shift = UInt64(bit & 7)
    var word: UInt64
    if byte &+ 8 <= count {
        word = UnsafeRawPointer(p + byte).loadUnaligned(as: UInt64.self).littleEndian
    } else {
        word = 0
        var k = 0
        while byte &+ k < count {
            word |= UInt64(p[byte &+ k]) << UInt64(k &* 8)
            k &+= 1
        }
    }
    var value = word >> shift
    if shift &+ UInt64(width) > 64, byte &+ 8 < count { value |= UInt64(p[byte &+ 8]) << (64 &- shift) }
    return width >= 64 ? value : value & ((1 << UInt64(width)) &- 1)
}

/// The bit width of values up to `maxValue`.
func bitWidth(_ maxValue: Int) -> Int { maxValue == 0 ? 0 : Int.bitWidth &- maxValue.leadingZeroBitCount }

/// Decodes `n` values of the RLE/bit-packed hybrid encoding into `out`, each as `element(v)`;
/// returns the first value not below `limit` (nothing is written for it or after it), or nil.
/// Inlined so that `element` (a level, a dictionary entry) is part of the loops.
@inline(__always)
func decodeHybrid<T>(
    _ cursor: inout ByteCursor, bitWidth: Int, count n: Int, limit: UInt32, into out: UnsafeMutablePointer<T>,
    _ element: (UInt32) -> T
) throws(EncodingFailure) -> UInt32? {
    guard bitWidth <= 32 else { throw EncodingFailure(message: "bit width \(bitWidth) is over 32") }
    var filled = 0
    let valueBytes = (bitWidth &+ 7) >> 3
    let mask: UInt64 = (1 << UInt64(bitWidth)) &- 1
    while filled < n {
        let header = try cursor.varint()
        if header & 1 == 0 {
            let run = Int(clamping: header >> 1)
            let raw = try cursor.take(valueBytes)
            var value: UInt32 = 0
            for k in 0..<valueBytes { value |= UInt32(raw[k]) << UInt32(k &* 8) }
            guard value < limit else { return value }
            let take = min(run, n &- filled)
            (out + filled).initialize(repeating: element(value), count: take)
            filled &+= take
        } else {
            let groups = Int(clamping: header >> 1)
            guard groups <= cursor.remaining else { throw EncodingFailure(message: "bit-packed run past the end of the page") }
            // The last run may be cut short after its final value.
            let bytes = min(groups &* bitWidth, cursor.remaining)
            let take = min(groups &* 8, n &- filled)
            guard take &* bitWidth <= bytes &* 8 else { throw EncodingFailure(message: "bit-packed run past the end of the page") }
            let p = cursor.base + cursor.position
            let target = out + filled
            // Whole groups of 8 values whose loads stay inside the run, by a loop made for the
            // width; then values whose 8 bytes from their first byte lie inside the run, one
            // unaligned load, shift and mask each; the few at the run's end go through loadBits.
            let groupReach = (bitWidth &* 7) >> 3 &+ 8
            let fast = bitWidth == 0 || bytes < groupReach ? 0 : min(take >> 3, (bytes &- groupReach) / bitWidth &+ 1)
            if fast > 0, let value = unpackGroups(p, groups: fast, bitWidth: bitWidth, limit: limit, into: target, element) {
                return value
            }
            let direct = bitWidth == 0 ? 0 : min(take, bytes >= 8 ? (bytes &- 8) &* 8 / bitWidth &+ 1 : 0)
            for j in (fast &* 8)..<max(direct, fast &* 8) {
                let bit = j &* bitWidth
                let word = UnsafeRawPointer(p + (bit >> 3)).loadUnaligned(as: UInt64.self).littleEndian
                let value = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                guard value < limit else { return value }
                (target + j).initialize(to: element(value))
            }
            for j in max(direct, fast &* 8)..<take {
                let value = UInt32(truncatingIfNeeded: loadBits(p, bytes, j &* bitWidth, bitWidth))
                guard value < limit else { return value }
                (target + j).initialize(to: element(value))
            }
            filled &+= take
            cursor.position &+= bytes
        }
    }
    return nil
}

/// `groups` groups of 8 bit-packed values (`bitWidth` bytes each) as `element(v)` into `out`;
/// the first value not below `limit`, or nil. Each width has its own copy of the loop, in which
/// every value's byte offset, shift and mask are constants. The caller has checked that every
/// group's last 8-byte load stays inside the data.
@inline(__always)
func unpackGroups<T>(
    _ p: UnsafePointer<UInt8>, groups: Int, bitWidth: Int, limit: UInt32, into out: UnsafeMutablePointer<T>,
    _ element: (UInt32) -> T
) -> UInt32? {
    switch bitWidth {
    case 1: unpackGroups(p, groups: groups, width: 1, limit: limit, into: out, element)
    case 2: unpackGroups(p, groups: groups, width: 2, limit: limit, into: out, element)
    case 3: unpackGroups(p, groups: groups, width: 3, limit: limit, into: out, element)
    case 4: unpackGroups(p, groups: groups, width: 4, limit: limit, into: out, element)
    case 5: unpackGroups(p, groups: groups, width: 5, limit: limit, into: out, element)
    case 6: unpackGroups(p, groups: groups, width: 6, limit: limit, into: out, element)
    case 7: unpackGroups(p, groups: groups, width: 7, limit: limit, into: out, element)
    case 8: unpackGroups(p, groups: groups, width: 8, limit: limit, into: out, element)
    case 9: unpackGroups(p, groups: groups, width: 9, limit: limit, into: out, element)
    case 10: unpackGroups(p, groups: groups, width: 10, limit: limit, into: out, element)
    case 11: unpackGroups(p, groups: groups, width: 11, limit: limit, into: out, element)
    case 12: unpackGroups(p, groups: groups, width: 12, limit: limit, into: out, element)
    case 13: unpackGroups(p, groups: groups, width: 13, limit: limit, into: out, element)
    case 14: unpackGroups(p, groups: groups, width: 14, limit: limit, into: out, element)
    case 15: unpackGroups(p, groups: groups, width: 15, limit: limit, into: out, element)
    case 16: unpackGroups(p, groups: groups, width: 16, limit: limit, into: out, element)
    case 17: unpackGroups(p, groups: groups, width: 17, limit: limit, into: out, element)
    case 18: unpackGroups(p, groups: groups, width: 18, limit: limit, into: out, element)
    case 19: unpackGroups(p, groups: groups, width: 19, limit: limit, into: out, element)
    case 20: unpackGroups(p, groups: groups, width: 20, limit: limit, into: out, element)
    case 21: unpackGroups(p, groups: groups, width: 21, limit: limit, into: out, element)
    case 22: unpackGroups(p, groups: groups, width: 22, limit: limit, into: out, element)
    case 23: unpackGroups(p, groups: groups, width: 23, limit: limit, into: out, element)
    case 24: unpackGroups(p, groups: groups, width: 24, limit: limit, into: out, element)
    case 25: unpackGroups(p, groups: groups, width: 25, limit: limit, into: out, element)
    case 26: unpackGroups(p, groups: groups, width: 26, limit: limit, into: out, element)
    case 27: unpackGroups(p, groups: groups, width: 27, limit: limit, into: out, element)
    case 28: unpackGroups(p, groups: groups, width: 28, limit: limit, into: out, element)
    case 29: unpackGroups(p, groups: groups, width: 29, limit: limit, into: out, element)
    case 30: unpackGroups(p, groups: groups, width: 30, limit: limit, into: out, element)
    case 31: unpackGroups(p, groups: groups, width: 31, limit: limit, into: out, element)
    case 32: unpackGroups(p, groups: groups, width: 32, limit: limit, into: out, element)
    default: preconditionFailure("bit width \(bitWidth) is not 1...32")
    }
}

@inline(__always)
private func unpackGroups<T>(
    _ p: UnsafePointer<UInt8>, groups: Int, width: Int, limit: UInt32, into out: UnsafeMutablePointer<T>,
    _ element: (UInt32) -> T
) -> UInt32? {
    let mask: UInt64 = (1 << UInt64(width)) &- 1
    for g in 0..<groups {
        let group = UnsafeRawPointer(p + g &* width)
        let target = out + g &* 8
        for k in 0..<8 {
            let bit = k &* width
            let word = group.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self).littleEndian
            let value = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            guard value < limit else { return value }
            (target + k).initialize(to: element(value))
        }
    }
    return nil
}

/// Whether hybrid-encoded levels start with one RLE run of `value` covering `n` levels: the
/// definition levels of a page without nulls, which then need no per-value work.
func isSingleRun(_ levels: ByteCursor, bitWidth: Int, value: Int, count n: Int) -> Bool {
    var cursor = levels
    guard let header = try? cursor.varint(), header & 1 == 0, header >> 1 >= UInt64(n) else { return false }
    let valueBytes = (bitWidth &+ 7) >> 3
    guard let raw = try? cursor.take(valueBytes) else { return false }
    var stored = 0
    for k in 0..<valueBytes { stored |= Int(raw[k]) << (k &* 8) }
    return stored == value
}

/// DELTA_BINARY_PACKED: at most `limit` values (the page's count, which bounds a hostile header).
func decodeDeltaBinaryPacked(_ cursor: inout ByteCursor, limit: Int) throws(EncodingFailure) -> [Int64] {
    let blockSize = Int(clamping: try cursor.varint())
    let miniblocks = Int(clamping: try cursor.varint())
    let total = Int(clamping: try cursor.varint())
    var previous = try cursor.zigzag()
    guard miniblocks > 0, blockSize > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 8 == 0, blockSize <= 1 << 20 else {
        throw EncodingFailure(message: "bad delta block header (block \(blockSize), \(miniblocks) miniblocks)")
    }
    guard total <= limit else { throw EncodingFailure(message: "delta header claims \(total) values, the page has \(limit)") }
    let perMiniblock = blockSize / miniblocks
    var values: [Int64] = []
    values.reserveCapacity(total)
    if total > 0 { values.append(previous) }
    var widths = [Int](repeating: 0, count: miniblocks)
    while values.count < total {
        let minDelta = try cursor.zigzag()
        let raw = try cursor.take(miniblocks)
        for m in 0..<miniblocks { widths[m] = Int(raw[m]) }
        for m in 0..<miniblocks where values.count < total {
            let width = widths[m]
            guard width <= 64 else { throw EncodingFailure(message: "delta bit width \(width) is over 64") }
            let take = min(perMiniblock, total &- values.count)
            let bytes = min(perMiniblock &* width / 8, cursor.remaining)
            guard take &* width <= bytes &* 8 else { throw EncodingFailure(message: "delta miniblock past the end of the page") }
            let p = cursor.base + cursor.position
            for j in 0..<take {
                previous = previous &+ minDelta &+ Int64(bitPattern: loadBits(p, bytes, j &* width, width))
                values.append(previous)
            }
            cursor.position &+= bytes
        }
    }
    return values
}

/// Byte strings of one page: `lengths[i]` bytes at `starts[i]` of the page (`base`), or of
/// `storage` when they had to be rebuilt (DELTA_BYTE_ARRAY).
struct ByteStrings {
    var base: UnsafePointer<UInt8>
    var starts: [Int]
    var lengths: [Int]
    var storage: [UInt8]?

    var count: Int { starts.count }

    func withBase<R>(_ body: (UnsafePointer<UInt8>) throws(EncodingFailure) -> R) throws(EncodingFailure) -> R {
        guard let storage else { return try body(base) }
        return try storage.withUnsafeBufferPointer { buffer throws(EncodingFailure) in
            try body(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
        }
    }
}

/// PLAIN BYTE_ARRAY: each value is a 4-byte little-endian length and its bytes.
func decodePlainByteArrays(_ cursor: inout ByteCursor, count n: Int) throws(EncodingFailure) -> ByteStrings {
    var starts = [Int](), lengths = [Int]()
    starts.reserveCapacity(n)
    lengths.reserveCapacity(n)
    for _ in 0..<n {
        let header = try cursor.take(4)
        let length = Int(header.loadUnaligned(as: UInt32.self).littleEndian)
        guard length <= cursor.remaining else { throw EncodingFailure(message: "string of \(length) bytes past the end of the page") }
        starts.append(cursor.position)
        lengths.append(length)
        cursor.position &+= length
    }
    return ByteStrings(base: cursor.base, starts: starts, lengths: lengths)
}

/// PLAIN FIXED_LEN_BYTE_ARRAY.
func decodeFixedByteArrays(_ cursor: inout ByteCursor, count n: Int, width: Int) throws(EncodingFailure) -> ByteStrings {
    guard width >= 0, n &* width <= cursor.remaining else { throw EncodingFailure(message: "\(n) values of \(width) bytes past the end of the page") }
    let first = cursor.position
    cursor.position &+= n &* width
    return ByteStrings(base: cursor.base, starts: (0..<n).map { first &+ $0 &* width }, lengths: [Int](repeating: width, count: n))
}

func decodeDeltaLengthByteArrays(_ cursor: inout ByteCursor, count n: Int) throws(EncodingFailure) -> ByteStrings {
    let lengths = try decodeDeltaBinaryPacked(&cursor, limit: n).map { Int(truncatingIfNeeded: $0) }
    var starts = [Int]()
    starts.reserveCapacity(lengths.count)
    for length in lengths {
        guard length >= 0, length <= cursor.remaining else { throw EncodingFailure(message: "string of \(length) bytes past the end of the page") }
        starts.append(cursor.position)
        cursor.position &+= length
    }
    return ByteStrings(base: cursor.base, starts: starts, lengths: lengths)
}

/// DELTA_BYTE_ARRAY: each value is a prefix of the previous one plus a suffix.
func decodeDeltaByteArrays(_ cursor: inout ByteCursor, count n: Int) throws(EncodingFailure) -> ByteStrings {
    let prefixes = try decodeDeltaBinaryPacked(&cursor, limit: n)
    let suffixes = try decodeDeltaLengthByteArrays(&cursor, count: n)
    guard prefixes.count == suffixes.count else { throw EncodingFailure(message: "\(prefixes.count) prefixes for \(suffixes.count) suffixes") }
    var storage: [UInt8] = []
    var starts = [Int](), lengths = [Int]()
    var previousStart = 0, previousLength = 0
    for i in 0..<prefixes.count {
        let prefix = Int(truncatingIfNeeded: prefixes[i])
        guard prefix >= 0, prefix <= previousLength else { throw EncodingFailure(message: "prefix of \(prefix) bytes is longer than the previous value") }
        let start = storage.count
        storage.reserveCapacity(start &+ prefix &+ suffixes.lengths[i])
        for k in 0..<prefix { storage.append(storage[previousStart &+ k]) }
        storage.append(contentsOf: UnsafeBufferPointer(start: suffixes.base + suffixes.starts[i], count: suffixes.lengths[i]))
        previousStart = start
        previousLength = prefix &+ suffixes.lengths[i]
        starts.append(start)
        lengths.append(previousLength)
    }
    return ByteStrings(base: suffixes.base, starts: starts, lengths: lengths, storage: storage)
}

/// BYTE_STREAM_SPLIT back to PLAIN order: byte k of value i is at k * n + i.
func unsplitByteStreams(_ bytes: UnsafeRawBufferPointer, width: Int, count n: Int) throws(EncodingFailure) -> [UInt8] {
    guard width > 0, n &* width <= bytes.count else { throw EncodingFailure(message: "byte-stream-split data is shorter than \(n) values") }
    let stride = bytes.count / width
    return [UInt8](unsafeUninitializedCapacity: n &* width) { out, count in
        for i in 0..<n {
            for k in 0..<width { out[i &* width &+ k] = bytes[k &* stride &+ i] }
        }
        count = n &* width
    }
}
