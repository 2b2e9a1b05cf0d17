import CFrameKernels
import Testing
import TestSupport
@testable import TRQFrame

/// The selection kernels (`selectMatching`, `rowSelection`) and the filter that takes the
/// selected rows, against plain loops over optionals: every operator, nulls (whole words of
/// them and scattered ones), NaN, lengths that are not a multiple of 64, and columns long enough
/// to be split across threads.
@Suite struct KernelSelectTests {
    let operators: [(Comparison, (Double, Double) -> Bool)] = [
        (.equal, { $0 == $1 }), (.notEqual, { $0 != $1 }), (.less, { $0 < $1 }),
        (.lessOrEqual, { $0 <= $1 }), (.greater, { $0 > $1 }), (.greaterOrEqual, { $0 >= $1 }),
    ]

    /// The rows whose bit is set, read bit by bit (and no bit set past the last row).
    func rows(_ selection: RowSelection) -> [Int] {
        #expect(selection.words.count == (selection.rowCount + 63) / 64)
        var rows: [Int] = []
        for (w, word) in selection.words.enumerated() {
            for bit in 0..<64 where word & (1 << UInt64(bit)) != 0 { rows.append(w * 64 + bit) }
        }
        #expect(rows.allSatisfy { $0 < selection.rowCount })
        #expect(selection.selectedCount == rows.count)
        return rows
    }

    func matching<T>(_ values: [T?], _ holds: (T) -> Bool) -> [Int] {
        values.indices.filter { values[$0].map(holds) ?? false }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 1_000, 250_037])
    func integersAgainstALoop(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n) &+ 11)
        let values: [Int64?] = (0..<n).map { i in
            if (640..<704).contains(i) { return nil }  // one whole word of nulls
            return Int.random(in: 0..<13, using: &rng) == 0 ? nil : Int64.random(in: -5...5, using: &rng)
        }
        let column = ints(values)
        guard case .int(let raw) = column.data else {
            Issue.record("expected an int column")
            return
        }
        for (op, holds) in operators {
            for constant: Int64 in [-6, 0, 3, 5] {
                let expected = matching(values) { holds(Double($0), Double(constant)) }
                let selection = try selectMatching(raw, validity: column.validity, op, constant)
                #expect(selection.rowCount == n)
                #expect(rows(selection) == expected, "\(op) \(constant)")
            }
        }
    }

    /// The rows holding any of some dictionary codes, as bit words, against a loop.
    @Test(arguments: [0, 1, 63, 64, 65, 1_000, 250_037])
    func codeWordsAgainstALoop(n: Int) {
        var rng = SplitMix64(seed: UInt64(n) &+ 29)
        let codes: [Int32] = (0..<n).map { _ in Int32.random(in: 0..<9, using: &rng) }
        for hits: [Int32] in [[], [4], [0, 8], [2, 2, 7], [Int32.max]] {
            let words = rowsWithCode(codes, in: hits)
            #expect(words.count == (n + 63) / 64)
            let found = (0..<n).filter { words[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }
            #expect(found == codes.indices.filter { hits.contains(codes[$0]) }, "\(hits)")
            #expect(words.last.map { n % 64 == 0 || $0 >> UInt64(n % 64) == 0 } ?? true, "bits past the last row")
        }
    }

    @Test func integerExtremesDoNotWrap() throws {
        let raw: [Int64] = [.min, -1, 0, 1, .max] + [Int64](repeating: .max, count: 70)
        #expect(rows(try selectMatching(raw, validity: nil, .greater, .min)) == Array(1..<75))
        #expect(rows(try selectMatching(raw, validity: nil, .less, .max)) == [0, 1, 2, 3])
        #expect(rows(try selectMatching(raw, validity: nil, .lessOrEqual, .min)) == [0])
    }

    @Test(arguments: [5, 130, 250_001])
    func floatsWithNaNAgainstALoop(n: Int) throws {
        let values = randomFloats(n, seed: 3, negativeZeros: true)
        let column = floats(values)
        guard case .float(let raw) = column.data else {
            Issue.record("expected a float column")
            return
        }
        for (op, holds) in operators {
            for constant in [-1.5, 0, 0.5, .infinity, .nan] {
                let expected = matching(values) { holds($0, constant) }
                #expect(rows(try selectMatching(raw, validity: column.validity, op, constant)) == expected, "\(op) \(constant)")
            }
        }
    }

    /// The portable loops (what machines without AVX2 or BMI2 run) against the same oracles.
    /// Tests running meanwhile take the portable paths too, which only makes them slower.
    @Test func portablePathsAgainstALoop() throws {
        trq_use_portable_kernels(1)
        defer { trq_use_portable_kernels(0) }
        try integersAgainstALoop(n: 1_000)
        codeWordsAgainstALoop(n: 1_000)
        try floatsWithNaNAgainstALoop(n: 130)
        try boolMasksAgainstALoop(n: 1_001)
        try filterTakesTheSelectedRowsOfEveryType(n: 250_037)
        try topOfNumbersWithNullsMatchesStableSortPrefix(n: 3)
        let raw: [Int64] = (0..<1_000).map { Int64($0 % 10) }
        #expect(try countMatching(raw, validity: nil, .greaterOrEqual, 7) == 300)
    }

    /// With `firstMatches`, the scan may stop early: the selection is the matching rows up to
    /// some row, and holds at least the first `firstMatches` of them (all when fewer match).
    @Test func firstMatchesKeepsAPrefixOfTheMatches() throws {
        let n = 300_000
        var rng = SplitMix64(seed: 5)
        let values: [Int64?] = (0..<n).map { _ in Int.random(in: 0..<20, using: &rng) == 0 ? nil : Int64.random(in: 0..<100, using: &rng) }
        let column = ints(values)
        guard case .int(let raw) = column.data else {
            Issue.record("expected an int column")
            return
        }
        let expected = matching(values) { $0 >= 90 }
        for wanted in [0, 1, 5, 1_000, 40_000, n] {
            let selected = rows(try selectMatching(raw, validity: column.validity, .greaterOrEqual, 90, firstMatches: wanted))
            #expect(selected.count >= min(wanted, expected.count))
            #expect(selected == Array(expected.prefix(selected.count)), "first \(wanted)")
        }
    }

    @Test(arguments: [0, 64, 1_001, 250_003])
    func boolMasksAgainstALoop(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        let flags: [Bool?] = (0..<n).map { _ in Int.random(in: 0..<9, using: &rng) == 0 ? nil : Bool.random(using: &rng) }
        let mask = bools(flags)
        let expected = matching(flags) { $0 }
        #expect(rows(try rowSelection(mask)) == expected)
        #expect(selectedRowCount(mask) == expected.count)
        #expect(throws: FrameError.self) { _ = try rowSelection(ints([1])) }
    }

    /// A table of every column type with nulls, long enough for the two-thread path.
    func everyType(_ n: Int) throws -> Table {
        var rng = SplitMix64(seed: 17)
        func maybe<T>(_ value: T) -> T? { Int.random(in: 0..<7, using: &rng) == 0 ? nil : value }
        let words = ["a", "bb", "ccc", "a"]
        return try table([
            "i": ints((0..<n).map { maybe(Int64($0)) }),
            "f": floats((0..<n).map { maybe(Double($0) / 4) }),
            "b": bools((0..<n).map { maybe($0 % 3 == 0) }),
            "s": strings((0..<n).map { maybe(words[$0 % 4]) }, dictionary: ["a", "bb", "ccc", "a", "unused"]),
            "t": Column(.timestamp((0..<n).map { Int64($0) * 1_000_000 }), validity: Validity((0..<n).map { $0 % 5 != 0 })),
            "d": dates((0..<n).map { maybe(Int32($0 % 1000)) }),
            "dense": ints((0..<n).map { Int64($0 % 7) }),
        ])
    }

    /// Each column equals the one `take` builds from the oracle's row list (the same data, and
    /// the same validity: nil when no taken row is null).
    func expectTaken(_ filtered: Table, _ t: Table, _ rows: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
        let taken = t.take(rows)
        #expect(filtered.rowCount == rows.count, sourceLocation: sourceLocation)
        #expect(filtered.names == t.names, sourceLocation: sourceLocation)
        for (a, b) in zip(filtered.columns, taken.columns) {
            #expect(a.data == b.data, sourceLocation: sourceLocation)
            #expect(a.validity == b.validity, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [70, 250_037])
    func filterTakesTheSelectedRowsOfEveryType(n: Int) throws {
        let t = try everyType(n)
        guard case .int(let i) = t.column("i")?.data else {
            Issue.record("expected an int column")
            return
        }
        let keep = i.indices.filter { i[$0] % 3 != 1 && t.column("i")?.isNull($0) == false }
        let selection = try selectMatching(i.map { $0 % 3 }, validity: t.column("i")?.validity, .notEqual, 1)
        expectTaken(try filter(t, selection), t, keep)
        for limit in [0, 1, 63, 64, 65, keep.count - 1, keep.count, keep.count + 5] {
            expectTaken(try filter(t, selection, limit: limit), t, Array(keep.prefix(limit)))
        }
        // A mask that keeps only rows without nulls, and one that keeps everything.
        let mask = bools((0..<n).map { $0 % 2 == 0 ? true : nil })
        expectTaken(try filter(t, mask: mask), t, Array(stride(from: 0, to: n, by: 2)))
        let all = try filter(t, mask: bools([Bool](repeating: true, count: n)))
        expectTaken(all, t, Array(0..<n))
        #expect(throws: FrameError.self) { _ = try filter(t, try rowSelection(bools([true]))) }
    }
}
