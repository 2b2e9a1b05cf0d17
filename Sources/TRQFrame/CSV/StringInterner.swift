#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 64-bit hash of a byte string, eight bytes per step (multiply-xorshift mixing).
@inline(__always)
func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i &+ 8 <= n {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        i &+= 8
    }
    if i < n {
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift &+= 8
            i &+= 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
    }
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    return h ^ (h >> 32)
}

/// Byte equality, inlined: most fields are short, where calling memcmp costs more than comparing.
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let x = UnsafeRawPointer(a)
    let y = UnsafeRawPointer(b)
    var i = 0
    while i &+ 8 <= n {
        if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i &+= 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i &+= 1
    }
    return true
}

/// Assigns dense Int32 codes to distinct byte strings: an open-addressing (linear probing)
/// table over an arena holding each distinct value once. A slot holds the code and the upper
/// half of the value's hash, so a probe touches one slot and, on a tag match, the arena.
/// New values are checked to be valid UTF-8 when `validates` is set, so a column is validated
/// once per distinct value. The owner must call `release()`.
struct StringInterner {
    private var arena = GrowableBuffer<UInt8>()
    /// Start offset of each value in `arena`; value i ends where value i + 1 starts.
    private var starts = GrowableBuffer<Int>()
    /// Full hashes, needed only to re-slot values when the table grows.
    private var hashes = GrowableBuffer<UInt64>()
    /// 0 = empty, else (hash >> 32) << 32 | (code + 1).
    private var slots: UnsafeMutablePointer<UInt64>?
    private var slotMask = 0
    let validates: Bool

    init(validates: Bool) { self.validates = validates }

    var count: Int { starts.count }

    func value(_ code: Int) -> UnsafeBufferPointer<UInt8> {
        let start = starts[code]
        let end = code &+ 1 < starts.count ? starts[code &+ 1] : arena.count
        return UnsafeBufferPointer(start: arena.base.map { UnsafePointer($0) + start }, count: end &- start)
    }

    /// The code of the value, adding it if new; -1 if it is new and not valid UTF-8.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        if slots == nil { resize(to: 1024) }
        let h = hashBytes(p, n)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: h) & slotMask
        let table = slots.unsafelyUnwrapped
        while true {
            let entry = table[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let code = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) &- 1
                let candidate = value(code)
                if candidate.count == n, n == 0 || bytesEqual(candidate.baseAddress!, p, n) {
                    return Int32(truncatingIfNeeded: code)
                }
            }
            slot = (slot &+ 1) & slotMask
        }
        if validates, firstInvalidUTF8(p, n) != nil { return -1 }
        let code = starts.count
        starts.append(arena.count)
        hashes.append(h)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        table[slot] = tag | UInt64(code &+ 1)
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

    private mutating func resize(to capacity: Int) {
        if let slots { free(slots) }
        guard let raw = calloc(capacity, MemoryLayout<UInt64>.stride) else {
            fatalError("out of memory growing a string dictionary")
        }
        let table = raw.bindMemory(to: UInt64.self, capacity: capacity)
        slots = table
        slotMask = capacity &- 1
        for code in 0..<starts.count {
            let h = hashes[code]
            var slot = Int(truncatingIfNeeded: h) & slotMask
            while table[slot] != 0 { slot = (slot &+ 1) & slotMask }
            table[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(code &+ 1)
        }
    }

    /// The distinct values as Swift strings, in code order.
    func strings() -> [String] {
        (0..<count).map { String(decoding: value($0), as: UTF8.self) }
    }

    mutating func release() {
        arena.release()
        starts.release()
        hashes.release()
        if let slots { free(slots) }
        slots = nil
        slotMask = 0
    }
}
