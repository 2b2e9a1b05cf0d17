@testable import TRQFrame
import TestSupport

// Builders for small hand-written columns (nil is null).

func ints(_ values: [Int64?]) -> Column {
    Column(.int(values.map { $0 ?? 0 }), validity: Validity(values.map { $0 != nil }))
}

func floats(_ values: [Double?]) -> Column {
    Column(.float(values.map { $0 ?? 0 }), validity: Validity(values.map { $0 != nil }))
}

func bools(_ values: [Bool?]) -> Column {
    Column(.bool(values.map { $0 ?? false }), validity: Validity(values.map { $0 != nil }))
}

func dates(_ values: [Int32?]) -> Column {
    Column(.date(values.map { $0 ?? 0 }), validity: Validity(values.map { $0 != nil }))
}

/// A string column whose dictionary is `dictionary` (default: distinct values in order).
func strings(_ values: [String?], dictionary: [String]? = nil) -> Column {
    var dict = dictionary ?? []
    if dictionary == nil {
        for case let v? in values where !dict.contains(where: { $0.utf8.elementsEqual(v.utf8) }) { dict.append(v) }
    }
    let codes = values.map { v in Int32(v.flatMap { s in dict.firstIndex { $0.utf8.elementsEqual(s.utf8) } } ?? 0) }
    return Column(.string(codes: codes, dictionary: StringDictionary(dict.isEmpty ? [""] : dict)),
                  validity: Validity(values.map { $0 != nil }))
}

func table(_ pairs: KeyValuePairs<String, Column>) throws -> Table {
    try Table(names: pairs.map(\.key), columns: pairs.map(\.value))
}

/// The boxed values of a column, for comparisons.
func values(_ column: Column?) -> [Value] {
    guard let column else { return [] }
    return (0..<column.count).map { column[$0] }
}

func values(_ t: Table, _ name: String) -> [Value] { values(t.column(name)) }

/// Whether two floats agree to a relative 1e-12 (for sums whose rounding may differ).
func close(_ a: Value, _ b: Double) -> Bool {
    guard case .float(let x) = a else { return false }
    return abs(x - b) <= 1e-12 * max(1, abs(b))
}


/// `n` floats from -1.5 to 1.5 in halves, about one in ten null and one in ten NaN (and one in
/// ten -0.0 with `negativeZeros`).
func randomFloats(_ n: Int, seed: UInt64, negativeZeros: Bool = false) -> [Double?] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: nil
        case 1: .nan
        case 2 where negativeZeros: -0.0
        default: Double(Int.random(in: -3...3, using: &rng)) / 2
        }
    }
}
