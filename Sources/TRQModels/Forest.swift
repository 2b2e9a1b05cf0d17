import Foundation
import TRQFrame

/// Per-feature histogram bin edges fitted on training values: bin(v) = number of edges below v,
/// so "bin <= b" is exactly "v <= edges[b]" and trees can store plain thresholds. Features with
/// at most `maxBins` distinct values get one bin per value (exact splits); others get quantile edges.
/// A missing value (NaN) gets the code edges.count + 1, after every value bin.
struct FeatureBins {
    let edges: [[Float]]
    /// The smallest training value in each bin (for drawing random thresholds).
    let lowest: [[Float]]

    init(_ x: FeatureMatrix, maxBins: Int) {
        var edges: [[Float]] = [], lowest: [[Float]] = []
        var column: [Float] = []
        column.reserveCapacity(x.rows)
        for c in 0..<x.columns {
            column.removeAll(keepingCapacity: true)
            for r in 0..<x.rows where !x.values[r * x.columns + c].isNaN { column.append(x.values[r * x.columns + c]) }
            column.sort()
            var distinct: [Float] = []
            for v in column where distinct.last != v { distinct.append(v) }
            var e: [Float] = [], low: [Float] = distinct.isEmpty ? [0] : [distinct[0]]
            if distinct.count <= maxBins {
                for i in 0..<max(0, distinct.count - 1) {
                    e.append(distinct[i] + (distinct[i + 1] - distinct[i]) / 2)
                    low.append(distinct[i + 1])
                }
            } else {
                // Quantile cut points, each placed halfway from a distinct value to the next.
                for q in 1..<maxBins {
                    let v = column[min(column.count - 1, q * column.count / maxBins)]
                    let i = Self.firstIndex(in: distinct, notBelow: v)
                    guard i + 1 < distinct.count else { continue }
                    let cut = distinct[i] + (distinct[i + 1] - distinct[i]) / 2
                    if e.last.map({ cut > $0 }) ?? true {
                        e.append(cut)
                        low.append(distinct[i + 1])
                    }
                }
            }
            edges.append(e)
            lowest.append(low)
        }
        self.edges = edges
        self.lowest = lowest
    }

    private static func firstIndex(in sorted: [Float], notBelow v: Float) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Column-major bin codes (feature c of row r at c * rows + r).
    func codes(_ x: FeatureMatrix) -> [UInt16] {
        var out = [UInt16](repeating: 0, count: x.rows * x.columns)
        for c in 0..<x.columns {
            let e = edges[c]
            for r in 0..<x.rows {
                let v = x.values[r * x.columns + c]
                if v.isNaN {
                    out[c * x.rows + r] = UInt16(e.count + 1)
                    continue
                }
                var lo = 0, hi = e.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if e[mid] < v { lo = mid + 1 } else { hi = mid }
                }
                out[c * x.rows + r] = UInt16(lo)
            }
        }
        return out
    }
}

/// One node of a decision tree, 12 bytes. Internal (feature >= 0): go to child `child` if
/// x[feature] <= threshold, else to `child + 1` (siblings are stored together). Leaf
/// (feature < 0): -feature class probabilities at the tree's leaf arrays from `child`.
struct TreeNode: Sendable, Equatable {
    var feature: Int32
    var threshold: Float
    var child: Int32
}

/// One tree: nodes (root first) and the leaves' sparse class distributions.
struct DecisionTree: Sendable, Equatable {
    var nodes: [TreeNode] = []
    var leafClasses: [UInt16] = []
    var leafProbabilities: [Float] = []
}

/// A forest of decision trees with histogram splits, probabilities averaged over trees. Two kinds
/// of trees (option `split`):
/// - "best": random forest trees (Breiman 2001): bootstrap rows, at each node the best Gini split
///   over a random subset of sqrt(d) features (drawing further features while those tried are
///   constant, as scikit-learn does);
/// - "random": extremely randomized trees (Geurts, Ernst & Wehenkel 2006): all rows, one uniformly
///   drawn threshold per tried feature, the best of those by Gini;
/// - "mixed" (default): even-numbered trees of the first kind, odd-numbered of the second. The two
///   kinds err differently, so their average is more accurate than either with as many trees
///   (on the Spotify genre benchmark, see scripts/bench/MODELS.md).
/// Trees grow until pure unless `max_depth` or `min_leaf` stop them. Split search orders the node's rows by
/// bin (counting sort, or a key sort when the node is small next to its bin range) and sweeps them
/// once, updating the sums of squared class counts incrementally: O(rows) per feature whatever the
/// number of classes. Leaves keep only their non-zero class probabilities, so memory grows with
/// the leaves, not leaves x classes. Trees are built in parallel, each from its own seeded stream.
final class RandomForest: Classifier, @unchecked Sendable {
    var kind: ClassifierKind { .forest }
    let classCount: Int
    let featureCount: Int
    let trees: [DecisionTree]

    init(classCount: Int, featureCount: Int, trees: [DecisionTree]) {
        self.classCount = classCount
        self.featureCount = featureCount
        self.trees = trees
    }

    static func train(_ x: FeatureMatrix, _ y: [Int32], classCount k: Int, options: ClassifierOptions,
                      progress: ((Int, Int) -> Void)?) throws(FrameError) -> RandomForest {
        let bins = FeatureBins(x, maxBins: options.bins ?? ClassifierOptions.defaultBins)
        let d = x.columns
        let tryFeatures = options.maxFeatures > 0 ? min(d, options.maxFeatures) : max(1, Int(Double(d).squareRoot()))
        let builder = TreeBuilder(codes: bins.codes(x), labels: y, rows: x.rows, features: d, classes: k,
                                  tryFeatures: tryFeatures, minLeaf: options.minLeaf ?? 1,
                                  maxDepth: options.maxDepth > 0 ? options.maxDepth : Int.max,
                                  edges: bins.edges, lowest: bins.lowest)
        var trees = [DecisionTree](repeating: DecisionTree(), count: options.trees)
        let workers = max(1, min(options.threads, options.trees))
        let round = workers * 4
        var done = 0
        while done < options.trees {
            let count = min(round, options.trees - done)
            try trees.withUnsafeMutableBufferPointer { (out) throws(FrameError) in
                let shared = UncheckedSendable((out.baseAddress!, done))
                try parallelChunks(count, threads: workers) { i, _ in
                    let t = shared.value.1 + i
                    var rng = SeededGenerator(seed: options.seed, stream: UInt64(t))
                    let randomized = options.split == .random || (options.split == .mixed && t % 2 == 1)
                    shared.value.0[t] = builder.build(rng: &rng, randomized: randomized)
                }
            }
            done += count
            progress?(done, options.trees)
        }
        return RandomForest(classCount: k, featureCount: d, trees: trees)
    }

    var memoryBytes: Int {
        trees.reduce(0) { $0 + $1.nodes.count * MemoryLayout<TreeNode>.stride + $1.leafClasses.count * 6 }
    }

    func predictProbabilities(_ x: FeatureMatrix, threads: Int) throws(FrameError) -> [Float] {
        let k = classCount, d = featureCount, block = 256
        var out = [Float](repeating: 0, count: x.rows * k)
        let chunks = (x.rows + block - 1) / block
        let scale = 1 / Float(max(1, trees.count))
        try out.withUnsafeMutableBufferPointer { (outBuf) throws(FrameError) in
            let o = UncheckedSendable(outBuf.baseAddress!)
            try parallelChunks(chunks, threads: threads) { chunk, _ in
                let lo = chunk * block, hi = min(x.rows, lo + block)
                x.values.withUnsafeBufferPointer { xv in
                    for tree in self.trees {
                        tree.nodes.withUnsafeBufferPointer { nodes in
                            for r in lo..<hi {
                                let row = xv.baseAddress! + r * d
                                var n = 0
                                while nodes[n].feature >= 0 {
                                    let node = nodes[n]
                                    n = Int(node.child) + (row[Int(node.feature)] <= node.threshold ? 0 : 1)
                                }
                                let start = Int(nodes[n].child)
                                for e in start..<(start - Int(nodes[n].feature)) {
                                    o.value[r * k + Int(tree.leafClasses[e])] += tree.leafProbabilities[e] * scale
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    func write(to w: inout ByteWriter) {
        w.write(classCount); w.write(featureCount); w.write(trees.count)
        for t in trees {
            w.write(t.nodes.map(\.feature)); w.write(t.nodes.map(\.threshold)); w.write(t.nodes.map(\.child))
            w.write(t.leafClasses); w.write(t.leafProbabilities)
        }
    }

    static func read(from r: inout ByteReader) throws -> RandomForest {
        let k = try r.readCount(), d = try r.readCount(), count = try r.readCount()
        let bad = ModelError("cannot read forest: inconsistent trees; delete the cached file to retrain")
        var trees: [DecisionTree] = []
        for _ in 0..<count {
            let feature = try r.readArray(Int32.self), threshold = try r.readArray(Float.self), child = try r.readArray(Int32.self)
            let classes = try r.readArray(UInt16.self), probabilities = try r.readArray(Float.self)
            let n = feature.count
            guard n > 0, threshold.count == n, child.count == n, classes.count == probabilities.count,
                  classes.allSatisfy({ Int($0) < k }) else { throw bad }
            for i in 0..<n {
                if feature[i] >= 0 {
                    // Children lie after their parent: traversal always terminates.
                    guard Int(feature[i]) < d, Int(child[i]) > i, Int(child[i]) + 1 < n else { throw bad }
                } else {
                    guard child[i] >= 0, Int(child[i]) - Int(feature[i]) <= classes.count else { throw bad }
                }
            }
            trees.append(DecisionTree(nodes: (0..<n).map { TreeNode(feature: feature[$0], threshold: threshold[$0], child: child[$0]) },
                                      leafClasses: classes, leafProbabilities: probabilities))
        }
        guard !trees.isEmpty else { throw bad }
        return RandomForest(classCount: k, featureCount: d, trees: trees)
    }
}

/// Grows one tree on binned data (column-major codes); shared read-only by the worker threads.
struct TreeBuilder: @unchecked Sendable {
    let codes: [UInt16]
    let labels: [Int32]
    let rows: Int
    let features: Int
    let classes: Int
    let tryFeatures: Int
    let minLeaf: Int
    let maxDepth: Int
    let edges: [[Float]]
    let lowest: [[Float]]

    /// `randomized`: an extremely randomized tree (all rows, random thresholds); else a random
    /// forest tree (bootstrap rows, best thresholds).
    func build(rng: inout SeededGenerator, randomized: Bool) -> DecisionTree {
        codes.withUnsafeBufferPointer { codes in
            labels.withUnsafeBufferPointer { labels in
                build(rng: &rng, randomized: randomized, codes: codes.baseAddress!, labels: labels.baseAddress!)
            }
        }
    }

    private func build(rng: inout SeededGenerator, randomized: Bool, codes: UnsafePointer<UInt16>,
                       labels: UnsafePointer<Int32>) -> DecisionTree {
        // Row multiplicities: a bootstrap sample (rows drawn at least once take part), or all rows once.
        let weight = UnsafeMutablePointer<Int32>.allocate(capacity: rows)
        if randomized {
            weight.initialize(repeating: 1, count: rows)
        } else {
            weight.initialize(repeating: 0, count: rows)
            for _ in 0..<rows { weight[rng.nextInt(below: rows)] &+= 1 }
        }
        var members = 0
        for r in 0..<rows where weight[r] > 0 { members &+= 1 }
        let index = UnsafeMutablePointer<Int32>.allocate(capacity: members)
        let sorted = UnsafeMutablePointer<Int32>.allocate(capacity: members)
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: members)
        let counts = UnsafeMutablePointer<Int64>.allocate(capacity: classes * 3)
        let left = counts + classes, right = left + classes
        let binCount = UnsafeMutablePointer<Int>.allocate(capacity: Int(UInt16.max) + 2)
        // The current node's rows gathered contiguously (labels, weights once per node; bins once
        // per feature tried), so the split loops do not chase row indices.
        let nodeLabel = UnsafeMutablePointer<Int32>.allocate(capacity: members)
        let nodeWeight = UnsafeMutablePointer<Int64>.allocate(capacity: members)
        let nodeBin = UnsafeMutablePointer<UInt16>.allocate(capacity: members)
        defer {
            weight.deallocate(); index.deallocate(); sorted.deallocate(); keys.deallocate()
            counts.deallocate(); binCount.deallocate(); nodeLabel.deallocate(); nodeWeight.deallocate()
            nodeBin.deallocate()
        }
        var m = 0
        for r in 0..<rows where weight[r] > 0 { index[m] = Int32(r); m &+= 1 }
        var order = Array(0..<features)
        var tree = DecisionTree()

        // Depth-first with an explicit stack; siblings are appended together after their parent.
        struct Pending { var node: Int; var lo: Int; var hi: Int; var depth: Int }
        tree.nodes.append(TreeNode(feature: -1, threshold: 0, child: 0))
        var stack = [Pending(node: 0, lo: 0, hi: members, depth: 0)]
        while let job = stack.popLast() {
            let n = job.hi &- job.lo
            counts.update(repeating: 0, count: classes)
            var total: Int64 = 0
            for i in 0..<n {
                let r = Int(index[job.lo &+ i])
                let c = labels[r], w = Int64(weight[r])
                nodeLabel[i] = c
                nodeWeight[i] = w
                counts[Int(c)] &+= w
                total &+= w
            }
            var present = 0
            for c in 0..<classes where counts[c] > 0 { present &+= 1 }
            var best: (feature: Int, bin: Int)?
            if present > 1, n >= 2 &* minLeaf, job.depth < maxDepth {
                var sumSquares: Int64 = 0
                for c in 0..<classes { sumSquares &+= counts[c] &* counts[c] }
                // Like scikit-learn, the best split is taken even without a Gini gain (a later
                // split may separate what this one cannot): every split shrinks both sides, so growth ends.
                var bestScore = -Double.infinity
                var tried = 0, f = 0
                while f < features, tried < tryFeatures {
                    order.swapAt(f, f &+ rng.nextInt(below: features &- f))
                    let feature = order[f]
                    f &+= 1
                    let column = codes + feature &* rows
                    var lowBin = Int(UInt16.max), highBin = 0
                    for i in 0..<n {
                        let b = column[Int(index[job.lo &+ i])]
                        nodeBin[i] = b
                        lowBin = min(lowBin, Int(b))
                        highBin = max(highBin, Int(b))
                    }
                    if lowBin == highBin { continue }  // constant here: does not count as tried
                    tried &+= 1
                    if randomized {
                        // Threshold uniform between the node's smallest and largest value (in bin
                        // terms: the last bin whose smallest value is <= the draw goes left).
                        let values = lowest[feature]
                        let low = Double(values[lowBin]), high = Double(values[highBin])
                        let draw = Float(low + rng.nextDouble() * (high - low))
                        var a = lowBin, b = highBin - 1
                        while a < b {
                            let mid = (a + b + 1) / 2
                            if values[mid] <= draw { a = mid } else { b = mid - 1 }
                        }
                        for c in 0..<classes { left[c] = 0 }
                        var leftWeight: Int64 = 0, leftRows = 0
                        for i in 0..<n {
                            let goesLeft: Int64 = Int(nodeBin[i]) <= a ? 1 : 0
                            let w = nodeWeight[i] &* goesLeft
                            left[Int(nodeLabel[i])] &+= w
                            leftWeight &+= w
                            leftRows &+= Int(goesLeft)
                        }
                        guard leftRows >= minLeaf, n &- leftRows >= minLeaf else { continue }
                        var leftSquares: Int64 = 0, rightSquares: Int64 = 0
                        for c in 0..<classes {
                            leftSquares &+= left[c] &* left[c]
                            let rc = counts[c] &- left[c]
                            rightSquares &+= rc &* rc
                        }
                        let score = Double(leftSquares) / Double(leftWeight) + Double(rightSquares) / Double(total &- leftWeight)
                        if score > bestScore {
                            bestScore = score
                            best = (feature, a)
                        }
                        continue
                    }
                    // The node's positions (0..<n) in bin order.
                    let range = highBin &- lowBin &+ 1
                    if range <= 2 &* n {
                        binCount.update(repeating: 0, count: range &+ 1)
                        for i in 0..<n { binCount[Int(nodeBin[i]) &- lowBin &+ 1] &+= 1 }
                        for b in 0..<range { binCount[b &+ 1] &+= binCount[b] }
                        for i in 0..<n {
                            let b = Int(nodeBin[i]) &- lowBin
                            sorted[binCount[b]] = Int32(truncatingIfNeeded: i)
                            binCount[b] &+= 1
                        }
                    } else {
                        for i in 0..<n { keys[i] = UInt64(nodeBin[i]) << 32 | UInt64(i) }
                        var keyBuffer = UnsafeMutableBufferPointer(start: keys, count: n)
                        keyBuffer.sort()
                        for i in 0..<n { sorted[i] = Int32(truncatingIfNeeded: keys[i] & 0xFFFF_FFFF) }
                    }
                    for c in 0..<classes { left[c] = 0; right[c] = counts[c] }
                    var leftSquares: Int64 = 0, rightSquares = sumSquares
                    var leftWeight: Int64 = 0, leftRows = 0
                    var i = 0
                    while i < n {
                        let bin = nodeBin[Int(sorted[i])]
                        repeat {
                            let at = Int(sorted[i])
                            let c = Int(nodeLabel[at]), w = nodeWeight[at]
                            leftSquares &+= w &* (2 &* left[c] &+ w)
                            rightSquares &-= w &* (2 &* right[c] &- w)
                            left[c] &+= w
                            right[c] &-= w
                            leftWeight &+= w
                            leftRows &+= 1
                            i &+= 1
                        } while i < n && nodeBin[Int(sorted[i])] == bin
                        guard i < n else { break }
                        guard leftRows >= minLeaf, n &- leftRows >= minLeaf else { continue }
                        let score = Double(leftSquares) / Double(leftWeight) + Double(rightSquares) / Double(total &- leftWeight)
                        if score > bestScore {
                            bestScore = score
                            best = (feature, Int(bin))
                        }
                    }
                }
            }
            guard let split = best else {
                let start = Int32(tree.leafClasses.count)
                for c in 0..<classes where counts[c] > 0 {
                    tree.leafClasses.append(UInt16(c))
                    tree.leafProbabilities.append(Float(Double(counts[c]) / Double(total)))
                }
                tree.nodes[job.node] = TreeNode(feature: -Int32(present), threshold: 0, child: start)
                continue
            }
            // Partition the node's rows: bin <= split.bin first.
            let column = codes + split.feature &* rows
            var lo = job.lo, hi = job.hi &- 1
            while lo <= hi {
                if Int(column[Int(index[lo])]) <= split.bin {
                    lo &+= 1
                } else {
                    swap(&index[lo], &index[hi])
                    hi &-= 1
                }
            }
            let leftNode = tree.nodes.count
            tree.nodes.append(TreeNode(feature: -1, threshold: 0, child: 0))
            tree.nodes.append(TreeNode(feature: -1, threshold: 0, child: 0))
            tree.nodes[job.node] = TreeNode(feature: Int32(split.feature), threshold: edges[split.feature][split.bin],
                                            child: Int32(leftNode))
            stack.append(Pending(node: leftNode &+ 1, lo: lo, hi: job.hi, depth: job.depth &+ 1))
            stack.append(Pending(node: leftNode, lo: job.lo, hi: lo, depth: job.depth &+ 1))
        }
        return tree
    }
}
