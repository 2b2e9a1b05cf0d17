import CFrameKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// Whether two byte strings are equal: lengths first, then `bytesEqual`.
@inline(__always)
func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    a.count == b.count && (a.isEmpty || bytesEqual(a.baseAddress!, b.baseAddress!, a.count))
}

/// The bytes of a string of at most 8 bytes as one word, zero-extended: two overlapping loads
/// (which agree where they overlap) or single bytes, never reading past the string.
@inline(__always)
func packShort(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    if n >= 4 { return load32(p, 0) | load32(p, n &- 4) << UInt64((n &- 4) &* 8) }
    if n == 0 { return 0 }
    return UInt64(p[0]) | UInt64(p[n >> 1]) << UInt64((n >> 1) &* 8) | UInt64(p[n &- 1]) << UInt64((n &- 1) &* 8)
}

/// A value waiting to be interned in a batch: its bytes, the row whose code it gives, and the
/// packed word or hash the batch computes.
struct PendingString {
    var bytes: UnsafePointer<UInt8>
    var count: Int
    var row: Int
    var key: UInt64 = 0
}

/// Assigns dense Int32 codes 0, 1, 2 ... to distinct byte strings in order of first insertion:
/// the CSV reader's string columns and the kernels' string keys. Values are compared by bytes
/// (Swift's `==` on String uses canonical equivalence, which the language's byte-order semantics
/// do not). Each distinct value is kept once in an arena as a record (code: UInt32,
/// length: UInt32, bytes). Two open-addressing tables with linear probing find values:
/// - values of up to 8 bytes (country codes, categories) by their bytes packed into a word:
///   an entry is (word, length << 32 | code + 1), so a lookup is one probe and no arena access;
/// - longer values by hash: an entry is (24 hash bits, record offset + 1), so a lookup touches
///   one slot and, when the bits match, one record.
/// New values are checked to be valid UTF-8 when `validatesUTF8` is set, so a CSV column is
/// validated once per distinct value.
final class KeyInterner {
    let validatesUTF8: Bool
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

    private static let tagMask: UInt64 = 0xFFFF_FF00_0000_0000
    /// How many values a batched lookup takes (see `intern(batch:codes:)`): enough that the
    /// first value's cache misses are answered before its probe needs them.
    static let batchSize = 16
    static let headerSize = 8

    init(validatesUTF8: Bool = false) { self.validatesUTF8 = validatesUTF8 }

    deinit {
        arena.release()
        starts.release()
        releaseLookupTables()
    }

    var count: Int { starts.count }

    /// Frees the lookup tables of an interner that only gives its values from now on (a column's
    /// dictionary, see `StringDictionary`): about 16 bytes a value of a large dictionary.
    func releaseLookupTables() {
        if let shortTable { free(shortTable) }
        if let longTable { free(longTable) }
        shortTable = nil
        longTable = nil
        shortMask = 0
        longMask = 0
        shortCount = 0
        longCount = 0
    }

    /// The bytes of the value with `code`; valid until the next value is added.
    func value(_ code: Int) -> UnsafeBufferPointer<UInt8> {
        KeyInterner.value(at: starts[code], in: arena.base.unsafelyUnwrapped)
    }

    /// The bytes that start at `start` in `arena`, their length in the 4 bytes before.
    @inline(__always)
    private static func value(at start: Int, in arena: UnsafeMutablePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let length = UnsafeRawPointer(arena).loadUnaligned(fromByteOffset: start &- 4, as: UInt32.self)
        return UnsafeBufferPointer(start: arena + start, count: Int(length))
    }

    /// The codes of the values whose bytes equal `text`'s, by a pass over all of them (for an
    /// interner whose lookup tables are released): lengths first, then the bytes.
    func codes(equalTo text: UnsafeBufferPointer<UInt8>) -> [Int32] {
        // The buffers' addresses read once, not through the class at every value.
        guard let base = arena.base, let starts = starts.base else { return [] }
        var found: [Int32] = []
        for code in 0..<count where sameBytes(KeyInterner.value(at: starts[code], in: base), text) {
            found.append(Int32(truncatingIfNeeded: code))
        }
        return found
    }

    /// The distinct values as Swift strings, in code order.
    var strings: [String] {
        (0..<count).map { String(decoding: value($0), as: UTF8.self) }
    }

    /// Initializes `target[code]` to the string of each code in `codes`.
    func makeStrings(_ codes: Range<Int>, into target: UnsafeMutablePointer<String>) {
        for code in codes { (target + code).initialize(to: String(decoding: value(code), as: UTF8.self)) }
    }

    /// The code of each of `other`'s values in this interner (in `other`'s code order), adding
    /// those it lacks; the lookups go in batches (see `intern(batch:codes:)`). Both interners
    /// must validate alike, as the chunks of one column do.
    func codes(of other: KeyInterner) -> [Int32] {
        // Sized once for at least as many values as the larger of the two holds, then doubled
        // as new values come: sizing for all of other's values being new would, for two chunks
        // of one ID column that mostly share their values, allocate a table twice the size
        // needed at the load's memory peak.
        reserve(short: Swift.max(0, other.shortCount &- shortCount), long: Swift.max(0, other.longCount &- longCount))
        return [Int32](unsafeUninitializedCapacity: other.count) { out, initialized in
            withUnsafeTemporaryAllocation(of: PendingString.self, capacity: KeyInterner.batchSize) { batch in
                var first = 0
                while first < other.count {
                    let n = Swift.min(KeyInterner.batchSize, other.count &- first)
                    for i in 0..<n {
                        let value = other.value(first &+ i)
                        batch[i] = PendingString(bytes: KeyInterner.start(of: value), count: value.count, row: first &+ i)
                    }
                    let failed = intern(batch: UnsafeMutableBufferPointer(rebasing: batch[0..<n]), codes: out.baseAddress!)
                    precondition(failed == nil, "a value valid in one chunk was refused in another")
                    first &+= n
                }
            }
            initialized = other.count
        }
    }

    /// Adds `other`'s values after this one's, in their code order, without looking them up: for
    /// interners that share no value (a column's values split by hash, see `DeferredStrings`)
    /// and whose lookup tables are released.
    func append(disjoint other: KeyInterner) {
        precondition(shortTable == nil && longTable == nil, "appending without lookups to an interner that still looks up")
        guard let records = other.arena.base, let otherStarts = other.starts.base else { return }
        // The records are copied in one piece (they are laid out alike); only their codes and
        // offsets move.
        let shift = arena.count, firstCode = count
        arena.append(contentsOf: UnsafeBufferPointer(start: records, count: other.arena.count))
        starts.reserve(count &+ other.count)
        let target = UnsafeMutableRawPointer(arena.base.unsafelyUnwrapped)
        for code in 0..<other.count {
            let start = otherStarts[code] &+ shift
            target.storeBytes(of: UInt32(truncatingIfNeeded: firstCode &+ code), toByteOffset: start &- KeyInterner.headerSize, as: UInt32.self)
            starts.append(start)
        }
    }

    /// The bytes the values take in the arena, their headers included.
    var byteCount: Int { arena.count }

    /// Makes room for `values` more values taking `bytes` more bytes of arena (see `byteCount`).
    func reserve(values: Int, bytes: Int) {
        arena.reserve(arena.count &+ bytes)
        starts.reserve(count &+ values)
    }

    /// Sizes the lookup tables so that `short` more values of up to 8 bytes and `long` longer
    /// ones are added without growing them (for an interner that is about to take in a known
    /// number of values: each growth re-slots every entry into fresh memory).
    func reserve(short: Int, long: Int) {
        let shortSlots = KeyInterner.capacity(for: shortCount &+ short, from: shortTable == nil ? 64 : shortMask &+ 1)
        if shortTable == nil || shortSlots > shortMask &+ 1 { resizeShort(to: shortSlots) }
        let longSlots = KeyInterner.capacity(for: longCount &+ long, from: longTable == nil ? 1024 : longMask &+ 1)
        if longTable == nil || longSlots > longMask &+ 1 { resizeLong(to: longSlots) }
    }

    /// The table size, doubled from `capacity`, that holds `count` entries without growing.
    private static func capacity(for count: Int, from capacity: Int) -> Int {
        var capacity = capacity
        while count &* 4 > (capacity &- 1) &* 3 { capacity &*= 2 }
        return capacity
    }

    /// The code of the value, adding it if new; -1 if it is new and not valid UTF-8.
    @inline(__always)
    func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        n <= 8 ? internShort(p, n) : internLong(p, n)
    }

    func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        intern(KeyInterner.start(of: bytes), bytes.count)
    }

    /// The code of `string`, which is added with the next code when absent.
    func insert(_ string: String) -> (id: Int32, isNew: Bool) {
        let before = count
        var string = string
        let id = string.withUTF8 { intern($0) }
        return (id, count != before)
    }

    /// The code of `string`, or -1 when absent.
    func find(_ string: String) -> Int32 {
        var string = string
        return string.withUTF8 { bytes in
            let p = KeyInterner.start(of: bytes), n = bytes.count
            if n <= 8 { return shortTable == nil ? -1 : probeShort(packShort(p, n), n).code }
            return longTable == nil ? -1 : probeLong(p, n, hashBytes(p, n)).code
        }
    }

    /// An empty buffer may have no start; nothing reads a zero-length value's bytes.
    @inline(__always) private static func start(of bytes: UnsafeBufferPointer<UInt8>) -> UnsafePointer<UInt8> {
        bytes.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped
    }

    @inline(__always) private static func shortSlot(_ word: UInt64, _ n: Int, _ mask: Int) -> Int {
        var h = (word ^ UInt64(truncatingIfNeeded: n) << 61) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 32
        return Int(truncatingIfNeeded: h) & mask
    }

    /// The code of the short value packed in `word`, or -1 and the empty slot where it belongs.
    @inline(__always)
    private func probeShort(_ word: UInt64, _ n: Int) -> (slot: Int, code: Int32) {
        let table = shortTable.unsafelyUnwrapped
        var slot = KeyInterner.shortSlot(word, n, shortMask)
        while true {
            let meta = table[slot &* 2 &+ 1]
            if meta == 0 { return (slot, -1) }
            if table[slot &* 2] == word, Int(truncatingIfNeeded: meta >> 32) == n {
                return (slot, Int32(truncatingIfNeeded: (meta & 0xFFFF_FFFF) &- 1))
            }
            slot = (slot &+ 1) & shortMask
        }
    }

    /// The code of the long value with hash `h`, or -1 and the empty slot where it belongs.
    @inline(__always)
    private func probeLong(_ p: UnsafePointer<UInt8>, _ n: Int, _ h: UInt64) -> (slot: Int, code: Int32) {
        let tag = h & KeyInterner.tagMask
        var slot = Int(truncatingIfNeeded: h) & longMask
        let table = longTable.unsafelyUnwrapped
        while true {
            let entry = table[slot]
            if entry == 0 { return (slot, -1) }
            if entry & KeyInterner.tagMask == tag {
                let record = Int(truncatingIfNeeded: entry & ~KeyInterner.tagMask) &- 1
                let header = UnsafeRawPointer(arena.base.unsafelyUnwrapped + record)
                if Int(header.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) == n,
                   bytesEqual(arena.base.unsafelyUnwrapped + (record &+ KeyInterner.headerSize), p, n) {
                    return (slot, Int32(bitPattern: header.loadUnaligned(as: UInt32.self)))
                }
            }
            slot = (slot &+ 1) & longMask
        }
    }

    /// Codes for a batch of values, written to `codes[rows[i]]`; returns the index of the first
    /// value that is new and not valid UTF-8 (its code and the later ones are not written), or
    /// nil. All the batch's table slots are hashed and prefetched first, then the records those
    /// slots name, so once the tables outgrow the caches the lookups' memory waits overlap
    /// instead of queuing; values are added in batch order, so codes stay in order of first
    /// appearance.
    func intern(batch values: UnsafeMutableBufferPointer<PendingString>, codes: UnsafeMutablePointer<Int32>) -> Int? {
        if shortTable == nil { resizeShort(to: 64) }
        if longTable == nil { resizeLong(to: 1024) }
        for i in 0..<values.count {
            let p = values[i].bytes, n = values[i].count
            if n <= 8 {
                let word = packShort(p, n)
                values[i].key = word
                trq_prefetch(shortTable.unsafelyUnwrapped + KeyInterner.shortSlot(word, n, shortMask) &* 2)
            } else {
                let h = hashBytes(p, n)
                values[i].key = h
                trq_prefetch(longTable.unsafelyUnwrapped + (Int(truncatingIfNeeded: h) & longMask))
            }
        }
        // A long value's slot names its record in the arena, a second miss that the probe would
        // wait for: with the slots now (mostly) in cache, the records are asked for in turn.
        if let arena = arena.base {
            let table = longTable.unsafelyUnwrapped
            for i in 0..<values.count where values[i].count > 8 {
                let h = values[i].key
                let entry = table[Int(truncatingIfNeeded: h) & longMask]
                if entry & KeyInterner.tagMask == h & KeyInterner.tagMask, entry != 0 {
                    trq_prefetch(arena + (Int(truncatingIfNeeded: entry & ~KeyInterner.tagMask) &- 1))
                }
            }
        }
        for i in 0..<values.count {
            let p = values[i].bytes, n = values[i].count, key = values[i].key
            let code = n <= 8 ? internShort(p, n, word: key) : internLong(p, n, hash: key)
            if code < 0 { return i }
            codes[values[i].row] = code
        }
        return nil
    }

    @inline(__always)
    private func internShort(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        if shortTable == nil { resizeShort(to: 64) }
        return internShort(p, n, word: packShort(p, n))
    }

    @inline(__always)
    private func internShort(_ p: UnsafePointer<UInt8>, _ n: Int, word: UInt64) -> Int32 {
        let (slot, found) = probeShort(word, n)
        if found >= 0 { return found }
        guard let code = add(p, n) else { return -1 }
        let table = shortTable.unsafelyUnwrapped
        table[slot &* 2] = word
        table[slot &* 2 &+ 1] = UInt64(n) << 32 | UInt64(code &+ 1)
        shortCount &+= 1
        // Up to 3/4 full: probes stay short, and a smaller table stays in cache.
        if shortCount &* 4 > shortMask &* 3 { resizeShort(to: (shortMask &+ 1) &* 2) }
        return Int32(truncatingIfNeeded: code)
    }

    @inline(__always)
    private func internLong(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        if longTable == nil { resizeLong(to: 1024) }
        return internLong(p, n, hash: hashBytes(p, n))
    }

    @inline(__always)
    private func internLong(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32 {
        let (slot, found) = probeLong(p, n, h)
        if found >= 0 { return found }
        let record = arena.count
        guard let code = add(p, n) else { return -1 }
        longTable.unsafelyUnwrapped[slot] = h & KeyInterner.tagMask | UInt64(record &+ 1)
        longCount &+= 1
        if longCount &* 4 > longMask &* 3 { resizeLong(to: (longMask &+ 1) &* 2) }
        return Int32(truncatingIfNeeded: code)
    }

    /// Appends a new value's record and returns its code; nil if it is not valid UTF-8 (and
    /// `validatesUTF8`).
    private func add(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        if validatesUTF8, firstInvalidUTF8(p, n) != nil { return nil }
        let code = starts.count
        let record = arena.count
        var header = UInt64(UInt32(truncatingIfNeeded: code)) | UInt64(UInt32(truncatingIfNeeded: n)) << 32
        withUnsafeBytes(of: &header) { arena.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        starts.append(record &+ KeyInterner.headerSize)
        return code
    }

    private static func allocateTable(words: Int) -> UnsafeMutablePointer<UInt64> {
        // Zeroed by writing, not calloc: a large calloc maps the shared zero page, so each page
        // would fault twice (the probe's read, then the first write). aligned_alloc, because the
        // compiler turns malloc and memset into calloc.
        let bytes = Swift.max(words &* MemoryLayout<UInt64>.stride, 64)
        guard let raw = aligned_alloc(bytes >= hugePageBytes ? hugePageBytes : 64, bytes) else {
            fatalError("out of memory growing a string dictionary")
        }
        adviseHugePages(raw, bytes: bytes)
        memset(raw, 0, words &* MemoryLayout<UInt64>.stride)
        return raw.bindMemory(to: UInt64.self, capacity: words)
    }

    /// Re-slots every short value into a table of `capacity` entries (a power of two). The
    /// entries move as they are (word, length and code), so the arena is not read.
    private func resizeShort(to capacity: Int) {
        let old = shortTable
        let oldSlots = old == nil ? 0 : shortMask &+ 1
        let table = KeyInterner.allocateTable(words: capacity &* 2)
        shortTable = table
        shortMask = capacity &- 1
        for i in 0..<oldSlots {
            let meta = old.unsafelyUnwrapped[i &* 2 &+ 1]
            if meta == 0 { continue }
            let word = old.unsafelyUnwrapped[i &* 2]
            var slot = KeyInterner.shortSlot(word, Int(truncatingIfNeeded: meta >> 32), shortMask)
            while table[slot &* 2 &+ 1] != 0 { slot = (slot &+ 1) & shortMask }
            table[slot &* 2] = word
            table[slot &* 2 &+ 1] = meta
        }
        if let old { free(old) }
    }

    /// Re-slots every long value into a table of `capacity` slots (a power of two). Values are
    /// hashed a batch at a time and their slots prefetched before any is written, so the writes'
    /// cache misses overlap.
    private func resizeLong(to capacity: Int) {
        if let longTable { free(longTable) }
        let table = KeyInterner.allocateTable(words: capacity)
        longTable = table
        longMask = capacity &- 1
        guard let arena = arena.base, let starts = starts.base else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: KeyInterner.batchSize &* 2) { batch in
            var first = 0
            while first < count {
                let n = Swift.min(KeyInterner.batchSize, count &- first)
                var pending = 0
                for code in first..<(first &+ n) {
                    let bytes = KeyInterner.value(at: starts[code], in: arena)
                    guard bytes.count > 8 else { continue }
                    let h = hashBytes(KeyInterner.start(of: bytes), bytes.count)
                    trq_prefetch(table + (Int(truncatingIfNeeded: h) & longMask))
                    batch[pending &* 2] = h
                    batch[pending &* 2 &+ 1] = UInt64(starts[code] &- KeyInterner.headerSize &+ 1)
                    pending &+= 1
                }
                for i in 0..<pending {
                    let h = batch[i &* 2]
                    var slot = Int(truncatingIfNeeded: h) & longMask
                    while table[slot] != 0 { slot = (slot &+ 1) & longMask }
                    table[slot] = (h & KeyInterner.tagMask) | batch[i &* 2 &+ 1]
                }
                first &+= n
            }
        }
    }
}

extension StringDictionary {
    /// Maps each entry to the id of its distinct value (entries may repeat a string) and returns
    /// the interner holding the distinct values.
    func distinctIds() -> (ids: [Int32], interner: KeyInterner) {
        let interner = KeyInterner()
        let ids = values.map { interner.insert($0).id }
        return (ids, interner)
    }
}
