/// A string value of a high-cardinality column kept to be interned once the whole input is read
/// (see `DeferredStrings`): a value of up to 8 bytes as those bytes (the interner's packed word,
/// so that the merge does not go back to the input for it, long out of cache), a longer one as
/// the address of its bytes; their length and the chunk's row.
struct DeferredString {
    var bits: UInt64
    var count: UInt32
    var row: UInt32
}

/// High-cardinality string columns (ids: most values new) are not interned chunk by chunk: each
/// chunk would build a dictionary of nearly all its values, and merging the chunks' dictionaries
/// would look most values up a second time, on one core. Once a chunk's dictionary of a column
/// passes `threshold` values, more than half of its rows so far new, the chunk keeps the column's
/// values as references (`DeferredString`; checked to be UTF-8 as they are read), split by a
/// hash of their bytes into `partitions` lists (while the bytes are in cache), and the merge
/// interns every value once, each partition's values into a dictionary of its own, in parallel.
/// The codes are then in the order of first appearance within each partition, partition after
/// partition, the same for any number of chunks or cores.
enum DeferredStrings {
    static let threshold = 1 << 16
    static let partitions = 4

    /// Whether a column whose dictionary holds `distinct` values after `rows` rows is deferred.
    @inline(__always) static func defers(distinct: Int, rows: Int) -> Bool {
        distinct >= threshold && distinct &* 2 >= rows
    }

    /// A value's `DeferredString.bits` and its partition: a hash of its bytes (of the packed
    /// word for short ones).
    @inline(__always) static func key(_ p: UnsafePointer<UInt8>, _ n: Int) -> (bits: UInt64, partition: Int) {
        if n <= 8 {
            let word = packShort(p, n)
            return (word, Int(truncatingIfNeeded: ((word ^ UInt64(truncatingIfNeeded: n) << 59) &* 0x9E37_79B9_7F4A_7C15) >> 62))
        }
        return (UInt64(UInt(bitPattern: p)), Int(truncatingIfNeeded: hashBytes(p, n) >> 62))
    }

    /// One chunk's part of the column: its builder and, if the chunk deferred the column, the
    /// references to its values by partition (`partitions` lists; the builder's codes are then
    /// placeholders).
    struct Part {
        var builder: UnsafeMutablePointer<ColumnBuilder>
        var deferred: UnsafeMutablePointer<GrowableBuffer<DeferredString>>?
    }

    /// Empty reference lists, one per partition; `release` frees them (their owner, the chunk
    /// parser, does).
    static func makeLists() -> UnsafeMutablePointer<GrowableBuffer<DeferredString>> {
        let lists = UnsafeMutablePointer<GrowableBuffer<DeferredString>>.allocate(capacity: partitions)
        lists.initialize(repeating: GrowableBuffer(), count: partitions)
        return lists
    }

    static func release(_ lists: UnsafeMutablePointer<GrowableBuffer<DeferredString>>) {
        for t in 0..<partitions { lists[t].release() }
        lists.deinitialize(count: partitions)
        lists.deallocate()
    }

    /// Adds a value to the list of its partition; a value of more than 8 bytes must stay where
    /// it is until the merge.
    @inline(__always) static func append(_ p: UnsafePointer<UInt8>, _ n: Int, row: Int,
                                         to lists: UnsafeMutablePointer<GrowableBuffer<DeferredString>>) {
        let (bits, t) = key(p, n)
        lists[t].append(DeferredString(bits: bits, count: UInt32(truncatingIfNeeded: n), row: UInt32(truncatingIfNeeded: row)))
    }

    /// A deferred column between `intern` and `column`: its final codes, the partitions'
    /// dictionaries (to be joined in order) and the parts (to be freed).
    struct Interned {
        let codes: [Int32]
        let validity: Validity?
        let interners: [KeyInterner]
        let parts: [Part]
    }

    /// The first step of the column of `parts` (in row order; each a string column or without
    /// values): each partition's values interned, the partitions on all cores.
    static func intern(_ parts: [Part]) -> Interned {
        let builders = parts.map(\.builder)
        let total = builders.reduce(0) { $0 &+ $1.pointee.rowCount }
        let validity = BuilderMerge.mergedValidity(builders, total: total)
        var offsets = [0]
        for b in builders { offsets.append(offsets[offsets.count &- 1] &+ b.pointee.rowCount) }
        let interners = (0..<partitions).map { _ in KeyInterner(validatesUTF8: false) }
        let codes = [Int32](unsafeUninitializedCapacity: total) { out, initialized in
            let target = out.baseAddress!
            // Null rows keep code 0 (partition 0's first value, or the empty dictionary's "").
            target.initialize(repeating: 0, count: total)
            // Each partition writes its local code times `partitions` plus its number.
            parallelFor(partitions) { t in
                let interner = interners[t]
                // Sized for every value being new, as most are in a deferred column.
                var short = 0, long = 0
                for part in parts {
                    guard let refs = part.deferred?[t] else { continue }
                    for i in 0..<refs.count { if refs[i].count <= 8 { short &+= 1 } else { long &+= 1 } }
                }
                interner.reserve(short: short, long: long)
                withUnsafeTemporaryAllocation(of: PendingString.self, capacity: KeyInterner.batchSize) { batch in
                    var n = 0
                    @inline(__always) func add(_ p: UnsafePointer<UInt8>, _ count: Int, row: Int) {
                        batch[n] = PendingString(bytes: p, count: count, row: row)
                        n &+= 1
                        if n == KeyInterner.batchSize { flush() }
                    }
                    func flush() {
                        _ = interner.intern(batch: UnsafeMutableBufferPointer(rebasing: batch[0..<n]), codes: target)
                        for i in 0..<n { target[batch[i].row] = target[batch[i].row] &* Int32(partitions) &+ Int32(t) }
                        n = 0
                    }
                    for (k, part) in parts.enumerated() {
                        let builder = part.builder.pointee
                        if let refs = part.deferred?[t], let first = refs.base {
                            for i in 0..<refs.count {
                                let ref = first + i
                                let n = Int(ref.pointee.count)
                                // A short value's bytes are its word, in the list.
                                let p = n <= 8 ? UnsafeRawPointer(ref).assumingMemoryBound(to: UInt8.self)
                                    : UnsafePointer<UInt8>(bitPattern: UInt(ref.pointee.bits)).unsafelyUnwrapped
                                add(p, n, row: offsets[k] &+ Int(ref.pointee.row))
                            }
                        } else if builder.kind == .string {
                            for row in 0..<builder.rowCount where !builder.isNull(row) {
                                let value = builder.strings.value(Int(builder.codes[row]))
                                let p = value.baseAddress ?? UnsafePointer(bitPattern: 1).unsafelyUnwrapped
                                if key(p, value.count).partition == t { add(p, value.count, row: offsets[k] &+ row) }
                            }
                        }
                    }
                    flush()
                }
                interner.releaseLookupTables()
            }
            var starts = [Int32](repeating: 0, count: partitions)
            for t in 1..<partitions { starts[t] = starts[t &- 1] &+ Int32(interners[t &- 1].count) }
            starts.withUnsafeBufferPointer { starts in
                for row in 0..<total {
                    let code = target[row]
                    target[row] = starts[Int(code) & (partitions &- 1)] &+ code / Int32(partitions)
                }
            }
            initialized = total
        }
        return Interned(codes: codes, validity: validity, interners: interners, parts: parts)
    }

    /// The second step, one task (the reader merges other columns meanwhile): frees each part's
    /// builder and references, and joins the partitions' dictionaries into the column's.
    static func column(_ interned: Interned) -> Column {
        for part in interned.parts {
            part.builder.pointee.release()
            // The lists themselves are the chunk parser's to free.
            for t in 0..<partitions { part.deferred?[t].release() }
        }
        let master = interned.interners[0]
        for t in 1..<partitions { master.append(disjoint: interned.interners[t]) }
        // Every code, null rows' included, must index the dictionary.
        let dictionary = master.count == 0 && !interned.codes.isEmpty ? StringDictionary([""]) : StringDictionary(interned: master)
        return Column(.string(codes: interned.codes, dictionary: dictionary), validity: interned.validity)
    }
}
