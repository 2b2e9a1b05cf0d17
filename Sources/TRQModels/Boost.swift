import CModelKernels
import Foundation
import TRQFrame

/// One node of a boosted tree. Internal (feature >= 0): go to `child` if x[feature] <= threshold
/// (a missing value goes there if `missingLeft`), else to `child + 1`. Leaf (feature < 0):
/// `threshold` is the value the tree adds to its class's score.
struct BoostNode: Sendable, Equatable {
    var feature: Int32
    var threshold: Float
    var child: Int32
    var missingLeft: Bool

    static func leaf(_ value: Float) -> BoostNode { BoostNode(feature: -1, threshold: value, child: 0, missingLeft: false) }
}

/// Histogram gradient-boosted trees with a softmax objective (Friedman 2001; the histogram and
/// leaf-wise growth of LightGBM and scikit-learn's HistGradientBoostingClassifier): each round
/// grows one tree per class on the gradient p - y and hessian p(1 - p) of the log-loss, leaf by
/// leaf (the leaf with the largest gain splits next, up to `max_leaves`), with leaf values
/// -rate * G / (H + l2), the Newton step G / (H + l2) limited to `max_step` in size. Features are binned once (up to `bins` quantile bins, exact for fewer
/// distinct values); missing values (NaN) get their own bin and, at each split, go to the side
/// that gains more. A child's histogram is built from the smaller child's rows and the parent's
/// minus it for the other. Early stopping holds out a stratified `validation` fraction and stops
/// after `patience` rounds without a lower validation log-loss, keeping the best round's trees.
/// A round's class trees are independent given the scores, so they are grown in parallel; each
/// tree's arithmetic is fixed by the data, so results do not depend on the thread count.
final class GradientBoosting: Classifier, @unchecked Sendable {
    var kind: ClassifierKind { .boost }
    let classCount: Int
    let featureCount: Int
    /// The starting score of each class (the log of its training share).
    let baseline: [Float]
    /// Round-major: the tree of round t for class c is trees[t * classCount + c].
    let trees: [[BoostNode]]

    init(classCount: Int, featureCount: Int, baseline: [Float], trees: [[BoostNode]]) {
        self.classCount = classCount
        self.featureCount = featureCount
        self.baseline = baseline
        self.trees = trees
    }

    static let defaultMinLeaf = 20
    /// From this many classes on (a round grows one tree per class, so rounds are dear), the
    /// defaults take fewer and cheaper rounds: learning rate 0.5 instead of 0.1, each tree grown on
    /// a GOSS sample (top_rate 0.1, other_rate 0.05) instead of every row, patience 5 instead of
    /// 10, and 63 bins instead of 255 (a quarter of the histogram memory per thread). Chosen on
    /// validation splits of the training rows (scripts/bench/MODELS.md): on the 114 Spotify genres
    /// they cut training time several-fold for about 0.015 of accuracy; on 10 genres the learning
    /// rate and GOSS cost accuracy, so fewer classes keep the plain defaults.
    static let manyClasses = 50

    /// The learning rate, GOSS shares, patience and bins `options` give for `k` classes.
    static func settings(_ options: ClassifierOptions, classes k: Int)
        -> (learning: Double, top: Double, other: Double, patience: Int, bins: Int) {
        let many = k >= manyClasses
        let (top, other) = options.topRate == nil && options.otherRate == nil ? (many ? (0.1, 0.05) : (1, 0))
            : (options.topRate ?? 0.2, options.otherRate ?? 0.1)
        return (options.learningRate ?? (many ? 0.5 : 0.1), top, other, options.patience ?? (many ? 5 : ClassifierOptions.defaultPatience),
                options.bins ?? (many ? 63 : ClassifierOptions.defaultBins))
    }
    /// Below this many training rows early stopping is off by default (as in scikit-learn): the
    /// held-out part would cost more accuracy than stopping saves.
    static let earlyStoppingRows = 10_000

    static func train(_ x: FeatureMatrix, _ y: [Int32], classCount k: Int, options: ClassifierOptions,
                      progress: ((Int, Int) -> Void)?) throws(FrameError) -> GradientBoosting {
        let stopEarly = options.earlyStopping ?? (x.rows > earlyStoppingRows)
        var fitRows = Array(0..<x.rows), checkRows: [Int] = []
        if stopEarly, k > 1 {
            (fitRows, checkRows) = stratifiedSplit(y, classCount: k, testFraction: options.validationFraction, seed: options.seed ^ 0xB0057)
        }
        let yFit = checkRows.isEmpty ? y : fitRows.map { y[$0] }
        let xCheck = x.rows(checkRows), yCheck = checkRows.map { y[$0] }
        let n = fitRows.count, d = x.columns, m = xCheck.rows
        let chosen = settings(options, classes: k)
        // Trees are grown on bin codes: the fit rows as floats are only needed to make them.
        let (bins, codes) = { () -> (FeatureBins, [UInt16]) in
            let xFit = checkRows.isEmpty ? x : x.rows(fitRows)
            let bins = FeatureBins(xFit, maxBins: chosen.bins)
            return (bins, bins.codes(xFit))
        }()

        var prior = [Double](repeating: 0, count: k)
        for c in yFit { prior[Int(c)] += 1 }
        let baseline = prior.map { Float(Foundation.log(max($0, 1e-3) / Double(max(1, n)))) }

        let grower = TreeGrower(codes: codes, rows: n, features: d, edges: bins.edges,
                                maxLeaves: options.maxLeaves, maxDepth: options.maxDepth > 0 ? options.maxDepth : Int.max,
                                minLeaf: options.minLeaf ?? defaultMinLeaf, l2: options.l2, maxStep: options.maxStep,
                                rate: Float(chosen.learning), binSlots: chosen.bins + 1,
                                topRate: chosen.top, otherRate: chosen.other, classes: k, seed: options.seed ^ 0x6055)
        let workers = max(1, min(options.threads, k))
        let scratch = (0..<workers).map { _ in GrowerScratch(grower) }

        // Scores class-major (class c's scores contiguous): each class's tree reads and updates its own run.
        var score = [Float](repeating: 0, count: n * k), checkScore = [Float](repeating: 0, count: m * k)
        for c in 0..<k {
            for r in 0..<n { score[c * n + r] = baseline[c] }
            for r in 0..<m { checkScore[c * m + r] = baseline[c] }
        }
        var logNormalizer = [Float](repeating: 0, count: n)
        var trees: [[BoostNode]] = []
        var bestLoss = Double.infinity, bestRounds = 0, stale = 0
        for round in 0..<options.rounds {
            logSumExp(score, rows: n, classes: k, into: &logNormalizer)
            var roundTrees = [[BoostNode]](repeating: [], count: k)
            try score.withUnsafeMutableBufferPointer { (s) throws(FrameError) in
                try roundTrees.withUnsafeMutableBufferPointer { (out) throws(FrameError) in
                    try logNormalizer.withUnsafeBufferPointer { (lse) throws(FrameError) in
                        try yFit.withUnsafeBufferPointer { (labels) throws(FrameError) in
                            let shared = UncheckedSendable((s.baseAddress!, out.baseAddress!, lse.baseAddress!, labels.baseAddress!))
                            try parallelChunks(k, threads: workers) { c, worker in
                                let (s, out, lse, labels) = shared.value
                                out[c] = grower.grow(class: Int32(c), round: round, scores: s + c &* n, logNormalizer: lse,
                                                     labels: labels, scratch: scratch[worker])
                            }
                        }
                    }
                }
            }
            trees += roundTrees
            progress?(round + 1, options.rounds)
            guard m > 0 else { continue }
            try checkScore.withUnsafeMutableBufferPointer { (s) throws(FrameError) in
                let shared = UncheckedSendable(s.baseAddress!)
                try parallelChunks(k, threads: workers) { c, _ in
                    let out = shared.value + c &* m
                    xCheck.values.withUnsafeBufferPointer { xv in
                        for r in 0..<m { out[r] += treeValue(roundTrees[c], xv.baseAddress! + r &* d) }
                    }
                }
            }
            let loss = logLoss(checkScore, labels: yCheck, classes: k)
            if loss < bestLoss - options.tolerance {
                bestLoss = loss
                bestRounds = round + 1
                stale = 0
            } else {
                stale += 1
                if stale >= chosen.patience { break }
            }
        }
        if m > 0 { trees.removeLast(trees.count - bestRounds * k) }
        return GradientBoosting(classCount: k, featureCount: d, baseline: baseline, trees: trees)
    }

    /// Mean -log p(true class) of class-major scores.
    private static func logLoss(_ score: [Float], labels: [Int32], classes k: Int) -> Double {
        let m = labels.count
        var lse = [Float](repeating: 0, count: m)
        logSumExp(score, rows: m, classes: k, into: &lse)
        var sum = 0.0
        for r in 0..<m { sum += Double(lse[r] - score[Int(labels[r]) * m + r]) }
        return sum / Double(max(1, m))
    }

    var memoryBytes: Int { trees.reduce(baseline.count * 4) { $0 + $1.count * MemoryLayout<BoostNode>.stride } }

    func predictProbabilities(_ x: FeatureMatrix, threads: Int) throws(FrameError) -> [Float] {
        let k = classCount, d = featureCount, rounds = trees.count / max(1, k)
        var out = [Float](repeating: 0, count: x.rows * k)
        let chunks = (x.rows + rowsPerChunk - 1) / rowsPerChunk
        try out.withUnsafeMutableBufferPointer { (o) throws(FrameError) in
            let shared = UncheckedSendable(o.baseAddress!)
            try parallelChunks(chunks, threads: threads) { chunk, _ in
                let lo = chunk * rowsPerChunk, hi = min(x.rows, lo + rowsPerChunk)
                x.values.withUnsafeBufferPointer { xv in
                    for r in lo..<hi {
                        let row = xv.baseAddress! + r &* d, scores = shared.value + r &* k
                        for c in 0..<k { scores[c] = baseline[c] }
                        for t in 0..<rounds {
                            for c in 0..<k { scores[c] += treeValue(trees[t &* k &+ c], row) }
                        }
                    }
                }
                softmaxRows(shared.value + lo &* k, rows: hi - lo, classes: k)
            }
        }
        return out
    }

    func write(to w: inout ByteWriter) {
        w.write(classCount); w.write(featureCount); w.write(baseline); w.write(trees.count)
        for t in trees {
            w.write(t.map(\.feature)); w.write(t.map(\.threshold)); w.write(t.map(\.child)); w.write(t.map { UInt8($0.missingLeft ? 1 : 0) })
        }
    }

    static func read(from r: inout ByteReader) throws -> GradientBoosting {
        let k = try r.readCount(), d = try r.readCount(), baseline = try r.readArray(Float.self), count = try r.readCount()
        let bad = ModelError("cannot read boosted trees: inconsistent trees; delete the cached file to retrain")
        guard k > 0, baseline.count == k, count % k == 0 else { throw bad }
        var trees: [[BoostNode]] = []
        for _ in 0..<count {
            let feature = try r.readArray(Int32.self), threshold = try r.readArray(Float.self)
            let child = try r.readArray(Int32.self), missing = try r.readArray(UInt8.self)
            let n = feature.count
            guard n > 0, threshold.count == n, child.count == n, missing.count == n else { throw bad }
            // Children lie after their parent: traversal always terminates.
            for i in 0..<n where feature[i] >= 0 {
                guard Int(feature[i]) < d, Int(child[i]) > i, Int(child[i]) + 1 < n else { throw bad }
            }
            trees.append((0..<n).map { BoostNode(feature: feature[$0], threshold: threshold[$0], child: child[$0], missingLeft: missing[$0] != 0) })
        }
        return GradientBoosting(classCount: k, featureCount: d, baseline: baseline, trees: trees)
    }
}

/// The leaf value a tree gives one row.
@inline(__always) func treeValue(_ nodes: [BoostNode], _ row: UnsafePointer<Float>) -> Float {
    nodes.withUnsafeBufferPointer { treeValue($0, row) }
}

@inline(__always) func treeValue(_ nodes: UnsafeBufferPointer<BoostNode>, _ row: UnsafePointer<Float>) -> Float {
    var i = 0
    while nodes[i].feature >= 0 {
        let node = nodes[i], v = row[Int(node.feature)]
        let left = v.isNaN ? node.missingLeft : v <= node.threshold
        i = Int(node.child) &+ (left ? 0 : 1)
    }
    return nodes[i].threshold
}

/// The k-th largest of values[0..<count] (1-based k <= count), by quickselect; reorders `values`.
func kthLargest(_ values: UnsafeMutablePointer<Float>, count: Int, k: Int) -> Float {
    var lo = 0, hi = count &- 1
    let target = k &- 1
    while lo < hi {
        // Median of three as the pivot; Hoare's scheme stops on equal values, so ties split evenly.
        let mid = lo &+ (hi &- lo) / 2
        let a = values[lo], b = values[mid], c = values[hi]
        let pivot = max(min(a, b), min(max(a, b), c))
        var i = lo, j = hi
        while i <= j {
            while values[i] > pivot { i &+= 1 }
            while values[j] < pivot { j &-= 1 }
            if i <= j {
                let t = values[i]; values[i] = values[j]; values[j] = t
                i &+= 1; j &-= 1
            }
        }
        if target <= j { hi = j } else if target >= i { lo = i } else { return values[target] }
    }
    return values[target]
}

/// log(sum over classes of exp(score)) for each row of class-major scores, max-shifted.
func logSumExp(_ score: [Float], rows n: Int, classes k: Int, into out: inout [Float]) {
    score.withUnsafeBufferPointer { s in
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<n { o[r] = -Float.infinity }
            for c in 0..<k {
                let run = s.baseAddress! + c &* n
                for r in 0..<n { o[r] = max(o[r], run[r]) }
            }
            var sum = [Float](repeating: 0, count: n)
            for c in 0..<k { trq_exp_sum_add(simdLevel, s.baseAddress! + c &* n, o.baseAddress!, Int64(n), &sum) }
            for r in 0..<n { o[r] += Foundation.log(sum[r]) }
        }
    }
}

/// One bin of a node's gradient histogram.
struct GradientBin {
    var g: Double
    var h: Double
    var n: Int
}

/// A worker's buffers for growing trees, reused across trees.
final class GrowerScratch: @unchecked Sendable {
    let index: UnsafeMutablePointer<Int32>
    /// Rows going right while `route` splits a range.
    let spare: UnsafeMutablePointer<Int32>
    let g: UnsafeMutablePointer<Float>
    let h: UnsafeMutablePointer<Float>
    let orderedG: UnsafeMutablePointer<Float>
    let orderedH: UnsafeMutablePointer<Float>
    /// One histogram per live leaf (at most max_leaves + 1 at a time).
    let histograms: UnsafeMutablePointer<GradientBin>
    let slotSize: Int

    init(_ grower: TreeGrower) {
        let n = max(1, grower.rows)
        index = .allocate(capacity: n)
        spare = .allocate(capacity: n)
        g = .allocate(capacity: n)
        h = .allocate(capacity: n)
        orderedG = .allocate(capacity: n)
        orderedH = .allocate(capacity: n)
        slotSize = grower.features &* grower.binSlots
        histograms = .allocate(capacity: slotSize &* (grower.maxLeaves &+ 1))
    }

    deinit {
        index.deallocate(); spare.deallocate(); g.deallocate(); h.deallocate(); orderedG.deallocate(); orderedH.deallocate()
        histograms.deallocate()
    }
}

/// Grows one regression tree on gradients and hessians over binned data (column-major codes,
/// a feature's missing code is its value-bin count); shared read-only by the worker threads.
struct TreeGrower: @unchecked Sendable {
    let codes: [UInt16]
    let rows: Int
    let features: Int
    let edges: [[Float]]
    let maxLeaves: Int
    let maxDepth: Int
    let minLeaf: Int
    let l2: Double
    /// The largest |G / (H + l2)| a leaf takes before shrinkage (0: no limit).
    let maxStep: Double
    let rate: Float
    /// Histogram slots per feature: value bins plus the missing bin.
    let binSlots: Int
    /// As scikit-learn: a side whose hessian sum is below this is not split off.
    let minHessian = 1e-3
    /// GOSS (see `sample`): the share of rows kept by largest |g|, the share sampled from the rest;
    /// `classes` and `seed` make each tree's sample its own seeded stream.
    let topRate: Double
    let otherRate: Double
    let classes: Int
    let seed: UInt64
    var sampling: Bool { topRate + otherRate < 1 }

    struct Split {
        var gain: Double
        var feature: Int
        var bin: Int
        var missingLeft: Bool
        var leftG: Double
        var leftH: Double
    }

    struct Leaf {
        var node: Int
        var lo: Int
        var hi: Int
        var g: Double
        var h: Double
        var depth: Int
        var slot: Int
        var split: Split?
    }

    /// Grows class `c`'s tree for round `round` and adds its leaf values to the class's `scores`.
    func grow(class c: Int32, round: Int, scores: UnsafeMutablePointer<Float>, logNormalizer: UnsafePointer<Float>,
              labels: UnsafePointer<Int32>, scratch: GrowerScratch) -> [BoostNode] {
        let n = rows
        // g = p - y and h = p (1 - p) with a vectorized exp: n exps per tree, the most of any step.
        trq_softmax_gradient(simdLevel, scores, logNormalizer, labels, c, Int64(n), scratch.g, scratch.h)
        let sampled = sampling ? sample(seed: seed, stream: UInt64(round) &* UInt64(classes) &+ UInt64(c), scratch: scratch) : n
        if !sampling {
            for r in 0..<n { scratch.index[r] = Int32(truncatingIfNeeded: r) }
        }
        var totalG = 0.0, totalH = 0.0
        for i in 0..<sampled {
            let r = Int(scratch.index[i])
            totalG += Double(scratch.g[r])
            totalH += Double(scratch.h[r])
        }
        return codes.withUnsafeBufferPointer { codes in
            let (nodes, bins) = grow(codes: codes.baseAddress!, count: sampled, totalG: totalG, totalH: totalH, scores: scores,
                                     scratch: scratch)
            route(nodes, bins: bins, codes: codes.baseAddress!, lo: sampled, hi: n, scores: scores, scratch: scratch)
            return nodes
        }
    }

    /// Adds the finished tree's leaf values to the rows index[lo..<hi] it was not grown on, by
    /// splitting them node by node (`bins`: each internal node's split bin). Each split is one
    /// branch-free pass over a column: walking each row down the tree instead is a chain of
    /// dependent loads and mispredicted branches, and cost 3x as much.
    private func route(_ nodes: [BoostNode], bins: [Int32], codes: UnsafePointer<UInt16>, lo: Int, hi: Int,
                       scores: UnsafeMutablePointer<Float>, scratch: GrowerScratch) {
        let index = scratch.index, spare = scratch.spare
        var pending = [(node: 0, lo: lo, hi: hi)]
        while let (node, lo, hi) = pending.popLast() {
            guard hi > lo else { continue }
            let split = nodes[node]
            guard split.feature >= 0 else {
                for i in lo..<hi { scores[Int(index[i])] += split.threshold }
                continue
            }
            let f = Int(split.feature), bin = Int(bins[node]), column = codes + f &* rows
            // A row goes right when bin < code < upper (upper: the missing code if missing values
            // go left, else beyond every code): one unsigned compare.
            let upper = split.missingLeft ? edges[f].count &+ 1 : Int.max
            let span = UInt(bitPattern: upper &- bin &- 1)
            var left = lo, right = 0
            for i in lo..<hi {
                let r = index[i]
                let step = UInt(bitPattern: Int(column[Int(r)]) &- bin &- 1) < span ? 1 : 0
                // Written to both sides, kept on one: no branch on the row's direction.
                index[left] = r
                spare[right] = r
                left &+= 1 &- step
                right &+= step
            }
            (index + left).update(from: spare, count: right)
            pending.append((Int(split.child), lo, left))
            pending.append((Int(split.child) &+ 1, left, hi))
        }
    }

    /// Gradient-based one-side sampling (LightGBM's GOSS, Ke et al. 2017): the `topRate` x n rows
    /// with the largest |g| (ties in row order), and of the rest each with probability
    /// otherRate / (1 - topRate), its g and h scaled up by the inverse so the sums stay unbiased.
    /// With many classes nearly every row's gradient for one class is about its small p, so the
    /// tree is grown on a fraction of the rows at little loss. Writes the chosen rows to
    /// index[0..<s] (ascending), the others to index[s..<n], and returns s.
    func sample(seed: UInt64, stream: UInt64, scratch: GrowerScratch) -> Int {
        let n = rows, top = min(n, Int(topRate * Double(n)))
        // The |g| cut is the quantile of every stride-th row (exact below 8,192 rows): a full
        // selection cost as much as a shallow tree, and the top share only needs to be about right.
        let stride = max(1, n / 8192), probes = (n + stride &- 1) / stride
        let magnitude = scratch.orderedG
        for i in 0..<probes { magnitude[i] = abs(scratch.g[i &* stride]) }
        let cut = top > 0 ? kthLargest(magnitude, count: probes, k: max(1, top / stride)) : Float.infinity
        var above = 0
        for r in 0..<n where abs(scratch.g[r]) > cut { above &+= 1 }
        var tiesLeft = top &- above
        let keep = otherRate / max(1e-9, 1 - topRate), weight = Float(1 / keep)
        var rng = SeededGenerator(seed: seed, stream: stream)
        var front = 0, back = n
        for r in 0..<n {
            let a = abs(scratch.g[r])
            var chosen = a > cut
            if !chosen, a == cut, tiesLeft > 0 {
                chosen = true
                tiesLeft &-= 1
            } else if !chosen, rng.nextDouble() < keep {
                chosen = true
                scratch.g[r] *= weight
                scratch.h[r] *= weight
            }
            if chosen {
                scratch.index[front] = Int32(truncatingIfNeeded: r)
                front &+= 1
            } else {
                back &-= 1
                scratch.index[back] = Int32(truncatingIfNeeded: r)
            }
        }
        return front
    }

    /// Grows the tree on the rows index[0..<count]; returns it and each internal node's split bin.
    private func grow(codes: UnsafePointer<UInt16>, count: Int, totalG: Double, totalH: Double, scores: UnsafeMutablePointer<Float>,
                      scratch: GrowerScratch) -> (nodes: [BoostNode], bins: [Int32]) {
        var nodes = [BoostNode.leaf(0)], bins: [Int32] = [0]
        var freeSlots = Array((1...maxLeaves).reversed())
        buildHistogram(slot: 0, lo: 0, hi: count, codes: codes, scratch: scratch, root: count == rows)
        var root = Leaf(node: 0, lo: 0, hi: count, g: totalG, h: totalH, depth: 0, slot: 0)
        root.split = bestSplit(root, scratch: scratch)
        var leaves = [root]
        while leaves.count < maxLeaves {
            var pick = -1, bestGain = 0.0
            for (i, leaf) in leaves.enumerated() {
                if let s = leaf.split, s.gain > bestGain { bestGain = s.gain; pick = i }
            }
            guard pick >= 0 else { break }
            let parent = leaves[pick], split = parent.split!
            let column = codes + split.feature &* rows, missingCode = edges[split.feature].count &+ 1
            var lo = parent.lo, hi = parent.hi &- 1
            while lo <= hi {
                let code = Int(column[Int(scratch.index[lo])])
                if code == missingCode ? split.missingLeft : code <= split.bin {
                    lo &+= 1
                } else {
                    swap(&scratch.index[lo], &scratch.index[hi])
                    hi &-= 1
                }
            }
            let leftNode = nodes.count
            nodes.append(.leaf(0))
            nodes.append(.leaf(0))
            bins[parent.node] = Int32(split.bin)
            bins += [0, 0]
            let threshold = split.bin < edges[split.feature].count ? edges[split.feature][split.bin] : Float.infinity
            nodes[parent.node] = BoostNode(feature: Int32(split.feature), threshold: threshold, child: Int32(leftNode),
                                           missingLeft: split.missingLeft)
            var left = Leaf(node: leftNode, lo: parent.lo, hi: lo, g: split.leftG, h: split.leftH, depth: parent.depth &+ 1, slot: -1)
            var right = Leaf(node: leftNode &+ 1, lo: lo, hi: parent.hi, g: parent.g - split.leftG, h: parent.h - split.leftH,
                             depth: parent.depth &+ 1, slot: -1)
            let splittable = left.depth < maxDepth && (left.hi - left.lo >= 2 &* minLeaf || right.hi - right.lo >= 2 &* minLeaf)
                && leaves.count &+ 1 < maxLeaves
            if splittable {
                // The smaller child is counted from its rows; the larger is the parent minus it.
                let smallIsLeft = left.hi &- left.lo <= right.hi &- right.lo
                let slot = freeSlots.removeLast()
                if smallIsLeft {
                    buildHistogram(slot: slot, lo: left.lo, hi: left.hi, codes: codes, scratch: scratch, root: false)
                    left.slot = slot; right.slot = parent.slot
                } else {
                    buildHistogram(slot: slot, lo: right.lo, hi: right.hi, codes: codes, scratch: scratch, root: false)
                    right.slot = slot; left.slot = parent.slot
                }
                let big = scratch.histograms + parent.slot &* scratch.slotSize, small = scratch.histograms + slot &* scratch.slotSize
                for i in 0..<scratch.slotSize {
                    big[i].g -= small[i].g
                    big[i].h -= small[i].h
                    big[i].n &-= small[i].n
                }
                left.split = bestSplit(left, scratch: scratch)
                right.split = bestSplit(right, scratch: scratch)
                if left.split == nil { freeSlots.append(left.slot) }
                if right.split == nil { freeSlots.append(right.slot) }
            } else {
                freeSlots.append(parent.slot)
            }
            leaves[pick] = left
            leaves.append(right)
        }
        for leaf in leaves {
            let newton = leaf.g / (leaf.h + l2)
            let value = -rate * Float(maxStep > 0 ? min(max(newton, -maxStep), maxStep) : newton)
            nodes[leaf.node] = .leaf(value)
            for i in leaf.lo..<leaf.hi { scores[Int(scratch.index[i])] += value }
        }
        return (nodes, bins)
    }

    /// Sums the gradients of the rows index[lo..<hi] per feature and bin into `slot` (`root`: all
    /// rows, in order).
    private func buildHistogram(slot: Int, lo: Int, hi: Int, codes: UnsafePointer<UInt16>, scratch: GrowerScratch, root: Bool) {
        let hist = scratch.histograms + slot &* scratch.slotSize
        hist.update(repeating: GradientBin(g: 0, h: 0, n: 0), count: scratch.slotSize)
        let count = hi &- lo
        let index = scratch.index + lo
        // Gradients gathered in node order once, so the per-feature passes read them sequentially.
        let og: UnsafePointer<Float>, oh: UnsafePointer<Float>
        if root {
            (og, oh) = (UnsafePointer(scratch.g), UnsafePointer(scratch.h))
        } else {
            for i in 0..<count {
                let r = Int(index[i])
                scratch.orderedG[i] = scratch.g[r]
                scratch.orderedH[i] = scratch.h[r]
            }
            (og, oh) = (UnsafePointer(scratch.orderedG), UnsafePointer(scratch.orderedH))
        }
        for f in 0..<features {
            let column = codes + f &* rows, bins = hist + f &* binSlots
            if root {
                for i in 0..<count {
                    let b = Int(column[i])
                    bins[b].g += Double(og[i]); bins[b].h += Double(oh[i]); bins[b].n &+= 1
                }
            } else {
                for i in 0..<count {
                    let b = Int(column[Int(index[i])])
                    bins[b].g += Double(og[i]); bins[b].h += Double(oh[i]); bins[b].n &+= 1
                }
            }
        }
    }

    /// The split of `leaf` with the largest gain, nil when no split leaves `minLeaf` rows and enough
    /// hessian on both sides or none gains.
    private func bestSplit(_ leaf: Leaf, scratch: GrowerScratch) -> Split? {
        let count = leaf.hi &- leaf.lo
        guard leaf.depth < maxDepth, count >= 2 &* minLeaf else { return nil }
        let parentScore = leaf.g * leaf.g / (leaf.h + l2)
        var best: Split?
        var bestGain = 0.0
        /// `missingLeft` nil: no missing training values here; a missing value later follows the larger side.
        func consider(_ lg: Double, _ lh: Double, _ ln: Int, missingLeft: Bool?, feature: Int, bin: Int) {
            let rn = count &- ln, rg = leaf.g - lg, rh = leaf.h - lh
            guard ln >= minLeaf, rn >= minLeaf, lh >= minHessian, rh >= minHessian else { return }
            let gain = lg * lg / (lh + l2) + rg * rg / (rh + l2) - parentScore
            if gain > bestGain {
                bestGain = gain
                best = Split(gain: gain, feature: feature, bin: bin, missingLeft: missingLeft ?? (ln >= rn),
                             leftG: lg, leftH: lh)
            }
        }
        let hist = scratch.histograms + leaf.slot &* scratch.slotSize
        for f in 0..<features {
            let bins = hist + f &* binSlots
            let valueBins = edges[f].count &+ 1
            let missing = bins[valueBins]
            var g = 0.0, h = 0.0, n = 0
            // The last value bin splits only when there are missing values to put on the other side.
            let last = missing.n > 0 ? valueBins : valueBins &- 1
            for b in 0..<last {
                // An empty bin splits the rows as the previous bin did (except the last value bin,
                // which splits off the missing values).
                if bins[b].n == 0, b < valueBins &- 1 { continue }
                g += bins[b].g; h += bins[b].h; n &+= bins[b].n
                consider(g, h, n, missingLeft: missing.n > 0 ? false : nil, feature: f, bin: b)
                if missing.n > 0, b < valueBins &- 1 {
                    consider(g + missing.g, h + missing.h, n &+ missing.n, missingLeft: true, feature: f, bin: b)
                }
            }
        }
        return best
    }
}
