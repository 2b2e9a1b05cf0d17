// Randomness and the few transcendental functions the generator needs, built only from IEEE-754
// basic operations (+ - * / sqrt, rounding) so every platform produces the same bytes.
// libm's exp/log may differ in the last bit between glibc and Darwin; these do not.
import TRQRandom

/// Mixes several keys into one seed, so streams keyed by (seed, day) or (seed, user, slot) are
/// independent of each other and of the order in which they are used.
func mixSeed(_ keys: UInt64...) -> UInt64 {
    var state: UInt64 = 0x5452_512D_4441_5441  // "TRQ-DATA"
    var out: UInt64 = 0
    for key in keys {
        var mixer = SplitMix64(seed: state ^ key)
        out = mixer.next()
        state = out
    }
    return out
}

/// xoshiro256** and the distributions the generator draws from, all reproducible bit for bit.
struct Xoshiro {
    private var core: Xoshiro256StarStar

    init(seed: UInt64) { core = Xoshiro256StarStar(seed: seed) }

    @inline(__always)
    mutating func next() -> UInt64 { core.next() }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always)
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform integer in 0..<n (Lemire's multiply-high; bias below 2^-40 for our n).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform integer in lo...hi.
    @inline(__always)
    mutating func between(_ lo: Int, _ hi: Int) -> Int {
        lo &+ below(hi &- lo &+ 1)
    }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool {
        uniform() < p
    }

    /// Standard normal by Marsaglia's polar method (needs only log and sqrt).
    mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * detLog(s) / s).squareRoot()
            }
        }
    }

    /// Exponential with mean 1.
    mutating func exponential() -> Double {
        -detLog(1 - uniform())
    }

    /// Index drawn with probability proportional to `weights` (linear scan; for short lists).
    mutating func pick(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var r = uniform() * total
        for (i, w) in weights.enumerated() {
            r -= w
            if r < 0 { return i }
        }
        return weights.count - 1
    }

    /// Fisher-Yates shuffle.
    mutating func shuffle<T>(_ a: inout [T]) {
        var i = a.count - 1
        while i > 0 {
            let j = below(i + 1)
            a.swapAt(i, j)
            i -= 1
        }
    }
}

// ln 2 split Cody-Waite style (fdlibm's constants): ln2High has trailing zero bits, so k * ln2High
// is exact for the k that occur and range reduction loses no precision.
private let ln2High = 6.931_471_803_691_238_164_90e-01
private let ln2Low = 1.908_214_929_270_587_700_02e-10

/// Natural logarithm for x > 0, accurate to a few ulp; returns -infinity for 0.
func detLog(_ x: Double) -> Double {
    if x <= 0 { return -.infinity }
    if !x.isFinite { return x }
    var e = Double(x.exponent)
    var m = x.significand  // in [1, 2)
    if m > 1.414_213_562_373_095_1 {
        m *= 0.5
        e += 1
    }
    // log(m) = 2 atanh(s) with s = (m-1)/(m+1), |s| <= 0.1716: series to s^21 is below 1e-17.
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    var term = s2
    var sum = 0.0
    var k = 3.0
    for _ in 0..<10 {
        sum += term / k
        term *= s2
        k += 2
    }
    return e * ln2High + (e * ln2Low + 2 * s * (1 + sum))
}

/// e^x, accurate to a few ulp over the whole Double range.
func detExp(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 709.78 { return .infinity }
    if x < -745.2 { return 0 }
    let k = (x * 1.442_695_040_888_963_4).rounded()  // x / ln 2
    let r = (x - k * ln2High) - k * ln2Low  // |r| <= 0.35: Taylor to r^15 is below 1e-18
    var term = 1.0
    var sum = 1.0
    for i in 1...15 {
        term *= r / Double(i)
        sum += term
    }
    let ki = Int(k)
    // Split the scaling so 2^ki never overflows or flushes on its own near the range ends.
    let half = ki / 2
    return sum * Double(sign: .plus, exponent: half, significand: 1)
        * Double(sign: .plus, exponent: ki - half, significand: 1)
}

@inline(__always)
func sigmoid(_ x: Double) -> Double {
    1 / (1 + detExp(-x))
}

/// Walker/Vose alias table: O(1) draws from a fixed discrete distribution.
struct AliasTable {
    private(set) var probability: [Double]
    private(set) var alias: [Int32]


    /// `weights` must be non-empty; zero or negative weights are never drawn unless all are zero.
    init(_ weights: [Double]) {
        let n = weights.count
        var total = 0.0
        for w in weights where w > 0 { total += w }
        probability = [Double](repeating: 1, count: n)
        alias = (0..<n).map { Int32($0) }
        if n == 0 || total <= 0 { return }
        var scaled = weights.map { max($0, 0) * Double(n) / total }
        var small: [Int] = []
        var large: [Int] = []
        for i in 0..<n {
            if scaled[i] < 1 { small.append(i) } else { large.append(i) }
        }
        while let s = small.popLast(), let l = large.last {
            probability[s] = scaled[s]
            alias[s] = Int32(l)
            scaled[l] = (scaled[l] + scaled[s]) - 1
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
        // Leftovers are 1 up to rounding.
        for i in small { probability[i] = 1 }
        for i in large { probability[i] = 1 }
    }

    @inline(__always)
    func draw(_ rng: inout Xoshiro) -> Int {
        let i = rng.below(probability.count)
        return rng.uniform() < probability[i] ? i : Int(alias[i])
    }
}
