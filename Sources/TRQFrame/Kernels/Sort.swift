import CFrameKernels
/// A column turned into unsigned keys whose ascending order, after `classes`, is the wanted order.
struct OrderKeys {
    var keys: [UInt64]
    /// Per row: 0 for a value, 1 for NaN, 2 for null (these sort last in both directions); nil
    /// when every row is a value.
    var classes: [UInt8]?
}

let nanClass: UInt8 = 1
let nullClass: UInt8 = 2

/// Floats as unsigned integers in the same order (-0.0 equal to 0.0; NaN handled as a class).
@inline(__always) private func orderedBits(_ v: Double) -> UInt64 {
    let bits = (v == 0 ? 0.0 : v).bitPattern
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
}

func orderKeys(_ column: Column, descending: Bool) throws(FrameError) -> OrderKeys {
    let n = column.count
    var classes: [UInt8]? = column.validity.map { validity in
        (0..<n).map { validity.isValid($0) ? 0 : nullClass }
    }
    var keys = [UInt64](repeating: 0, count: n)
    func integers<T: FixedWidthInteger & SignedInteger>(_ values: [T]) throws(FrameError) {
        var low = Int64.max, high = Int64.min
        try forEachValidRow(n, column.validity) { i in
            low = Swift.min(low, Int64(values[i]))
            high = Swift.max(high, Int64(values[i]))
        }
        // Offsets from the extremes keep the high bytes zero, so radix passes over them are skipped.
        try keys.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try forEachValidRow(n, column.validity) { i in
                let v = Int64(values[i])
                out[i] = UInt64(bitPattern: descending ? high &- v : v &- low)
            }
        }
    }
    switch column.data {
    case .int(let values): try integers(values)
    case .timestamp(let values): try integers(values)
    case .date(let values): try integers(values)
    case .bool(let values):
        try forEachValidRow(n, column.validity) { i in keys[i] = values[i] != descending ? 1 : 0 }
    case .string(let codes, let dictionary):
        let (ranks, rankCount) = dictionary.byteOrderRanks()
        let top = UInt64(rankCount &- 1)
        try keys.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try forEachValidRow(n, column.validity) { i in
                let rank = UInt64(ranks[Int(codes[i])])
                out[i] = descending ? top &- rank : rank
            }
        }
    case .float(let values):
        if values.contains(where: \.isNaN) {
            if classes == nil { classes = [UInt8](repeating: 0, count: n) }
            for i in 0..<n where values[i].isNaN && classes?[i] == 0 { classes?[i] = nanClass }
        }
        try keys.withUnsafeMutableBufferPointer { out throws(FrameError) in
            try forEachValidRow(n, column.validity) { i in
                let bits = orderedBits(values[i])
                out[i] = descending ? ~bits : bits
            }
        }
    }
    return OrderKeys(keys: keys, classes: classes)
}

/// Row indices in the order of the sort keys (the first is the most significant): stable, nulls
/// last in both directions, strings by UTF-8 byte order, floats with NaN after every number and
/// before nulls.
public func sortIndices(_ keys: [(column: Column, descending: Bool)]) throws(FrameError) -> [Int] {
    guard let n = keys.first?.column.count else { return [] }
    try checkRowLimit(n)
    for key in keys where key.column.count != n {
        throw FrameError("sort keys have different lengths (\(n) and \(key.column.count))")
    }
    let prepared = try parallelMap(keys.count, parallel: n >= parallelThreshold) { (k: Int) throws(FrameError) in
        try orderKeys(keys[k].column, descending: keys[k].descending)
    }
    return try radixOrder(prepared, rowCount: n).map { Int($0) }
}

/// Row indices sorted stably by prepared keys (the first is the most significant).
func radixOrder(_ keys: [OrderKeys], rowCount n: Int) throws(FrameError) -> [Int32] {
    var order = (0..<Int32(n)).map { $0 }
    // Least significant key first: each stable pass keeps the order of the passes before.
    for key in keys.reversed() {
        try radixSort(&order, by: key.keys)
        if let classes = key.classes { try stablePartition(&order, by: classes) }
    }
    return order
}

/// A sort key next to its row, so each radix pass writes one stream per bucket, not two.
struct KeyedRow {
    var key: UInt64
    var row: Int32
}

/// Stable LSD radix sort of `order` by `keys[order[j]]`, one byte per pass, skipping bytes on
/// which all keys agree.
private func radixSort(_ order: inout [Int32], by keys: [UInt64]) throws(FrameError) {
    let n = order.count
    var histograms = [Int](repeating: 0, count: 8 * 256)
    var current = [KeyedRow](unsafeUninitializedCapacity: n) { out, initialized in
        histograms.withUnsafeMutableBufferPointer { h in
            for (j, row) in order.enumerated() {
                let key = keys[Int(row)]
                out[j] = KeyedRow(key: key, row: row)
                for byte in 0..<8 { h[byte &* 256 &+ Int((key >> UInt64(byte &* 8)) & 255)] &+= 1 }
            }
        }
        initialized = n
    }
    var next = current
    var sorted = false
    for byte in 0..<8 {
        let counts = histograms[(byte &* 256)..<(byte &* 256 &+ 256)]
        if counts.contains(n) { continue }
        var starts = [Int](repeating: 0, count: 256)
        var total = 0
        for (digit, count) in counts.enumerated() {
            starts[digit] = total
            total &+= count
        }
        let shift = UInt64(byte &* 8)
        try current.withUnsafeBufferPointer { src throws(FrameError) in
            try next.withUnsafeMutableBufferPointer { dst throws(FrameError) in
                try starts.withUnsafeMutableBufferPointer { s throws(FrameError) in
                    try forEachRow(n) { j in
                        let item = src[j]
                        let digit = Int((item.key >> shift) & 255)
                        dst[s[digit]] = item
                        s[digit] &+= 1
                    }
                }
            }
        }
        swap(&current, &next)
        sorted = true
    }
    if sorted { order = current.map(\.row) }
}

/// Stable counting sort of `order` by a small class per row.
private func stablePartition(_ order: inout [Int32], by classes: [UInt8]) throws(FrameError) {
    var starts = [Int](repeating: 0, count: 4)
    for row in order { starts[Int(classes[Int(row)]) &+ 1] &+= 1 }
    for c in 1..<4 { starts[c] &+= starts[c &- 1] }
    var result = [Int32](repeating: 0, count: order.count)
    for row in order {
        let c = Int(classes[Int(row)])
        result[starts[c]] = row
        starts[c] &+= 1
    }
    order = result
    try FrameError.checkCancellation()
}

/// The rows of the `n` first rows in the order `sort by ... [desc]` would give (nulls last, ties
/// in input order); with `per` columns, the `n` first within each group of equal `per` values.
/// Groups come in order of first appearance, each group's rows in rank order.
public func topIndices(n: Int, by column: Column, descending: Bool = true, per: [Column] = [])
    throws(FrameError) -> [Int]
{
    let rowCount = column.count
    try checkRowLimit(rowCount)
    guard n > 0, rowCount > 0 else { return [] }
    if per.isEmpty, n >= rowCount { return try sortIndices([(column, descending)]) }
    if per.isEmpty, let rows = try firstByInlineKey(column, n, descending: descending) { return rows }
    let key = try orderKeys(column, descending: descending)
    let classes = key.classes ?? [UInt8](repeating: 0, count: rowCount)
    return try key.keys.withUnsafeBufferPointer { keys throws(FrameError) in
        try classes.withUnsafeBufferPointer { classes throws(FrameError) in
            @inline(__always) func precedes(_ a: Int32, _ b: Int32) -> Bool {
                let i = Int(a), j = Int(b)
                if classes[i] != classes[j] { return classes[i] < classes[j] }
                if keys[i] != keys[j] { return keys[i] < keys[j] }
                return a < b
            }
            if per.isEmpty {
                return try firstInOrder(ArraySlice(0..<Int32(rowCount)), n, precedes).map { Int($0) }
            }
            let groups = try grouping(per, rowCount: rowCount)
            let byGroup = rowsByGroup(groups)
            var result: [Int] = []
            for g in 0..<groups.count {
                let rows = byGroup.rows[byGroup.starts[g]..<byGroup.starts[g &+ 1]]
                result.append(contentsOf: try firstInOrder(rows, n, precedes).lazy.map { Int($0) })
            }
            return result
        }
    }
}

/// Row indices grouped by group id (a counting sort): group g's rows, ascending, are
/// `rows[starts[g] ..< starts[g + 1]]`.
struct RowsByGroup {
    var starts: [Int]
    var rows: [Int32]
}

func rowsByGroup(_ groups: Grouping) -> RowsByGroup {
    var starts = [Int](repeating: 0, count: groups.count &+ 1)
    for g in groups.ids { starts[Int(g) &+ 1] &+= 1 }
    for g in 0..<groups.count { starts[g &+ 1] &+= starts[g] }
    var cursor = starts
    var rows = [Int32](repeating: 0, count: groups.ids.count)
    for (i, g) in groups.ids.enumerated() {
        rows[cursor[Int(g)]] = Int32(truncatingIfNeeded: i)
        cursor[Int(g)] &+= 1
    }
    return RowsByGroup(starts: starts, rows: rows)
}

/// The `n` first of `rows` under `precedes`, sorted, using a bounded max-heap.
private func firstInOrder(_ rows: ArraySlice<Int32>, _ n: Int, _ precedes: (Int32, Int32) -> Bool)
    throws(FrameError) -> [Int32]
{
    if rows.count <= n { return rows.sorted(by: precedes) }
    var heap: [Int32] = []  // the worst kept row on top
    heap.reserveCapacity(n)
    for (k, row) in rows.enumerated() {
        if k & 65_535 == 0 { try FrameError.checkCancellation() }
        if heap.count < n {
            heap.append(row)
            var child = heap.count &- 1
            while child > 0 {
                let parent = (child &- 1) / 2
                guard precedes(heap[parent], heap[child]) else { break }
                heap.swapAt(parent, child)
                child = parent
            }
        } else if precedes(row, heap[0]) {
            heap[0] = row
            var parent = 0
            while true {
                var worst = parent
                let left = 2 &* parent &+ 1, right = left &+ 1
                if left < n, precedes(heap[worst], heap[left]) { worst = left }
                if right < n, precedes(heap[worst], heap[right]) { worst = right }
                if worst == parent { break }
                heap.swapAt(parent, worst)
                parent = worst
            }
        }
    }
    return heap.sorted(by: precedes)
}

/// Top-N of a numeric or time column straight from its values: each row's order key is computed
/// inline and compared with the worst key kept, so the common `top 10 by x` reads the column once
/// and builds no key array. Nulls are skipped and fill any places left, in row order (nulls
/// last). Returns nil for other column types.
private func firstByInlineKey(_ column: Column, _ n: Int, descending: Bool) throws(FrameError) -> [Int]? {
    let validity = column.validity
    let kept: [KeyedRow]
    switch column.data {
    case .int(let values), .timestamp(let values):
        kept = try firstKeyedRows(IntegerOrderKeys(values: values, descending: descending), n, validity)
    case .date(let values):
        kept = try firstKeyedRows(IntegerOrderKeys(values: values, descending: descending), n, validity)
    case .float(let values):
        kept = try firstKeyedRows(FloatOrderKeys(values: values, descending: descending), n, validity)
    default:
        return nil
    }
    var rows = kept.map { Int($0.row) }
    if rows.count < n, let validity {
        for i in 0..<column.count where rows.count < n && !validity.isValid(i) { rows.append(i) }
    }
    return rows
}

/// Per-row order keys computed on the fly; smaller keys come first. A protocol rather than a
/// closure so that each column type gets its own specialized scan loop.
private protocol InlineOrderKeys: Sendable {
    var count: Int { get }
    func key(_ row: Int) -> UInt64
    /// The first of the whole 64-row `words` holding a valid row whose key is below `bound`, and
    /// a superset of those rows among its valid ones as bits; nil when no word does.
    func firstCandidates(in words: Range<Int>, _ validity: UnsafePointer<UInt64>?, below bound: UInt64) -> (word: Int, bits: UInt64)?
}

extension InlineOrderKeys {
    func firstCandidates(in words: Range<Int>, _ validity: UnsafePointer<UInt64>?, below bound: UInt64) -> (word: Int, bits: UInt64)? {
        firstCandidatesByMinimum(in: words, validity, below: bound)
    }

    /// A word without nulls is ruled out by its minimum key (a branch-free loop); a word with
    /// nulls offers all its valid rows.
    func firstCandidatesByMinimum(in words: Range<Int>, _ validity: UnsafePointer<UInt64>?, below bound: UInt64) -> (word: Int, bits: UInt64)? {
        for w in words {
            let valid = validity?[w] ?? ~0
            if valid != ~0 {
                if valid != 0 { return (w, valid) }
                continue
            }
            var smallest = UInt64.max
            for i in (w << 6)..<((w << 6) &+ 64) { smallest = Swift.min(smallest, key(i)) }
            if smallest < bound { return (w, valid) }
        }
        return nil
    }
}

/// Integers with the sign bit flipped keep their order as unsigned keys.
private struct IntegerOrderKeys<T: FixedWidthInteger & SignedInteger & Sendable>: InlineOrderKeys {
    let values: [T]
    let flip: UInt64
    let descending: Bool
    init(values: [T], descending: Bool) {
        self.values = values
        self.descending = descending
        flip = (descending ? ~0 : 0) ^ (1 << 63)
    }
    var count: Int { values.count }
    @inline(__always) func key(_ row: Int) -> UInt64 { UInt64(bitPattern: Int64(values[row])) ^ flip }

    /// 64-bit columns are searched with SIMD compares against the bound's value.
    func firstCandidates(in words: Range<Int>, _ validity: UnsafePointer<UInt64>?, below bound: UInt64) -> (word: Int, bits: UInt64)? {
        guard T.self == Int64.self else { return firstCandidatesByMinimum(in: words, validity, below: bound) }
        let boundValue = Int64(bitPattern: bound ^ flip)
        var bits: UInt64 = 0
        let found = values.withUnsafeBufferPointer { v in
            v.withMemoryRebound(to: Int64.self) { v in
                Int(trq_first_word_beyond_i64(v.baseAddress!, validity, Int64(words.lowerBound), Int64(words.upperBound),
                                              descending ? 1 : 0, boundValue, &bits))
            }
        }
        return found < words.upperBound ? (found, bits) : nil
    }
}
/// Floats by their ordered bits; NaN after every number in both directions.
private struct FloatOrderKeys: InlineOrderKeys {
    let values: [Double]
    let flip: UInt64
    init(values: [Double], descending: Bool) {
        self.values = values
        flip = descending ? ~0 : 0
    }
    var count: Int { values.count }
    @inline(__always) func key(_ row: Int) -> UInt64 {
        let v = values[row]
        return v.isNaN ? .max : orderedBits(v) ^ flip
    }
}

/// The `n` valid rows with the smallest keys, sorted by key then row. Both halves of a large
/// column are scanned concurrently and their winners merged.
@inline(__always) private func firstKeyedRows<Keys: InlineOrderKeys>(_ keys: Keys, _ n: Int, _ validity: Validity?)
    throws(FrameError) -> [KeyedRow]
{
    let rowCount = keys.count
    let parts = rowCount >= parallelThreshold ? 2 : 1
    let partSize = ((rowCount / parts) &+ 63) & ~63  // whole validity words per part
    let sampleBound = boundFromSample(keys, n, validity)
    let validWords = validity?.words ?? []
    let winners = try validWords.withUnsafeBufferPointer { validWords throws(FrameError) in
        let validity = validity == nil ? nil : validWords.baseAddress
        return try parallelMap(parts, parallel: parts > 1) { (part: Int) throws(FrameError) in
            let firstWord = Swift.min(part &* partSize, rowCount) >> 6
            let endRow = part == parts &- 1 ? rowCount : Swift.min((part &+ 1) &* partSize, rowCount)
            let endWord = (endRow &+ 63) >> 6
            var heap = BoundedMaxHeap(capacity: n)
            func offer(word w: Int, _ bits: UInt64) {
                var bits = bits
                while bits != 0 {
                    let i = (w << 6) &+ bits.trailingZeroBitCount
                    heap.offer(KeyedRow(key: keys.key(i), row: Int32(truncatingIfNeeded: i)))
                    bits &= bits &- 1
                }
            }
            var w = firstWord
            while w < endWord {
                try FrameError.checkCancellation()
                let chunkEnd = Swift.min(w &+ (cancellationChunk >> 6), endWord)
                while w < chunkEnd {
                    let rowsInWord = Swift.min(endRow &- (w << 6), 64)
                    let bound = heap.isFull ? heap.worstKey : sampleBound
                    if bound == nil || rowsInWord < 64 {
                        // Until n rows are kept every row enters; a last partial word is offered whole.
                        var valid = validity?[w] ?? ~0
                        if rowsInWord < 64 { valid &= (1 << UInt64(rowsInWord)) &- 1 }
                        offer(word: w, valid)
                        w &+= 1
                        continue
                    }
                    // Most words hold nothing better than the worst row kept: skip to one that does.
                    let wholeWords = w..<Swift.min(chunkEnd, endRow >> 6)
                    guard let (found, bits) = keys.firstCandidates(in: wholeWords, validity, below: bound!) else {
                        w = wholeWords.upperBound
                        continue
                    }
                    offer(word: found, bits)
                    w = found &+ 1
                }
            }
            return heap.items
        }
    }
    return Array(winners.joined().sorted(by: KeyedRow.precedes).prefix(n))
}

/// A bound that every row of the top `n` is below, from the keys of evenly spaced rows: at least
/// `n` rows have a key up to the sample's `n`th smallest. Without it, a column already in the
/// wanted order (timestamps of a log, for `top 10 by played_at`) sends every row through the heap,
/// each displacing the worst kept. nil when a sample cannot help (short column, large `n`).
private func boundFromSample<Keys: InlineOrderKeys>(_ keys: Keys, _ n: Int, _ validity: Validity?) -> UInt64? {
    let sampleSize = Swift.max(n &* 32, 4096)
    guard keys.count >= sampleSize &* 16 else { return nil }
    let stride = keys.count / sampleSize
    var sample: [UInt64] = []
    sample.reserveCapacity(sampleSize)
    for i in Swift.stride(from: stride &- 1, to: keys.count, by: stride) where validity?.isValid(i) ?? true {
        sample.append(keys.key(i))
    }
    guard sample.count >= n else { return nil }
    sample.sort()
    let nth = sample[n &- 1]
    return nth == .max ? nil : nth &+ 1
}

extension KeyedRow {
    /// By key, ties by row: the order top-N returns.
    @inline(__always) static func precedes(_ a: KeyedRow, _ b: KeyedRow) -> Bool {
        a.key != b.key ? a.key < b.key : a.row < b.row
    }
}

/// The `capacity` smallest rows offered, under `KeyedRow.precedes`, with the largest on top.
/// Rows must be offered in ascending row order: an equal key then never displaces a kept row,
/// so ties keep the earlier row without comparing rows in the hot path.
private struct BoundedMaxHeap {
    let capacity: Int
    private(set) var items: [KeyedRow] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    var isFull: Bool { items.count == capacity }
    /// The key of the last row kept (only when full).
    var worstKey: UInt64 { items[0].key }

    @inline(__always) mutating func offer(_ row: KeyedRow) {
        if items.count == capacity {
            if row.key < items[0].key { replaceTop(row) }
        } else {
            items.append(row)
            var child = items.count &- 1
            while child > 0 {
                let parent = (child &- 1) >> 1
                guard KeyedRow.precedes(items[parent], items[child]) else { break }
                items.swapAt(parent, child)
                child = parent
            }
        }
    }

    private mutating func replaceTop(_ row: KeyedRow) {
        items[0] = row
        var parent = 0
        while true {
            var largest = parent
            let left = 2 &* parent &+ 1, right = left &+ 1
            if left < items.count, KeyedRow.precedes(items[largest], items[left]) { largest = left }
            if right < items.count, KeyedRow.precedes(items[largest], items[right]) { largest = right }
            if largest == parent { return }
            items.swapAt(parent, largest)
            parent = largest
        }
    }
}
