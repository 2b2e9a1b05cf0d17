/// Joins the per-chunk builders of one column into a typed column (used by the CSV and JSON
/// readers, whose chunks are parsed in parallel).
enum BuilderMerge {
    /// `parts` in row order; `kind` is their joined kind, and every part is either that kind, a
    /// kind that widens to it by numbers (int -> float, date -> timestamp) or without values.
    /// For a string column every part must already be a string column. Each part's storage is
    /// freed as soon as it is copied, so a column's chunks and its merged copy are not all held
    /// at the load's memory peak.
    static func column(_ parts: [UnsafeMutablePointer<ColumnBuilder>], kind: ValueKind) -> Column {
        if parts.contains(where: { $0.pointee.staged != nil }) { return StagedStrings.column(parts) }
        let total = parts.reduce(0) { $0 &+ $1.pointee.rowCount }
        let validity = mergedValidity(parts, total: total)
        let data: ColumnData
        switch kind {
        case .string, .unknown:
            data = mergedStrings(parts, total: total)
        case .int:
            data = .int(mergedValues(parts, total: total, as: .int) { Int64(bitPattern: $0) })
        case .float:
            data = .float(mergedValues(parts, total: total, as: .float) { Double(bitPattern: $0) })
        case .bool:
            data = .bool(mergedBooleans(parts, total: total))
        case .date:
            data = .date(mergedValues(parts, total: total, as: .date) { Int32(truncatingIfNeeded: Int64(bitPattern: $0)) })
        case .timestamp:
            data = .timestamp(mergedValues(parts, total: total, as: .timestamp) { Int64(bitPattern: $0) })
        }
        return Column(data, validity: validity)
    }

    private static func mergedValues<T>(_ parts: [UnsafeMutablePointer<ColumnBuilder>], total: Int, as kind: ValueKind,
                                        _ convert: (UInt64) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: total) { out, initialized in
            var target = out.baseAddress!
            for part in parts {
                let builder = part.pointee
                let n = builder.rowCount
                switch (builder.kind, kind) {
                case (.unknown, _):
                    for i in 0..<n { (target + i).initialize(to: convert(0)) }
                case (.int, .float):
                    for i in 0..<n { (target + i).initialize(to: convert(Double(Int64(bitPattern: builder.bits(at: i))).bitPattern)) }
                case (.date, .timestamp):
                    for i in 0..<n { (target + i).initialize(to: convert(UInt64(bitPattern: Int64(bitPattern: builder.bits(at: i)) &* microsPerDay))) }
                case (.int, .int) where !builder.wideInts:
                    // Read straight from the 32-bit buffer: per-value `bits(at:)` checks which
                    // buffer holds the values and does not vectorize.
                    if let narrow = builder.narrowInts.base {
                        for i in 0..<n { (target + i).initialize(to: convert(UInt64(bitPattern: Int64(narrow[i])))) }
                    }
                default:
                    for i in 0..<n { (target + i).initialize(to: convert(builder.bits(at: i))) }
                }
                target += n
                part.pointee.release()
            }
            initialized = total
        }
    }

    private static func mergedBooleans(_ parts: [UnsafeMutablePointer<ColumnBuilder>], total: Int) -> [Bool] {
        [Bool](unsafeUninitializedCapacity: total) { out, initialized in
            var target = out.baseAddress!
            for part in parts {
                let builder = part.pointee
                let n = builder.rowCount
                // A part without values (all null) holds no bytes.
                if builder.kind == .bool {
                    for i in 0..<n { (target + i).initialize(to: builder.booleans[i] != 0) }
                } else {
                    target.initialize(repeating: false, count: n)
                }
                target += n
                part.pointee.release()
            }
            initialized = total
        }
    }

    /// The first part's dictionary takes in the others' values, in part order so codes stay in
    /// order of first appearance (batched lookups, see `KeyInterner.codes(of:)`), and becomes the
    /// column's dictionary (its strings are made when first needed). The parts' codes are
    /// rewritten as concurrent tasks.
    private static func mergedStrings(_ parts: [UnsafeMutablePointer<ColumnBuilder>], total: Int) -> ColumnData {
        let master = parts[0].pointee.strings
        let remaps = parts.dropFirst().map { part in
            defer { part.pointee.releaseDictionary() }
            return master.codes(of: part.pointee.strings)
        }
        master.releaseLookupTables()
        var offsets = [0]
        for part in parts { offsets.append(offsets[offsets.count &- 1] &+ part.pointee.rowCount) }
        let codes = [Int32](unsafeUninitializedCapacity: total) { out, initialized in
            func task(_ t: Int) {
                copyCodes(parts[t].pointee, t == 0 ? nil : remaps[t &- 1], to: out.baseAddress! + offsets[t])
                parts[t].pointee.release()
            }
            if total >= parallelThreshold { parallelFor(parts.count, task) } else { for t in parts.indices { task(t) } }
            initialized = total
        }
        // Every code, null rows' included, must index the dictionary.
        let dictionary = master.count == 0 && total > 0 ? StringDictionary([""]) : StringDictionary(interned: master)
        return .string(codes: codes, dictionary: dictionary)
    }

    /// One part's codes, translated by `remap` (nil: kept).
    private static func copyCodes(_ builder: ColumnBuilder, _ remap: [Int32]?, to target: UnsafeMutablePointer<Int32>) {
        let n = builder.rowCount
        guard n > 0 else { return }
        guard let remap else { return target.initialize(from: builder.codes.base!, count: n) }
        remap.withUnsafeBufferPointer { remap in
            for i in 0..<n {
                // Null rows hold code 0, which a chunk without values does not have.
                let code = Int(builder.codes[i])
                (target + i).initialize(to: code < remap.count ? remap[code] : 0)
            }
        }
    }

    static func mergedValidity(_ parts: [UnsafeMutablePointer<ColumnBuilder>], total: Int) -> Validity? {
        guard parts.contains(where: { $0.pointee.nullCount > 0 }) else { return nil }
        var validity = Validity(count: total, allValid: true)
        var offset = 0
        for part in parts {
            let builder = part.pointee
            let bits = builder.nullBits
            for w in 0..<bits.count {
                var word = bits[w]
                while word != 0 {
                    validity.clear(offset &+ (w << 6) &+ word.trailingZeroBitCount)
                    word &= word &- 1
                }
            }
            offset &+= builder.rowCount
        }
        return validity
    }
}
