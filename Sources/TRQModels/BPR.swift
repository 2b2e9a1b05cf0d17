import Foundation
import TRQFrame

/// Options of BPR matrix factorization. Factors (100) and negatives verified are the `implicit`
/// library's defaults; learning rate 0.005 with 200 iterations and regularization 0.001 (implicit:
/// 0.01, 100, 0.01) were chosen on a validation split carved from Last.fm training data (see
/// scripts/bench/MODELS.md).
public struct BPROptions: Sendable, Equatable {
    public var factors = 100
    public var learningRate = 0.005
    public var regularization = 0.001
    public var iterations = 200
    public var seed: UInt64 = 42
    /// Redraw nothing but skip a sample whose negative item the user has (as `implicit` does).
    public var verifyNegatives = true

    public init() {}

    public func hash(into h: inout ContentHash) {
        h.combine("bpr")
        h.combine(factors); h.combine(learningRate); h.combine(regularization); h.combine(iterations)
        h.combine(seed); h.combine(verifyNegatives ? 1 : 0)
    }
}

/// Bayesian personalized ranking (Rendle et al. 2009) of a matrix factorization with an item
/// bias, trained by SGD the way the `implicit` library does it: each iteration draws as many
/// samples as there are training pairs; a sample is a training pair (u, i) drawn uniformly and a
/// negative item j taken from another uniformly drawn pair (so negatives follow popularity),
/// skipped when u has j. The step raises x_u . (y_i - y_j) by the gradient of log sigmoid with L2.
/// Item vectors carry a bias component whose user counterpart is fixed at 1. Factors start
/// uniform in [-0.5, 0.5) / factors; users and items without training pairs stay zero (cold
/// users get the popularity ranking). Single-threaded: Hogwild updates as in `implicit` would
/// make results depend on scheduling.
public final class BPRModel: Recommender, @unchecked Sendable {
    public var name: String { "bpr" }
    public let options: BPROptions
    public let userCount: Int
    public let itemCount: Int
    public let trainSeconds: Double
    let userFactors: AlignedFloats
    let itemFactors: AlignedFloats
    let seen: SeenItems
    let fallback: PopularityModel

    /// Factors plus the bias component, padded for the scoring GEMM.
    var stride: Int { paddedStride(options.factors + 1) }

    public var memoryBytes: Int {
        (userFactors.count + itemFactors.count) * 4 + seen.items.count * 4 + seen.start.count * 8 + itemCount * 4
    }

    /// Trains on the pairs of `matrix` (weights are ignored: every pair is a positive).
    /// `progress(i, n)` follows iterations; throws `FrameError.cancelled` soon after Ctrl-C.
    public static func train(_ matrix: InteractionMatrix, options: BPROptions = BPROptions(),
                             progress: ((_ iteration: Int, _ of: Int) -> Void)? = nil) throws -> BPRModel {
        let clock = ContinuousClock.now
        let f = options.factors, stride = paddedStride(f + 1)
        let users = matrix.userCount, items = matrix.itemCount, pairs = matrix.count
        let x = AlignedFloats(count: users &* stride), y = AlignedFloats(count: items &* stride)
        var rng = SeededGenerator(seed: options.seed)
        let scale = 1 / Float(f)
        for (factors, rows) in [(x, users), (y, items)] {
            for row in 0..<rows {
                for d in 0...f { factors.pointer[row &* stride &+ d] = (rng.nextFloat() - 0.5) * scale }
            }
        }
        for u in 0..<users {
            let row = x.pointer + u &* stride
            if matrix.userStart[u + 1] == matrix.userStart[u] { row.update(repeating: 0, count: stride) } else { row[f] = 1 }
        }
        for i in 0..<items where matrix.itemStart[i + 1] == matrix.itemStart[i] {
            (y.pointer + i &* stride).update(repeating: 0, count: stride)
        }
        // The user of each pair, in the order of userItems.
        var pairUser = [Int32](repeating: 0, count: pairs)
        for u in 0..<users { for p in matrix.userStart[u]..<matrix.userStart[u + 1] { pairUser[p] = Int32(u) } }

        let rate = Float(options.learningRate), reg = Float(options.regularization)
        let iterations = pairs > 0 ? options.iterations : 0
        for iteration in 0..<iterations {
            try FrameError.checkCancellation()
            matrix.userStart.withUnsafeBufferPointer { start in
                matrix.userItems.withUnsafeBufferPointer { liked in
                    pairUser.withUnsafeBufferPointer { pairUser in
                        for _ in 0..<pairs {
                            let p = rng.nextInt(below: pairs), q = rng.nextInt(below: pairs)
                            let u = Int(pairUser[p]), i = Int(liked[p]), j = Int(liked[q])
                            if options.verifyNegatives, contains(liked, from: start[u], to: start[u &+ 1], Int32(truncatingIfNeeded: j)) {
                                continue
                            }
                            let xu = x.pointer + u &* stride, yi = y.pointer + i &* stride, yj = y.pointer + j &* stride
                            var margin: Float = 0
                            for d in 0...f { margin += xu[d] * (yi[d] - yj[d]) }
                            let z = 1 / (1 + Foundation.exp(margin))
                            // The user's bias component (index f) stays 1.
                            for d in 0..<f {
                                let xd = xu[d]
                                xu[d] += rate * (z * (yi[d] - yj[d]) - reg * xd)
                                yi[d] += rate * (z * xd - reg * yi[d])
                                yj[d] += rate * (-z * xd - reg * yj[d])
                            }
                            yi[f] += rate * (z - reg * yi[f])
                            yj[f] += rate * (-z - reg * yj[f])
                        }
                    }
                }
            }
            progress?(iteration + 1, iterations)
        }
        return BPRModel(options: options, userCount: users, itemCount: items, userFactors: x, itemFactors: y,
                        seen: SeenItems(matrix), fallback: PopularityModel(matrix), trainSeconds: clock.duration(to: .now).seconds)
    }

    /// Whether the sorted items[from..<to] contain `item`.
    @inline(__always) private static func contains(_ items: UnsafeBufferPointer<Int32>, from: Int, to: Int, _ item: Int32) -> Bool {
        var lo = from, hi = to
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            if items[mid] < item { lo = mid &+ 1 } else { hi = mid }
        }
        return lo < to && items[lo] == item
    }

    init(options: BPROptions, userCount: Int, itemCount: Int, userFactors: AlignedFloats, itemFactors: AlignedFloats,
         seen: SeenItems, fallback: PopularityModel, trainSeconds: Double) {
        self.options = options
        self.userCount = userCount
        self.itemCount = itemCount
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.seen = seen
        self.fallback = fallback
        self.trainSeconds = trainSeconds
    }

    /// Scores are x_u . y_i + item bias.
    public func score(users: ArraySlice<Int32>, into out: UnsafeMutablePointer<Float>) {
        factorScores(users: users, userFactors: userFactors, itemFactors: itemFactors, stride: stride,
                     items: itemCount, seen: seen, fallback: fallback, into: out)
    }

    public func seenItems(user: Int) -> ArraySlice<Int32> { seen.items(user) }

    private static let magic = "TRQB"
    private static let version: UInt32 = 1

    public func serialized() -> [UInt8] {
        var w = ByteWriter()
        w.writeHeader(magic: Self.magic, version: Self.version)
        w.write(options.factors); w.write(options.learningRate); w.write(options.regularization)
        w.write(options.iterations); w.write(options.seed); w.write(options.verifyNegatives)
        w.write(userCount); w.write(itemCount); w.write(trainSeconds)
        w.write(Array(UnsafeBufferPointer(start: userFactors.pointer, count: userFactors.count)))
        w.write(Array(UnsafeBufferPointer(start: itemFactors.pointer, count: itemFactors.count)))
        seen.write(to: &w)
        fallback.write(to: &w)
        return w.bytes
    }

    public static func deserialize(_ bytes: [UInt8]) throws -> BPRModel {
        var r = ByteReader(bytes, what: "BPR model")
        try r.readHeader(magic: magic, version: version)
        var o = BPROptions()
        o.factors = try r.readCount(limit: 4096)
        o.learningRate = try r.readDouble(); o.regularization = try r.readDouble()
        o.iterations = try r.readInt(); o.seed = try r.readUInt64(); o.verifyNegatives = try r.readBool()
        let users = try r.readCount(), items = try r.readCount(), seconds = try r.readDouble()
        let stride = paddedStride(o.factors + 1)
        let x = try r.readArray(Float.self), y = try r.readArray(Float.self)
        guard x.count == users &* stride, y.count == items &* stride else {
            throw ModelError("cannot read BPR model: factor sizes do not match \(users) users, \(items) items; delete the cached file to retrain")
        }
        let seen = try SeenItems(from: &r, items: items)
        let fallback = try PopularityModel(from: &r, seen: seen)
        try r.expectEnd()
        guard seen.userCount == users, fallback.itemCount == items else {
            throw ModelError("cannot read BPR model: training data sizes do not match the factors; delete the cached file to retrain")
        }
        func aligned(_ values: [Float]) -> AlignedFloats {
            let m = AlignedFloats(count: values.count)
            for (i, v) in values.enumerated() { m.pointer[i] = v }
            return m
        }
        return BPRModel(options: o, userCount: users, itemCount: items, userFactors: aligned(x), itemFactors: aligned(y),
                        seen: seen, fallback: fallback, trainSeconds: seconds)
    }
}
