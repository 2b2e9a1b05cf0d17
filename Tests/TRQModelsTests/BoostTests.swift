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
    /// split on it halfway between 0.30 and 0.31, and the model must predict both sides right.
    @Test func recoversAPlantedSplit() throws {
        var rng = SeededGenerator(seed: 7)
        var values: [Float] = [], labels: [Int32] = []
        for _ in 0..<2000 {
            let a = Float(rng.nextDouble()), b = Float(rng.nextInt(below: 100)) / 100, c = Float(rng.nextDouble())
            values += [a, b, c]
            labels.append(b <= 0.3 ? 0 : 1)
        }
        let x = FeatureMatrix(rows: 2000, columns: 3, values: values)
        let model = try GradientBoosting.train(x, labels, classCount: 2, options: options(), progress: nil)
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
}
