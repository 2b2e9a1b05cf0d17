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

/// A 64-bit hash of a byte string: eight bytes per step with multiply-xorshift mixing. The tail
/// is read with loads that overlap bytes already read (never past the end), as wyhash does.
@inline(__always)
func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    var tail: UInt64
    if n >= 8 {
        var i = 0
        while i &+ 8 < n {
            h = (h ^ load64(p, i)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i &+= 8
        }
        tail = load64(p, n &- 8)
    } else if n >= 4 {
        tail = load32(p, 0) << 32 | load32(p, n &- 4)
    } else if n > 0 {
        tail = UInt64(p[0]) << 16 | UInt64(p[n >> 1]) << 8 | UInt64(p[n &- 1])
    } else {
        tail = 0
    }
    h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    return h ^ (h >> 32)
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

/// Assigns dense Int32 codes to distinct byte strings: an open-addressing (linear probing)
/// table over an arena holding each distinct value once, as a record (code: UInt32,
/// length: UInt32, bytes). A slot holds the record's offset and 24 bits of the hash, so a
/// lookup touches one slot and, when the bits match, one record: two cache misses at most
/// for a large dictionary. New values are checked to be valid UTF-8 when `validates` is set,
/// so a column is validated once per distinct value. The owner must call `release()`.
struct StringInterner {
    private var arena = GrowableBuffer<UInt8>()
    /// Offset in `arena` of each value's bytes, by code.
    private var starts = GrowableBuffer<Int>()
    /// 0 = empty, else hash >> 40 << 40 | (record offset + 1).
    private var slots: UnsafeMutablePointer<UInt64>?
    private var slotMask = 0
    let validates: Bool

    private static let tagMask: UInt64 = 0xFFFF_FF00_0000_0000
    private static let headerSize = 8

    init(validates: Bool) { self.validates = validates }

    var count: Int { starts.count }

    @inline(__always) private func length(atRecord record: Int) -> Int {
        Int(UnsafeRawPointer(arena.base.unsafelyUnwrapped).loadUnaligned(fromByteOffset: record &+ 4, as: UInt32.self))
    }

    func value(_ code: Int) -> UnsafeBufferPointer<UInt8> {
        let start = starts[code]
        let base = UnsafePointer(arena.base.unsafelyUnwrapped)
        return UnsafeBufferPointer(start: base + start, count: length(atRecord: start &- StringInterner.headerSize))
    }

    /// The code of the value, adding it if new; -1 if it is new and not valid UTF-8.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        if slots == nil { resize(to: 1024) }
        let h = hashBytes(p, n)
        let tag = h & StringInterner.tagMask
        var slot = Int(truncatingIfNeeded: h) & slotMask
        let table = slots.unsafelyUnwrapped
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
            slot = (slot &+ 1) & slotMask
        }
        if validates, firstInvalidUTF8(p, n) != nil { return -1 }
        let code = starts.count
        let record = arena.count
        var header = UInt64(UInt32(truncatingIfNeeded: code)) | UInt64(UInt32(truncatingIfNeeded: n)) << 32
        withUnsafeBytes(of: &header) { arena.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        starts.append(record &+ StringInterner.headerSize)
        table[slot] = tag | UInt64(record &+ 1)
        if starts.count &* 2 > slotMask { resize(to: (slotMask &+ 1) &* 2) }
        return Int32(truncatingIfNeeded: code)
    }

    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let p = bytes.baseAddress else {
            var empty: UInt8 = 0
            return intern(&empty, 0)
        }
        return intern(p, bytes.count)
    }

    /// A table of `capacity` slots (a power of two) holding every value, re-hashed from the arena.
    private mutating func resize(to capacity: Int) {
        if let slots { free(slots) }
        guard let raw = calloc(capacity, MemoryLayout<UInt64>.stride) else {
            fatalError("out of memory growing a string dictionary")
        }
        let table = raw.bindMemory(to: UInt64.self, capacity: capacity)
        slots = table
        slotMask = capacity &- 1
        for code in 0..<starts.count {
            let bytes = value(code)
            let h = hashBytes(bytes.baseAddress!, bytes.count)
            var slot = Int(truncatingIfNeeded: h) & slotMask
            while table[slot] != 0 { slot = (slot &+ 1) & slotMask }
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
        if let slots { free(slots) }
        slots = nil
        slotMask = 0
    }
}
