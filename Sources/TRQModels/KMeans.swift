import CModelKernels
import Foundation
import TRQFrame

/// Options of `cluster`: k-means on standardized features.
public struct KMeansOptions: Sendable, Equatable {
    /// Fits from different k-means++ starts; the one with the lowest inertia is kept.
    public var restarts = 10
    /// Lloyd iterations per start at most (a start normally ends earlier, when no row changes cluster).
    public var iterations = 300
    public var seed: UInt64 = 42
    /// Standardize each feature to mean 0 and population standard deviation 1 first.
    public var scale = true
    /// Silhouette is computed exactly up to this many rows, else on a seeded sample of this size.
    public var silhouetteSample = 10_000
    /// Worker threads; results do not depend on it.
    public var threads = defaultThreadCount

    public init() {}

    public static let optionNames = ["restarts", "iterations", "seed", "scale", "silhouette_sample", "threads"]

    public mutating func set(_ name: String, _ value: OptionValue) throws {
        switch name.lowercased() {
        case "restarts": restarts = try value.int(name, in: 1...10_000)
        case "iterations": iterations = try value.int(name, in: 1...1_000_000)
        case "seed": seed = try value.seed(name)
        case "scale": scale = try value.bool(name)
        case "silhouette_sample": silhouetteSample = try value.int(name, in: 2...1_000_000)
        case "threads": threads = try value.int(name, in: 1...1024)
        default: throw unknownOption(name, known: Self.optionNames, context: "cluster")
        }
    }
}

/// A k-means fit: clusters numbered by size, largest first (equal sizes: by their first row).
public struct KMeansResult: Sendable {
    public let k: Int
    /// Row-major k x features centres, in the (standardized) units clustered.
    public let centers: [Double]
    /// The cluster of each row.
    public let labels: [Int32]
    /// Each row's Euclidean distance to its centre.
    public let distances: [Double]
    /// The sum of squared distances to the centres.
    public let inertia: Double
    /// Lloyd iterations of the kept start.
    public let iterations: Int
}

/// Rows x features values (row-major), standardized per feature with the population standard
/// deviation as scikit-learn's StandardScaler (a constant feature becomes 0).
public func standardized(_ values: [Double], rows: Int, features d: Int) -> [Double] {
    var out = values
    for f in 0..<d {
        var sum = 0.0
        for r in 0..<rows { sum += values[r &* d &+ f] }
        let mean = sum / Double(max(1, rows))
        var ss = 0.0
        for r in 0..<rows { let v = values[r &* d &+ f] - mean; ss += v * v }
        let sd = (ss / Double(max(1, rows))).squareRoot()
        let scale = sd > 0 ? 1 / sd : 1
        for r in 0..<rows { out[r &* d &+ f] = (values[r &* d &+ f] - mean) * scale }
    }
    return out
}

/// k-means (Lloyd 1982) with the greedy k-means++ start of Arthur & Vassilvitskii (2007) as
/// scikit-learn does it (2 + ln k candidates per centre, the one lowering the potential most), from
/// `restarts` seeded starts, keeping the lowest inertia. Iterations use Hamerly's (2010) bounds: a
/// row whose upper bound to its centre is below both its lower bound to any other centre and half
/// the distance from its centre to the nearest other centre cannot change cluster and is skipped,
/// so the result is exactly Lloyd's at a fraction of the distance computations. A start ends when
/// no row changes cluster (a fixed point, which scikit-learn's tolerance only approaches). Starts
/// run in parallel, each from its own seeded stream, so the result does not depend on the
/// thread count.
public func kMeans(_ x: [Double], rows n: Int, features d: Int, k: Int, options: KMeansOptions = KMeansOptions()) throws -> KMeansResult {
    guard k >= 1 else { throw ModelError("k \(k) must be at least 1") }
    guard n >= k else { throw ModelError("k-means with k \(k) needs at least \(k) rows with every feature present; there are \(n)") }
    guard d >= 1 else { throw ModelError("k-means needs at least one feature column") }
    // Rows padded to a multiple of 8 doubles for the distance kernel (the padding is zero everywhere).
    let stride = (d + 7) / 8 * 8
    var padded = [Double](repeating: 0, count: n * stride)
    for r in 0..<n { for f in 0..<d { padded[r &* stride &+ f] = x[r &* d &+ f] } }
    var fits = [KMeansFit?](repeating: nil, count: options.restarts)
    try fits.withUnsafeMutableBufferPointer { (out) throws(FrameError) in
        let shared = UncheckedSendable(out.baseAddress!)
        try padded.withUnsafeBufferPointer { (xv) throws(FrameError) in
            let data = UncheckedSendable(xv.baseAddress!)
            try parallelChunks(options.restarts, threads: options.threads) { start, _ in
                var rng = SeededGenerator(seed: options.seed, stream: UInt64(start))
                var fit = KMeansFit(x: data.value, rows: n, features: d, stride: stride, k: k)
                fit.seedPlusPlus(rng: &rng)
                fit.lloyd(maxIterations: options.iterations)
                shared.value[start] = fit
            }
        }
    }
    var best = fits[0]!
    for fit in fits.dropFirst() where fit!.inertia < best.inertia { best = fit! }
    return padded.withUnsafeBufferPointer { best.result(x: $0.baseAddress!) }
}

/// One k-means start: centres, assignments and Hamerly's bounds. Rows and centres are `stride`
/// doubles apart (zero padding after the `d` features), for `trq_squared_distances`.
struct KMeansFit {
    let x: UnsafePointer<Double>
    let n: Int
    let d: Int
    let stride: Int
    let k: Int
    var centers: [Double]
    var labels: [Int32]
    var inertia = Double.infinity
    var iterations = 0

    init(x: UnsafePointer<Double>, rows: Int, features: Int, stride: Int, k: Int) {
        self.x = x
        n = rows
        d = features
        self.stride = stride
        self.k = k
        centers = [Double](repeating: 0, count: k * stride)
        labels = [Int32](repeating: 0, count: rows)
    }

    /// out[j] = squared distance from `point` to rows[j], j < count.
    @inline(__always) func squaredDistances(_ point: UnsafePointer<Double>, _ rows: UnsafePointer<Double>, count: Int,
                                            into out: UnsafeMutablePointer<Double>) {
        trq_squared_distances(simdLevel, point, rows, Int64(count), Int64(stride), out)
    }

    @inline(__always) func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) -> Double {
        var s = 0.0
        squaredDistances(a, b, count: 1, into: &s)
        return s
    }

    /// Greedy k-means++: the first centre uniform, each next one the best of 2 + ln k candidates
    /// drawn with probability proportional to the squared distance to the nearest centre so far.
    mutating func seedPlusPlus(rng: inout SeededGenerator) {
        let trials = 2 + Int(Foundation.log(Double(k)))
        var closest = [Double](repeating: 0, count: n), candidate = [Double](repeating: 0, count: n)
        var best = [Double](repeating: 0, count: n)
        let first = rng.nextInt(below: n)
        for f in 0..<d { centers[f] = x[first &* stride &+ f] }
        closest.withUnsafeMutableBufferPointer { squaredDistances(x + first &* stride, x, count: n, into: $0.baseAddress!) }
        var cumulative = [Double](repeating: 0, count: n)
        for c in 1..<max(1, k) {
            var running = 0.0
            for r in 0..<n { running += closest[r]; cumulative[r] = running }
            var bestPotential = Double.infinity, bestRow = 0
            for _ in 0..<trials {
                // A row drawn in proportion to its squared distance (all rows equal when every distance is 0).
                let row: Int
                if running > 0 {
                    let target = rng.nextDouble() * running
                    var lo = 0, hi = n &- 1
                    while lo < hi {
                        let mid = (lo &+ hi) >> 1
                        if cumulative[mid] <= target { lo = mid &+ 1 } else { hi = mid }
                    }
                    row = lo
                } else {
                    row = rng.nextInt(below: n)
                }
                var p = 0.0
                closest.withUnsafeBufferPointer { closest in
                    candidate.withUnsafeMutableBufferPointer { candidate in
                        squaredDistances(x + row &* stride, x, count: n, into: candidate.baseAddress!)
                        for r in 0..<n {
                            candidate[r] = min(closest[r], candidate[r])
                            p += candidate[r]
                        }
                    }
                }
                if p < bestPotential {
                    bestPotential = p
                    bestRow = row
                    swap(&best, &candidate)
                }
            }
            for f in 0..<d { centers[c &* stride &+ f] = x[bestRow &* stride &+ f] }
            swap(&closest, &best)
        }
    }

    /// Lloyd iterations with Hamerly's bounds until no row changes cluster. The clusters' sums
    /// are kept up to date as rows move, so an iteration costs work only for rows near a border.
    mutating func lloyd(maxIterations: Int) {
        let upper = UnsafeMutablePointer<Double>.allocate(capacity: n), lower = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let label = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let c = UnsafeMutablePointer<Double>.allocate(capacity: k &* stride), sums = UnsafeMutablePointer<Double>.allocate(capacity: k &* d)
        let dist = UnsafeMutablePointer<Double>.allocate(capacity: k)
        var counts = [Int](repeating: 0, count: k), moved = [Double](repeating: 0, count: k), halfGap = [Double](repeating: 0, count: k)
        defer { upper.deallocate(); lower.deallocate(); label.deallocate(); c.deallocate(); sums.deallocate(); dist.deallocate() }
        c.initialize(from: centers, count: k &* stride)
        sums.initialize(repeating: 0, count: k &* d)
        let x = self.x, n = self.n, d = self.d, k = self.k, stride = self.stride
        /// The nearest and second nearest centre of a row (squared distances).
        @inline(__always) func nearestTwo(_ row: UnsafePointer<Double>) -> (index: Int, best: Double, second: Double) {
            squaredDistances(row, c, count: k, into: dist)
            var best = Double.infinity, second = Double.infinity, bestIndex = 0
            for j in 0..<k {
                let v = dist[j]
                if v < best { second = best; best = v; bestIndex = j } else if v < second { second = v }
            }
            return (bestIndex, best, second)
        }
        // First assignment: every row to its nearest centre, with its bounds.
        for r in 0..<n {
            let row = x + r &* stride
            let (bestIndex, best, second) = nearestTwo(row)
            upper[r] = best.squareRoot()
            lower[r] = second.squareRoot()
            label[r] = Int32(truncatingIfNeeded: bestIndex)
            counts[bestIndex] &+= 1
            let s = sums + bestIndex &* d
            for f in 0..<d { s[f] += row[f] }
        }
        var iteration = 0, converged = false
        while true {
            iteration &+= 1
            // New centres: the means of their rows; an empty cluster restarts at the row farthest
            // from its centre, and every lower bound is dropped so all rows look again.
            var emptied = false
            for j in 0..<k {
                let centre = c + j &* stride
                var shift = 0.0
                if counts[j] == 0 {
                    var far = 0, farDistance = -1.0
                    for r in 0..<n {
                        let distance = squaredDistance(x + r &* stride, c + Int(label[r]) &* stride)
                        if distance > farDistance { farDistance = distance; far = r }
                    }
                    for f in 0..<d { let t = x[far &* stride &+ f] - centre[f]; shift += t * t; centre[f] = x[far &* stride &+ f] }
                    emptied = true
                } else {
                    let inv = 1 / Double(counts[j])
                    for f in 0..<d {
                        let v = sums[j &* d &+ f] * inv, t = v - centre[f]
                        shift += t * t
                        centre[f] = v
                    }
                }
                moved[j] = shift.squareRoot()
            }
            guard iteration < maxIterations else { break }
            // Bounds follow the centres: the own centre moved at most moved[a], any other at most
            // the largest move of another centre.
            var largest = 0.0, largestIndex = 0, secondLargest = 0.0
            for j in 0..<k {
                if moved[j] > largest {
                    secondLargest = largest
                    largest = moved[j]
                    largestIndex = j
                } else if moved[j] > secondLargest {
                    secondLargest = moved[j]
                }
            }
            for a in 0..<k {
                squaredDistances(c + a &* stride, c, count: k, into: dist)
                var m = Double.infinity
                for b in 0..<k where b != a { m = min(m, dist[b]) }
                halfGap[a] = m.squareRoot() / 2
            }
            var changed = 0
            for r in 0..<n {
                let a = Int(label[r])
                upper[r] += moved[a]
                lower[r] = emptied ? 0 : lower[r] - (a == largestIndex ? secondLargest : largest)
                let bound = max(halfGap[a], lower[r])
                if upper[r] <= bound { continue }
                let row = x + r &* stride
                upper[r] = squaredDistance(row, c + a &* stride).squareRoot()
                if upper[r] <= bound { continue }
                let (bestIndex, best, second) = nearestTwo(row)
                upper[r] = best.squareRoot()
                lower[r] = second.squareRoot()
                if bestIndex != a {
                    label[r] = Int32(truncatingIfNeeded: bestIndex)
                    counts[a] &-= 1
                    counts[bestIndex] &+= 1
                    let from = sums + a &* d, to = sums + bestIndex &* d
                    for f in 0..<d { from[f] -= row[f]; to[f] += row[f] }
                    changed &+= 1
                }
            }
            if changed == 0 && !emptied {
                converged = true
                break
            }
        }
        iterations = iteration
        for i in 0..<(k &* stride) { centers[i] = c[i] }
        // At a fixed point every row is with its nearest centre (the bounds prove it), so only the
        // inertia is left; after the iteration limit the centres have moved since, and rows are
        // assigned again.
        var total = 0.0
        for r in 0..<n {
            let row = x + r &* stride
            if converged {
                labels[r] = label[r]
                total += squaredDistance(row, c + Int(label[r]) &* stride)
            } else {
                let (bestIndex, best, _) = nearestTwo(row)
                labels[r] = Int32(truncatingIfNeeded: bestIndex)
                total += best
            }
        }
        inertia = total
    }

    /// The fit with clusters renumbered by size (largest first, equal sizes by their first row),
    /// centres unpadded; `x` is the padded rows the fit was made on.
    func result(x: UnsafePointer<Double>) -> KMeansResult {
        var counts = [Int](repeating: 0, count: k), firstRow = [Int](repeating: Int.max, count: k)
        for (r, l) in labels.enumerated() {
            counts[Int(l)] += 1
            firstRow[Int(l)] = min(firstRow[Int(l)], r)
        }
        let order = (0..<k).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : firstRow[$0] < firstRow[$1] }
        var rank = [Int32](repeating: 0, count: k)
        for (i, j) in order.enumerated() { rank[j] = Int32(i) }
        var sorted = [Double](repeating: 0, count: k * d)
        for (i, j) in order.enumerated() { for f in 0..<d { sorted[i * d + f] = centers[j * stride + f] } }
        let distances = centers.withUnsafeBufferPointer { c in
            (0..<n).map { r in squaredDistance(x + r &* stride, c.baseAddress! + Int(labels[r]) &* stride).squareRoot() }
        }
        return KMeansResult(k: k, centers: sorted, labels: labels.map { rank[Int($0)] }, distances: distances,
                            inertia: inertia, iterations: iterations)
    }
}

/// The mean silhouette (Rousseeuw 1987) of a clustering, with Euclidean distances: per row
/// (b - a) / max(a, b), a the mean distance to the rest of its cluster, b the smallest mean distance
/// to another cluster; 0 for a row alone in its cluster. Above `sampleSize` rows it is computed on
/// a seeded sample of that many rows (as scikit-learn's `silhouette_score(sample_size=)`), and
/// `sampled` says so. Nil when there are fewer than 2 clusters. Rows are split across threads;
/// per-row values are summed in row order.
public func silhouette(_ x: [Double], rows n: Int, features d: Int, labels: [Int32], k: Int,
                       sampleSize: Int = 10_000, seed: UInt64 = 42, threads: Int = defaultThreadCount) throws -> (score: Double?, sampled: Bool) {
    guard k >= 2, n >= 2 else { return (nil, false) }
    var rows = Array(0..<n)
    let sampled = n > sampleSize
    if sampled {
        var rng = SeededGenerator(seed: seed ^ 0x5111)
        for i in 0..<sampleSize { rows.swapAt(i, i + rng.nextInt(below: n - i)) }
        rows = Array(rows[0..<sampleSize]).sorted()
    }
    let m = rows.count
    var sizes = [Int](repeating: 0, count: k)
    for r in rows { sizes[Int(labels[r])] += 1 }
    var values = [Double](repeating: 0, count: m)
    let block = 64, chunks = (m + block - 1) / block
    try values.withUnsafeMutableBufferPointer { (out) throws(FrameError) in
        let shared = UncheckedSendable(out.baseAddress!)
        try x.withUnsafeBufferPointer { (xv) throws(FrameError) in
            let data = UncheckedSendable(xv.baseAddress!)
            try parallelChunks(chunks, threads: threads) { chunk, _ in
                let x = data.value
                var sums = [Double](repeating: 0, count: k)
                for i in (chunk * block)..<min(m, chunk * block + block) {
                    for j in 0..<k { sums[j] = 0 }
                    let a = x + rows[i] &* d
                    for other in rows {
                        let b = x + other &* d
                        var s = 0.0
                        for f in 0..<d { let t = a[f] - b[f]; s += t * t }
                        sums[Int(labels[other])] += s.squareRoot()
                    }
                    let own = Int(labels[rows[i]])
                    guard sizes[own] > 1 else { shared.value[i] = 0; continue }
                    let inside = sums[own] / Double(sizes[own] - 1)
                    var nearest = Double.infinity
                    for j in 0..<k where j != own && sizes[j] > 0 { nearest = min(nearest, sums[j] / Double(sizes[j])) }
                    let denominator = max(inside, nearest)
                    shared.value[i] = nearest.isFinite && denominator > 0 ? (nearest - inside) / denominator : 0
                }
            }
        }
    }
    return (values.reduce(0, +) / Double(m), sampled)
}
