import Testing
@testable import TRQFrame
import TestSupport

/// Window, pivot, unpivot, union and cross-join kernels against hand-computed tables (and, for the
/// window order, against a plain sort). scripts/check_windows.py compares the language's results
/// with DuckDB on the bundled data.
@Suite struct KernelWindowTests {
    // Partitions a a b a b, ordered by x ascending (null last): a: rows 3 (1), 0 (2), 1 (2);
    // b: rows 4 (5), 2 (null).
    let group = strings(["a", "a", "b", "a", "b"])
    let x = ints([2, 2, nil, 1, 5])

    func order(by: [(Column, Bool)]) throws -> WindowOrder {
        try windowOrder(try grouping([group], rowCount: 5), by: by.map { ($0.0, $0.1) })
    }

    func run(_ f: WindowFunction, _ input: Column?, fallback: Column? = nil, by: [(Column, Bool)]? = nil) throws -> [Value] {
        values(try windowColumn(f, input, fallback: fallback, order: try order(by: by ?? [(x, false)]), label: "f"))
    }

    @Test func ranksFollowSQLTies() throws {
        #expect(try run(.rowNumber, nil) == [2, 3, 2, 1, 1].map { .int($0) })
        #expect(try run(.rank, nil) == [2, 2, 2, 1, 1].map { .int($0) })
        #expect(try run(.denseRank, nil) == [2, 2, 2, 1, 1].map { .int($0) })
        #expect(try run(.cumcount, nil) == [2, 3, 2, 1, 1].map { .int($0) })
        // Descending: a: 0 (2), 1 (2), 3 (1); b: 4 (5), 2 (null, still last).
        #expect(try run(.rank, nil, by: [(x, true)]) == [1, 1, 2, 3, 1].map { .int($0) })
        #expect(try run(.denseRank, nil, by: [(x, true)]) == [1, 1, 2, 2, 1].map { .int($0) })
        // Without by, input order decides: nothing ties.
        #expect(try run(.rank, nil, by: []) == [1, 2, 1, 3, 2].map { .int($0) })
    }

    @Test func lagAndLeadWithOffsetsAndDefaults() throws {
        let v = ints([10, 20, 30, 40, 50])
        // a in order: 3, 0, 1; b: 4, 2.
        #expect(try run(.lag(1), v) == [.int(40), .int(10), .int(50), .null, .null])
        #expect(try run(.lead(1), v) == [.int(20), .null, .null, .int(10), .int(30)])
        #expect(try run(.lag(2), v, fallback: ints([0])) == [.int(0), .int(40), .int(0), .int(0), .int(0)])
        #expect(try run(.lag(0), v) == values(v))
        #expect(try run(.lag(1), v, fallback: floats([0.5])) == [.float(40), .float(10), .float(50), .float(0.5), .float(0.5)])
        #expect(throws: FrameError.self) { _ = try run(.lag(1), v, fallback: strings(["none"])) }
        #expect(throws: FrameError.self) { _ = try run(.lag(-1), v) }
    }

    @Test func runningStatisticsSkipNulls() throws {
        let v = floats([1.5, nil, 4, nil, -2])
        // a in order 3 (null), 0 (1.5), 1 (null); b: 4 (-2), 2 (4).
        #expect(try run(.cumsum, v) == [.float(1.5), .float(1.5), .float(2), .null, .float(-2)])
        #expect(try run(.cummin, v) == [.float(1.5), .float(1.5), .float(-2), .null, .float(-2)])
        #expect(try run(.cummax, v) == [.float(1.5), .float(1.5), .float(4), .null, .float(-2)])
        let s = strings(["pear", "apple", "fig", "zoo", nil])
        // a in order: 3 (zoo), 0 (pear), 1 (apple); b: 4 (null), 2 (fig).
        #expect(try run(.cummin, s) == [.string("pear"), .string("apple"), .string("fig"), .string("zoo"), .null])
        #expect(try run(.cummax, s) == [.string("zoo"), .string("zoo"), .string("fig"), .string("zoo"), .null])
        #expect(try run(.cumsum, ints([1, 2, 3, 4, 5])) == [5, 7, 8, 4, 5].map { .int($0) })
        #expect(throws: FrameError.self) { _ = try run(.cumsum, ints([.max, 1, 0, 1, 0])) }
        #expect(throws: FrameError.self) { _ = try run(.cumsum, s) }
    }

    @Test func rollingFramesAreRowsEndingHere() throws {
        // One partition in input order: 1, null, 3, 4, null, null, null, 8.
        let v = ints([1, nil, 3, 4, nil, nil, nil, 8])
        let one = try windowOrder(try grouping([], rowCount: 8), by: [])
        func rolling(_ f: WindowFunction) throws -> [Value] { values(try windowColumn(f, v, order: one, label: "f")) }
        #expect(try rolling(.rollingSum(3)) == [.int(1), .int(1), .int(4), .int(7), .int(7), .int(4), .null, .int(8)])
        #expect(try rolling(.rollingMean(2)) == [.float(1), .float(1), .float(3), .float(3.5), .float(4), .null, .null, .float(8)])
        #expect(try rolling(.rollingSum(1)) == values(v))
        #expect(try rolling(.rollingSum(100)) == [1, 1, 4, 8, 8, 8, 8, 16].map { .int($0) })
        #expect(throws: FrameError.self) { _ = try rolling(.rollingSum(0)) }
    }

    /// Random data against a direct definition: every window's sum recomputed from its rows.
    @Test func rollingMatchesDirectSums() throws {
        var rng = SplitMix64(seed: 7)
        let n = 3000
        let keys = ints((0..<n).map { _ in Int64.random(in: 0..<40, using: &rng) })
        let v = floats(randomFloats(n, seed: 3).map { $0.flatMap { $0.isNaN ? nil : $0 } })
        let by = ints((0..<n).map { _ in Int64.random(in: 0..<50, using: &rng) })
        let partitions = try grouping([keys], rowCount: n)
        let order = try windowOrder(partitions, by: [(by, false)])
        let sorted = try sortIndices([(keys, false), (by, false)])
        for width in [1, 3, 7, 64] {
            let got = values(try windowColumn(.rollingSum(width), v, order: order, label: "f"))
            for (p, row) in sorted.enumerated() {
                var sum = 0.0, seen = false
                for q in stride(from: p, to: max(p - width, -1), by: -1) where keys[sorted[q]] == keys[row] {
                    if case .float(let x) = v[sorted[q]] {
                        sum += x
                        seen = true
                    }
                }
                if seen { #expect(close(got[row], sum)) } else { #expect(got[row] == .null) }
            }
        }
    }

    /// The order puts each partition's rows together, sorted by the key, ties in input order:
    /// the same as a stable sort by (partition, key), on both the small- and large-partition paths.
    @Test func orderMatchesStableSort() throws {
        var rng = SplitMix64(seed: 11)
        for (n, groups, nulls) in [(5000, 2000, true), (5000, 2000, false), (5000, 3, true)] {
            let keys = ints((0..<n).map { _ in Int64.random(in: 0..<Int64(groups), using: &rng) })
            let by = floats((0..<n).map { _ in
                nulls && Int.random(in: 0..<10, using: &rng) == 0 ? nil : Double(Int.random(in: 0..<20, using: &rng))
            })
            let partitions = try grouping([keys], rowCount: n)
            let order = try windowOrder(partitions, by: [(by, true)])
            let expected = try sortIndices([(Column(.int(partitions.ids.map { Int64($0) })), false), (by, true)])
            #expect(order.rows.map { Int($0) } == expected)
        }
    }

    @Test func partitionAggregatesReachEveryRow() throws {
        let partitions = try grouping([group], rowCount: 5)
        let sum = try windowAggregate(AggregateRequest(name: "s", function: .sum, input: x), partitions: partitions, order: nil)
        #expect(values(sum) == [5, 5, 5, 5, 5].map { .int($0) })
        let count = try windowAggregate(AggregateRequest(name: "c", function: .count), partitions: partitions, order: nil)
        #expect(values(count) == [3, 3, 2, 3, 2].map { .int($0) })
        let std = try windowAggregate(AggregateRequest(name: "s", function: .std, input: x), partitions: partitions, order: nil)
        #expect(std[2] == .null)  // one value in b
        // first/last follow the by order: a by x is rows 3, 0, 1; b is 4, 2 (null skipped).
        let ordered = try order(by: [(x, false)])
        let v = ints([10, 20, 30, 40, 50])
        let first = try windowAggregate(AggregateRequest(name: "f", function: .first, input: v), partitions: partitions, order: ordered)
        let last = try windowAggregate(AggregateRequest(name: "l", function: .last, input: v), partitions: partitions, order: ordered)
        #expect(values(first) == [40, 40, 50, 40, 50].map { .int($0) })
        #expect(values(last) == [20, 20, 30, 20, 30].map { .int($0) })
    }

    @Test func pivotSpreadsGroupedCells() throws {
        // Grouped (country, genre) -> plays, as groupBy gives them.
        let grouped = try table([
            "country": strings(["SE", "SE", "US", "US", "SE"]),
            "genre": strings(["rock", "pop", "pop", nil, "jazz"]),
            "plays": ints([3, 1, 4, 1, 5]),
            "users": ints([1, 1, 2, 1, 3]),
        ])
        let one = try pivot(grouped, rowKeys: ["country"], column: "genre", values: ["plays"], valueNames: [""])
        #expect(one.names == ["country", "jazz", "pop", "rock", "null"])
        #expect(values(one, "country") == [.string("SE"), .string("US")])
        #expect(values(one, "jazz") == [.int(5), .null])
        #expect(values(one, "pop") == [.int(1), .int(4)])
        #expect(values(one, "null") == [.null, .int(1)])
        let two = try pivot(grouped, rowKeys: ["country"], column: "genre", values: ["plays", "users"], valueNames: ["p", "u"])
        #expect(two.names == ["country", "jazz_p", "jazz_u", "pop_p", "pop_u", "rock_p", "rock_u", "null_p", "null_u"])
        // Numbers order as numbers, not as text.
        let numbers = try table(["k": ints([1, 1, 1]), "m": ints([10, 9, 100]), "n": ints([1, 2, 3])])
        #expect(try pivot(numbers, rowKeys: ["k"], column: "m", values: ["n"], valueNames: [""]).names == ["k", "9", "10", "100"])
        #expect(throws: FrameError.self) {
            _ = try pivot(try table(["genre": strings(["genre"]), "n": ints([1])]), rowKeys: ["genre"], column: "genre", values: ["n"], valueNames: [""])
        }
    }

    @Test func pivotRefusesTooManyValues() throws {
        let n = maximumPivotColumns + 1
        let t = try table(["v": ints((0..<n).map { Int64($0) }), "c": ints([Int64](repeating: 1, count: n))])
        #expect {
            _ = try pivot(t, rowKeys: [], column: "v", values: ["c"], valueNames: [""])
        } throws: { error in
            let message = (error as? FrameError)?.message ?? ""
            return message.contains("10001") && message.contains("top") && message.contains("filter")
        }
    }

    @Test func unpivotInterleavesRowsAndColumns() throws {
        let t = try table(["id": strings(["a", "b"]), "x": ints([1, nil]), "y": floats([2.5, 3])])
        let long = try unpivot(t, columns: ["x", "y"], nameColumn: "name", valueColumn: "value")
        #expect(long.names == ["id", "name", "value"])
        #expect(values(long, "id") == ["a", "a", "b", "b"].map { .string($0) })
        #expect(values(long, "name") == ["x", "y", "x", "y"].map { .string($0) })
        #expect(values(long, "value") == [.float(1), .float(2.5), .null, .float(3)])
        let mixed = try table(["x": ints([1]), "s": strings(["a"])])
        #expect {
            _ = try unpivot(mixed, columns: ["x", "s"], nameColumn: "n", valueColumn: "v")
        } throws: { error in
            let message = (error as? FrameError)?.message ?? ""
            return message.contains("'x' (int)") && message.contains("'s' (string)")
        }
    }

    @Test func unionMatchesColumnsByName() throws {
        let a = try table(["x": ints([1]), "s": strings(["a"])])
        let b = try table(["s": strings(["b"]), "x": floats([2.5]), "z": bools([true])])
        let u = try union([("this table", a), ("'b'", b)])
        #expect(u.names == ["x", "s", "z"])
        #expect(values(u, "x") == [.float(1), .float(2.5)])
        #expect(values(u, "s") == [.string("a"), .string("b")])
        #expect(values(u, "z") == [.null, .bool(true)])
        let clash = try table(["s": ints([1])])
        #expect {
            _ = try union([("this table", a), ("'clash'", clash)])
        } throws: { error in
            let message = (error as? FrameError)?.message ?? ""
            return message.contains("'s'") && message.contains("'clash'")
        }
    }

    @Test func crossJoinPairsEveryRow() throws {
        let a = try table(["k": ints([1, 2]), "v": strings(["x", "y"])])
        let b = try table(["v": ints([7, 8, 9])])
        let product = try crossJoin(a, b)
        #expect(product.names == ["k", "v", "v_right"])
        #expect(values(product, "k") == [1, 1, 1, 2, 2, 2].map { .int($0) })
        #expect(values(product, "v_right") == [7, 8, 9, 7, 8, 9].map { .int($0) })
        #expect(try crossJoin(a, try table(["w": ints([])])).rowCount == 0)
        let big = try table(["i": ints([Int64](repeating: 0, count: 40_000))])
        #expect {
            _ = try crossJoin(big, big)
        } throws: { error in
            ((error as? FrameError)?.message ?? "").contains("1600000000")
        }
    }
}
