/// A stable 64-bit content hash over typed arrays and option values, for cache keys that must be
/// identical across runs and machines (Swift's `Hasher` is randomly seeded per process).
///
/// Bulk bytes are consumed eight at a time with an xxHash64-style round (byte-wise FNV-1a costs
/// ~1 ns per byte, too slow for 10M-row inputs); tails and scalars use FNV-1a. Each value is framed
/// with its length so that `["ab", "c"]` and `["a", "bc"]` differ. Little-endian byte order.
public struct ContentHash: Sendable, Equatable, Hashable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    @inline(__always) private mutating func mix(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        combine(bytes.count)
        var h = value
        let words = bytes.count / 8
        for w in 0..<words {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: w &* 8, as: UInt64.self))
            var k = word &* 0xC2B2_AE3D_27D4_EB4F
            k = (k << 31 | k >> 33) &* 0x9E37_79B1_85EB_CA87
            h ^= k
            h = (h << 27 | h >> 37) &* 0x9E37_79B1_85EB_CA87 &+ 0x85EB_CA77_C2B2_AE63
        }
        for i in (words &* 8)..<bytes.count { h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3 }
        value = h
    }

    public mutating func combine<T: BitwiseCopyable>(_ array: [T]) {
        array.withUnsafeBytes { combine(bytes: $0) }
    }

    public mutating func combine(_ v: Int) {
        withUnsafeBytes(of: Int64(v).littleEndian) { for b in $0 { mix(b) } }
    }

    public mutating func combine(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { for b in $0 { mix(b) } }
    }

    public mutating func combine(_ v: Double) { combine(v.bitPattern) }

    public mutating func combine(_ s: String) {
        var s = s
        s.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func combine(_ strings: [String?]) {
        combine(strings.count)
        for s in strings {
            if let s { combine(s) } else { mix(0xFF); combine(-1) }
        }
    }

    /// Hex form, 16 lowercase digits: usable as a cache file name.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
