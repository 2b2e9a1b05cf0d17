import CModelKernels
import Foundation

/// How an interaction weight `w` (summed plays, counts...) becomes the confidence `c` of Hu, Koren &
/// Volinsky (2008), eq. 2-3: preference is 1 for every observed pair, confidence grows with `w`.
public enum ConfidenceMode: String, CaseIterable, Sendable {
    /// c = 1 + alpha * w
    case linear
    /// c = 1 + alpha * log(1 + w / epsilon)
    case log
    /// c = 1 + alpha for every observed pair (w > 0)
    case binary

    /// Capped at 1e15 so that extreme weights cannot overflow the solver's products to inf.
    func confidence(_ w: Float, alpha: Float, epsilon: Float) -> Float {
        let c: Float
        switch self {
        case .linear: c = 1 + alpha * w
        case .log: c = 1 + alpha * Foundation.log1p(w / epsilon)
        case .binary: c = 1 + alpha
        }
        return min(c, 1e15)
    }
}

/// Options of implicit-feedback ALS. Defaults follow the `implicit` library (regularization 0.01,
/// 15 iterations, 3 conjugate-gradient steps) except `factors` (64 instead of 100) and the
/// confidence: `implicit` takes raw weights as confidence with alpha 1; here the default is binary
/// confidence with alpha 40, the setting that ranks best on Last.fm-style play counts (see
/// scripts/bench/MODELS.md), and what Hu et al. recommend for alpha.
public struct ALSOptions: Sendable, Equatable {
    public var factors = 64
    public var regularization = 0.01
    public var alpha = 40.0
    public var iterations = 15
    public var seed: UInt64 = 42
    public var confidence = ConfidenceMode.binary
    /// The weight scale of `.log` confidence.
    public var epsilon = 1.0
    public var cgSteps = 3
    /// Worker threads; results do not depend on it.
    public var threads = defaultThreadCount

    public init() {}

    public static let optionNames = ["factors", "regularization", "alpha", "iterations", "seed",
                                     "confidence", "epsilon", "cg_steps", "threads"]

    /// Sets an option by its name in the language (`with factors = 32, confidence = "log"`).
    public mutating func set(_ name: String, _ value: OptionValue) throws {
        switch name.lowercased() {
        case "factors": factors = try value.int(name, in: 1...4096)
        case "regularization": regularization = try value.double(name, in: 0...1e9)
        case "alpha": alpha = try value.double(name, in: 0...1e9)
        case "iterations": iterations = try value.int(name, in: 0...100_000)
        case "seed": seed = try value.seed(name)
        case "confidence": confidence = try value.choice(name, ConfidenceMode.self)
        case "epsilon": epsilon = try value.double(name, in: 1e-12...1e12)
        case "cg_steps": cgSteps = try value.int(name, in: 1...1000)
        case "threads": threads = try value.int(name, in: 1...1024)
        default: throw unknownOption(name, known: Self.optionNames, context: "recommend")
        }
    }

    /// Feeds every option that changes the fitted model (not `threads`) into a cache key.
    public func hash(into h: inout ContentHash) {
        h.combine("als")
        h.combine(factors); h.combine(regularization); h.combine(alpha); h.combine(iterations)
        h.combine(seed); h.combine(confidence.rawValue); h.combine(epsilon); h.combine(cgSteps)
    }
}

/// Implicit-feedback matrix factorization (Hu, Koren & Volinsky 2008) fitted by alternating least
/// squares, each half-step solved approximately by a few conjugate-gradient steps warm-started from
/// the previous factors (Takacs, Pilaszy & Tikk 2011), the way the `implicit` library's CG solver
/// does. Per user u: minimize sum_i c_ui (p_ui - x_u.y_i)^2 + reg |x_u|^2 over all items, using
/// (Y^T C_u Y + reg I) = (Y^T Y + reg I) + Y_u^T (C_u - I) Y_u so only observed items cost work.
public final class ALSModel: Recommender, @unchecked Sendable {
    public let options: ALSOptions
    public let userCount: Int
    public let itemCount: Int
    public let trainSeconds: Double
    public var name: String { "als" }
    let userFactors: AlignedFloats
    let itemFactors: AlignedFloats
    let seen: SeenItems
    let fallback: PopularityModel
    private let itemNorms: [Float]

    public var factors: Int { options.factors }

    /// The cache key of an ALS model: the interactions and every option that changes the fit.
    public static func cacheKey(_ matrix: InteractionMatrix, options: ALSOptions) -> ContentHash {
        matrix.cacheKey(options.hash)
    }

    /// Approximate memory held by the model (factors and training items), for `.models`.
    public var memoryBytes: Int {
        (userFactors.count + itemFactors.count) * 4 + seen.items.count * 4 + seen.start.count * 8 + itemCount * 8
    }

    /// Trains on `matrix`. `progress(i, n)` is called after iteration i of n (on the calling thread).
    /// Throws `FrameError.cancelled` soon after Ctrl-C (checked per chunk of rows).
    public static func train(_ matrix: InteractionMatrix, options: ALSOptions = ALSOptions(),
                             progress: ((_ iteration: Int, _ of: Int) -> Void)? = nil) throws -> ALSModel {
        guard options.factors >= 1 else { throw ModelError("option factors = \(options.factors): expected >= 1") }
        guard options.alpha >= 0, options.regularization >= 0, options.epsilon > 0 else {
            throw ModelError("ALS options alpha, regularization must be >= 0 and epsilon > 0")
        }
        let clock = ContinuousClock.now
        let f = options.factors, stride = paddedStride(f)
        let (users, items) = (matrix.userCount, matrix.itemCount)
        let x = AlignedFloats(count: users &* stride)
        let y = AlignedFloats(count: items &* stride)
        // Same start as `implicit`: uniform [0, 0.01), users then items, from one seeded stream.
        var rng = SeededGenerator(seed: options.seed)
        for factors in [x, y] {
            for row in 0..<(factors.count / stride) {
                for d in 0..<f { factors.pointer[row &* stride &+ d] = rng.nextFloat() * 0.01 }
            }
        }

        let alpha = Float(options.alpha), eps = Float(options.epsilon)
        let userConf = matrix.userWeights.map { options.confidence.confidence($0, alpha: alpha, epsilon: eps) }
        let itemConf = matrix.itemWeights.map { options.confidence.confidence($0, alpha: alpha, epsilon: eps) }
        let reg = Float(options.regularization)
        let userStep = ALSHalfStep(factors: f, regularization: reg, steps: options.cgSteps, rows: users,
                                   start: matrix.userStart, columns: matrix.userItems, confidence: userConf)
        let itemStep = ALSHalfStep(factors: f, regularization: reg, steps: options.cgSteps, rows: items,
                                   start: matrix.itemStart, columns: matrix.itemUsers, confidence: itemConf)
        for iteration in 0..<options.iterations {
            try userStep.run(target: x, fixed: y, fixedRows: items, factors: f, threads: options.threads)
            try itemStep.run(target: y, fixed: x, fixedRows: users, factors: f, threads: options.threads)
            progress?(iteration + 1, options.iterations)
        }
        let seconds = clock.duration(to: .now).seconds
        return ALSModel(options: options, userCount: users, itemCount: items, userFactors: x, itemFactors: y,
                        seen: SeenItems(matrix), fallback: PopularityModel(matrix), trainSeconds: seconds)
    }

    init(options: ALSOptions, userCount: Int, itemCount: Int, userFactors: AlignedFloats, itemFactors: AlignedFloats,
         seen: SeenItems, fallback: PopularityModel, trainSeconds: Double) {
        self.options = options
        self.userCount = userCount
        self.itemCount = itemCount
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.seen = seen
        self.fallback = fallback
        self.trainSeconds = trainSeconds
        let stride = paddedStride(options.factors)
        itemNorms = (0..<itemCount).map { i in
            let row = itemFactors.pointer + i &* stride
            return trq_dot(simdLevel, row, row, Int64(stride)).squareRoot()
        }
    }

    /// Row-major copies of the factors (users x factors, items x factors).
    public var userFactorValues: [Float] { Self.unpadded(userFactors, factors: options.factors) }
    public var itemFactorValues: [Float] { Self.unpadded(itemFactors, factors: options.factors) }

    private static func unpadded(_ m: AlignedFloats, factors f: Int) -> [Float] {
        let stride = paddedStride(f), rows = m.count / stride
        var out = [Float](repeating: 0, count: rows &* f)
        for r in 0..<rows { for d in 0..<f { out[r &* f &+ d] = m.pointer[r &* stride &+ d] } }
        return out
    }

    private static func padded(_ values: [Float], factors f: Int) -> AlignedFloats {
        let stride = paddedStride(f), rows = values.count / f
        let m = AlignedFloats(count: rows &* stride)
        for r in 0..<rows { for d in 0..<f { m.pointer[r &* stride &+ d] = values[r &* f &+ d] } }
        return m
    }

    /// Scores are x_u . y_i. A user without training interactions has a zero factor (as in
    /// `implicit`), so such users get the popularity ranking instead of an arbitrary one.
    public func score(users: ArraySlice<Int32>, into out: UnsafeMutablePointer<Float>) {
        factorScores(users: users, userFactors: userFactors, itemFactors: itemFactors, stride: paddedStride(options.factors),
                     items: itemCount, seen: seen, fallback: fallback, into: out)
    }

    public func seenItems(user: Int) -> ArraySlice<Int32> { seen.items(user) }

    /// The `k` items most similar to `item` by cosine of item factors, excluding the item itself
    /// and items without training interactions (their factors are zero).
    public func similarItems(item: Int32, k: Int) throws -> [ScoredItem] {
        let i = try checkedItem(item)
        guard k > 0, itemNorms[i] > 0 else { return [] }
        let f = paddedStride(options.factors)
        var scores = [Float](repeating: 0, count: itemCount)
        trq_row_scores(simdLevel, 1, itemFactors.pointer + i &* f, 1, itemFactors.pointer, Int64(itemCount), Int64(f),
                       &scores, Int64(itemCount))
        var top = TopK(k)
        let norm = itemNorms[i]
        for j in 0..<itemCount where j != i && itemNorms[j] > 0 {
            top.insert(item: Int32(j), score: scores[j] / (norm * itemNorms[j]))
        }
        return top.sorted()
    }

    func checkedItem(_ item: Int32) throws -> Int {
        guard item >= 0, Int(item) < itemCount else {
            throw ModelError("item index \(item) is outside the trained items 0..<\(itemCount)")
        }
        return Int(item)
    }

    // MARK: serialization

    private static let magic = "TRQA"
    private static let version: UInt32 = 1

    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.writeHeader(magic: Self.magic, version: Self.version)
        w.write(options.factors); w.write(options.regularization); w.write(options.alpha)
        w.write(options.iterations); w.write(options.seed); w.write(options.confidence.rawValue)
        w.write(options.epsilon); w.write(options.cgSteps)
        w.write(userCount); w.write(itemCount); w.write(trainSeconds)
        w.write(userFactorValues); w.write(itemFactorValues)
        seen.write(to: &w)
        fallback.write(to: &w)
        return w.bytes
    }

    public static func deserialize(_ bytes: [UInt8]) throws -> ALSModel {
        var r = ByteReader(bytes, what: "ALS model")
        try r.readHeader(magic: magic, version: version)
        var o = ALSOptions()
        o.factors = try r.readCount(limit: 4096)
        o.regularization = try r.readDouble(); o.alpha = try r.readDouble()
        o.iterations = try r.readInt(); o.seed = try r.readUInt64()
        guard let mode = ConfidenceMode(rawValue: try r.readString()) else { throw ModelError("cannot read ALS model: unknown confidence mode; delete the cached file to retrain") }
        o.confidence = mode
        o.epsilon = try r.readDouble(); o.cgSteps = try r.readInt()
        let users = try r.readCount(), items = try r.readCount()
        let seconds = try r.readDouble()
        let x = try r.readArray(Float.self), y = try r.readArray(Float.self)
        guard x.count == users &* o.factors, y.count == items &* o.factors else {
            throw ModelError("cannot read ALS model: factor sizes do not match \(users) users, \(items) items; delete the cached file to retrain")
        }
        let seen = try SeenItems(from: &r, items: items)
        let fallback = try PopularityModel(from: &r, seen: seen)
        try r.expectEnd()
        guard seen.userCount == users, fallback.itemCount == items else {
            throw ModelError("cannot read ALS model: training data sizes do not match the factors; delete the cached file to retrain")
        }
        return ALSModel(options: o, userCount: users, itemCount: items, userFactors: padded(x, factors: o.factors),
                        itemFactors: padded(y, factors: o.factors), seen: seen, fallback: fallback, trainSeconds: seconds)
    }
}

/// Row-major user x item scores x_u . y_i of padded factor rows (`stride` floats each), one GEMM
/// per run of consecutive users with training items; users without any get `fallback`'s scores.
func factorScores(users: ArraySlice<Int32>, userFactors: AlignedFloats, itemFactors: AlignedFloats, stride f: Int,
                  items itemCount: Int, seen: SeenItems, fallback: PopularityModel, into out: UnsafeMutablePointer<Float>) {
    var block = users.startIndex
    while block < users.endIndex {
        let u = Int(users[block])
        if seen.count(u) == 0 {
            fallback.score(users: users[block...block], into: out + (block &- users.startIndex) &* itemCount)
            block &+= 1
            continue
        }
        var end = block &+ 1
        while end < users.endIndex, seen.count(Int(users[end])) > 0 { end &+= 1 }
        let rows = end &- block
        let gathered = AlignedFloats(count: rows &* f, zeroed: false)
        for r in 0..<rows {
            (gathered.pointer + r &* f).update(from: userFactors.pointer + Int(users[block &+ r]) &* f, count: f)
        }
        trq_row_scores(simdLevel, 1, gathered.pointer, Int64(rows), itemFactors.pointer, Int64(itemCount), Int64(f),
                       out + (block &- users.startIndex) &* itemCount, Int64(itemCount))
        block = end
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
