import Testing
import TestSupport
@testable import TRQFrame

/// `describe` against an oracle built from the aggregates it must agree with (count,
/// count_distinct, min, max, mean, std, quantile), on columns that reach each of its paths:
/// sorted keys (ascending and descending), keys in a small range (a bitmap), keys spread wide
/// (a bitmap window plus hash tables, partitioned above 65,536 keys), floats with NaN, -0.0 and
/// infinities, strings with repeated and unused dictionary entries, nulls, and the parallel path
/// (more than 200,000 rows).
@Suite struct KernelDescribeTests {
    /// One describe row from the aggregates, as describe was first written.
    func oracleRow(_ name: String, _ column: Column) throws -> [Value] {
        let numeric = column.type == .int || column.type == .float
        var requests = [
            AggregateRequest(name: "count", function: .count, input: column),
            AggregateRequest(name: "distinct", function: .countDistinct, input: column),
            AggregateRequest(name: "min", function: .min, input: column),
            AggregateRequest(name: "max", function: .max, input: column),
        ]
        if numeric {
            requests += [
                AggregateRequest(name: "mean", function: .mean, input: column),
                AggregateRequest(name: "std", function: .std, input: column),
                AggregateRequest(name: "p25", function: .quantile(0.25), input: column),
                AggregateRequest(name: "p50", function: .quantile(0.5), input: column),
                AggregateRequest(name: "p75", function: .quantile(0.75), input: column),
            ]
        }
        let stats = try aggregate(Table(names: [name], columns: [column]), requests)
        func stat(_ key: String) -> Value { stats.column(key)?[0] ?? .null }
        func text(_ key: String) -> Value { stat(key).isNull ? .null : .string(stat(key).description) }
        return [
            .string(name), .string(column.type.rawValue), stat("count"), .int(Int64(column.nullCount)),
            stat("distinct"), stat("mean"), stat("std"), text("min"), stat("p25"), stat("p50"), stat("p75"), text("max"),
        ]
    }

    /// Equal values, NaN equal to NaN (floats are compared exactly otherwise).
    func same(_ a: Value, _ b: Value) -> Bool {
        if case .float(let x) = a, case .float(let y) = b { return x == y || (x.isNaN && y.isNaN) }
        return a == b
    }

    func expectMatchesOracle(_ t: Table, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let d = try describe(t)
        #expect(d.rowCount == t.columnCount, sourceLocation: sourceLocation)
        for (r, (name, column)) in zip(t.names, t.columns).enumerated() {
            let expected = try oracleRow(name, column)
            let actual = d.columns.map { $0[r] }
            for (k, field) in d.names.enumerated() {
                #expect(same(actual[k], expected[k]), "\(name).\(field): \(actual[k]) vs \(expected[k])", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: [0, 1, 2, 65, 1_000, 250_037])
    func randomColumnsMatchTheAggregates(n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n) &+ 1)
        func maybe<T>(_ value: T) -> T? { Int.random(in: 0..<11, using: &rng) == 0 ? nil : value }
        let small = (0..<n).map { _ in maybe(Int64.random(in: -300...300, using: &rng)) }
        // Mostly 0 ..< 10^6 with 30% spread over the whole range: window, hash, partitions.
        let wide: [Int64?] = (0..<n).map { _ in
            Int.random(in: 0..<10, using: &rng) < 3 ? Int64.random(in: .min ... .max, using: &rng)
                : maybe(Int64.random(in: 0..<1_000_000, using: &rng))
        }
        let floatValues: [Double?] = (0..<n).map { _ in
            switch Int.random(in: 0..<20, using: &rng) {
            case 0: nil
            case 1: .nan
            case 2: -0.0
            case 3: 0.0
            case 4: Bool.random(using: &rng) ? .infinity : -.infinity
            default: Double(Int.random(in: -5000...5000, using: &rng)) / 8
            }
        }
        var ascending = Int64(0)
        let sortedTimes: [Int64] = (0..<n).map { _ in
            ascending += Int64.random(in: 0...2, using: &rng) * 1_000_000
            return ascending
        }
        let words = ["pear", "apple", "Zebra", "äpfel", "apple", "never used"]
        let t = try table([
            "small": ints(small),
            "wide": ints(wide),
            "f": floats(floatValues),
            "t": Column(.timestamp(sortedTimes), validity: Validity((0..<n).map { $0 % 97 != 5 })),
            "down": ints((0..<n).map { maybe(Int64(n - $0 / 3)) }),
            "d": dates((0..<n).map { _ in maybe(Int32.random(in: 18_000...19_000, using: &rng)) }),
            "b": bools((0..<n).map { _ in maybe(Bool.random(using: &rng)) }),
            // Codes 1 and 4 are the same string; entry 5 is never used.
            "s": Column(.string(codes: (0..<n).map { _ in Int32.random(in: 0..<5, using: &rng) }, dictionary: StringDictionary(words)),
                        validity: Validity((0..<n).map { $0 % 13 != 4 })),
            "constant": floats((0..<n).map { _ in maybe(2.5) }),
        ])
        try expectMatchesOracle(t)
    }

    @Test func edgeColumnsMatchTheAggregates() throws {
        try expectMatchesOracle(try table([
            "allNaN": floats([.nan, nil, .nan]),
            "negZero": floats([-0.0, -0.0, nil]),
            "extremes": ints([.max, .min, nil]),
            "oneString": strings(["x", nil, "x"]),
            "falses": bools([false, nil, false]),
        ]))
        try expectMatchesOracle(try table(["f": floats([nil, nil]), "s": strings([nil, nil])]))
    }

    /// numpy.quantile (linear) values worked out by hand: [1, 2, 3, 4] has p25 1.75, p50 2.5,
    /// p75 3.25; NaN ranks after the numbers, so [1, 2, NaN] has p25 1.5, p50 2.0, p75 NaN.
    @Test func quantilesInterpolateLikeNumpy() throws {
        let d = try describe(try table(["x": ints([4, nil, 2, 1, 3]), "y": floats([2, .nan, 1, nil, nil])]))
        #expect(d.column("p25")?[0] == .float(1.75) && d.column("p50")?[0] == .float(2.5) && d.column("p75")?[0] == .float(3.25))
        #expect(d.column("p25")?[1] == .float(1.5) && d.column("p50")?[1] == .float(2))
        if case .float(let p75)? = d.column("p75")?[1] { #expect(p75.isNaN) } else { Issue.record("p75 is not a float") }
    }

    /// Radix selection against sorting: many ranks at once, keys clustered in a narrow range
    /// (several counting passes) with far outliers, and a column with nulls and NaN.
    @Test func keysAtRanksAgreesWithSorting() throws {
        var rng = SplitMix64(seed: 99)
        let n = 300_001
        let values: [Int64?] = (0..<n).map { i in
            if i % 101 == 0 { return nil }
            if i % 1_000 == 7 { return Int64.random(in: .min ... .max, using: &rng) }
            return 1_000_000 + Int64.random(in: 0..<5_000, using: &rng)
        }
        let sorted = values.compactMap { $0 }.sorted()
        let column = ints(values)
        for ranks in [[0], [sorted.count - 1], [5, 150_000, 150_001, 200_000, 296_000, 10, 10, 99_999]] {
            let keys = try ColumnKeys.of(column) { (keys) throws(FrameError) -> [UInt64] in
                let (count, low, high) = keys.range()
                #expect(count == sorted.count)
                return try keysAtRanks(ranks, of: keys, count: count, low: low, high: high)
            }
            #expect(keys?.map { Int64(bitPattern: $0 ^ (1 << 63)) } == ranks.map { sorted[$0] }, "\(ranks)")
        }
        let floatValues: [Double?] = (0..<10_000).map { (i: Int) -> Double? in
            if i % 13 == 0 { return nil }
            return i % 9 == 0 ? Double.nan : Double(i % 77) - 30.5
        }
        let floatSorted = floatValues.compactMap { $0 }.filter { !$0.isNaN }.sorted()
        let found = try ColumnKeys.of(floats(floatValues)) { (keys) throws(FrameError) -> [UInt64] in
            let (count, low, high) = keys.range()
            #expect(count == floatSorted.count)
            return try keysAtRanks([0, 4_000, count - 1], of: keys, count: count, low: low, high: high)
        }
        let numbers = found?.map { key in Double(bitPattern: key >> 63 != 0 ? key ^ (1 << 63) : ~key) }
        #expect(numbers == [0, 4_000, floatSorted.count - 1].map { floatSorted[$0] })
    }
}
