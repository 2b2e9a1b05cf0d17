import CFrameKernels

/// One chunk's values of a high-cardinality string column (ids: most values new), copied aside
/// to be interned once the whole input is parsed, instead of into a dictionary per chunk.
/// Interning as the rows are read looks each value up in a table of millions of values, which
/// misses the caches at every row; and merging the chunks' dictionaries looks most values up a
/// second time. Here each value is hashed into one of `partitions` lists as it is read, and the
/// merge interns the lists one partition at a time (in parallel), each into a dictionary small
/// enough to stay in cache. The values' bytes are copied because the parsed input is handed back
/// to the kernel as the parse goes (see `ChunkParser.releasesParsedPages`).
/// The owner must call `release()`.
struct StagedStrings {
    static let partitions = 1 << partitionBits
    private static let partitionBits = 6
    /// A column is staged once its chunk dictionary holds this many values (see `stages`):
    /// smaller dictionaries stay in cache as they are.
    static let threshold = 1 << 16

    /// By partition: each value as its length (one byte, or 255 and four bytes) and its bytes.
    private let bytes: UnsafeMutablePointer<GrowableBuffer<UInt8>>
    /// By partition: the chunk's row of each value.
    private let rows: UnsafeMutablePointer<GrowableBuffer<UInt32>>

    init() {
        bytes = .allocate(capacity: StagedStrings.partitions)
        bytes.initialize(repeating: GrowableBuffer(), count: StagedStrings.partitions)
        rows = .allocate(capacity: StagedStrings.partitions)
        rows.initialize(repeating: GrowableBuffer(), count: StagedStrings.partitions)
    }

    func release() {
        for t in 0..<StagedStrings.partitions { release(partition: t) }
        bytes.deinitialize(count: StagedStrings.partitions)
        bytes.deallocate()
        rows.deinitialize(count: StagedStrings.partitions)
        rows.deallocate()
    }

    /// Frees partition `t`'s lists, once its values are interned.
    func release(partition t: Int) {
        bytes[t].release()
        rows[t].release()
    }

    /// Whether a column with the dictionary `strings` after `rows` rows is staged: a large one,
    /// at least half of its rows new, of values longer than 8 bytes on average. (Values of up to
    /// 8 bytes are found by their bytes in the lookup table, without a second cache miss.)
    static func stages(_ strings: KeyInterner, rows: Int) -> Bool {
        let distinct = strings.count
        return distinct >= threshold && distinct &* 2 >= rows && strings.byteCount > distinct &* (8 &+ KeyInterner.headerSize)
    }

    @inline(__always) static func partition(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        Int(truncatingIfNeeded: hashBytes(p, n) >> UInt64(64 &- partitionBits))
    }

    @inline(__always) func append(_ p: UnsafePointer<UInt8>, _ n: Int, row: Int) {
        let t = StagedStrings.partition(p, n)
        rows[t].append(UInt32(truncatingIfNeeded: row))
        guard n >= 8, n < 255 else { return appendRare(p, n, to: bytes + t) }
        // An id's few bytes copied a word at a time (the last word overlapping), not by a call.
        bytes[t].reserve(bytes[t].count &+ 1 &+ n)
        let target = UnsafeMutableRawPointer(bytes[t].base.unsafelyUnwrapped + bytes[t].count)
        target.storeBytes(of: UInt8(truncatingIfNeeded: n), as: UInt8.self)
        let source = UnsafeRawPointer(p)
        var i = 0
        while i &+ 8 < n {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: 1 &+ i, as: UInt64.self)
            i &+= 8
        }
        target.storeBytes(of: source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: 1 &+ n &- 8, as: UInt64.self)
        bytes[t].extend(by: 1 &+ n)
    }

    /// `append`'s bytes for a value of under 8 or over 254 bytes.
    private func appendRare(_ p: UnsafePointer<UInt8>, _ n: Int, to list: UnsafeMutablePointer<GrowableBuffer<UInt8>>) {
        if n < 255 {
            list.pointee.append(UInt8(truncatingIfNeeded: n))
        } else {
            var length = UInt32(truncatingIfNeeded: n)
            list.pointee.append(255)
            withUnsafeBytes(of: &length) { list.pointee.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
        }
        list.pointee.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    }

    /// Calls `body` with each staged value of partition `t` (its bytes and chunk row), in row
    /// order.
    func forEach(partition t: Int, _ body: (UnsafePointer<UInt8>, Int, Int) -> Void) {
        guard let rowList = rows[t].base, let start = bytes[t].base else { return }
        var p = UnsafePointer(start)
        for i in 0..<rows[t].count {
            var n = Int(p[0])
            p += 1
            if n == 255 {
                n = Int(UnsafeRawPointer(p).loadUnaligned(as: UInt32.self))
                p += 4
            }
            body(p, n, Int(rowList[i]))
            p += n
        }
    }

    /// The column of `parts` (one column's builders in row order; each staged, a string column or
    /// without values). Its dictionary holds each partition's values in order of first
    /// appearance, partition after partition: the same for any number of chunks. Frees each
    /// part's storage.
    static func column(_ parts: [UnsafeMutablePointer<ColumnBuilder>]) -> Column {
        let total = parts.reduce(0) { $0 &+ $1.pointee.rowCount }
        let validity = BuilderMerge.mergedValidity(parts, total: total)
        var offsets = [0]
        for part in parts { offsets.append(offsets[offsets.count &- 1] &+ part.pointee.rowCount) }
        // Every value was checked as it was read.
        var interners = (0..<partitions).map { _ in KeyInterner(validatesUTF8: false) }
        let master = KeyInterner(validatesUTF8: false)
        let codes = [Int32](unsafeUninitializedCapacity: total) { out, initialized in
            let target = out.baseAddress!
            // Null rows keep code 0 (a valid code, or the empty dictionary's "").
            target.initialize(repeating: 0, count: total)
            parallelFor(partitions) { t in
                internPartition(t, parts, offsets: offsets, into: interners[t], codes: target)
            }
            // The dictionary: partition after partition, each in order of first appearance.
            var starts = [Int32](repeating: 0, count: partitions)
            for t in 1..<partitions { starts[t] = starts[t &- 1] &+ Int32(truncatingIfNeeded: interners[t &- 1].count) }
            master.reserve(values: interners.reduce(0) { $0 &+ $1.count }, bytes: interners.reduce(0) { $0 &+ $1.byteCount })
            for t in 0..<partitions {
                master.append(disjoint: interners[t])
                interners[t] = KeyInterner()
            }
            starts.withUnsafeBufferPointer { starts in
                let halves = total >= parallelThreshold ? 2 : 1
                parallelFor(halves) { h in
                    for row in (total &* h / halves)..<(total &* (h &+ 1) / halves) {
                        let local = target[row]
                        target[row] = starts[Int(local) & (partitions &- 1)] &+ local >> partitionBits
                    }
                }
            }
            initialized = total
        }
        for part in parts { part.pointee.release() }
        // Every code, null rows' included, must index the dictionary.
        let dictionary = master.count == 0 && total > 0 ? StringDictionary([""]) : StringDictionary(interned: master)
        return Column(.string(codes: codes, dictionary: dictionary), validity: validity)
    }

    /// Interns partition `t`'s values of every part, chunk after chunk, writing each row's
    /// local code times `partitions` plus `t` to `codes`.
    private static func internPartition(_ t: Int, _ parts: [UnsafeMutablePointer<ColumnBuilder>], offsets: [Int],
                                        into interner: KeyInterner, codes target: UnsafeMutablePointer<Int32>) {
        withUnsafeTemporaryAllocation(of: PendingString.self, capacity: KeyInterner.batchSize) { batch in
            var n = 0
            func flush() {
                _ = interner.intern(batch: UnsafeMutableBufferPointer(rebasing: batch[0..<n]), codes: target)
                for i in 0..<n { target[batch[i].row] = target[batch[i].row] << partitionBits | Int32(t) }
                n = 0
            }
            @inline(__always) func add(_ p: UnsafePointer<UInt8>, _ count: Int, row: Int) {
                // The row's code is written a batch later: its cache line is asked for now, as
                // the partition's rows are spread over the whole column.
                trq_prefetch(target + row)
                batch[n] = PendingString(bytes: p, count: count, row: row)
                n &+= 1
                if n == KeyInterner.batchSize { flush() }
            }
            for (k, part) in parts.enumerated() {
                let builder = part.pointee
                if let staged = builder.staged {
                    staged.forEach(partition: t) { p, count, row in add(p, count, row: offsets[k] &+ row) }
                    flush()
                    // The interner keeps copies: the chunk's values of this partition can go.
                    staged.release(partition: t)
                } else if builder.kind == .string {
                    for row in 0..<builder.rowCount where !builder.isNull(row) {
                        let value = builder.strings.value(Int(builder.codes[row]))
                        let p = value.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped
                        if partition(p, value.count) == t { add(p, value.count, row: offsets[k] &+ row) }
                    }
                    flush()
                }
            }
        }
        interner.releaseLookupTables()
    }
}
