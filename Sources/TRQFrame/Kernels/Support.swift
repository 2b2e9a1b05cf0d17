import Dispatch

/// Rows are processed in chunks of this many between cancellation checks (a multiple of 64 so
/// chunks start on validity-word boundaries).
let cancellationChunk = 65_536

/// Below this many rows, splitting work across threads costs more than it saves.
let parallelThreshold = 200_000

/// Hands non-Sendable values (unsafe buffers each thread touches disjointly, read-only inputs) to
/// worker threads, under a discipline the compiler cannot check. `package`: TRQModels shares it.
package struct UncheckedSendable<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// Runs `body(0) ... body(count - 1)` concurrently; the bodies must touch disjoint state.
/// `package`: TRQModels' parallel loops are built on it.
/// Workers see the caller's `CancellationToken.current`.
package func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 { return body(0) }
    let token = CancellationToken.current
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            CancellationToken.$current.withValue(token) { box.value(i) }
        }
    }
}

/// Runs the tasks concurrently when `parallel`, and returns their results in order.
func parallelMap<T>(_ count: Int, parallel: Bool = true, _ body: (Int) throws(FrameError) -> T)
    throws(FrameError) -> [T]
{
    var results = [Result<T, FrameError>?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
        func run(_ i: Int) {
            do throws(FrameError) { slots[i] = .success(try body(i)) } catch { slots[i] = .failure(error) }
        }
        if parallel { parallelFor(count, run) } else { for i in 0..<count { run(i) } }
    }
    var values: [T] = []
    values.reserveCapacity(count)
    for result in results {
        switch result {
        case .success(let value)?: values.append(value)
        case .failure(let error)?: throw error
        case nil: preconditionFailure("parallelMap task \(values.count) did not run")
        }
    }
    return values
}

/// Calls `body` with every non-null row index in ascending order, checking for cancellation
/// between chunks.
@inline(__always) func forEachValidRow(
    _ count: Int, _ validity: Validity?, _ body: (Int) -> Void
) throws(FrameError) {
    try forEachValidRow(in: 0..<count, validity, body)
}

/// Calls `body` with every non-null row index of `rows` in ascending order, checking for
/// cancellation between chunks. `rows` must start on a validity-word boundary (a multiple of 64).
@inline(__always) func forEachValidRow(
    in rows: Range<Int>, _ validity: Validity?, _ body: (Int) -> Void
) throws(FrameError) {
    var start = rows.lowerBound
    while start < rows.upperBound {
        try FrameError.checkCancellation()
        let end = Swift.min(start &+ cancellationChunk, rows.upperBound)
        if let validity {
            validity.words.withUnsafeBufferPointer { words in
                for w in (start >> 6)..<((end &+ 63) >> 6) {
                    let base = w << 6
                    var bits = words[w]
                    if end &- base < 64 { bits &= (1 << UInt64(end &- base)) &- 1 }
                    if bits == ~0 {
                        // A word without nulls: a plain loop the compiler can unroll.
                        for i in base..<(base &+ 64) { body(i) }
                        continue
                    }
                    while bits != 0 {
                        body(base &+ bits.trailingZeroBitCount)
                        bits &= bits &- 1
                    }
                }
            }
        } else {
            for i in start..<end { body(i) }
        }
        start = end
    }
}

/// Calls `body` with every row index, checking for cancellation between chunks.
@inline(__always) func forEachRow(_ count: Int, _ body: (Int) -> Void) throws(FrameError) {
    try forEachValidRow(count, nil, body)
}

/// Kernels index rows and number groups with Int32 to halve memory traffic.
let maximumRowCount = 1 << 30

func checkRowLimit(_ count: Int) throws(FrameError) {
    guard count <= maximumRowCount else {
        throw FrameError("\(count) rows is more than the \(maximumRowCount) the kernels handle; filter or split the input")
    }
}

extension Column {
    /// A column of `count` nulls of the given type.
    public static func nulls(_ type: DataType, count: Int) -> Column {
        let data: ColumnData
        switch type {
        case .int: data = .int([Int64](repeating: 0, count: count))
        case .float: data = .float([Double](repeating: 0, count: count))
        case .bool: data = .bool([Bool](repeating: false, count: count))
        case .string: data = .string(codes: [Int32](repeating: 0, count: count), dictionary: StringDictionary([""]))
        case .timestamp: data = .timestamp([Int64](repeating: 0, count: count))
        case .date: data = .date([Int32](repeating: 0, count: count))
        }
        return Column(data, validity: Validity(count: count, allValid: false))
    }

    /// The rows at `rows`, in that order; a negative index yields a null (for outer joins and
    /// aggregates over groups without a value).
    public func take(orNull rows: [Int]) -> Column {
        if count == 0 { return Column.nulls(type, count: rows.count) }
        // A missing row reads row 0, then its validity bit is cleared.
        var result = take(rows.map { Swift.max($0, 0) })
        var words = result.validity?.words ?? Validity(count: rows.count, allValid: true).words
        for (j, i) in rows.enumerated() where i < 0 { words[j >> 6] &= ~(1 << UInt64(j & 63)) }
        let validity = Validity(words: words, count: rows.count)
        result.validity = validity.nullCount == 0 ? nil : validity
        return result
    }
}
