#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The strings' UTF-8 bytes laid end to end, for byte-order comparisons without String overhead.
struct PackedStrings {
    private(set) var bytes: [UInt8] = []
    private(set) var starts: [Int] = [0]

    init(_ strings: [String]) {
        bytes.reserveCapacity(strings.reduce(0) { $0 &+ $1.utf8.count })
        for s in strings {
            bytes.append(contentsOf: s.utf8)
            starts.append(bytes.count)
        }
    }

    /// memcmp-style three-way comparison of strings `a` and `b` by bytes.
    @inline(__always) func compare(_ a: Int, _ b: Int) -> Int32 {
        let sa = starts[a], la = starts[a &+ 1] &- sa
        let sb = starts[b], lb = starts[b &+ 1] &- sb
        let common = Swift.min(la, lb)
        let c = bytes.withUnsafeBufferPointer { p -> Int32 in
            guard common > 0, let base = p.baseAddress else { return 0 }
            return memcmp(base + sa, base + sb, common)
        }
        if c != 0 { return c }
        return la == lb ? 0 : (la < lb ? -1 : 1)
    }
}

/// Whether `a` sorts before `b` by Unicode code point (the byte order of UTF-8).
public func utf8Less(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

extension StringDictionary {
    /// Each entry's rank in UTF-8 byte order (equal strings share a rank), and the number of
    /// distinct ranks. Sorting the dictionary once lets row comparisons use integers.
    func byteOrderRanks() -> (ranks: [Int32], count: Int) {
        let packed = PackedStrings(values)
        var order = Array(0..<values.count)
        order.sort { packed.compare($0, $1) < 0 }
        var ranks = [Int32](repeating: 0, count: values.count)
        var rank: Int32 = -1
        for (k, entry) in order.enumerated() {
            if k == 0 || packed.compare(order[k &- 1], entry) != 0 { rank &+= 1 }
            ranks[entry] = rank
        }
        return (ranks, Int(rank &+ 1))
    }
}
