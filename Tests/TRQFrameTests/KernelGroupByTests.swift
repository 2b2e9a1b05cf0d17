import Testing
import TestSupport
@testable import TRQFrame

@Suite struct KernelGroupByTests {
    /// artist: a b a null b a null c ; plays: 1 2 null 4 5 6 null null
    func sample() throws -> Table {
        try table([
            "artist": strings(["a", "b", "a", nil, "b", "a", nil, "c"]),
            "plays": ints([1, 2, nil, 4, 5, 6, nil, nil]),
        ])
    }

    func request(_ name: String, _ function: AggregateFunction, _ input: Column?) -> AggregateRequest {
        AggregateRequest(name: name, function: function, input: input)
    }

    @Test func groupsInFirstAppearanceOrderWithNullKeyGroup() throws {
        let t = try sample()
        let plays = t.column("plays")
        let r = try groupBy(t, keys: ["artist"], aggregates: [
            request("n", .count, nil),
            request("n_plays", .count, plays),
            request("total", .sum, plays),
            request("avg", .mean, plays),
            request("lo", .min, plays),
            request("hi", .max, plays),
            request("first", .first, plays),
            request("last", .last, plays),
            request("distinct", .countDistinct, plays),
        ])
        #expect(r.names == ["artist", "n", "n_plays", "total", "avg", "lo", "hi", "first", "last", "distinct"])
        #expect(values(r, "artist") == [.string("a"), .string("b"), .null, .string("c")])
        #expect(values(r, "n") == [.int(3), .int(2), .int(2), .int(1)])
        #expect(values(r, "n_plays") == [.int(2), .int(2), .int(1), .int(0)])
        #expect(values(r, "total") == [.int(7), .int(7), .int(4), .null])
        #expect(values(r, "avg") == [.float(3.5), .float(3.5), .float(4), .null])
        #expect(values(r, "lo") == [.int(1), .int(2), .int(4), .null])
        #expect(values(r, "hi") == [.int(6), .int(5), .int(4), .null])
        #expect(values(r, "first") == [.int(1), .int(2), .int(4), .null])
        #expect(values(r, "last") == [.int(6), .int(5), .int(4), .null])
        #expect(values(r, "distinct") == [.int(2), .int(2), .int(1), .int(0)])
        #expect(r.column("total")?.type == .int)
        #expect(r.column("lo")?.type == .int)
    }

    @Test func withoutAggregatesTheResultHasCount() throws {
        let r = try groupBy(try sample(), keys: ["artist"], aggregates: [])
        #expect(r.names == ["artist", "count"])
        #expect(values(r, "count") == [.int(3), .int(2), .int(2), .int(1)])
    }

    @Test func twoKeysOfDifferentTypesWithNulls() throws {
        let t = try table([
            "country": strings(["SE", "US", "SE", "SE", nil, "US", nil]),
            "year": ints([2020, 2020, 2021, 2020, 2020, nil, 2020]),
        ])
        let r = try groupBy(t, keys: ["country", "year"], aggregates: [])
        #expect(values(r, "country") == [.string("SE"), .string("US"), .string("SE"), .null, .string("US")])
        #expect(values(r, "year") == [.int(2020), .int(2020), .int(2021), .int(2020), .null])
        #expect(values(r, "count") == [.int(2), .int(1), .int(1), .int(2), .int(1)])
    }

    @Test func stringKeysGroupByBytesNotCanonicalEquivalence() throws {
        // "é" precomposed and "e" + combining acute are equal as Swift Strings but not as bytes.
        let t = try table(["s": strings(["\u{E9}", "e\u{301}", "\u{E9}"], dictionary: ["\u{E9}", "e\u{301}"])])
        let r = try groupBy(t, keys: ["s"], aggregates: [])
        #expect(values(r, "count") == [.int(2), .int(1)])
    }

    @Test func duplicateDictionaryEntriesAreOneGroup() throws {
        let column = Column(.string(codes: [0, 1, 2, 1], dictionary: StringDictionary(["x", "y", "x"])))
        let r = try groupBy(try table(["k": column]), keys: ["k"], aggregates: [])
        #expect(values(r, "k") == [.string("x"), .string("y")])
        #expect(values(r, "count") == [.int(2), .int(2)])
    }

    @Test func floatKeysTreatZerosAndNaNsAsOneValue() throws {
        let t = try table(["x": floats([0.0, -0.0, .nan, 1.5, .nan, nil])])
        let r = try groupBy(t, keys: ["x"], aggregates: [])
        #expect(values(r, "count") == [.int(2), .int(2), .int(1), .int(1)])
        #expect(r.rowCount == 4)
    }

    @Test func boolDateAndWideIntKeys() throws {
        let t = try table([
            "b": bools([true, false, nil, true]),
            "d": dates([19000, 19001, 19000, 19000]),
            // A range far beyond the row count takes the hash path.
            "big": ints([1 << 60, -(1 << 60), 1 << 60, 1 << 60]),
        ])
        let r = try groupBy(t, keys: ["b", "d", "big"], aggregates: [])
        #expect(values(r, "b") == [.bool(true), .bool(false), .null])
        #expect(values(r, "count") == [.int(2), .int(1), .int(1)])
        let big = try groupBy(t, keys: ["big"], aggregates: [])
        #expect(values(big, "big") == [.int(1 << 60), .int(-(1 << 60))])
        #expect(values(big, "count") == [.int(3), .int(1)])
    }

    @Test func sumOverflowIsAnErrorNamingTheAggregate() throws {
        let t = try table(["k": ints([1, 1]), "x": ints([Int64.max, 1])])
        #expect {
            _ = try groupBy(t, keys: ["k"], aggregates: [request("total", .sum, t.column("x"))])
        } throws: { error in
            (error as? FrameError)?.message.contains("total") == true
        }
        // The same values summed in different groups do not overflow.
        let split = try table(["k": ints([1, 2]), "x": ints([Int64.max, 1])])
        let r = try groupBy(split, keys: ["k"], aggregates: [request("total", .sum, split.column("x"))])
        #expect(values(r, "total") == [.int(Int64.max), .int(1)])
    }

    @Test func sampleVarianceAndStandardDeviation() throws {
        // numpy: var(ddof=1) of [3.5, -1.25, 10, 7, 2, 2, 8.75] = 16.84821428571429,
        // std = 4.10465763319114; of [5, 1, 4, 2]: 3.3333333333333335, 1.8257418583505538.
        let x = floats([3.5, -1.25, 10, 7, 2, 2, 8.75, 5, 1, 4, 2, 42, nil])
        let k = ints([1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3])
        let t = try table(["k": k, "x": x])
        let r = try groupBy(t, keys: ["k"], aggregates: [request("v", .variance, x), request("s", .std, x)])
        let v = values(r, "v"), s = values(r, "s")
        #expect(close(v[0], 16.84821428571429) && close(v[1], 3.3333333333333335))
        #expect(close(s[0], 4.10465763319114) && close(s[1], 1.8257418583505538))
        // One value: the sample statistics are undefined.
        #expect(v[2] == .null && s[2] == .null)
    }

    @Test func medianAndQuantilesMatchNumpy() throws {
        // Expected values printed by numpy 2.4.6: np.quantile(a, q) (method 'linear') and
        // np.median for a = [3.5, -1.25, 10, 7, 2, 2, 8.75] and b = [5, 1, 4, 2].
        let expected: [(q: Double, a: Double, b: Double)] = [
            (0.0, -1.25, 1.0), (0.1, 0.7000000000000002, 1.3), (0.25, 2.0, 1.75), (0.5, 3.5, 3.0),
            (0.9, 9.25, 4.7), (0.95, 9.625, 4.85), (1.0, 10.0, 5.0),
        ]
        let x = floats([3.5, 5, -1.25, 10, nil, 1, 7, 2, 4, 2, 8.75, 2])
        let k = ints([1, 2, 1, 1, 2, 2, 1, 1, 2, 1, 1, 2])
        let t = try table(["k": k, "x": x])
        var requests = expected.map { request("q\($0.q)", .quantile($0.q), x) }
        requests.append(request("median", .median, x))
        let r = try groupBy(t, keys: ["k"], aggregates: requests)
        for e in expected {
            #expect(values(r, "q\(e.q)") == [.float(e.a), .float(e.b)], "q = \(e.q)")
        }
        #expect(values(r, "median") == [.float(3.5), .float(3.0)])
        // numpy: np.quantile([0.1, 0.2, 0.7], 0.3) = 0.16, 0.75 -> 0.44999999999999996;
        // np.median([0.1, 0.7]) = 0.39999999999999997.
        let c = try table(["x": floats([0.7, 0.1, 0.2])])
        let cr = try aggregate(c, [request("a", .quantile(0.3), c.column("x")), request("b", .quantile(0.75), c.column("x"))])
        #expect(values(cr, "a") == [.float(0.16)] && values(cr, "b") == [.float(0.44999999999999996)])
        let d = try table(["x": floats([0.7, 0.1])])
        #expect(values(try aggregate(d, [request("m", .median, d.column("x"))]), "m") == [.float(0.39999999999999997)])
    }

    @Test func quantileOfLargeGroupsAgreesWithSorting() throws {
        var rng = SplitMix64(seed: 7)
        let n = 5000
        let raw = (0..<n).map { _ in Double(Int.random(in: -1000...1000, using: &rng)) / 8 }
        let t = try table(["x": floats(raw)])
        let r = try aggregate(t, [request("q", .quantile(0.37), t.column("x"))])
        let sorted = raw.sorted()
        let position = Double(n - 1) * 0.37
        let lower = Int(position), fraction = position - Double(lower)
        let want = lerp(sorted[lower], sorted[lower + 1], fraction)
        #expect(values(r, "q") == [.float(want)])
    }

    @Test func stringMinMaxUseByteOrder() throws {
        // Byte order: "Zebra" < "apple" < "e\u{301}" < "zoo" < "\u{E9}".
        let t = try table([
            "k": ints([1, 1, 1, 1, 1, 2]),
            "s": strings(["apple", "\u{E9}", "Zebra", "e\u{301}", "zoo", nil]),
        ])
        let r = try groupBy(t, keys: ["k"], aggregates: [request("lo", .min, t.column("s")), request("hi", .max, t.column("s"))])
        #expect(values(r, "lo") == [.string("Zebra"), .null])
        #expect(values(r, "hi") == [.string("\u{E9}"), .null])
    }

    @Test func floatMinMaxAndNaN() throws {
        let t = try table(["x": floats([2.5, .nan, -1, nil])])
        let r = try aggregate(t, [request("lo", .min, t.column("x")), request("hi", .max, t.column("x"))])
        #expect(values(r, "lo") == [.float(-1)])
        guard case .float(let hi) = r.column("hi")?[0] else { Issue.record("max is not a float"); return }
        #expect(hi.isNaN)
    }

    @Test func boolsSumAndMeanAsNumbers() throws {
        let t = try table(["b": bools([true, false, true, nil])])
        let r = try aggregate(t, [
            request("trues", .sum, t.column("b")), request("share", .mean, t.column("b")),
            request("lo", .min, t.column("b")), request("hi", .max, t.column("b")),
        ])
        #expect(values(r, "trues") == [.int(2)])
        #expect(values(r, "share") == [.float(2.0 / 3.0)])
        #expect(values(r, "lo") == [.bool(false)] && values(r, "hi") == [.bool(true)])
    }

    @Test func wholeTableAndEmptyTable() throws {
        let t = try sample()
        let r = try aggregate(t, [request("n", .count, nil), request("total", .sum, t.column("plays"))])
        #expect(r.rowCount == 1)
        #expect(values(r, "n") == [.int(8)] && values(r, "total") == [.int(18)])

        let empty = try table(["k": ints([]), "x": floats([])])
        let e = try aggregate(empty, [
            request("n", .count, nil), request("total", .sum, empty.column("x")),
            request("d", .countDistinct, empty.column("x")), request("m", .median, empty.column("x")),
        ])
        #expect(values(e, "n") == [.int(0)] && values(e, "total") == [.null])
        #expect(values(e, "d") == [.int(0)] && values(e, "m") == [.null])
        let g = try groupBy(empty, keys: ["k"], aggregates: [request("total", .sum, empty.column("x"))])
        #expect(g.rowCount == 0 && g.names == ["k", "total"])
        #expect(g.column("k")?.type == .int && g.column("total")?.type == .float)
    }

    @Test func errorsNameTheProblem() throws {
        let t = try sample()
        #expect(throws: FrameError.self) { _ = try groupBy(t, keys: ["nope"], aggregates: []) }
        #expect {
            _ = try aggregate(t, [request("s", .sum, t.column("artist"))])
        } throws: { ($0 as? FrameError)?.message.contains("needs numbers") == true }
        #expect {
            _ = try aggregate(t, [request("q", .quantile(1.5), t.column("plays"))])
        } throws: { ($0 as? FrameError)?.message.contains("outside 0...1") == true }
        #expect(throws: FrameError.self) { _ = try aggregate(t, [request("m", .mean, nil)]) }
    }

    @Test func functionNames() {
        #expect(AggregateFunction(name: "count_distinct") == .countDistinct)
        #expect(AggregateFunction(name: "var") == .variance)
        #expect(AggregateFunction(name: "quantile", quantile: 0.9) == .quantile(0.9))
        #expect(AggregateFunction(name: "quantile") == nil)
        #expect(AggregateFunction(name: "bogus") == nil)
    }

    /// Many wide key columns force renumbering between combinations (the product of their
    /// cardinalities overflows 64 bits) and large count_distinct takes the hash-set path; both
    /// checked against a Dictionary-based oracle.
    @Test func randomizedAgainstNaiveGrouping() throws {
        var rng = SplitMix64(seed: 42)
        let n = 20_000
        func randomInts(_ range: ClosedRange<Int64>, nullEvery: Int) -> [Int64?] {
            (0..<n).map { i in i % nullEvery == 3 ? nil : Int64.random(in: range, using: &rng) }
        }
        let keyData = [
            randomInts(0...15_000, nullEvery: 97), randomInts(-(1 << 50)...(1 << 50), nullEvery: 89),
            randomInts(0...15_000, nullEvery: 83), randomInts(0...15_000, nullEvery: 79),
            randomInts(0...15_000, nullEvery: 73), randomInts(0...3, nullEvery: 71),
        ]
        let valueData = randomInts(0...30_000, nullEvery: 13)
        var t = Table()
        for (k, data) in keyData.enumerated() { try t.append("k\(k)", ints(data)) }
        try t.append("v", ints(valueData))

        for keyCount in [1, 2, 6] {
            let keys = (0..<keyCount).map { "k\($0)" }
            let r = try groupBy(t, keys: keys, aggregates: [
                request("n", .count, nil), request("d", .countDistinct, t.column("v")),
                request("s", .sum, t.column("v")),
            ])
            var order: [[Int64?]] = []
            var stats: [[Int64?]: (n: Int64, distinct: Set<Int64>, sum: Int64?)] = [:]
            for i in 0..<n {
                let key = keyData[0..<keyCount].map { $0[i] }
                if stats[key] == nil { order.append(key); stats[key] = (0, [], nil) }
                stats[key]!.n += 1
                if let v = valueData[i] {
                    stats[key]!.distinct.insert(v)
                    stats[key]!.sum = (stats[key]!.sum ?? 0) + v
                }
            }
            #expect(r.rowCount == order.count)
            for (k, name) in keys.enumerated() {
                #expect(values(r, name) == order.map { $0[k].map(Value.int) ?? .null })
            }
            #expect(values(r, "n") == order.map { .int(stats[$0]!.n) })
            #expect(values(r, "d") == order.map { .int(Int64(stats[$0]!.distinct.count)) })
            #expect(values(r, "s") == order.map { stats[$0]!.sum.map(Value.int) ?? .null })
        }
    }

    /// One string key (the path that numbers rows straight from dictionary codes), with nulls, a
    /// duplicated and an unused dictionary entry, against grouping by the strings themselves.
    @Test func singleStringKeyAgainstNaiveGrouping() throws {
        var rng = SplitMix64(seed: 9)
        let words = ["pop", "rock", "jazz", "pop", "unused", "metal"]
        let codes = (0..<5_000).map { _ in Int32([0, 1, 2, 3, 5].randomElement(using: &rng)!) }
        let nulls = (0..<5_000).map { _ in Int.random(in: 0..<9, using: &rng) == 0 }
        let column = Column(.string(codes: codes, dictionary: StringDictionary(words)), validity: Validity(nulls.map { !$0 }))
        let g = try grouping([column], rowCount: codes.count)
        var idOf: [String?: Int32] = [:]
        var expected: [Int32] = []
        for i in codes.indices {
            let key: String? = nulls[i] ? nil : words[Int(codes[i])]
            if idOf[key] == nil { idOf[key] = Int32(idOf.count) }
            expected.append(idOf[key]!)
        }
        #expect(g.ids == expected)
        #expect(g.count == idOf.count)
        #expect(g.firstRows == (0..<idOf.count).map { id in expected.firstIndex(of: Int32(id))! })
    }
}
