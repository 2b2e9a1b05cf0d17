import Foundation
import TRQRandom

/// Seeded pseudo-random numbers for reproducible training and splits: xoshiro256** and the
/// distributions the models draw from.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var core: Xoshiro256StarStar

    public init(seed: UInt64) { core = Xoshiro256StarStar(seed: seed) }

    /// A generator for one stream of a seeded process (e.g. one user of a split), independent of the
    /// order in which streams are visited.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        self.init(seed: mixer.next())
    }

    @inline(__always) public mutating func next() -> UInt64 { core.next() }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always) public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always) public mutating func nextDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in 0..<bound (Lemire's multiply-shift with rejection, unbiased). `bound` must be > 0.
    @inline(__always) public mutating func nextInt(below bound: Int) -> Int {
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Standard normal (Box-Muller; one of the pair is discarded to keep the stream simple).
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextDouble()  // (0, 1]: log is finite
        let u2 = nextDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// Fisher-Yates shuffle driven by this generator (the standard library's `shuffle(using:)` does
    /// not promise a stable algorithm across releases).
    public mutating func shuffle<T>(_ a: inout [T]) {
        var i = a.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            a.swapAt(i, j)
            i -= 1
        }
    }
}
