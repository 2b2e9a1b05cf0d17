import Foundation
import TRQFrame

/// A fitted classifier over prepared features (see `ClassificationModel` for the public wrapper).
protocol Classifier: AnyObject, Sendable {
    var kind: ClassifierKind { get }
    var classCount: Int { get }
    var featureCount: Int { get }
    /// Row-major rows x classCount probabilities; `.cancelled` on Ctrl-C.
    func predictProbabilities(_ x: FeatureMatrix, threads: Int) throws(FrameError) -> [Float]
    func write(to w: inout ByteWriter)
    /// Approximate bytes held (parameters or trees).
    var memoryBytes: Int { get }
}

/// Turns each row of logits into probabilities in place (max-shifted for stability).
func softmaxRows(_ z: UnsafeMutablePointer<Float>, rows: Int, classes k: Int) {
    for r in 0..<rows {
        let row = z + r &* k
        var m = -Float.infinity
        for c in 0..<k where row[c] > m { m = row[c] }
        var s: Float = 0
        for c in 0..<k {
            row[c] = Foundation.exp(row[c] - m)
            s += row[c]
        }
        let inv = 1 / s
        for c in 0..<k { row[c] *= inv }
    }
}

/// Rows per work unit when a pass over the data is split across threads. Fixed, so partial sums
/// (and thus results) do not depend on the thread count.
let rowsPerChunk = 2048

/// Multinomial logistic (softmax) regression with an L2 penalty, fitted by full-batch L-BFGS:
/// minimizes mean(-log p(y | x)) + l2/2 |W|^2 (the bias is not penalized).
final class LogisticRegression: Classifier, @unchecked Sendable {
    var kind: ClassifierKind { .logistic }
    let classCount: Int
    let featureCount: Int
    /// featureCount x classCount, row-major; then the classCount biases.
    let weights: [Float]
    let bias: [Float]

    init(featureCount: Int, classCount: Int, weights: [Float], bias: [Float]) {
        self.featureCount = featureCount
        self.classCount = classCount
        self.weights = weights
        self.bias = bias
    }

    static func train(_ x: FeatureMatrix, _ y: [Int32], classCount k: Int, options: ClassifierOptions,
                      progress: ((Int, Int) -> Void)?) throws(FrameError) -> LogisticRegression {
        let d = x.columns, n = x.rows
        let chunks = (n + rowsPerChunk - 1) / rowsPerChunk
        let params = d * k + k
        let l2 = options.l2
        let objective: ([Double]) throws(FrameError) -> (Double, [Double]) = { theta throws(FrameError) in
            let w = theta[0..<(d * k)].map { Float($0) }, b = theta[(d * k)...].map { Float($0) }
            var partialLoss = [Double](repeating: 0, count: chunks)
            var partialGrad = [Double](repeating: 0, count: chunks * params)
            try partialLoss.withUnsafeMutableBufferPointer { (lossOut) throws(FrameError) in
                try partialGrad.withUnsafeMutableBufferPointer { (gradOut) throws(FrameError) in
                    let out = UncheckedSendable((lossOut, gradOut))
                    try parallelChunks(chunks, threads: options.threads) { chunk, _ in
                        let lo = chunk * rowsPerChunk, m = min(n, lo + rowsPerChunk) - lo
                        var z = [Float](repeating: 0, count: m * k)
                        var g = [Float](repeating: 0, count: d * k)
                        var loss = 0.0
                        x.values.withUnsafeBufferPointer { xv in
                            let xs = xv.baseAddress! + lo * d
                            z.withUnsafeMutableBufferPointer { z in
                                for r in 0..<m { for c in 0..<k { z[r * k + c] = b[c] } }
                                w.withUnsafeBufferPointer {
                                    gemm(m: m, n: k, k: d, a: xs, lda: d, b: $0.baseAddress!, ldb: k, beta: 1, c: z.baseAddress!, ldc: k)
                                }
                                softmaxRows(z.baseAddress!, rows: m, classes: k)
                                for r in 0..<m {
                                    let c = Int(y[lo + r])
                                    loss -= Double(Foundation.log(max(z[r * k + c], Float.leastNormalMagnitude)))
                                    z[r * k + c] -= 1  // dLoss/dlogits = p - onehot(y)
                                }
                                g.withUnsafeMutableBufferPointer {
                                    gemm(m: d, n: k, k: m, a: xs, lda: d, transposeA: true, b: z.baseAddress!, ldb: k,
                                         c: $0.baseAddress!, ldc: k)
                                }
                            }
                        }
                        let grad = out.value.1.baseAddress! + chunk * params
                        for e in 0..<(d * k) { grad[e] = Double(g[e]) }
                        for r in 0..<m { for c in 0..<k { grad[d * k + c] += Double(z[r * k + c]) } }
                        out.value.0[chunk] = loss
                    }
                }
            }
            var loss = 0.0
            var grad = [Double](repeating: 0, count: params)
            for chunk in 0..<chunks {
                loss += partialLoss[chunk]
                for e in 0..<params { grad[e] += partialGrad[chunk * params + e] }
            }
            let inv = 1 / Double(max(1, n))
            loss *= inv
            for e in 0..<params { grad[e] *= inv }
            for e in 0..<(d * k) {
                loss += 0.5 * l2 * theta[e] * theta[e]
                grad[e] += l2 * theta[e]
            }
            return (loss, grad)
        }
        let theta = try minimizeLBFGS(start: [Double](repeating: 0, count: params), maxIterations: options.iterations,
                                  objective: objective, progress: progress)
        return LogisticRegression(featureCount: d, classCount: k, weights: theta[0..<(d * k)].map { Float($0) },
                                  bias: theta[(d * k)...].map { Float($0) })
    }

    var memoryBytes: Int { (weights.count + bias.count) * 4 }

    func predictProbabilities(_ x: FeatureMatrix, threads: Int) -> [Float] {
        let k = classCount, d = featureCount
        var z = [Float](repeating: 0, count: x.rows * k)
        for r in 0..<x.rows { for c in 0..<k { z[r * k + c] = bias[c] } }
        guard x.rows > 0 else { return z }
        x.values.withUnsafeBufferPointer { xv in
            weights.withUnsafeBufferPointer { w in
                z.withUnsafeMutableBufferPointer { z in
                    gemm(m: x.rows, n: k, k: d, a: xv.baseAddress!, lda: d, b: w.baseAddress!, ldb: k, beta: 1, c: z.baseAddress!, ldc: k)
                }
            }
        }
        z.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: x.rows, classes: k) }
        return z
    }

    func write(to w: inout ByteWriter) {
        w.write(featureCount); w.write(classCount); w.write(weights); w.write(bias)
    }

    static func read(from r: inout ByteReader) throws -> LogisticRegression {
        let d = try r.readCount(), k = try r.readCount()
        let weights = try r.readArray(Float.self), bias = try r.readArray(Float.self)
        guard weights.count == d * k, bias.count == k else { throw ModelError("cannot read logistic model: sizes do not match; delete the cached file to retrain") }
        return LogisticRegression(featureCount: d, classCount: k, weights: weights, bias: bias)
    }
}

/// Limited-memory BFGS (Nocedal & Wright, alg. 7.4/7.5) with a backtracking Armijo line search.
/// Stops after `maxIterations`, when the gradient's max-norm falls below `gradientTolerance`, or
/// when the objective improves by less than 1e-9 (relative) three times in a row.
func minimizeLBFGS(start: [Double], maxIterations: Int, memory: Int = 10, gradientTolerance: Double = 1e-5,
                   objective: ([Double]) throws(FrameError) -> (Double, [Double]), progress: ((Int, Int) -> Void)?)
    throws(FrameError) -> [Double]
{
    var x = start
    var (f, g) = try objective(x)
    var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
    var stalls = 0
    let n = x.count
    func dotD(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
    for iteration in 0..<maxIterations {
        if g.reduce(0, { max($0, abs($1)) }) < gradientTolerance { break }
        // Two-loop recursion: direction = -H g.
        var q = g
        var alphas = [Double](repeating: 0, count: sHistory.count)
        for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
            alphas[i] = rhoHistory[i] * dotD(sHistory[i], q)
            for e in 0..<n { q[e] -= alphas[i] * yHistory[i][e] }
        }
        if let s = sHistory.last, let y = yHistory.last {
            let gamma = dotD(s, y) / dotD(y, y)
            for e in 0..<n { q[e] *= gamma }
        } else {
            let norm = dotD(g, g).squareRoot()
            for e in 0..<n { q[e] /= max(norm, 1) }
        }
        for i in 0..<sHistory.count {
            let beta = rhoHistory[i] * dotD(yHistory[i], q)
            for e in 0..<n { q[e] += sHistory[i][e] * (alphas[i] - beta) }
        }
        var direction = q.map { -$0 }
        var slope = dotD(g, direction)
        if slope >= 0 {  // not a descent direction: restart from steepest descent
            sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
            direction = g.map { -$0 }
            slope = -dotD(g, g)
        }
        var step = 1.0
        var accepted: ([Double], Double, [Double])?
        for _ in 0..<30 {
            let candidate = (0..<n).map { x[$0] + step * direction[$0] }
            let (fc, gc) = try objective(candidate)
            if fc.isFinite, fc <= f + 1e-4 * step * slope {
                accepted = (candidate, fc, gc)
                break
            }
            step *= 0.5
        }
        guard let (xNew, fNew, gNew) = accepted else { break }
        let s = (0..<n).map { xNew[$0] - x[$0] }, y = (0..<n).map { gNew[$0] - g[$0] }
        let sy = dotD(s, y)
        if sy > 1e-12 {
            sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
            if sHistory.count > memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
        }
        stalls = (f - fNew) <= 1e-9 * max(1, abs(f)) ? stalls + 1 : 0
        x = xNew
        f = fNew
        g = gNew
        progress?(iteration + 1, maxIterations)
        if stalls >= 3 { break }
    }
    return x
}
