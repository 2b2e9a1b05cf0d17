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

/// One row of `recommend eval`.
public struct RecommenderEvaluation: Sendable {
    public let model: String
    public let metrics: RankingMetrics
    public let trainSeconds: Double
}

/// The recommenders `recommend eval` can train and compare.
public enum RecommenderKind: String, CaseIterable, Sendable {
    case als, popularity
    case itemKNN = "item_knn"
}

/// Trains each of `models` on `train` and evaluates it on `test`: the rows of `recommend eval`
/// (by default als then popularity, the contract's rows). `options` configures ALS (and `threads`
/// all models).
public func evaluateRecommenders(train: InteractionMatrix, test: InteractionMatrix, k: Int = 10,
                                 options: ALSOptions = ALSOptions(), models: [RecommenderKind] = [.als, .popularity],
                                 progress: ((_ iteration: Int, _ of: Int) -> Void)? = nil) throws -> [RecommenderEvaluation] {
    try models.map { kind in
        let model: any Recommender
        switch kind {
        case .als: model = try ALSModel.train(train, options: options, progress: progress)
        case .popularity: model = PopularityModel(train)
        case .itemKNN: model = try ItemKNNModel(train, threads: options.threads)
        }
        return RecommenderEvaluation(model: model.name,
                                     metrics: try evaluateRanking(model, train: train, test: test, k: k, threads: options.threads),
                                     trainSeconds: model.trainSeconds)
    }
}
