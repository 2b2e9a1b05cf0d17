import Testing
import TestSupport
@testable import TRQFrame

/// `countMatching` against a plain loop over optionals, for every operator: nulls (whole words of
/// them, scattered ones), values equal to the constant, a length that is not a multiple of 64,
/// and a column long enough to be split across threads.
@Suite struct KernelCountTests {
    let operators: [(Comparison, (Double, Double) -> Bool)] = [
        (.equal, { $0 == $1 }), (.notEqual, { $0 != $1 }), (.less, { $0 < $1 }),
        (.lessOrEqual, { $0 <= $1 }), (.greater, { $0 > $1 }), (.greaterOrEqual, { $0 >= $1 }),
    ]

    func randomInts(_ n: Int, seed: UInt64) -> [Int64?] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { i in
            if (640..<704).contains(i) { return nil }  // one whole word of nulls
            return Int.random(in: 0..<17, using: &rng) == 0 ? nil : Int64.random(in: -5...5, using: &rng)
        }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 1_000, 250_037])
    func integersAgainstALoop(n: Int) throws {
        let values = randomInts(n, seed: UInt64(n))
        let column = ints(values)
        guard case .int(let raw) = column.data else {
            Issue.record("expected an int column")
            return
        }
        for (op, holds) in operators {
            for constant: Int64 in [-6, 0, 3, 5] {
                let expected = values.filter { $0.map { holds(Double($0), Double(constant)) } ?? false }.count
                #expect(try countMatching(raw, validity: column.validity, op, constant) == expected, "\(op) \(constant)")
            }
        }
    }

    @Test func extremesDoNotWrap() throws {
        let raw: [Int64] = [.min, -1, 0, 1, .max] + [Int64](repeating: .max, count: 64)
        #expect(try countMatching(raw, validity: nil, .greater, .min) == 68)
        #expect(try countMatching(raw, validity: nil, .less, .max) == 4)
        #expect(try countMatching(raw, validity: nil, .greaterOrEqual, .max) == 65)
    }

    @Test(arguments: [5, 130, 250_001])
    func floatsWithNaNAgainstALoop(n: Int) throws {
        let values = randomFloats(n, seed: 3)
        let column = floats(values)
        guard case .float(let raw) = column.data else {
            Issue.record("expected a float column")
            return
        }
        for (op, holds) in operators {
            for constant in [-1.5, 0, 0.5, .infinity] {
                let expected = values.filter { $0.map { holds($0, constant) } ?? false }.count
                #expect(try countMatching(raw, validity: column.validity, op, constant) == expected, "\(op) \(constant)")
            }
        }
    }
}
