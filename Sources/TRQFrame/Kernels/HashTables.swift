// Open-addressing hash tables over typed buffers: Swift's Dictionary hashes with SipHash and
// boxes per entry, far too slow for per-row use on millions of rows.

@inline(__always) func mix64(_ key: UInt64) -> UInt64 {
    key &* 0x9E37_79B9_7F4A_7C15
}

/// Maps 64-bit keys to dense ids 0, 1, 2 ... in order of first insertion (linear probing,
/// Fibonacci hashing). Starts small and doubles, so few distinct keys stay in cache.
final class DenseIdTable {
    private var keys: UnsafeMutablePointer<UInt64>
    private var ids: UnsafeMutablePointer<Int32>  // -1 marks an empty slot
    private var capacity: Int
    private var shift: UInt64
    private(set) var count = 0

    init(expectedCount: Int = 0) {
        var bits = 4
        while (1 << bits) * 7 / 10 < expectedCount { bits += 1 }
        capacity = 1 << bits
        shift = UInt64(64 - bits)
        keys = .allocate(capacity: capacity)
        ids = .allocate(capacity: capacity)
        ids.initialize(repeating: -1, count: capacity)
    }

    deinit {
        keys.deallocate()
        ids.deallocate()
    }

    /// The id of `key`, which is added with the next id when absent.
    @inline(__always) func insert(_ key: UInt64) -> (id: Int32, isNew: Bool) {
        let mask = capacity &- 1
        var slot = Int(truncatingIfNeeded: mix64(key) >> shift)
        while true {
            let id = ids[slot]
            if id < 0 {
                let newId = Int32(truncatingIfNeeded: count)
                keys[slot] = key
                ids[slot] = newId
                count &+= 1
                if count &* 10 > capacity &* 7 { grow() }
                return (newId, true)
            }
            if keys[slot] == key { return (id, false) }
            slot = (slot &+ 1) & mask
        }
    }

    /// The id of `key`, or -1 when absent.
    @inline(__always) func find(_ key: UInt64) -> Int32 {
        let mask = capacity &- 1
        var slot = Int(truncatingIfNeeded: mix64(key) >> shift)
        while true {
            let id = ids[slot]
            if id < 0 || keys[slot] == key { return id }
            slot = (slot &+ 1) & mask
        }
    }

    private func grow() {
        let oldKeys = keys, oldIds = ids, oldCapacity = capacity
        capacity <<= 1
        shift &-= 1
        keys = .allocate(capacity: capacity)
        ids = .allocate(capacity: capacity)
        ids.initialize(repeating: -1, count: capacity)
        let mask = capacity &- 1
        for old in 0..<oldCapacity where oldIds[old] >= 0 {
            var slot = Int(truncatingIfNeeded: mix64(oldKeys[old]) >> shift)
            while ids[slot] >= 0 { slot = (slot &+ 1) & mask }
            keys[slot] = oldKeys[old]
            ids[slot] = oldIds[old]
        }
        oldKeys.deallocate()
        oldIds.deallocate()
    }
}

/// A hash of raw bytes, eight at a time.
@inline(__always) func hashBytes(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
    var i = 0
    let n = bytes.count
    while i &+ 8 <= n {
        h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        i &+= 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < n {
        tail |= UInt64(bytes[i]) << shift
        shift &+= 8
        i &+= 1
    }
    h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
    return h ^ (h >> 32)
}

/// Assigns dense ids to strings by their UTF-8 bytes (Swift's `==` on String uses canonical
/// equivalence, which the language's byte-order semantics do not).
final class KeyInterner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]  // string i occupies arena[starts[i] ..< starts[i + 1]]
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private(set) var strings: [String] = []

    var count: Int { strings.count }

    init(expectedCount: Int = 0) {
        var capacity = 16
        while capacity * 7 / 10 < expectedCount { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
    }

    /// The id of `string`, which is added with the next id when absent.
    func insert(_ string: String) -> (id: Int32, isNew: Bool) {
        var contiguous = string
        return contiguous.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            let h = hashBytes(raw)
            let (slot, found) = locate(raw, h)
            if found >= 0 { return (found, false) }
            let id = Int32(truncatingIfNeeded: strings.count)
            slots[slot] = id
            arena.append(contentsOf: bytes)
            starts.append(arena.count)
            hashes.append(h)
            strings.append(string)
            if strings.count * 10 > slots.count * 7 { grow() }
            return (id, true)
        }
    }

    /// The id of `string`, or -1 when absent.
    func find(_ string: String) -> Int32 {
        var string = string
        return string.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            return locate(raw, hashBytes(raw)).found
        }
    }

    private func locate(_ bytes: UnsafeRawBufferPointer, _ h: UInt64) -> (slot: Int, found: Int32) {
        let mask = slots.count &- 1
        var slot = Int(truncatingIfNeeded: mix64(h) >> 20) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return (slot, -1) }
            let i = Int(id)
            if hashes[i] == h, equalBytes(i, bytes) { return (slot, id) }
            slot = (slot &+ 1) & mask
        }
    }

    private func equalBytes(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id], end = starts[id &+ 1]
        guard end &- start == bytes.count else { return false }
        return arena.withUnsafeBytes { arenaBytes in
            for k in 0..<bytes.count where arenaBytes[start &+ k] != bytes[k] { return false }
            return true
        }
    }

    private func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count &- 1
        for (id, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: mix64(h) >> 20) & mask
            while slots[slot] >= 0 { slot = (slot &+ 1) & mask }
            slots[slot] = Int32(truncatingIfNeeded: id)
        }
    }
}

extension StringDictionary {
    /// Maps each entry to the id of its distinct value (entries may repeat a string) and returns
    /// the interner holding the distinct values.
    func distinctIds() -> (ids: [Int32], interner: KeyInterner) {
        let interner = KeyInterner(expectedCount: values.count)
        let ids = values.map { interner.insert($0).id }
        return (ids, interner)
    }
}
