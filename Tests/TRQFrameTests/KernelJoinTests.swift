import Testing
import TestSupport
@testable import TRQFrame

@Suite struct KernelJoinTests {
    @Test func innerJoinWithDuplicatesOnBothSides() throws {
        let left = try table(["k": ints([1, 2, 1, 3, nil]), "l": strings(["a", "b", "c", "d", "e"])])
        let right = try table(["k": ints([1, 1, 2, 4, nil]), "r": ints([10, 11, 20, 40, 99])])
        let j = try join(left, right, kind: .inner, on: [("k", "k")])
        #expect(j.names == ["k", "l", "r"])
        // Left order, then right matches in right order; null keys never match.
        #expect(values(j, "k") == [1, 1, 2, 1, 1].map { .int($0) })
        #expect(values(j, "l") == ["a", "a", "b", "c", "c"].map { .string($0) })
        #expect(values(j, "r") == [10, 11, 20, 10, 11].map { .int($0) })
    }

    @Test func leftJoinKeepsUnmatchedRowsWithNulls() throws {
        let left = try table(["k": ints([1, 3, nil, 2]), "x": floats([0.5, 1.5, 2.5, 3.5])])
        let right = try table(["k": ints([2, 1, 2]), "x": strings(["two", "one", "deux"])])
        let j = try join(left, right, kind: .left, on: [("k", "k")])
        // The clashing right column gets the suffix; the same-named right key is dropped.
        #expect(j.names == ["k", "x", "x_right"])
        #expect(values(j, "k") == [.int(1), .int(3), .null, .int(2), .int(2)])
        #expect(values(j, "x") == [0.5, 1.5, 2.5, 3.5, 3.5].map { .float($0) })
        #expect(values(j, "x_right") == [.string("one"), .null, .null, .string("two"), .string("deux")])
    }

    @Test func stringKeysMatchByValueAcrossDictionaries() throws {
        let left = try table(["name": strings(["b", "a", "zz", "c"], dictionary: ["zz", "c", "b", "a"])])
        let right = try table([
            "artist": strings(["a", "b", "q", "a"], dictionary: ["q", "a", "unused", "b"]),
            "id": ints([1, 2, 3, 4]),
        ])
        let j = try join(left, right, kind: .inner, on: [("name", "artist")])
        // Differently named keys: the right key stays.
        #expect(j.names == ["name", "artist", "id"])
        #expect(values(j, "name") == ["b", "a", "a"].map { .string($0) })
        #expect(values(j, "artist") == ["b", "a", "a"].map { .string($0) })
        #expect(values(j, "id") == [2, 1, 4].map { .int($0) })
    }

    @Test func intAndFloatKeysCompareNumerically() throws {
        let left = try table(["k": ints([1, 2, 3, 9_007_199_254_740_993])])
        let right = try table(["k": floats([2.0, 1.5, 1.0, -0.0, 9_007_199_254_740_992.0]), "v": ints([20, 15, 10, 0, 1])])
        let j = try join(left, right, kind: .left, on: [("k", "k")])
        #expect(values(j, "v") == [.int(10), .int(20), .null, .null])
        let zero = try join(try table(["k": floats([0.0])]), right, kind: .inner, on: [("k", "k")])
        #expect(values(zero, "v") == [.int(0)])
    }

    @Test func multipleKeysWithNullsAndSuffixes() throws {
        let left = try table([
            "a": strings(["x", "x", "y", nil]), "b": ints([1, 2, 1, 1]), "v": ints([1, 2, 3, 4]),
        ])
        let right = try table([
            "a": strings(["y", "x", "x", "x"]), "b": ints([1, 2, nil, 2]), "v": ints([30, 20, 99, 21]),
            "v_right": ints([7, 8, 9, 10]),
        ])
        let j = try join(left, right, kind: .left, on: [("a", "a"), ("b", "b")])
        #expect(j.names == ["a", "b", "v", "v_right_right", "v_right"])
        #expect(values(j, "v") == [1, 2, 2, 3, 4].map { .int($0) })
        #expect(values(j, "v_right_right") == [.null, .int(20), .int(21), .int(30), .null])
        #expect(values(j, "v_right") == [.null, .int(8), .int(10), .int(7), .null])
    }

    @Test func dateMatchesTimestampAtMidnight() throws {
        let left = try table(["d": dates([1, 2])])
        let right = try table(["t": Column(.timestamp([microsPerDay, microsPerDay + 1]))])
        let j = try join(left, right, kind: .left, on: [("d", "t")])
        #expect(values(j, "t") == [.timestamp(microsPerDay), .null])
    }

    @Test func emptySidesAndErrors() throws {
        let left = try table(["k": ints([1, 2])])
        let empty = try table(["k": ints([]), "v": strings([])])
        #expect(try join(left, empty, kind: .inner, on: [("k", "k")]).rowCount == 0)
        let l = try join(left, empty, kind: .left, on: [("k", "k")])
        #expect(values(l, "v") == [.null, .null])
        let s = try table(["k": strings(["1"])])
        #expect {
            _ = try join(left, s, kind: .inner, on: [("k", "k")])
        } throws: { ($0 as? FrameError)?.message.contains("convert") == true }
        #expect(throws: FrameError.self) { _ = try join(left, s, kind: .inner, on: [("k", "nope")]) }
    }

    @Test func randomizedAgainstNestedLoops() throws {
        var rng = SplitMix64(seed: 5)
        let nl = 700, nr = 500
        let lk: [Int64?] = (0..<nl).map { i in i % 11 == 0 ? nil : Int64.random(in: 0...60, using: &rng) }
        let lk2: [String?] = (0..<nl).map { _ in ["p", "q"].randomElement(using: &rng) }
        let rk: [Int64?] = (0..<nr).map { i in i % 7 == 0 ? nil : Int64.random(in: 0...80, using: &rng) }
        let rk2: [String?] = (0..<nr).map { _ in ["q", "p", "r"].randomElement(using: &rng) }
        let left = try table(["k": ints(lk), "s": strings(lk2), "row": ints((0..<nl).map { Int64($0) })])
        let right = try table(["k2": ints(rk), "s": strings(rk2), "rrow": ints((0..<nr).map { Int64($0) })])
        let j = try join(left, right, kind: .left, on: [("k", "k2"), ("s", "s")])
        var want: [(Int64, Int64?)] = []
        for i in 0..<nl {
            var matched = false
            for r in 0..<nr where lk[i] != nil && lk[i] == rk[r] && lk2[i] == rk2[r] {
                want.append((Int64(i), Int64(r)))
                matched = true
            }
            if !matched { want.append((Int64(i), nil)) }
        }
        #expect(values(j, "row") == want.map { .int($0.0) })
        #expect(values(j, "rrow") == want.map { $0.1.map(Value.int) ?? .null })
    }
}

@Suite struct FirstMatchingRowsTests {
    @Test func eachProbeRowFindsTheFirstEqualKeyRow() throws {
        // Keys repeat 7 (rows 1 and 3) and hold a null (row 4); a null probe finds the null key.
        let keys = ints([5, 7, 9, 7, nil])
        #expect(try firstMatchingRows(of: ints([7, 8, nil, 5, 9, 7]), in: keys) == [1, -1, 4, 0, 2, 1])
        #expect(try firstMatchingRows(of: ints([nil, 3]), in: ints([1, 2])) == [-1, -1])
        #expect(try firstMatchingRows(of: ints([]), in: keys) == [])
        #expect(try firstMatchingRows(of: ints([1]), in: ints([])) == [-1])
    }

    @Test func stringsMatchByValueAcrossDictionaries() throws {
        let keys = strings(["u2", "u10", "u1"], dictionary: ["unused", "u1", "u10", "u2"])
        let probe = strings(["u1", "u3", "u2", nil, "u10"], dictionary: ["u10", "u3", "u2", "u1"])
        #expect(try firstMatchingRows(of: probe, in: keys) == [2, -1, 0, -1, 1])
    }

    @Test func floatsMatchZerosAndNaNsAsGroupingDoes() throws {
        let keys = floats([0.0, .nan, 1.5])
        #expect(try firstMatchingRows(of: floats([-0.0, .nan, 1.5, 2.5]), in: keys) == [0, 1, 2, -1])
    }

    @Test func differentTypesAreAnError() throws {
        #expect(throws: FrameError("cannot look up string values among int keys; convert one first")) {
            try firstMatchingRows(of: strings(["1"]), in: ints([1]))
        }
    }
}

/// 33,000 x 33,000 rows on one key is 1,089,000,000 pairs, over the 2^30-row limit: refused
/// with its size before any pair is built.
@Test func joinRefusesAnOutputOverTheRowLimit() throws {
    let side = try table(["k": Column(.int([Int64](repeating: 7, count: 33_000)))])
    #expect {
        try join(side, side, kind: .inner, on: [("k", "k")])
    } throws: { error in
        "\(error)".contains("the join would produce 1089000000 rows")
    }
}

/// Two keys of 300 values each make 90,000 combinations for 3 rows: the combined keys are
/// renumbered densely before matching, and the pairs are the same.
@Test func joinOnWideCombinedKeyRangeMatchesEachPair() throws {
    let left = try table(["a": ints([0, 299, 5, nil]), "b": ints([0, 299, 6, 1]), "l": ints([1, 2, 3, 4])])
    let right = try table(["a": ints([299, 0, 5, 0]), "b": ints([299, 0, 7, 0]), "r": ints([10, 20, 30, 40])])
    let j = try join(left, right, kind: .left, on: [("a", "a"), ("b", "b")])
    #expect(values(j.column("l")) == [.int(1), .int(1), .int(2), .int(3), .int(4)])
    #expect(values(j.column("r")) == [.int(20), .int(40), .int(10), .null, .null])
}
