import Foundation

/// Per-feature histogram bin edges fitted on training values: bin(v) = number of edges below v,
/// so "bin <= b" is exactly "v <= edges[b]" and trees can store plain thresholds. Features with
/// at most `maxBins` distinct values get one bin per value (exact splits); others get quantile edges.
struct FeatureBins {
    let edges: [[Float]]

    init(_ x: FeatureMatrix, maxBins: Int) {
        var edges: [[Float]] = []
        var column = [Float](repeating: 0, count: x.rows)
        for c in 0..<x.columns {
            for r in 0..<x.rows { column[r] = x.values[r * x.columns + c] }
            column.sort()
            var distinct: [Float] = []
            for v in column where distinct.last != v { distinct.append(v) }
            var e: [Float] = []
            if distinct.count <= maxBins {
                for i in 0..<max(0, distinct.count - 1) { e.append(distinct[i] + (distinct[i + 1] - distinct[i]) / 2) }
            } else {
                // Quantile cut points, each placed halfway to the next distinct value.
                for q in 1..<maxBins {
                    let v = column[min(column.count - 1, q * column.count / maxBins)]
                    guard let i = distinct.firstIndex(where: { $0 >= v }), i + 1 < distinct.count else { continue }
                    let cut = distinct[i] + (distinct[i + 1] - distinct[i]) / 2
                    if e.last.map({ cut > $0 }) ?? true { e.append(cut) }
                }
            }
            edges.append(e)
        }
        self.edges = edges
    }

    /// Column-major bin codes (feature c of row r at c * rows + r).
    func codes(_ x: FeatureMatrix) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: x.rows * x.columns)
        for c in 0..<x.columns {
            let e = edges[c]
            for r in 0..<x.rows {
                let v = x.values[r * x.columns + c]
                var lo = 0, hi = e.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if e[mid] < v { lo = mid + 1 } else { hi = mid }
                }
                out[c * x.rows + r] = UInt8(lo)
            }
        }
        return out
    }
}

/// One node of a decision tree. Internal: go to `left` if x[feature] <= threshold, else `right`.
/// Leaf (feature < 0): class probabilities in the forest's leaf arrays at left..<right.
struct TreeNode: Sendable, Equatable {
    var feature: Int32
    var threshold: Float
    var left: Int32
    var right: Int32
}

/// A random forest (Breiman 2001) with histogram splits: bootstrap rows per tree, at each node
/// the best Gini split over a random subset of sqrt(d) features (drawing further features while
/// those tried are constant, as scikit-learn does), trees grown until pure unless `max_depth` or
/// `min_leaf` stop them, probabilities averaged over trees. Split search sorts the node's rows by
/// bin (counting sort for large nodes) and sweeps them once, updating the sums of squared class
/// counts incrementally: O(rows) per feature, independent of the number of classes.
/// Trees are built in parallel, each from its own seeded stream.
final class RandomForest: Classifier, @unchecked Sendable {
    var kind: ClassifierKind { .forest }
    let classCount: Int
    let featureCount: Int
    /// Node ranges of each tree in `nodes`.
    let treeStart: [Int32]
    let nodes: [TreeNode]
    let leafClasses: [UInt16]
    let leafProbabilities: [Float]

    init(classCount: Int, featureCount: Int, treeStart: [Int32], nodes: [TreeNode], leafClasses: [UInt16], leafProbabilities: [Float]) {
        self.classCount = classCount
        self.featureCount = featureCount
        self.treeStart = treeStart
        self.nodes = nodes
        self.leafClasses = leafClasses
        self.leafProbabilities = leafProbabilities
    }

    var treeCount: Int { treeStart.count - 1 }

    /// A tree under construction (node indices local to the tree).
    struct Tree {
        var nodes: [TreeNode] = []
        var leafClasses: [UInt16] = []
        var leafProbabilities: [Float] = []
    }

    static func train(_ x: FeatureMatrix, _ y: [Int32], classCount k: Int, options: ClassifierOptions,
                      progress: ((Int, Int) -> Void)?) -> RandomForest {
        let bins = FeatureBins(x, maxBins: options.bins)
        let codes = bins.codes(x)
        let d = x.columns
        let tryFeatures = options.maxFeatures > 0 ? min(d, options.maxFeatures) : max(1, Int(Double(d).squareRoot()))
        let builder = TreeBuilder(codes: codes, labels: y, rows: x.rows, features: d, classes: k,
                                  tryFeatures: tryFeatures, minLeaf: options.minLeaf,
                                  maxDepth: options.maxDepth > 0 ? options.maxDepth : Int.max)
        var trees = [Tree](repeating: Tree(), count: options.trees)
        let workers = max(1, min(options.threads, options.trees))
        let round = workers * 4
        var done = 0
        while done < options.trees {
            let count = min(round, options.trees - done)
            trees.withUnsafeMutableBufferPointer { out in
                let shared = UncheckedSendable((out.baseAddress!, done))
                parallelChunks(count, threads: workers) { i, _ in
                    let t = shared.value.1 + i
                    var rng = SeededGenerator(seed: options.seed, stream: UInt64(t))
                    shared.value.0[t] = builder.build(rng: &rng, bins: bins)
                }
            }
            done += count
            progress?(done, options.trees)
        }
        var treeStart: [Int32] = [0], nodes: [TreeNode] = [], leafClasses: [UInt16] = [], leafProbabilities: [Float] = []
        for tree in trees {
            let base = Int32(leafClasses.count)
            nodes += tree.nodes.map { n in
                n.feature < 0 ? TreeNode(feature: -1, threshold: 0, left: n.left + base, right: n.right + base) : n
            }
            leafClasses += tree.leafClasses
            leafProbabilities += tree.leafProbabilities
            treeStart.append(Int32(nodes.count))
        }
        return RandomForest(classCount: k, featureCount: d, treeStart: treeStart, nodes: nodes,
                            leafClasses: leafClasses, leafProbabilities: leafProbabilities)
    }

    func predictProbabilities(_ x: FeatureMatrix, threads: Int) -> [Float] {
        let k = classCount, d = featureCount, block = 256
        var out = [Float](repeating: 0, count: x.rows * k)
        let chunks = (x.rows + block - 1) / block
        let scale = 1 / Float(max(1, treeCount))
        out.withUnsafeMutableBufferPointer { outBuf in
            let o = UncheckedSendable(outBuf.baseAddress!)
            parallelChunks(chunks, threads: threads) { chunk, _ in
                let lo = chunk * block, hi = min(x.rows, lo + block)
                for t in 0..<self.treeCount {
                    let root = Int(self.treeStart[t])
                    for r in lo..<hi {
                        var n = root
                        while self.nodes[n].feature >= 0 {
                            let node = self.nodes[n]
                            n = root + Int(x.values[r * d + Int(node.feature)] <= node.threshold ? node.left : node.right)
                        }
                        let leaf = self.nodes[n]
                        for e in Int(leaf.left)..<Int(leaf.right) {
                            o.value[r * k + Int(self.leafClasses[e])] += self.leafProbabilities[e] * scale
                        }
                    }
                }
            }
        }
        return out
    }

    func write(to w: inout ByteWriter) {
        w.write(classCount); w.write(featureCount); w.write(treeStart)
        w.write(nodes.map(\.feature)); w.write(nodes.map(\.threshold)); w.write(nodes.map(\.left)); w.write(nodes.map(\.right))
        w.write(leafClasses); w.write(leafProbabilities)
    }

    static func read(from r: inout ByteReader) throws -> RandomForest {
        let k = try r.readCount(), d = try r.readCount()
        let treeStart = try r.readArray(Int32.self)
        let feature = try r.readArray(Int32.self), threshold = try r.readArray(Float.self)
        let left = try r.readArray(Int32.self), right = try r.readArray(Int32.self)
        let classes = try r.readArray(UInt16.self), probabilities = try r.readArray(Float.self)
        let n = feature.count
        let bad = ModelError("cannot read forest: inconsistent trees; delete the cached file to retrain")
        guard threshold.count == n, left.count == n, right.count == n, classes.count == probabilities.count,
              treeStart.first == 0, treeStart.last == Int32(n), zip(treeStart, treeStart.dropFirst()).allSatisfy({ $0 < $1 }),
              classes.allSatisfy({ Int($0) < k }) else { throw bad }
        for t in 0..<(treeStart.count - 1) {
            let size = treeStart[t + 1] - treeStart[t]
            for i in Int(treeStart[t])..<Int(treeStart[t + 1]) {
                if feature[i] >= 0 {
                    // Children lie after their parent: traversal always terminates.
                    let local = Int32(i) - treeStart[t]
                    guard Int(feature[i]) < d, left[i] > local, left[i] < size, right[i] > local, right[i] < size else { throw bad }
                } else {
                    guard left[i] >= 0, left[i] <= right[i], Int(right[i]) <= classes.count else { throw bad }
                }
            }
        }
        let nodes = (0..<n).map { TreeNode(feature: feature[$0], threshold: threshold[$0], left: left[$0], right: right[$0]) }
        return RandomForest(classCount: k, featureCount: d, treeStart: treeStart, nodes: nodes,
                            leafClasses: classes, leafProbabilities: probabilities)
    }
}

/// Grows one tree on binned data; shared read-only by the worker threads.
struct TreeBuilder: @unchecked Sendable {
    let codes: [UInt8]
    let labels: [Int32]
    let rows: Int
    let features: Int
    let classes: Int
    let tryFeatures: Int
    let minLeaf: Int
    let maxDepth: Int

    func build(rng: inout SeededGenerator, bins: FeatureBins) -> RandomForest.Tree {
        // Bootstrap: multiplicities per row; rows drawn at least once take part.
        var weight = [Int32](repeating: 0, count: rows)
        for _ in 0..<rows { weight[rng.nextInt(below: rows)] += 1 }
        var index = (0..<rows).filter { weight[$0] > 0 }.map { Int32($0) }
        var tree = RandomForest.Tree()
        var scratch = [Int32](repeating: 0, count: index.count)
        var keys: [UInt64] = []
        var counts = [Int64](repeating: 0, count: classes)
        var left = [Int64](repeating: 0, count: classes), right = left
        var binCount = [Int](repeating: 0, count: 257)
        var order = Array(0..<features)

        // Depth-first with an explicit stack; children are appended after their parent.
        struct Pending { var node: Int; var lo: Int; var hi: Int; var depth: Int }
        tree.nodes.append(TreeNode(feature: -1, threshold: 0, left: 0, right: 0))
        var stack = [Pending(node: 0, lo: 0, hi: index.count, depth: 0)]
        while let job = stack.popLast() {
            let n = job.hi - job.lo
            for c in 0..<classes { counts[c] = 0 }
            var total: Int64 = 0
            for i in job.lo..<job.hi {
                let r = Int(index[i])
                counts[Int(labels[r])] += Int64(weight[r])
                total += Int64(weight[r])
            }
            let pure = counts.filter { $0 > 0 }.count <= 1
            var best: (feature: Int, bin: Int, score: Double)?
            if !pure, n >= 2 * minLeaf, job.depth < maxDepth {
                var sumSquares: Int64 = 0
                for c in 0..<classes { sumSquares += counts[c] * counts[c] }
                // Like scikit-learn, the best split is taken even without a Gini gain (a later
                // split may separate what this one cannot): every split shrinks both sides, so growth ends.
                var bestScore = -Double.infinity
                var tried = 0, f = 0
                while f < features, tried < tryFeatures {
                    let j = f + rng.nextInt(below: features - f)
                    order.swapAt(f, j)
                    let feature = order[f]
                    f += 1
                    let column = feature * rows
                    // Rows of the node sorted by bin: a counting sort for large nodes, else a key sort.
                    var lowBin = 255, highBin = 0
                    for i in job.lo..<job.hi {
                        let b = Int(codes[column + Int(index[i])])
                        lowBin = min(lowBin, b)
                        highBin = max(highBin, b)
                    }
                    if lowBin == highBin { continue }  // constant here: does not count as tried
                    tried += 1
                    if n > 512 {
                        for b in 0...256 { binCount[b] = 0 }
                        for i in job.lo..<job.hi { binCount[Int(codes[column + Int(index[i])]) + 1] += 1 }
                        for b in 0..<256 { binCount[b + 1] += binCount[b] }
                        for i in job.lo..<job.hi {
                            let b = Int(codes[column + Int(index[i])])
                            scratch[binCount[b]] = index[i]
                            binCount[b] += 1
                        }
                    } else {
                        keys.removeAll(keepingCapacity: true)
                        for i in job.lo..<job.hi {
                            keys.append(UInt64(codes[column + Int(index[i])]) << 32 | UInt64(UInt32(bitPattern: index[i])))
                        }
                        keys.sort()
                        for (i, key) in keys.enumerated() { scratch[i] = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF) }
                    }
                    for c in 0..<classes { left[c] = 0; right[c] = counts[c] }
                    var leftSquares: Int64 = 0, rightSquares = sumSquares
                    var leftWeight: Int64 = 0, leftRows = 0
                    var i = 0
                    while i < n {
                        let bin = codes[column + Int(scratch[i])]
                        while i < n, codes[column + Int(scratch[i])] == bin {
                            let r = Int(scratch[i])
                            let c = Int(labels[r]), w = Int64(weight[r])
                            leftSquares += w * (2 * left[c] + w)
                            rightSquares -= w * (2 * right[c] - w)
                            left[c] += w
                            right[c] -= w
                            leftWeight += w
                            leftRows += 1
                            i += 1
                        }
                        guard i < n else { break }
                        guard leftRows >= minLeaf, n - leftRows >= minLeaf else { continue }
                        let score = Double(leftSquares) / Double(leftWeight) + Double(rightSquares) / Double(total - leftWeight)
                        if score > bestScore {
                            bestScore = score
                            best = (feature, Int(bin), score)
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
                tree.nodes[job.node] = TreeNode(feature: -1, threshold: 0, left: start, right: Int32(tree.leafClasses.count))
                continue
            }
            // Partition the node's rows: bin <= split.bin first.
            let column = split.feature * rows
            var lo = job.lo, hi = job.hi - 1
            while lo <= hi {
                if Int(codes[column + Int(index[lo])]) <= split.bin {
                    lo += 1
                } else {
                    index.swapAt(lo, hi)
                    hi -= 1
                }
            }
            let leftNode = tree.nodes.count, rightNode = leftNode + 1
            tree.nodes.append(TreeNode(feature: -1, threshold: 0, left: 0, right: 0))
            tree.nodes.append(TreeNode(feature: -1, threshold: 0, left: 0, right: 0))
            tree.nodes[job.node] = TreeNode(feature: Int32(split.feature), threshold: bins.edges[split.feature][split.bin],
                                            left: Int32(leftNode), right: Int32(rightNode))
            stack.append(Pending(node: rightNode, lo: lo, hi: job.hi, depth: job.depth + 1))
            stack.append(Pending(node: leftNode, lo: job.lo, hi: lo, depth: job.depth + 1))
        }
        return tree
    }
}
