import CModelKernels
import Foundation
import TRQFrame

/// One layer of a feed-forward network working on row-major mini-batches.
enum LayerSpec: Sendable, Equatable {
    /// out = x W + b, W: input x output.
    case dense(input: Int, output: Int)
    case relu(width: Int)
    /// 1-D convolution with "same" zero padding over `length` positions; rows are laid out
    /// position-major (position l, channel c at l * channels + c), so a convolution's output is
    /// directly the next layer's input and flattening is free.
    case conv(length: Int, input: Int, output: Int, kernel: Int)

    var inputWidth: Int {
        switch self {
        case .dense(let i, _): return i
        case .relu(let w): return w
        case .conv(let l, let i, _, _): return l * i
        }
    }

    var outputWidth: Int {
        switch self {
        case .dense(_, let o): return o
        case .relu(let w): return w
        case .conv(let l, _, let o, _): return l * o
        }
    }

    /// Weights then biases.
    var weightCount: Int {
        switch self {
        case .dense(let i, let o): return i * o
        case .relu: return 0
        case .conv(_, let i, let o, let k): return k * i * o
        }
    }

    var biasCount: Int {
        switch self {
        case .dense(_, let o), .conv(_, _, let o, _): return o
        case .relu: return 0
        }
    }

    var fanIn: Int {
        switch self {
        case .dense(let i, _): return i
        case .relu: return 1
        case .conv(_, let i, _, let k): return i * k
        }
    }
}

/// A feed-forward network: layer specs plus one flat parameter vector.
struct Network: Sendable {
    let layers: [LayerSpec]
    let offsets: [Int]
    let parameterCount: Int

    init(_ layers: [LayerSpec]) {
        self.layers = layers
        var offsets: [Int] = [], total = 0
        for l in layers {
            offsets.append(total)
            total += l.weightCount + l.biasCount
        }
        self.offsets = offsets
        parameterCount = total
    }

    var inputWidth: Int { layers[0].inputWidth }
    var outputWidth: Int { layers[layers.count - 1].outputWidth }

    /// He-normal weights (std sqrt(2 / fan-in)), zero biases.
    func initialParameters(seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        var p = [Float](repeating: 0, count: parameterCount)
        for (l, o) in zip(layers, offsets) {
            let sd = (2.0 / Double(l.fanIn)).squareRoot()
            for e in 0..<l.weightCount { p[o + e] = Float(rng.nextGaussian() * sd) }
        }
        return p
    }

    /// 1 where L2 decay applies (weights), 0 for biases.
    func decayMask() -> [Float] {
        var m = [Float](repeating: 0, count: parameterCount)
        for (l, o) in zip(layers, offsets) { for e in 0..<l.weightCount { m[o + e] = 1 } }
        return m
    }

    /// Buffers for a batch of up to `rows` rows: one activation per layer boundary, the
    /// convolution patch matrices, and two gradient buffers.
    final class Workspace {
        let rows: Int
        var activations: [[Float]]
        var patches: [[Float]]
        var delta: [Float], deltaNext: [Float]

        init(_ net: Network, rows: Int) {
            self.rows = rows
            activations = [[Float](repeating: 0, count: rows * net.inputWidth)]
                + net.layers.map { [Float](repeating: 0, count: rows * $0.outputWidth) }
            patches = net.layers.map {
                if case .conv(let l, let i, _, let k) = $0 { return [Float](repeating: 0, count: rows * l * k * i) }
                return []
            }
            let widest = net.layers.map { max($0.inputWidth, $0.outputWidth) }.max() ?? 1
            delta = [Float](repeating: 0, count: rows * widest)
            deltaNext = delta
        }
    }

    /// Forward pass of `m` rows already in `ws.activations[0]`; returns nothing, the logits are
    /// in `ws.activations.last`.
    func forward(_ params: UnsafePointer<Float>, rows m: Int, _ ws: Workspace) {
        for (i, layer) in layers.enumerated() {
            let p = params + offsets[i]
            ws.activations[i].withUnsafeBufferPointer { xin in
                ws.activations[i + 1].withUnsafeMutableBufferPointer { out in
                    let x = xin.baseAddress!, y = out.baseAddress!
                    switch layer {
                    case .dense(let input, let output):
                        for r in 0..<m { (y + r * output).update(from: p + input * output, count: output) }
                        gemm(m: m, n: output, k: input, a: x, lda: input, b: p, ldb: output, beta: 1, c: y, ldc: output)
                    case .relu(let w):
                        trq_relu(x, y, Int64(m * w))
                    case .conv(let length, let input, let output, let kernel):
                        ws.patches[i].withUnsafeMutableBufferPointer { cols in
                            Self.im2col(x, rows: m, length: length, channels: input, kernel: kernel, into: cols.baseAddress!)
                            let positions = m * length, width = kernel * input
                            for r in 0..<positions { (y + r * output).update(from: p + width * output, count: output) }
                            gemm(m: positions, n: output, k: width, a: cols.baseAddress!, lda: width, b: p, ldb: output,
                                 beta: 1, c: y, ldc: output)
                        }
                    }
                }
            }
        }
    }

    /// Backward pass: `delta` holds dLoss/dlogits for `m` rows; adds parameter gradients into `grad`.
    func backward(_ params: UnsafePointer<Float>, rows m: Int, _ ws: Workspace, grad: UnsafeMutablePointer<Float>) {
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[i], p = params + offsets[i], g = grad + offsets[i]
            let needInputDelta = i > 0
            ws.activations[i].withUnsafeBufferPointer { xin in
                ws.delta.withUnsafeMutableBufferPointer { dOut in
                    ws.deltaNext.withUnsafeMutableBufferPointer { dIn in
                        let x = xin.baseAddress!, dy = dOut.baseAddress!, dx = dIn.baseAddress!
                        switch layer {
                        case .dense(let input, let output):
                            gemm(m: input, n: output, k: m, a: x, lda: input, transposeA: true, b: dy, ldb: output,
                                 beta: 1, c: g, ldc: output)
                            for r in 0..<m { for c in 0..<output { g[input * output + c] += dy[r * output + c] } }
                            if needInputDelta {
                                gemm(m: m, n: input, k: output, a: dy, lda: output, b: p, ldb: output, transposeB: true,
                                     c: dx, ldc: input)
                            }
                        case .relu(let w):
                            trq_relu_backward(x, dy, dx, Int64(m * w))
                        case .conv(let length, let input, let output, let kernel):
                            ws.patches[i].withUnsafeMutableBufferPointer { cols in
                                let positions = m * length, width = kernel * input
                                gemm(m: width, n: output, k: positions, a: cols.baseAddress!, lda: width, transposeA: true,
                                     b: dy, ldb: output, beta: 1, c: g, ldc: output)
                                for r in 0..<positions { for c in 0..<output { g[width * output + c] += dy[r * output + c] } }
                                if needInputDelta {
                                    // Patch gradients overwrite the patches (no longer needed), then fold back.
                                    gemm(m: positions, n: width, k: output, a: dy, lda: output, b: p, ldb: output,
                                         transposeB: true, c: cols.baseAddress!, ldc: width)
                                    Self.col2im(cols.baseAddress!, rows: m, length: length, channels: input, kernel: kernel, into: dx)
                                }
                            }
                        }
                    }
                }
            }
            if needInputDelta { swap(&ws.delta, &ws.deltaNext) }
        }
    }

    /// The "same"-padded windows of a convolution: row (r, l) of `cols` is positions
    /// l - kernel / 2 ... of row r of `x`, zeros outside.
    static func im2col(_ x: UnsafePointer<Float>, rows m: Int, length: Int, channels: Int, kernel: Int,
                       into cols: UnsafeMutablePointer<Float>) {
        let pad = kernel / 2, width = kernel * channels
        for r in 0..<m {
            for l in 0..<length {
                let dst = cols + (r * length + l) * width
                for t in 0..<kernel {
                    let src = l + t - pad
                    if src >= 0, src < length {
                        (dst + t * channels).update(from: x + (r * length + src) * channels, count: channels)
                    } else {
                        (dst + t * channels).update(repeating: 0, count: channels)
                    }
                }
            }
        }
    }

    /// The transpose of im2col: `dx` (overwritten) is the sum of the window entries read from each position.
    static func col2im(_ cols: UnsafePointer<Float>, rows m: Int, length: Int, channels: Int, kernel: Int,
                       into dx: UnsafeMutablePointer<Float>) {
        let pad = kernel / 2, width = kernel * channels
        dx.update(repeating: 0, count: m * length * channels)
        for r in 0..<m {
            for l in 0..<length {
                let src = cols + (r * length + l) * width
                for t in 0..<kernel {
                    let pos = l + t - pad
                    guard pos >= 0, pos < length else { continue }
                    let d = dx + (r * length + pos) * channels
                    for c in 0..<channels { d[c] += src[t * channels + c] }
                }
            }
        }
    }
}

/// A network classifier: the multi-layer perceptron, and the 1-D CNN over the feature vector.
///
/// MLP: dense(hidden) -> ReLU [-> dense(hidden / 2) -> ReLU] -> dense(classes) -> softmax.
///
/// CNN (the study's design): the standardized feature vector is read as a 1-channel sequence of
/// length d (one position per prepared feature, in column order): conv(kernel 3, `channels`
/// filters, same padding) -> ReLU -> conv(kernel 3, `channels`) -> ReLU -> flatten (d x channels)
/// -> dense(hidden) -> ReLU -> dense(classes) -> softmax. The convolutions learn local
/// interactions between neighbouring features with shared weights, a much smaller first layer
/// than a dense one over the same inputs.
///
/// Both are trained with mini-batch Adam (beta 0.9 / 0.999) on the cross-entropy with L2 weight
/// decay, He-normal initialization, and early stopping on the log-loss of a stratified validation
/// part of the training rows (the best epoch's weights are kept; training stops after `patience`
/// epochs without a gain of 1e-4; the loss keeps improving after a small validation set's
/// accuracy has saturated, so it stops less early than accuracy would). Each mini-batch is split into
/// two fixed halves whose gradients are computed in parallel and added in a fixed order, so
/// results do not depend on the thread count.
final class NeuralNetClassifier: Classifier, @unchecked Sendable {
    let kind: ClassifierKind
    let network: Network
    let parameters: [Float]
    var classCount: Int { network.outputWidth }
    var featureCount: Int { network.inputWidth }

    init(kind: ClassifierKind, network: Network, parameters: [Float]) {
        self.kind = kind
        self.network = network
        self.parameters = parameters
    }

    static func architecture(_ kind: ClassifierKind, features d: Int, classes k: Int, options: ClassifierOptions) -> Network {
        let h = options.hidden
        switch kind {
        case .cnn:
            let ch = options.channels
            return Network([.conv(length: d, input: 1, output: ch, kernel: 3), .relu(width: d * ch),
                            .conv(length: d, input: ch, output: ch, kernel: 3), .relu(width: d * ch),
                            .dense(input: d * ch, output: h), .relu(width: h), .dense(input: h, output: k)])
        default:
            if options.layers == 1 {
                return Network([.dense(input: d, output: h), .relu(width: h), .dense(input: h, output: k)])
            }
            let h2 = max(1, h / 2)
            return Network([.dense(input: d, output: h), .relu(width: h), .dense(input: h, output: h2),
                            .relu(width: h2), .dense(input: h2, output: k)])
        }
    }

    static func train(_ kind: ClassifierKind, _ x: FeatureMatrix, _ y: [Int32], classCount k: Int,
                      options: ClassifierOptions, progress: ((Int, Int) -> Void)?) throws(FrameError) -> NeuralNetClassifier {
        let net = architecture(kind, features: x.columns, classes: k, options: options)
        let (fitRows, validationRows) = stratifiedSplit(y, classCount: k, testFraction: options.validationFraction,
                                                        seed: options.seed ^ 0x5EED)
        let validation = x.rows(validationRows), validationLabels = validationRows.map { y[$0] }
        var params = net.initialParameters(seed: options.seed)
        let decay = net.decayMask()
        var m1 = [Float](repeating: 0, count: net.parameterCount), m2 = m1
        let batch = max(1, min(options.batchSize, fitRows.count))
        let half = (batch + 1) / 2
        let workers = max(1, min(2, options.threads))
        let spaces = (0..<workers).map { _ in Network.Workspace(net, rows: half) }
        var partGrads = [[Float]](repeating: [Float](repeating: 0, count: net.parameterCount), count: 2)
        var rng = SeededGenerator(seed: options.seed)
        var order = fitRows
        var best = params, bestLoss = Double.infinity, sinceBest = 0
        let patience = options.patience ?? ClassifierOptions.defaultPatience
        var step = 0
        let (b1, b2, lr, l2) = (Float(0.9), Float(0.999), Float(options.learningRate ?? 1e-3), Float(options.l2))
        let d = x.columns

        for epoch in 0..<options.epochs {
            rng.shuffle(&order)
            var lo = 0
            while lo < order.count {
                let m = min(batch, order.count - lo)
                let parts = m > 1 ? 2 : 1
                let cut = (m + 1) / 2
                try params.withUnsafeBufferPointer { (pbuf) throws(FrameError) in
                    let shared = UncheckedSendable((pbuf.baseAddress!, order, lo))
                    try partGrads.withUnsafeMutableBufferPointer { (grads) throws(FrameError) in
                        let gptr = UncheckedSendable(grads.baseAddress!)
                        try parallelChunks(parts, threads: workers) { part, worker in
                            let (p, order, lo) = shared.value
                            let ws = spaces[worker]
                            let start = part == 0 ? 0 : cut, count = part == 0 ? min(cut, m) : m - cut
                            x.values.withUnsafeBufferPointer { xv in
                                ws.activations[0].withUnsafeMutableBufferPointer { a0 in
                                    for r in 0..<count {
                                        (a0.baseAddress! + r * d).update(from: xv.baseAddress! + order[lo + start + r] * d, count: d)
                                    }
                                }
                            }
                            net.forward(p, rows: count, ws)
                            // dLoss/dlogits of the batch-mean cross-entropy.
                            let logits = ws.activations[net.layers.count]
                            ws.delta.withUnsafeMutableBufferPointer { delta in
                                let dp = delta.baseAddress!
                                dp.update(from: logits, count: count * k)
                                softmaxRows(dp, rows: count, classes: k)
                                for r in 0..<count { dp[r * k + Int(y[order[lo + start + r]])] -= 1 }
                                let inv = 1 / Float(m)
                                for e in 0..<(count * k) { dp[e] *= inv }
                            }
                            gptr.value[part].withUnsafeMutableBufferPointer { g in
                                g.update(repeating: 0)
                                net.backward(p, rows: count, ws, grad: g.baseAddress!)
                            }
                        }
                    }
                }
                step += 1
                let c1 = 1 - Foundation.pow(b1, Float(step)), c2 = 1 - Foundation.pow(b2, Float(step))
                for e in 0..<net.parameterCount {
                    var g = partGrads[0][e]
                    if parts == 2 { g += partGrads[1][e] }
                    g += l2 * decay[e] * params[e]
                    m1[e] = b1 * m1[e] + (1 - b1) * g
                    m2[e] = b2 * m2[e] + (1 - b2) * g * g
                    params[e] -= lr * (m1[e] / c1) / ((m2[e] / c2).squareRoot() + 1e-8)
                }
                lo += m
            }
            let candidate = NeuralNetClassifier(kind: kind, network: net, parameters: params)
            let loss = validation.rows > 0
                ? logLoss(try candidate.predictProbabilities(validation, threads: options.threads), validationLabels, classes: k)
                : 0
            progress?(epoch + 1, options.epochs)
            if loss < bestLoss {
                // Only a gain above the tolerance (scikit-learn's tol = 1e-4) restarts the patience.
                sinceBest = loss < bestLoss - 1e-4 ? 0 : sinceBest + 1
                bestLoss = loss
                best = params
                if sinceBest >= patience { break }
            } else {
                sinceBest += 1
                if sinceBest >= patience { break }
            }
        }
        return NeuralNetClassifier(kind: kind, network: net, parameters: validation.rows > 0 ? best : params)
    }

    var memoryBytes: Int { parameters.count * 4 }

    func predictProbabilities(_ x: FeatureMatrix, threads: Int) throws(FrameError) -> [Float] {
        let k = classCount, d = featureCount, block = 512
        var out = [Float](repeating: 0, count: x.rows * k)
        let chunks = (x.rows + block - 1) / block
        let workers = max(1, min(threads, chunks))
        let spaces = (0..<workers).map { _ in Network.Workspace(network, rows: block) }
        try out.withUnsafeMutableBufferPointer { (outBuf) throws(FrameError) in
            try parameters.withUnsafeBufferPointer { (pbuf) throws(FrameError) in
                let shared = UncheckedSendable((outBuf.baseAddress!, pbuf.baseAddress!))
                try parallelChunks(chunks, threads: workers) { chunk, worker in
                    let (o, p) = shared.value
                    let ws = spaces[worker]
                    let lo = chunk * block, m = min(x.rows, lo + block) - lo
                    x.values.withUnsafeBufferPointer { xv in
                        ws.activations[0].withUnsafeMutableBufferPointer {
                            $0.baseAddress!.update(from: xv.baseAddress! + lo * d, count: m * d)
                        }
                    }
                    self.network.forward(p, rows: m, ws)
                    (o + lo * k).update(from: ws.activations[self.network.layers.count], count: m * k)
                    softmaxRows(o + lo * k, rows: m, classes: k)
                }
            }
        }
        return out
    }

    func write(to w: inout ByteWriter) {
        w.write(network.layers.count)
        for l in network.layers {
            switch l {
            case .dense(let i, let o): w.write(UInt8(0)); w.write(i); w.write(o)
            case .relu(let width): w.write(UInt8(1)); w.write(width)
            case .conv(let len, let i, let o, let k): w.write(UInt8(2)); w.write(len); w.write(i); w.write(o); w.write(k)
            }
        }
        w.write(parameters)
    }

    static func read(_ kind: ClassifierKind, from r: inout ByteReader) throws -> NeuralNetClassifier {
        let n = try r.readCount(limit: 64)
        var layers: [LayerSpec] = []
        for _ in 0..<n {
            switch try r.readUInt8() {
            case 0: layers.append(.dense(input: try r.readCount(), output: try r.readCount()))
            case 1: layers.append(.relu(width: try r.readCount()))
            case 2: layers.append(.conv(length: try r.readCount(), input: try r.readCount(), output: try r.readCount(), kernel: try r.readCount()))
            default: throw ModelError("cannot read network: unknown layer kind; delete the cached file to retrain")
            }
        }
        guard !layers.isEmpty, zip(layers, layers.dropFirst()).allSatisfy({ $0.outputWidth == $1.inputWidth }) else {
            throw ModelError("cannot read network: layer sizes do not chain; delete the cached file to retrain")
        }
        let net = Network(layers)
        let params = try r.readArray(Float.self)
        guard params.count == net.parameterCount else { throw ModelError("cannot read network: parameter count mismatch; delete the cached file to retrain") }
        return NeuralNetClassifier(kind: kind, network: net, parameters: params)
    }
}

/// The fraction of rows whose most probable class is the label.
func accuracyOf(_ probabilities: [Float], _ labels: [Int32], classes k: Int) -> Double {
    guard !labels.isEmpty else { return 0 }
    var correct = 0
    for (r, label) in labels.enumerated() where argmax(probabilities, row: r, classes: k) == Int(label) { correct += 1 }
    return Double(correct) / Double(labels.count)
}

/// Mean -log p(label) of predicted probabilities.
func logLoss(_ probabilities: [Float], _ labels: [Int32], classes k: Int) -> Double {
    guard !labels.isEmpty else { return 0 }
    var total = 0.0
    for (r, label) in labels.enumerated() {
        total -= Foundation.log(Double(max(probabilities[r * k + Int(label)], 1e-30)))
    }
    return total / Double(labels.count)
}

/// The most probable class of a row (the lowest class index among ties).
func argmax(_ p: [Float], row r: Int, classes k: Int) -> Int {
    var best = 0
    for c in 1..<max(1, k) where p[r * k + c] > p[r * k + best] { best = c }
    return best
}
