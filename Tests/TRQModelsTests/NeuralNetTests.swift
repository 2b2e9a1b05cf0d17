import TestSupport
import Testing
@testable import TRQModels

/// The network's backward pass against finite differences, and the convolution's patch matrices.
@Suite struct NeuralNetTests {
    /// Every layer type, with a convolution and a dense layer in the middle (so their input
    /// gradients, including col2im, are used) and one of each first. The loss is a fixed random
    /// linear function of the logits, sum(w * logits), so dLoss/dlogits = w; each parameter's
    /// backprop gradient must match the central difference (L(p + h) - L(p - h)) / 2h.
    @Test func backpropMatchesFiniteDifferences() {
        let net = Network([
            .conv(length: 5, input: 2, output: 3, kernel: 3), .relu(width: 15),
            .conv(length: 5, input: 3, output: 2, kernel: 3), .relu(width: 10),
            .dense(input: 10, output: 6), .relu(width: 6), .dense(input: 6, output: 4),
        ])
        let rows = 3
        var random = SplitMix64(seed: 12)
        let input = (0..<(rows * net.inputWidth)).map { _ in Float.random(in: -1..<1, using: &random) }
        let weights = (0..<(rows * net.outputWidth)).map { _ in Float.random(in: -1..<1, using: &random) }
        var params = net.initialParameters(seed: 5)
        // Biases too, so no pre-activation sits exactly at ReLU's kink.
        for e in params.indices where params[e] == 0 { params[e] = Float.random(in: -0.3..<0.3, using: &random) }
        let ws = Network.Workspace(net, rows: rows)

        func loss(_ p: [Float]) -> Double {
            ws.activations[0] = input
            p.withUnsafeBufferPointer { net.forward($0.baseAddress!, rows: rows, ws) }
            return zip(ws.activations[net.layers.count], weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }

        _ = loss(params)
        ws.delta.replaceSubrange(0..<weights.count, with: weights)
        var gradient = [Float](repeating: 0, count: net.parameterCount)
        params.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { net.backward(p.baseAddress!, rows: rows, ws, grad: $0.baseAddress!) }
        }

        let h: Float = 1e-3
        var checked = 0
        for (layer, offset) in zip(net.layers, net.offsets) {
            for e in offset..<(offset + layer.weightCount + layer.biasCount) {
                var up = params, down = params
                up[e] += h
                down[e] -= h
                let numeric = (loss(up) - loss(down)) / Double(2 * h)
                #expect(abs(numeric - Double(gradient[e])) <= 2e-3 * max(1, abs(numeric)),
                        "parameter \(e) of \(layer): backprop \(gradient[e]), finite difference \(numeric)")
                checked += 1
            }
        }
        #expect(checked == net.parameterCount)
        #expect(gradient.contains { abs($0) > 0.1 })
    }

    /// im2col by hand on one row (length 3, 2 channels, kernel 3, zero "same" padding).
    @Test func im2colWindows() {
        let x: [Float] = [1, 2, 3, 4, 5, 6]
        var cols = [Float](repeating: .nan, count: 18)
        Network.im2col(x, rows: 1, length: 3, channels: 2, kernel: 3, into: &cols)
        #expect(cols == [0, 0, 1, 2, 3, 4,
                         1, 2, 3, 4, 5, 6,
                         3, 4, 5, 6, 0, 0])
    }

    /// col2im is im2col's transpose (what the backward pass relies on): <im2col(x), y> = <x, col2im(y)>,
    /// and col2im(im2col(x)) is x times the number of windows that read each position.
    @Test(arguments: [1, 3, 5])
    func im2colRoundTrip(kernel: Int) {
        let (rows, length, channels) = (2, 6, 3)
        var random = SplitMix64(seed: UInt64(kernel))
        let x = (0..<(rows * length * channels)).map { _ in Float(Int.random(in: -9...9, using: &random)) }
        let y = (0..<(rows * length * kernel * channels)).map { _ in Float(Int.random(in: -9...9, using: &random)) }
        var cols = [Float](repeating: .nan, count: y.count)
        Network.im2col(x, rows: rows, length: length, channels: channels, kernel: kernel, into: &cols)
        var folded = [Float](repeating: .nan, count: x.count)
        Network.col2im(y, rows: rows, length: length, channels: channels, kernel: kernel, into: &folded)
        #expect(zip(cols, y).reduce(0) { $0 + $1.0 * $1.1 } == zip(x, folded).reduce(0) { $0 + $1.0 * $1.1 })

        var back = [Float](repeating: .nan, count: x.count)
        Network.col2im(cols, rows: rows, length: length, channels: channels, kernel: kernel, into: &back)
        let pad = kernel / 2
        for r in 0..<rows {
            for l in 0..<length {
                let windows = (0..<kernel).filter { t in (0..<length).contains(l - t + pad) }.count
                for c in 0..<channels {
                    let i = (r * length + l) * channels + c
                    #expect(back[i] == x[i] * Float(windows), "row \(r), position \(l), channel \(c)")
                }
            }
        }
    }
}
