import Foundation
import Testing
import TRQFrame
@testable import TRQModels

/// The adjusted Rand index (Hubert & Arabie 1985) of two labelings, from their contingency table.
private func adjustedRandIndex(_ a: [Int32], _ b: [Int32]) -> Double {
    func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
    var table: [Int: Int] = [:], rowSums: [Int32: Int] = [:], columnSums: [Int32: Int] = [:]
    for (x, y) in zip(a, b) {
        table[Int(x) << 32 | Int(y), default: 0] += 1
        rowSums[x, default: 0] += 1
        columnSums[y, default: 0] += 1
    }
    let index = table.values.reduce(0) { $0 + pairs($1) }
    let rows = rowSums.values.reduce(0) { $0 + pairs($1) }, columns = columnSums.values.reduce(0) { $0 + pairs($1) }
    let expected = rows * columns / pairs(a.count)
    return (index - expected) / ((rows + columns) / 2 - expected)
}

@Suite struct KMeansTests {
    /// Five Gaussian clusters (standard deviation 1) in 4 dimensions with centres 6 apart on
    /// each axis, of unequal sizes: k-means must recover them (ARI >= 0.95), largest first.
    @Test func recoversPlantedClusters() throws {
        var rng = SeededGenerator(seed: 5)
        let sizes = [500, 400, 300, 200, 100], d = 4
        var x: [Double] = [], truth: [Int32] = []
        for (c, size) in sizes.enumerated() {
            let centre = (0..<d).map { _ in Double(rng.nextInt(below: 4)) * 6 + Double(c) * 3 }
            for _ in 0..<size {
                for f in 0..<d { x.append(centre[f] + rng.nextGaussian()) }
                truth.append(Int32(c))
            }
        }
        let n = truth.count
        let fit = try kMeans(standardized(x, rows: n, features: d), rows: n, features: d, k: 5)
        #expect(adjustedRandIndex(fit.labels, truth) >= 0.95)
        var counts = [Int](repeating: 0, count: 5)
        for l in fit.labels { counts[Int(l)] += 1 }
        #expect(counts == counts.sorted(by: >))
    }

    /// Six points in the plane, k 2, unscaled: by hand the centres are (0, 1) and (10, 1), the
    /// squared distances 1, 0, 1 and 1, 1, 2, so the inertia is 6. Equal sizes: the cluster of
    /// the first row is 0.
    @Test func handCheckedInertia() throws {
        let x: [Double] = [0, 0, 0, 1, 0, 2, 10, 0, 9, 1, 11, 2]
        let fit = try kMeans(x, rows: 6, features: 2, k: 2)
        #expect(abs(fit.inertia - 6) < 1e-12)
        #expect(fit.labels == [0, 0, 0, 1, 1, 1])
        #expect(fit.centers == [0, 1, 10, 1])
        let expected = [1, 0, 1, 1, 1, 2.0.squareRoot()]
        for (got, want) in zip(fit.distances, expected) { #expect(abs(got - want) < 1e-12) }
    }

    @Test func standardizesLikeScikitLearn() {
        // Column 0: mean 2, population sd sqrt(2/3); column 1 constant -> 0.
        let z = standardized([1, 5, 2, 5, 3, 5], rows: 3, features: 2)
        let s = (2.0 / 3).squareRoot()
        #expect(zip(z, [-1 / s, 0, 0, 0, 1 / s, 0]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func resultDoesNotDependOnThreadsAndErrorsAreClear() throws {
        var rng = SeededGenerator(seed: 9)
        let x = (0..<3000).map { _ in rng.nextGaussian() }
        var o = KMeansOptions()
        o.threads = 1
        let one = try kMeans(x, rows: 1000, features: 3, k: 6, options: o)
        o.threads = 2
        let two = try kMeans(x, rows: 1000, features: 3, k: 6, options: o)
        #expect(one.labels == two.labels && one.inertia == two.inertia)
        // More restarts can only keep a fit at least as good.
        o.restarts = 1
        #expect(try kMeans(x, rows: 1000, features: 3, k: 6, options: o).inertia >= two.inertia)
        #expect(throws: ModelError.self) { try kMeans([1, 2], rows: 2, features: 1, k: 3) }
        #expect(throws: ModelError.self) { try kMeans([1, 2], rows: 2, features: 1, k: 0) }
    }

    /// 1-D points 0, 1, 10, 11 in two clusters: by hand, s = (10.5 - 1) / 10.5 for the outer points
    /// and (9.5 - 1) / 9.5 for the inner ones.
    @Test func silhouetteByHand() throws {
        let s = try silhouette([0, 1, 10, 11], rows: 4, features: 1, labels: [0, 0, 1, 1], k: 2)
        #expect(abs(s.score! - (9.5 / 10.5 + 8.5 / 9.5) / 2) < 1e-12)
        #expect(!s.sampled)
        #expect(try silhouette([0, 1], rows: 2, features: 1, labels: [0, 0], k: 1).score == nil)
        // A sample is drawn above the sample size, and said so.
        var rng = SeededGenerator(seed: 1)
        let x = (0..<400).map { i in Double(i % 2) * 20 + rng.nextGaussian() }
        let labels = (0..<400).map { Int32($0 % 2) }
        let sampled = try silhouette(x, rows: 400, features: 1, labels: labels, k: 2, sampleSize: 100)
        let exact = try silhouette(x, rows: 400, features: 1, labels: labels, k: 2)
        #expect(sampled.sampled && abs(sampled.score! - exact.score!) < 0.02)
    }
}

@Suite struct BPRTests {
    /// Two taste groups: users 0..<50 play a random half of items 0..<40, users 50..<100 of items
    /// 40..<80. Held-out own-group items must rank above the other group's items (AUC) far more
    /// often after training than before (no iterations: random factors).
    @Test func raisesAUCOnPlantedStructure() throws {
        var rng = SeededGenerator(seed: 3)
        var users: [Int32] = [], items: [Int32] = [], held: [(Int32, Int32)] = []
        for u in 0..<100 {
            let base = u < 50 ? 0 : 40
            for i in 0..<40 where rng.nextDouble() < 0.5 {
                if rng.nextDouble() < 0.2 {
                    held.append((Int32(u), Int32(base + i)))
                } else {
                    users.append(Int32(u))
                    items.append(Int32(base + i))
                }
            }
        }
        let m = try InteractionMatrix(users: users, items: items, userCount: 100, itemCount: 80)
        func auc(_ model: BPRModel) -> Double {
            var wins = 0.0, total = 0.0
            var scores = [Float](repeating: 0, count: 80)
            for (u, i) in held {
                scores.withUnsafeMutableBufferPointer { model.score(users: [u][...], into: $0.baseAddress!) }
                let other = u < 50 ? 40..<80 : 0..<40
                for j in other {
                    wins += scores[Int(i)] > scores[j] ? 1 : scores[Int(i)] == scores[j] ? 0.5 : 0
                    total += 1
                }
            }
            return wins / total
        }
        var o = BPROptions()
        o.factors = 8
        o.learningRate = 0.05
        o.iterations = 0
        let untrained = auc(try BPRModel.train(m, options: o))
        o.iterations = 30
        let trained = try BPRModel.train(m, options: o)
        #expect(untrained < 0.7)
        #expect(auc(trained) > 0.95)
        // Seen items are excluded and the model survives serialization.
        let top = try trained.recommend(user: 0, k: 5)
        #expect(top.allSatisfy { $0.item < 40 && !trained.seenItems(user: 0).contains($0.item) })
        let back = try BPRModel.deserialize(trained.serialized())
        #expect(try back.recommend(user: 0, k: 5) == top)
        #expect(throws: ModelError.self) { try BPRModel.deserialize(Array(trained.serialized().dropLast())) }
    }
}
