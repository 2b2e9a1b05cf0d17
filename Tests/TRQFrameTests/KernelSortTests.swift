import Testing
import TestSupport
@testable import TRQFrame

@Suite struct KernelSortTests {
    @Test func stableWithTiesAndNullsLastInBothDirections() throws {
        let x = ints([3, nil, 1, 3, 2, nil, 1])
        #expect(try sortIndices([(x, false)]) == [2, 6, 4, 0, 3, 1, 5])
        #expect(try sortIndices([(x, true)]) == [0, 3, 4, 2, 6, 1, 5])
    }

    @Test func multipleKeysMostSignificantFirst() throws {
        let genre = strings(["rock", "pop", "rock", "pop", "jazz", "rock"])
        let streams = ints([10, 50, 30, 50, 5, 30])
        #expect(try sortIndices([(genre, false), (streams, true)]) == [4, 1, 3, 2, 5, 0])
        #expect(try sortIndices([(streams, true), (genre, false)]) == [1, 3, 2, 5, 0, 4])
    }

    @Test func stringsByByteOrder() throws {
        // Byte order: "Zebra" < "apple" < "e\u{301}" < "zoo" < "\u{E9}"; the dictionary is unsorted.
        let s = strings(["zoo", "\u{E9}", "apple", nil, "Zebra", "e\u{301}", "apple"])
        #expect(try sortIndices([(s, false)]) == [4, 2, 6, 5, 0, 1, 3])
        #expect(try sortIndices([(s, true)]) == [1, 0, 5, 2, 6, 4, 3])
    }

    @Test func floatsWithNegativesZerosNaNAndNulls() throws {
        let x = floats([0.5, .nan, -2, nil, 0.0, -0.0, .infinity, -.infinity, 1e-300])
        // -0.0 and 0.0 tie and keep input order; NaN after numbers, before nulls.
        #expect(try sortIndices([(x, false)]) == [7, 2, 4, 5, 8, 0, 6, 1, 3])
        #expect(try sortIndices([(x, true)]) == [6, 0, 8, 4, 5, 2, 7, 1, 3])
    }

    @Test func datesTimestampsAndBools() throws {
        let d = dates([19_000, -5, nil, 0])
        #expect(try sortIndices([(d, false)]) == [1, 3, 0, 2])
        let ts = Column(.timestamp([5, Int64.min, Int64.max, -7]))
        #expect(try sortIndices([(ts, false)]) == [1, 3, 0, 2])
        #expect(try sortIndices([(ts, true)]) == [2, 0, 3, 1])
        let b = bools([true, false, nil, false, true])
        #expect(try sortIndices([(b, false)]) == [1, 3, 0, 4, 2])
        #expect(try sortIndices([(b, true)]) == [0, 4, 1, 3, 2])
    }

    @Test func emptyAndSingleRow() throws {
        #expect(try sortIndices([(ints([]), false)]) == [])
        #expect(try sortIndices([(ints([nil]), true)]) == [0])
        #expect(try sortIndices([]) == [])
    }

    /// Against a comparison sort with the row index as the final tie-break (hence stable).
    @Test func randomizedAgainstComparisonSort() throws {
        var rng = SplitMix64(seed: 3)
        let n = 3000
        let a: [Int64?] = (0..<n).map { i in i % 17 == 0 ? nil : Int64.random(in: -40...40, using: &rng) * 1_000_003 }
        let b: [Double?] = (0..<n).map { i in i % 23 == 0 ? nil : Double(Int.random(in: 0...20, using: &rng)) / 4 }
        let words = ["b", "a", "ab", "", "B", "ä", "za"]
        let c: [String?] = (0..<n).map { i in i % 29 == 0 ? nil : words.randomElement(using: &rng) }
        func compare<T>(_ x: T?, _ y: T?, _ less: (T, T) -> Bool, descending: Bool) -> Int {
            switch (x, y) {
            case (nil, nil): return 0
            case (nil, _): return 1
            case (_, nil): return -1
            case let (x?, y?):
                if less(x, y) { return descending ? 1 : -1 }
                if less(y, x) { return descending ? -1 : 1 }
                return 0
            }
        }
        for (da, db, dc) in [(false, false, false), (true, false, true), (false, true, true)] {
            let got = try sortIndices([(strings(c), dc), (ints(a), da), (floats(b), db)])
            let want = (0..<n).sorted { i, j in
                for r in [compare(c[i], c[j], utf8Less, descending: dc), compare(a[i], a[j], <, descending: da),
                          compare(b[i], b[j], <, descending: db)] where r != 0 {
                    return r < 0
                }
                return i < j
            }
            #expect(got == want)
        }
    }

    @Test func topKeepsTiesInInputOrder() throws {
        let x = ints([5, 9, 5, nil, 9, 1, 5])
        #expect(try topIndices(n: 3, by: x) == [1, 4, 0])
        #expect(try topIndices(n: 4, by: x, descending: false) == [5, 0, 2, 6])
        // Nulls come last, as in sort then limit.
        #expect(try topIndices(n: 10, by: x) == [1, 4, 0, 2, 6, 5, 3])
        #expect(try topIndices(n: 0, by: x) == [])
    }

    @Test func topPerGroupInFirstAppearanceOrder() throws {
        let user = strings(["u2", "u1", "u2", "u1", "u2", nil, "u1", "u2"])
        let plays = ints([10, 3, 30, 7, 20, 4, 7, nil])
        #expect(try topIndices(n: 2, by: plays, per: [user]) == [2, 4, 3, 6, 5])
        #expect(try topIndices(n: 1, by: plays, descending: false, per: [user]) == [0, 1, 5])
        #expect(try topIndices(n: 5, by: plays, per: [user]) == [2, 4, 0, 7, 3, 6, 1, 5])
    }

    @Test func topAgreesWithSortThenLimitPerGroup() throws {
        var rng = SplitMix64(seed: 11)
        let n = 4000
        let g: [Int64?] = (0..<n).map { _ in Int64.random(in: 0...30, using: &rng) }
        let v: [Double?] = (0..<n).map { i in i % 13 == 0 ? nil : Double(Int.random(in: 0...50, using: &rng)) }
        for descending in [true, false] {
            let got = try topIndices(n: 7, by: floats(v), descending: descending, per: [ints(g)])
            let sorted = try sortIndices([(floats(v), descending)])
            var seen: [Int64: Int] = [:]
            var firstSeen: [Int64] = []
            for i in 0..<n where seen[g[i]!] == nil { seen[g[i]!] = 0; firstSeen.append(g[i]!) }
            var perGroup: [Int64: [Int]] = [:]
            for i in sorted where perGroup[g[i]!, default: []].count < 7 { perGroup[g[i]!, default: []].append(i) }
            #expect(got == firstSeen.flatMap { perGroup[$0]! })
        }
    }
}

/// The integer fast path of `topIndices` (no nulls, no groups) against a stable sort and prefix,
/// with many ties, in both directions.
@Test func topOfNullFreeIntegersMatchesStableSortPrefix() throws {
    var generator = SplitMix64(seed: 11)
    let values = (0..<5000).map { _ in Int64.random(in: -20...20, using: &generator) }
    for descending in [true, false] {
        for n in [1, 7, 100] {
            let expected = values.indices.sorted { a, b in
                values[a] != values[b] ? (descending ? values[a] > values[b] : values[a] < values[b]) : a < b
            }.prefix(n)
            #expect(try topIndices(n: n, by: Column(.int(values)), descending: descending) == Array(expected))
        }
    }
}

/// The inline-key top-N path (numbers and times, nulls, NaN, ties; short columns and one long
/// enough to be scanned in two halves) against the prefix of the radix sort.
@Test(arguments: [1, 3, 10, 500])
func topOfNumbersWithNullsMatchesStableSortPrefix(n: Int) throws {
    var rng = SplitMix64(seed: UInt64(n))
    let short = 3_000, long = 230_000
    let intValues: [Int64?] = (0..<long).map { i in
        i % 7 == 0 || i < 64 ? nil : Int64.random(in: -50...50, using: &rng)
    }
    let floatValues: [Double?] = (0..<short).map { _ in
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: nil
        case 1: .nan
        default: Double(Int.random(in: -20...20, using: &rng)) / 4
        }
    }
    let mostlyNull: [Int64?] = (0..<short).map { $0 % 500 == 3 ? Int64($0) : nil }
    let dateValues: [Int32?] = (0..<short).map { $0 % 11 == 0 ? nil : Int32($0 % 97) - 40 }
    // Already in order with ties (a log's timestamps): where the sampled bound prunes most rows.
    let increasing: [Int64?] = (0..<long).map { $0 % 5 == 0 ? nil : Int64($0 / 3) }
    let columns = [ints(intValues), ints(Array(intValues.prefix(short))), floats(floatValues), ints(mostlyNull),
                   dates(dateValues), ints(increasing), ints(increasing.reversed())]
    for column in columns {
        for descending in [true, false] {
            let expected = try sortIndices([(column, descending)]).prefix(n)
            #expect(try topIndices(n: n, by: column, descending: descending) == Array(expected), "\(column.type) \(column.count) desc \(descending)")
        }
    }
}
