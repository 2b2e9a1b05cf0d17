/// A column turned into unsigned keys whose ascending order, after `classes`, is the wanted order.
private struct OrderKeys {
    var keys: [UInt64]
    /// Per row: 0 for a value, 1 for NaN, 2 for null (these sort last in both directions); nil
    /// when every row is a value.
    var classes: [UInt8]?
}

private let nanClass: UInt8 = 1
private let nullClass: UInt8 = 2

/// Floats as unsigned integers in the same order (-0.0 equal to 0.0; NaN handled as a class).
@inline(__always) private func orderedBits(_ v: Double) -> UInt64 {
    let bits = (v == 0 ? 0.0 : v).bitPattern
    return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
}

private func orderKeys(_ column: Column, descending: Bool) throws(FrameError) -> OrderKeys {
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
    var order = (0..<Int32(n)).map { $0 }
    // Least significant key first: each stable pass keeps the order of the passes before.
    for key in prepared.reversed() {
        try radixSort(&order, by: key.keys)
        if let classes = key.classes { try stablePartition(&order, by: classes) }
    }
    return order.map { Int($0) }
}

/// A sort key next to its row, so each radix pass writes one stream per bucket, not two.
private struct KeyedRow {
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
    if per.isEmpty, column.validity == nil {
        switch column.data {
        case .int(let v), .timestamp(let v): return try firstValues(v, n, descending: descending)
        case .date(let v): return try firstValues(v, n, descending: descending)
        default: break
        }
    }
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

/// Top-N of a null-free integer column straight from its values: one comparison per row against
/// the worst value kept, with no key array, so the common `top 10 by x` reads the column once.
/// Rows scan in order and only a strictly better value displaces a kept one, so ties keep the
/// earlier row, as the general path does.
private func firstValues<T: FixedWidthInteger>(_ values: [T], _ n: Int, descending: Bool) throws(FrameError) -> [Int] {
    @inline(__always) func worse(_ a: (value: T, row: Int), _ b: (value: T, row: Int)) -> Bool {
        if a.value != b.value { return descending ? a.value < b.value : a.value > b.value }
        return a.row > b.row
    }
    var heap: [(value: T, row: Int)] = []  // the worst kept row on top
    heap.reserveCapacity(n)
    func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 &* i &+ 1, r = l &+ 1
            var worst = i
            if l < heap.count, worse(heap[l], heap[worst]) { worst = l }
            if r < heap.count, worse(heap[r], heap[worst]) { worst = r }
            if worst == i { return }
            heap.swapAt(i, worst)
            i = worst
        }
    }
    try values.withUnsafeBufferPointer { v throws(FrameError) in
        var start = 0
        while start < v.count {
            try FrameError.checkCancellation()
            let end = Swift.min(start &+ cancellationChunk, v.count)
            for i in start..<end {
                if heap.count < n {
                    heap.append((v[i], i))
                    var c = heap.count &- 1
                    while c > 0, worse(heap[c], heap[(c &- 1) / 2]) {
                        heap.swapAt(c, (c &- 1) / 2)
                        c = (c &- 1) / 2
                    }
                } else if descending ? v[i] > heap[0].value : v[i] < heap[0].value {
                    heap[0] = (v[i], i)
                    siftDown(0)
                }
            }
            start = end
        }
    }
    return heap.sorted { worse($1, $0) }.map(\.row)
}
