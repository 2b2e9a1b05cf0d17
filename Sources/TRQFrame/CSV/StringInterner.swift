#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) private func load64(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64 {
    UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i, as: UInt64.self)
}

@inline(__always) private func load32(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64 {
    UInt64(UnsafeRawPointer(p).loadUnaligned(fromByteOffset: i, as: UInt32.self))
}

/// The folded 128-bit product of two words (wyhash's mixing step).
@inline(__always) private func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let product = a.multipliedFullWidth(by: b)
    return product.high ^ product.low
}

/// A 64-bit hash of a byte string in the style of wyhash: sixteen bytes per multiplication;
/// the last sixteen (or fewer) are read with loads that may overlap bytes already read, never
/// past the end.
@inline(__always)
func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    let secret0: UInt64 = 0xA076_1D64_78BD_642F, secret1: UInt64 = 0xE703_7ED1_A0B4_28DB
    var seed = secret0 ^ UInt64(truncatingIfNeeded: n)
    let a: UInt64, b: UInt64
    if n > 16 {
        var i = 0
        while i &+ 16 < n {
            seed = mum(load64(p, i) ^ secret1, load64(p, i &+ 8) ^ seed)
            i &+= 16
        }
        a = load64(p, n &- 16)
        b = load64(p, n &- 8)
    } else if n >= 8 {
        a = load64(p, 0)
        b = load64(p, n &- 8)
    } else if n >= 4 {
        a = load32(p, 0)
        b = load32(p, n &- 4)
    } else if n > 0 {
        a = UInt64(p[0]) << 16 | UInt64(p[n >> 1]) << 8 | UInt64(p[n &- 1])
        b = 0
    } else {
        a = 0
        b = 0
    }
    return mum(secret1 ^ UInt64(truncatingIfNeeded: n), mum(a ^ secret1, b ^ seed))
}

/// Byte equality, inlined: most fields are short, where calling memcmp costs more than comparing.
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    if n >= 8 {
        var i = 0
        while i &+ 8 < n {
            if load64(a, i) != load64(b, i) { return false }
            i &+= 8
        }
        return load64(a, n &- 8) == load64(b, n &- 8)
    }
    if n >= 4 { return load32(a, 0) == load32(b, 0) && load32(a, n &- 4) == load32(b, n &- 4) }
    var i = 0
    while i < n {
        if a[i] != b[i] { return false }
        i &+= 1
    }
    return true
}

/// The bytes of a string of at most 8 bytes as one word, zero-extended: two overlapping loads
/// (which agree where they overlap) or single bytes, never reading past the string.
@inline(__always)
func packShort(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    if n >= 4 { return load32(p, 0) | load32(p, n &- 4) << UInt64((n &- 4) &* 8) }
    if n == 0 { return 0 }
    return UInt64(p[0]) | UInt64(p[n >> 1]) << UInt64((n >> 1) &* 8) | UInt64(p[n &- 1]) << UInt64((n &- 1) &* 8)
}

/// Assigns dense Int32 codes to distinct byte strings, keeping each distinct value once in an
/// arena as a record (code: UInt32, length: UInt32, bytes). Two open-addressing tables with
/// linear probing find values:
/// - values of up to 8 bytes (country codes, categories) by their bytes packed into a word:
///   an entry is (word, length << 32 | code + 1), so a lookup is one probe and no arena access;
/// - longer values by hash: an entry is (24 hash bits, record offset + 1), so a lookup touches
///   one slot and, when the bits match, one record.
/// New values are checked to be valid UTF-8 when `validates` is set, so a column is validated
/// once per distinct value. The owner must call `release()`.
struct StringInterner {
    private var arena = GrowableBuffer<UInt8>()
    /// Offset in `arena` of each value's bytes, by code.
    private var starts = GrowableBuffer<Int>()
    /// Pairs of words; meta 0 = empty.
    private var shortTable: UnsafeMutablePointer<UInt64>?
    private var shortMask = 0
    private var shortCount = 0
    /// 0 = empty, else hash >> 40 << 40 | (record offset + 1).
    private var longTable: UnsafeMutablePointer<UInt64>?
    private var longMask = 0
    private var longCount = 0
    let validates: Bool

    private static let tagMask: UInt64 = 0xFFFF_FF00_0000_0000
    private static let headerSize = 8

    init(validates: Bool) { self.validates = validates }

    var count: Int { starts.count }

    func value(_ code: Int) -> UnsafeBufferPointer<UInt8> {
        let start = starts[code]
        let base = UnsafePointer(arena.base.unsafelyUnwrapped)
        let length = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: start &- 4, as: UInt32.self)
        return UnsafeBufferPointer(start: base + start, count: Int(length))
    }

    /// The code of the value, adding it if new; -1 if it is new and not valid UTF-8.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        n <= 8 ? internShort(p, n) : internLong(p, n)
    }

    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let p = bytes.baseAddress else {
            var empty: UInt8 = 0
            return intern(&empty, 0)
        }
        return intern(p, bytes.count)
    }

    @inline(__always) private static func shortSlot(_ word: UInt64, _ n: Int, _ mask: Int) -> Int {
        var h = (word ^ UInt64(truncatingIfNeeded: n) << 61) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h) & mask
    }

    @inline(__always)
    private mutating func internShort(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        if shortTable == nil { resizeShort(to: 64) }
        let word = packShort(p, n)
        let table = shortTable.unsafelyUnwrapped
        var slot = StringInterner.shortSlot(word, n, shortMask)
        while true {
            let meta = table[slot &* 2 &+ 1]
            if meta == 0 { break }
            if table[slot &* 2] == word, Int(truncatingIfNeeded: meta >> 32) == n {
                return Int32(truncatingIfNeeded: (meta & 0xFFFF_FFFF) &- 1)
            }
            slot = (slot &+ 1) & shortMask
        }
        guard let code = add(p, n) else { return -1 }
        table[slot &* 2] = word
        table[slot &* 2 &+ 1] = UInt64(n) << 32 | UInt64(code &+ 1)
        shortCount &+= 1
        // Up to 3/4 full: probes stay short, and a smaller table stays in cache.
        if shortCount &* 4 > shortMask &* 3 { resizeShort(to: (shortMask &+ 1) &* 2) }
        return Int32(truncatingIfNeeded: code)
    }

    @inline(__always)
    private mutating func internLong(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        if longTable == nil { resizeLong(to: 1024) }
        let h = hashBytes(p, n)
        let tag = h & StringInterner.tagMask
        var slot = Int(truncatingIfNeeded: h) & longMask
        let table = longTable.unsafelyUnwrapped
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            if entry & StringInterner.tagMask == tag {
                let record = Int(truncatingIfNeeded: entry & ~StringInterner.tagMask) &- 1
                let header = UnsafeRawPointer(arena.base.unsafelyUnwrapped + record)
                if Int(header.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) == n,
                   bytesEqual(arena.base.unsafelyUnwrapped + (record &+ StringInterner.headerSize), p, n) {
                    return Int32(bitPattern: header.loadUnaligned(as: UInt32.self))
                }
            }
            slot = (slot &+ 1) & longMask
        }
        let record = arena.count
        guard add(p, n) != nil else { return -1 }
        table[slot] = tag | UInt64(record &+ 1)
        longCount &+= 1
        if longCount &* 4 > longMask &* 3 { resizeLong(to: (longMask &+ 1) &* 2) }
        return Int32(truncatingIfNeeded: starts.count &- 1)
    }

    /// Appends a new value's record; nil if it is not valid UTF-8 (and `validates`).
    private mutating func add(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        if validates, firstInvalidUTF8(p, n) != nil { return nil }
        let code = starts.count
        let record = arena.count
        var header = UInt64(UInt32(truncatingIfNeeded: code)) | UInt64(UInt32(truncatingIfNeeded: n)) << 32
        withUnsafeBytes(of: &header) { arena.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        starts.append(record &+ StringInterner.headerSize)
        return code
    }

    private static func allocateTable(words: Int) -> UnsafeMutablePointer<UInt64> {
        guard let raw = calloc(words, MemoryLayout<UInt64>.stride) else {
            fatalError("out of memory growing a string dictionary")
        }
        return raw.bindMemory(to: UInt64.self, capacity: words)
    }

    /// Re-slots every short value into a table of `capacity` entries (a power of two).
    private mutating func resizeShort(to capacity: Int) {
        if let shortTable { free(shortTable) }
        let table = StringInterner.allocateTable(words: capacity &* 2)
        shortTable = table
        shortMask = capacity &- 1
        for code in 0..<starts.count {
            let bytes = value(code)
            guard bytes.count <= 8, let p = bytes.baseAddress else { continue }
            let word = packShort(p, bytes.count)
            var slot = StringInterner.shortSlot(word, bytes.count, shortMask)
            while table[slot &* 2 &+ 1] != 0 { slot = (slot &+ 1) & shortMask }
            table[slot &* 2] = word
            table[slot &* 2 &+ 1] = UInt64(bytes.count) << 32 | UInt64(code &+ 1)
        }
    }

    /// Re-slots every long value into a table of `capacity` slots (a power of two).
    private mutating func resizeLong(to capacity: Int) {
        if let longTable { free(longTable) }
        let table = StringInterner.allocateTable(words: capacity)
        longTable = table
        longMask = capacity &- 1
        for code in 0..<starts.count {
            let bytes = value(code)
            guard bytes.count > 8, let p = bytes.baseAddress else { continue }
            let h = hashBytes(p, bytes.count)
            var slot = Int(truncatingIfNeeded: h) & longMask
            while table[slot] != 0 { slot = (slot &+ 1) & longMask }
            table[slot] = (h & StringInterner.tagMask) | UInt64(starts[code] &- StringInterner.headerSize &+ 1)
        }
    }

    /// The distinct values as Swift strings, in code order.
    func strings() -> [String] {
        (0..<count).map { String(decoding: value($0), as: UTF8.self) }
    }

    mutating func release() {
        arena.release()
        starts.release()
        if let shortTable { free(shortTable) }
        if let longTable { free(longTable) }
        shortTable = nil
        longTable = nil
        shortMask = 0
        longMask = 0
        shortCount = 0
        longCount = 0
    }
}
