import Foundation
import Testing
import TRQFrame
@testable import TRQModels

@Suite struct BoostTests {
    private func options(rounds: Int = 60) -> ClassifierOptions {
        var o = ClassifierOptions()
        o.rounds = rounds
        o.threads = 2
        return o
    }

    /// Label = which of three rings around the origin (x, y) falls in: not linearly separable.
    /// Boosted trees must approximate the rings far better than a linear model does.
    @Test func fitsANonlinearFunction() throws {
        func rings(_ count: Int, seed: UInt64) -> (FeatureMatrix, [Int32]) {
            var rng = SeededGenerator(seed: seed)
            var values: [Float] = [], labels: [Int32] = []
            for _ in 0..<count {
                let x = Float(rng.nextDouble() * 6 - 3), y = Float(rng.nextDouble() * 6 - 3)
                let r = (x * x + y * y).squareRoot()
                values += [x, y]
                labels.append(r < 1 ? 0 : r < 2 ? 1 : 2)
            }
            return (FeatureMatrix(rows: count, columns: 2, values: values), labels)
        }
        let (x, y) = rings(4000, seed: 1), (tx, ty) = rings(2000, seed: 2)
        let boost = try GradientBoosting.train(x, y, classCount: 3, options: options(), progress: nil)
        let linear = try LogisticRegression.train(x, y, classCount: 3, options: ClassifierOptions(), progress: nil)
        let boostAccuracy = accuracyOf(try boost.predictProbabilities(tx, threads: 2), ty, classes: 3)
        let linearAccuracy = accuracyOf(try linear.predictProbabilities(tx, threads: 2), ty, classes: 3)
        #expect(boostAccuracy > 0.95)
        #expect(linearAccuracy < 0.7)
    }

    /// The class is decided by feature 1 crossing 0.3 (features 0 and 2 are noise). Feature 1
    /// takes the 100 values 0.00 ... 0.99, so it has one bin per value: the first tree's root must
    /// split on it halfway between 0.30 and 0.31, and the model must predict both sides right;
    /// also when each tree sees only a GOSS sample of 15% of the rows.
    @Test(arguments: [false, true]) func recoversAPlantedSplit(goss: Bool) throws {
        var rng = SeededGenerator(seed: 7)
        var values: [Float] = [], labels: [Int32] = []
        for _ in 0..<2000 {
            let a = Float(rng.nextDouble()), b = Float(rng.nextInt(below: 100)) / 100, c = Float(rng.nextDouble())
            values += [a, b, c]
            labels.append(b <= 0.3 ? 0 : 1)
        }
        let x = FeatureMatrix(rows: 2000, columns: 3, values: values)
        var o = options()
        if goss { (o.topRate, o.otherRate) = (0.1, 0.05) }
        let model = try GradientBoosting.train(x, labels, classCount: 2, options: o, progress: nil)
        for c in 0..<2 {
            #expect(model.trees[c][0].feature == 1)
            #expect(abs(model.trees[c][0].threshold - 0.305) < 1e-6)
        }
        let probe = FeatureMatrix(rows: 2, columns: 3, values: [0.5, 0.3, 0.5, 0.5, 0.31, 0.5])
        let p = try model.predictProbabilities(probe, threads: 1)
        #expect(p[0] > 0.99 && p[3] > 0.99)
    }

    /// Rows whose feature 0 is missing belong to class 1, like the rows with a large value: the
    /// split must send missing values to that side, and prediction must follow it.
    @Test func routesMissingValuesToTheBetterSide() throws {
        var rng = SeededGenerator(seed: 3)
        var values: [Float] = [], labels: [Int32] = []
        for i in 0..<1500 {
            let v = Float(rng.nextDouble())
            if i % 5 == 0 {
                values.append(.nan)
                labels.append(1)
            } else {
                values.append(v)
                labels.append(v < 0.5 ? 0 : 1)
            }
        }
        let model = try GradientBoosting.train(FeatureMatrix(rows: 1500, columns: 1, values: values), labels, classCount: 2,
                                               options: options(rounds: 20), progress: nil)
        #expect(model.trees[0][0].missingLeft == false)
        let p = try model.predictProbabilities(FeatureMatrix(rows: 3, columns: 1, values: [.nan, 0.1, 0.9]), threads: 1)
        #expect(p[1] > 0.9 && p[2] > 0.9 && p[5] > 0.9)
    }

    /// Early stopping keeps whole rounds, stops before the limit on noise, and gives the same
    /// model with one thread or two.
    @Test func earlyStoppingAndThreadIndependence() throws {
        var rng = SeededGenerator(seed: 11)
        var values: [Float] = [], labels: [Int32] = []
        for _ in 0..<3000 {
            values += [Float(rng.nextDouble()), Float(rng.nextDouble())]
            labels.append(Int32(rng.nextInt(below: 3)))
        }
        let x = FeatureMatrix(rows: 3000, columns: 2, values: values)
        var o = options(rounds: 300)
        o.earlyStopping = true
        let two = try GradientBoosting.train(x, labels, classCount: 3, options: o, progress: nil)
        #expect(two.trees.count % 3 == 0 && two.trees.count < 300 * 3)
        o.threads = 1
        let one = try GradientBoosting.train(x, labels, classCount: 3, options: o, progress: nil)
        #expect(one.trees == two.trees)
    }

    /// With 40 rare classes a pure leaf's Newton step -G/H is about 1/p = 40; `max_step` caps every
    /// leaf at rate x max_step, and without the cap some leaf goes beyond it.
    @Test func maxStepBoundsTheLeaves() throws {
        var rng = SeededGenerator(seed: 5)
        var values: [Float] = [], labels: [Int32] = []
        for _ in 0..<4000 {
            let label = Int32(rng.nextInt(below: 40))
            values += [Float(label) + Float(rng.nextDouble()) * 0.5, Float(rng.nextDouble())]
            labels.append(label)
        }
        let x = FeatureMatrix(rows: 4000, columns: 2, values: values)
        var o = options(rounds: 3)
        o.maxStep = 0
        let free = try GradientBoosting.train(x, labels, classCount: 40, options: o, progress: nil)
        o.maxStep = 2
        let capped = try GradientBoosting.train(x, labels, classCount: 40, options: o, progress: nil)
        func largestLeaf(_ model: GradientBoosting) -> Float {
            model.trees.joined().filter { $0.feature < 0 }.map { abs($0.threshold) }.max() ?? 0
        }
        #expect(largestLeaf(free) > 1)
        #expect(largestLeaf(capped) <= 0.2 + 1e-6)
        #expect(largestLeaf(capped) > 0.19)
    }

    private func grower(_ x: FeatureMatrix, topRate: Double, otherRate: Double, classes: Int = 1) -> TreeGrower {
        let bins = FeatureBins(x, maxBins: 255)
        return TreeGrower(codes: bins.codes(x), rows: x.rows, features: x.columns, edges: bins.edges, maxLeaves: 31,
                          maxDepth: .max, minLeaf: 20, l2: 1e-4, maxStep: 1, rate: 0.1, binSlots: 256,
                          topRate: topRate, otherRate: otherRate, classes: classes, seed: 1)
    }

    /// GOSS with top_rate 0.2, other_rate 0.1 on 8,000 rows (few enough for an exact cut): the
    /// 1,600 largest |g| are kept as they are, about 800 of the rest are kept with g and h times
    /// (1 - 0.2) / 0.1 = 8, every other row is left alone, and each row is listed once.
    @Test func gossKeepsTheLargestGradients() {
        let n = 8000
        var rng = SeededGenerator(seed: 9)
        let x = FeatureMatrix(rows: n, columns: 1, values: (0..<n).map { _ in Float(rng.nextDouble()) })
        let grower = grower(x, topRate: 0.2, otherRate: 0.1)
        let scratch = GrowerScratch(grower)
        let g = (0..<n).map { _ in Float(rng.nextDouble() * 2 - 1) }
        for r in 0..<n { scratch.g[r] = g[r]; scratch.h[r] = 0.25 }
        let s = grower.sample(seed: 1, stream: 0, scratch: scratch)
        let order = (0..<n).map { Int(scratch.index[$0]) }
        #expect(Set(order).count == n)
        #expect(Array(order[0..<s]) == order[0..<s].sorted())
        let cut = g.map(abs).sorted(by: >)[1599]
        let chosen = Set(order[0..<s])
        var top = 0, rest = 0
        for r in 0..<n {
            if abs(g[r]) >= cut {
                top += 1
                #expect(chosen.contains(r) && scratch.g[r] == g[r] && scratch.h[r] == 0.25)
            } else if chosen.contains(r) {
                rest += 1
                #expect(scratch.g[r] == g[r] * 8 && scratch.h[r] == 2)
            } else {
                #expect(scratch.g[r] == g[r] && scratch.h[r] == 0.25)
            }
        }
        #expect(top == 1600)
        #expect(rest > 700 && rest < 900)  // binomial(6400, 1/8): mean 800, sd 26.5
    }

    /// A tree grown on a GOSS sample still moves every row's score by the value the tree gives
    /// that row (as prediction walks it): the sampled rows by their leaf, the others by `route`.
    @Test func everyRowGetsItsTreeValueUnderSampling() {
        let n = 6000, k = 3
        var rng = SeededGenerator(seed: 4)
        var values: [Float] = [], labels: [Int32] = []
        for i in 0..<n {
            // Missing b (every 10th row) counts as small: splits on b route it, left or right.
            let a = Float(rng.nextDouble()), b = i % 10 == 0 ? Float.nan : Float(rng.nextDouble())
            values += [a, b]
            labels.append(a < 0.3 ? 0 : a < 0.6 ? 1 : (b.isNaN || b < 0.5 ? 2 : 0))
        }
        let x = FeatureMatrix(rows: n, columns: 2, values: values)
        let grower = grower(x, topRate: 0.1, otherRate: 0.2, classes: k)
        let scratch = GrowerScratch(grower)
        var scores = [Float](repeating: 0, count: n * k)
        let lse = [Float](repeating: Float(Foundation.log(3.0)), count: n)
        let nodes = scores.withUnsafeMutableBufferPointer { s in
            grower.grow(class: 2, round: 0, scores: s.baseAddress! + 2 * n, logNormalizer: lse, labels: labels, scratch: scratch)
        }
        #expect(grower.sampling)
        #expect(nodes.count >= 7 && nodes.contains { $0.feature == 1 })
        values.withUnsafeBufferPointer { v in
            let moved = (0..<n).filter { scores[2 * n + $0] == treeValue(nodes, v.baseAddress! + $0 * 2) }.count
            #expect(moved == n)
        }
        #expect(scores[0..<(2 * n)].allSatisfy { $0 == 0 })
    }

    @Test func kthLargestMatchesSorting() {
        var rng = SeededGenerator(seed: 2)
        for count in [1, 2, 7, 100, 1000] {
            // Few distinct values, so ties are the rule.
            let values = (0..<count).map { _ in Float(rng.nextInt(below: 5)) }
            let sorted = values.sorted(by: >)
            for k in Set([1, count / 2 + 1, count]) {
                var copy = values
                let kth = copy.withUnsafeMutableBufferPointer { kthLargest($0.baseAddress!, count: count, k: k) }
                #expect(kth == sorted[k - 1])
            }
        }
    }

    /// Below 50 classes the plain defaults; from 50 on the many-class ones; options set by hand
    /// win either way, and setting one GOSS share takes LightGBM's default for the other.
    @Test func manyClassDefaults() {
        var o = ClassifierOptions()
        let few = GradientBoosting.settings(o, classes: 49), many = GradientBoosting.settings(o, classes: 50)
        #expect(few == (0.1, 1, 0, 10, 255))
        #expect(many == (0.5, 0.1, 0.05, 5, 63))
        o.learningRate = 0.2
        o.topRate = 0.3
        o.patience = 7
        o.bins = 127
        #expect(GradientBoosting.settings(o, classes: 114) == (0.2, 0.3, 0.1, 7, 127))
    }
}
