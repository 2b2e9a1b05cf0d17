public enum JoinKind: String, Sendable {
    case inner, left
}

/// Hash join on pairs of key columns. Rows match when every key pair is equal: strings by value
/// (whatever their dictionaries), int against float numerically, date against timestamp at
/// midnight; null never matches (as in SQL). The result has the left columns, then the right
/// columns except right keys named like their left key; other right names already present get
/// the suffix `_right`. Rows come in left order, each left row's matches in right order; a left
/// join keeps unmatched left rows with nulls on the right. With `keeping`, only the output
/// columns of those names are gathered (names are assigned as if all were), and at least one.
public func join(_ left: Table, _ right: Table, kind: JoinKind, on keys: [(left: String, right: String)],
                 keeping: Set<String>? = nil) throws(FrameError) -> Table
{
    guard !keys.isEmpty else { throw FrameError("join needs at least one key column") }
    try checkRowLimit(left.rowCount)
    try checkRowLimit(right.rowCount)
    var pairs: [(left: Column, right: Column, leftName: String, rightName: String)] = []
    for key in keys {
        guard let l = left.column(key.left) else { throw noColumn(key.left, in: left) }
        guard let r = right.column(key.right) else {
            throw FrameError("no column '\(key.right)' in the right table; its columns are \(right.names.joined(separator: ", "))")
        }
        pairs.append((l, r, key.left, key.right))
    }
    let codes = try parallelMap(pairs.count, parallel: left.rowCount &+ right.rowCount >= parallelThreshold) {
        (k: Int) throws(FrameError) in try joinCodes(pairs[k].left, pairs[k].right, pairs[k].leftName, pairs[k].rightName)
    }
    var (leftKeys, rightKeys) = (codes[0].left, codes[0].right)
    var cardinality = codes[0].cardinality
    for next in codes.dropFirst() {
        if cardinality.multipliedReportingOverflow(by: next.cardinality).overflow {
            (leftKeys, rightKeys, cardinality) = try renumber(leftKeys, rightKeys)
        }
        let multiplier = Int64(next.cardinality)
        try forEachRow(leftKeys.count) { i in
            let code = next.left[i]
            leftKeys[i] = leftKeys[i] < 0 || code < 0 ? -1 : leftKeys[i] &* multiplier &+ Int64(code)
        }
        try forEachRow(rightKeys.count) { i in
            let code = next.right[i]
            rightKeys[i] = rightKeys[i] < 0 || code < 0 ? -1 : rightKeys[i] &* multiplier &+ Int64(code)
        }
        cardinality &*= next.cardinality
    }
    // Keys index the buckets of matchRows directly when their range is small (one dictionary-
    // coded key, say); only a wide range is renumbered densely first.
    if cardinality > Swift.max(left.rowCount, right.rowCount, 1 << 16) {
        (leftKeys, rightKeys, cardinality) = try renumber(leftKeys, rightKeys)
    }
    let (leftRows, rightRows) = try matchRows(leftKeys, rightKeys, cardinality, keepUnmatched: kind == .left)

    // Output names first, over all columns, so that dropping some never renames the others.
    let dropped = Set(pairs.filter { $0.leftName == $0.rightName }.map(\.rightName))
    let rightOutputs = Array(zip(
        rightOutputNames(left.names, right.names, dropped: dropped),
        zip(right.names, right.columns).filter { !dropped.contains($0.0) }.map(\.1)))
    let outputNames = Set(left.names).union(rightOutputs.map(\.0))
    func kept(_ name: String) -> Bool { keeping?.contains(name) ?? true }
    let leftKept = left.names.enumerated().filter { kept($0.element) || ($0.offset == 0 && !outputNames.contains(where: kept)) }

    // A many-to-one inner join that matches every left row once keeps the left rows as they are.
    let leftInOrder = leftRows.count == left.rowCount && leftRows.indices.allSatisfy { leftRows[$0] == $0 }
    var result = Table()
    for (index, name) in leftKept {
        try FrameError.checkCancellation()
        try result.append(name, leftInOrder ? left.columns[index] : left.columns[index].take(leftRows))
    }
    for (outputName, column) in rightOutputs where kept(outputName) {
        // Gathering a large result column by column takes long enough to check between columns.
        try FrameError.checkCancellation()
        try result.append(outputName, kind == .left ? column.take(orNull: rightRows) : column.take(rightRows))
    }
    return result
}

/// The output names of the right columns not in `dropped`, in order: a name already taken (by a
/// left column or an earlier output) gets the suffix `_right`, repeated until it is free.
public func rightOutputNames(_ leftNames: [String], _ rightNames: [String], dropped: Set<String>) -> [String] {
    var taken = Set(leftNames)
    let rightSet = Set(rightNames)
    var names: [String] = []
    for name in rightNames where !dropped.contains(name) {
        var outputName = name
        while taken.contains(outputName) || (outputName != name && rightSet.contains(outputName)) {
            outputName += "_right"
        }
        taken.insert(outputName)
        names.append(outputName)
    }
    return names
}

/// Renumbers keys densely over the right side (-1 stays -1; left keys absent on the right become -1).
private func renumber(_ left: [Int64], _ right: [Int64]) throws(FrameError) -> ([Int64], [Int64], Int) {
    let table = DenseIdTable()
    var newRight = [Int64](repeating: -1, count: right.count)
    try forEachRow(right.count) { i in
        if right[i] >= 0 { newRight[i] = Int64(table.insert(UInt64(right[i])).id) }
    }
    var newLeft = [Int64](repeating: -1, count: left.count)
    try forEachRow(left.count) { i in
        if left[i] >= 0 { newLeft[i] = Int64(table.find(UInt64(left[i]))) }
    }
    return (newLeft, newRight, table.count)
}

/// Pairs of matching rows (right -1 for an unmatched left row kept by a left join).
private func matchRows(_ left: [Int64], _ right: [Int64], _ cardinality: Int, keepUnmatched: Bool)
    throws(FrameError) -> ([Int], [Int])
{
    // Right rows bucketed by key, in right order.
    var starts = [Int](repeating: 0, count: cardinality &+ 1)
    try forEachRow(right.count) { i in
        if right[i] >= 0 { starts[Int(right[i]) &+ 1] &+= 1 }
    }
    for k in 0..<cardinality { starts[k &+ 1] &+= starts[k] }
    var cursor = starts
    var bucketed = [Int](repeating: 0, count: starts[cardinality])
    try forEachRow(right.count) { i in
        let key = right[i]
        if key >= 0 {
            bucketed[cursor[Int(key)]] = i
            cursor[Int(key)] &+= 1
        }
    }
    // Sized first: repeated keys on both sides multiply, and a join far larger than memory
    // should be refused with its size, not grow until the process is killed.
    var outputRows = 0
    try forEachRow(left.count) { i in
        let key = left[i]
        let matches = key >= 0 ? starts[Int(key) &+ 1] &- starts[Int(key)] : 0
        outputRows &+= matches > 0 ? matches : keepUnmatched ? 1 : 0
    }
    guard outputRows <= maximumRowCount else {
        throw FrameError("the join would produce \(outputRows) rows, more than the \(maximumRowCount) the kernels handle; the join keys repeat on both sides: join on more keys, or distinct/groupby one side first")
    }
    var leftRows: [Int] = [], rightRows: [Int] = []
    leftRows.reserveCapacity(outputRows)
    rightRows.reserveCapacity(outputRows)
    // Checked by output pairs as well as left rows: with repeated keys on both sides a few left
    // rows can produce millions of pairs.
    var uncheckedWork = 0
    for i in 0..<left.count {
        let key = left[i]
        if key >= 0, starts[Int(key)] < starts[Int(key) &+ 1] {
            for r in starts[Int(key)]..<starts[Int(key) &+ 1] {
                leftRows.append(i)
                rightRows.append(bucketed[r])
            }
            uncheckedWork &+= starts[Int(key) &+ 1] &- starts[Int(key)]
        } else if keepUnmatched {
            leftRows.append(i)
            rightRows.append(-1)
        }
        uncheckedWork &+= 1
        if uncheckedWork >= cancellationChunk {
            try FrameError.checkCancellation()
            uncheckedWork = 0
        }
    }
    return (leftRows, rightRows)
}

/// Codes for one key pair, equal on both sides exactly when the values match; -1 never matches.
private func joinCodes(_ left: Column, _ right: Column, _ leftName: String, _ rightName: String)
    throws(FrameError) -> (left: [Int64], right: [Int64], cardinality: Int)
{
    switch (left.data, right.data) {
    case (.string(let leftCodes, let leftDictionary), .string(let rightCodes, let rightDictionary)):
        let (rightIds, interner) = rightDictionary.distinctIds()
        let leftIds = leftDictionary.values.map { interner.find($0) }
        return (
            try dictionaryKeys(leftCodes, leftIds, left.validity),
            try dictionaryKeys(rightCodes, rightIds, right.validity),
            interner.count
        )
    default:
        let leftBits = try matchBits(left, as: right.type, leftName, rightName)
        let rightBits = try matchBits(right, as: left.type, leftName, rightName)
        let table = DenseIdTable()
        var rightKeys = [Int64](repeating: -1, count: right.count)
        try forEachValidRow(right.count, right.validity) { i in
            if let bits = rightBits(i) { rightKeys[i] = Int64(table.insert(bits).id) }
        }
        var leftKeys = [Int64](repeating: -1, count: left.count)
        try forEachValidRow(left.count, left.validity) { i in
            if let bits = leftBits(i) { leftKeys[i] = Int64(table.find(bits)) }
        }
        return (leftKeys, rightKeys, table.count)
    }
}

private func dictionaryKeys(_ codes: [Int32], _ ids: [Int32], _ validity: Validity?) throws(FrameError) -> [Int64] {
    var keys = [Int64](repeating: -1, count: codes.count)
    try forEachValidRow(codes.count, validity) { i in keys[i] = Int64(ids[Int(codes[i])]) }
    return keys
}

/// How a non-string key is compared with a key of type `other`: a function giving the bits to
/// match for row i (nil when the value can equal nothing on the other side).
private func matchBits(_ column: Column, as other: DataType, _ leftName: String, _ rightName: String)
    throws(FrameError) -> (Int) -> UInt64?
{
    switch (column.data, other) {
    case (.int(let v), .int), (.timestamp(let v), .timestamp):
        return { UInt64(bitPattern: v[$0]) }
    case (.date(let v), .date):
        return { UInt64(bitPattern: Int64(v[$0])) }
    case (.bool(let v), .bool):
        return { v[$0] ? 1 : 0 }
    case (.date(let v), .timestamp):
        return { UInt64(bitPattern: Int64(v[$0]) &* microsPerDay) }
    case (.timestamp(let v), .date):
        return { UInt64(bitPattern: v[$0]) }
    case (.float(let v), .float), (.float(let v), .int):
        return { canonicalBits(v[$0]) }
    case (.int(let v), .float):
        // An integer beyond 2^53 that no Double represents exactly equals no float.
        return { i in
            let d = Double(v[i])
            return d < 0x1p63 && Int64(d) == v[i] ? canonicalBits(d) : nil
        }
    default:
        throw FrameError("cannot join '\(leftName)' with '\(rightName)': one is \(column.type), the other \(other); convert one first, e.g. with string(...), int(...) or float(...)")
    }
}
