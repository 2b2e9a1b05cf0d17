import Foundation
import TRQFrame

/// Training and test interactions over the same user and item index ranges.
public struct RecommenderSplit: Sendable {
    public let train: InteractionMatrix
    public let test: InteractionMatrix
}

/// Holds out `fraction` of each user's distinct items, for users with at least `minInteractions`
/// of them; other users keep everything in training. The held-out count is round(fraction * n),
/// kept within 1...n-1. Each user's draw uses its own seeded stream, so the split depends only on
/// the data and `seed`.
public func holdOutSplit(_ m: InteractionMatrix, fraction: Double = 0.2, seed: UInt64 = 42,
                         minInteractions: Int = 5) throws -> RecommenderSplit {
    guard fraction > 0, fraction < 1 else {
        throw ModelError("test fraction \(fraction) must be between 0 and 1 (exclusive), e.g. test 0.2")
    }
    var trainStart = [0], testStart = [0]
    var trainItems: [Int32] = [], testItems: [Int32] = []
    var trainWeights: [Float] = [], testWeights: [Float] = []
    trainItems.reserveCapacity(m.count)
    trainWeights.reserveCapacity(m.count)
    var held: [Bool] = []
    for u in 0..<m.userCount {
        let lo = m.userStart[u], n = m.userStart[u + 1] - lo
        held.removeAll(keepingCapacity: true)
        held.append(contentsOf: repeatElement(false, count: n))
        if n >= max(2, minInteractions) {
            let count = min(n - 1, max(1, Int((fraction * Double(n)).rounded())))
            var rng = SeededGenerator(seed: seed, stream: UInt64(u))
            // Partial Fisher-Yates: the first `count` positions of a random permutation.
            var positions = Array(0..<n)
            for j in 0..<count {
                positions.swapAt(j, j + rng.nextInt(below: n - j))
                held[positions[j]] = true
            }
        }
        for j in 0..<n {
            if held[j] {
                testItems.append(m.userItems[lo + j]); testWeights.append(m.userWeights[lo + j])
            } else {
                trainItems.append(m.userItems[lo + j]); trainWeights.append(m.userWeights[lo + j])
            }
        }
        trainStart.append(trainItems.count)
        testStart.append(testItems.count)
    }
    return RecommenderSplit(
        train: InteractionMatrix(userCount: m.userCount, itemCount: m.itemCount, userStart: trainStart,
                                 userItems: trainItems, userWeights: trainWeights),
        test: InteractionMatrix(userCount: m.userCount, itemCount: m.itemCount, userStart: testStart,
                                userItems: testItems, userWeights: testWeights))
}

/// Top-k ranking quality averaged over users with at least one test item (the language contract's
/// definitions: binary relevance, ideal DCG and AP normalised over min(k, |test|)).
public struct RankingMetrics: Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var ndcg: Double
    public var map: Double
    /// Distinct recommended items / distinct training items.
    public var coverage: Double
    /// Users averaged over.
    public var users: Int

    public init(precision: Double, recall: Double, ndcg: Double, map: Double, coverage: Double, users: Int) {
        self.precision = precision
        self.recall = recall
        self.ndcg = ndcg
        self.map = map
        self.coverage = coverage
        self.users = users
    }

    /// One user's precision, recall, NDCG and average precision at `k` for a ranked list
    /// (best first; may be shorter than k) against the relevant items.
    public static func forUser(recommended: [Int32], relevant: Set<Int32>, k: Int)
        -> (precision: Double, recall: Double, ndcg: Double, averagePrecision: Double) {
        guard k > 0, !relevant.isEmpty else { return (0, 0, 0, 0) }
        var hits = 0
        var dcg = 0.0, precisionSum = 0.0
        for (i, item) in recommended.prefix(k).enumerated() where relevant.contains(item) {
            hits += 1
            dcg += 1 / log2(Double(i + 2))
            precisionSum += Double(hits) / Double(i + 1)
        }
        let ideal = min(k, relevant.count)
        let idcg = (0..<ideal).reduce(0.0) { $0 + 1 / log2(Double($1 + 2)) }
        return (Double(hits) / Double(k), Double(hits) / Double(relevant.count), dcg / idcg,
                precisionSum / Double(ideal))
    }
}

/// Scores every test user with `model`, takes the top k excluding that user's training items and
/// averages the metrics. Test and training data must share index ranges (build both matrices
/// with the same `userCount`/`itemCount`).
public func evaluateRanking(_ model: some Recommender, train: InteractionMatrix, test: InteractionMatrix,
                            k: Int = 10, threads: Int = defaultThreadCount) throws -> RankingMetrics {
    guard k > 0 else { throw ModelError("k \(k) must be at least 1") }
    guard test.userCount <= model.userCount, test.itemCount <= model.itemCount else {
        throw ModelError("test interactions cover \(test.userCount) users and \(test.itemCount) items but the model was trained on \(model.userCount) and \(model.itemCount); map test ids with the training id maps")
    }
    let users = (0..<test.userCount).filter { test.userStart[$0 + 1] > test.userStart[$0] }.map { Int32($0) }
    let block = 64
    let chunks = (users.count + block - 1) / block
    let items = model.itemCount
    // Per-chunk sums, added in chunk order afterwards so the totals do not depend on scheduling.
    var sums = [SIMD4<Double>](repeating: .zero, count: chunks)
    let workers = max(1, min(threads, chunks))
    // Items recommended to anyone, per worker (a union: independent of which worker saw whom).
    var recommended = [Bool](repeating: false, count: workers * items)
    let buffers = (0..<workers).map { _ in AlignedFloats(count: block * items) }
    try sums.withUnsafeMutableBufferPointer { (sums) throws(FrameError) in
        try recommended.withUnsafeMutableBufferPointer { (recommended) throws(FrameError) in
            let out = UncheckedSendable((sums, recommended))
            try parallelChunks(chunks, threads: workers) { chunk, worker in
                let slice = users[(chunk * block)..<min(users.count, (chunk + 1) * block)]
                let scores = buffers[worker].pointer
                model.score(users: slice, into: scores)
                var total = SIMD4<Double>.zero
                for (r, u) in slice.enumerated() {
                    let row = UnsafeBufferPointer(start: scores + r * items, count: items)
                    let top = topItems(row, k: k, excluding: model.seenItems(user: Int(u))).map(\.item)
                    for item in top { out.value.1[worker * items + Int(item)] = true }
                    let relevant = Set(test.items(ofUser: Int(u)))
                    let m = RankingMetrics.forUser(recommended: top, relevant: relevant, k: k)
                    total += SIMD4(m.precision, m.recall, m.ndcg, m.averagePrecision)
                }
                out.value.0[chunk] = total
            }
        }
    }
    let total = sums.reduce(SIMD4<Double>.zero, +)
    var distinct = [Bool](repeating: false, count: items)
    for w in 0..<workers { for j in 0..<items where recommended[w * items + j] { distinct[j] = true } }
    let recommendedCount = distinct.reduce(0) { $0 + ($1 ? 1 : 0) }
    let trainItems = train.activeItemCount
    let n = Double(max(1, users.count))
    return RankingMetrics(precision: total[0] / n, recall: total[1] / n, ndcg: total[2] / n, map: total[3] / n,
                          coverage: trainItems > 0 ? Double(recommendedCount) / Double(trainItems) : 0,
                          users: users.count)
}

/// The recommenders `recommend` can train, in the order `recommend eval` reports them.
public enum RecommenderKind: String, CaseIterable, Sendable {
    case als, bpr
    case itemKNN = "item_knn"
    case popularity

    /// Parses a model name as written in the language (`recommend ... model NAME`).
    public static func named(_ name: String) throws -> RecommenderKind {
        switch name.lowercased() {
        case "als": return .als
        case "bpr": return .bpr
        case "item_knn", "itemknn", "knn": return .itemKNN
        case "popularity", "popular": return .popularity
        default: throw ModelError("unknown recommender '\(name)'; choose one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }
}

/// The options of every recommender, set by name (`with factors = 32`). `factors`, `seed` and
/// `threads` apply to each model that has them; ALS's `regularization` and `iterations` are on
/// another scale than BPR's per-sample step and epochs, so BPR's have names of their own.
public struct RecommenderOptions: Sendable, Equatable {
    public var als = ALSOptions()
    public var bpr = BPROptions()
    /// Item-kNN: neighbours kept per item.
    public var neighbours = ItemKNNModel.defaultNeighbours
    public var threads = defaultThreadCount

    public init() {}

    public static let optionNames = ALSOptions.optionNames + ["learning_rate", "bpr_regularization", "bpr_iterations",
                                                              "verify_negatives", "neighbours"]

    public mutating func set(_ name: String, _ value: OptionValue) throws {
        switch name.lowercased() {
        case "factors": bpr.factors = try value.int(name, in: 1...4096); try als.set(name, value)
        case "bpr_regularization": bpr.regularization = try value.double(name, in: 0...1e9)
        case "bpr_iterations": bpr.iterations = try value.int(name, in: 0...100_000)
        case "seed": bpr.seed = try value.seed(name); try als.set(name, value)
        case "threads": threads = try value.int(name, in: 1...1024); try als.set(name, value)
        case "learning_rate": bpr.learningRate = try value.double(name, in: 1e-9...10)
        case "verify_negatives": bpr.verifyNegatives = try value.bool(name)
        case "neighbours", "neighbors": neighbours = try value.int(name, in: 1...100_000)
        default:
            guard ALSOptions.optionNames.contains(name.lowercased()) else {
                throw unknownOption(name, known: Self.optionNames, context: "recommend")
            }
            try als.set(name, value)
        }
    }

    /// The cache key of a `recommend` model: the interactions, the model and its options.
    public func cacheKey(_ kind: RecommenderKind, _ matrix: InteractionMatrix) -> ContentHash {
        switch kind {
        case .als: return ALSModel.cacheKey(matrix, options: als)
        case .bpr: return matrix.cacheKey(bpr.hash)
        case .itemKNN: return matrix.cacheKey { $0.combine(kind.rawValue); $0.combine(neighbours) }
        case .popularity: return matrix.cacheKey { $0.combine(kind.rawValue) }
        }
    }

    /// Reads a model of `kind` written by its `serialized()`.
    public static func deserialize(_ kind: RecommenderKind, _ bytes: [UInt8]) throws -> any Recommender {
        switch kind {
        case .als: return try ALSModel.deserialize(bytes)
        case .bpr: return try BPRModel.deserialize(bytes)
        case .itemKNN: return try ItemKNNModel.deserialize(bytes)
        case .popularity: return try PopularityModel.deserialize(bytes)
        }
    }

    /// Trains one recommender on `matrix`; `progress(i, n)` follows ALS and BPR iterations.
    public func train(_ kind: RecommenderKind, _ matrix: InteractionMatrix,
                      progress: ((_ iteration: Int, _ of: Int) -> Void)? = nil) throws -> any Recommender {
        switch kind {
        case .als: return try ALSModel.train(matrix, options: als, progress: progress)
        case .bpr: return try BPRModel.train(matrix, options: bpr, progress: progress)
        case .itemKNN: return try ItemKNNModel(matrix, neighbours: neighbours, threads: threads)
        case .popularity: return PopularityModel(matrix)
        }
    }
}

/// One row of `recommend eval`.
public struct RecommenderEvaluation: Sendable {
    public let model: String
    public let metrics: RankingMetrics
    public let trainSeconds: Double
}

/// Trains each of `models` on `train` and evaluates it on `test`: the rows of `recommend eval`.
public func evaluateRecommenders(train: InteractionMatrix, test: InteractionMatrix, k: Int = 10,
                                 options: RecommenderOptions = RecommenderOptions(),
                                 models: [RecommenderKind] = RecommenderKind.allCases,
                                 progress: ((_ kind: RecommenderKind, _ iteration: Int, _ of: Int) -> Void)? = nil) throws -> [RecommenderEvaluation] {
    try models.map { kind in
        let model = try options.train(kind, train) { progress?(kind, $0, $1) }
        return RecommenderEvaluation(model: model.name,
                                     metrics: try evaluateRanking(model, train: train, test: test, k: k, threads: options.threads),
                                     trainSeconds: model.trainSeconds)
    }
}
