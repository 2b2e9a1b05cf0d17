import CModelKernels
import Foundation
import TestSupport
import Testing

/// The C kernels of CModelKernels: the portable path against sums in Double written here, and each
/// SIMD path the CPU has against the portable path on the same inputs (they may differ only by
/// float rounding: fused multiply-adds and a different summation order).
@Suite struct ModelKernelTests {
    @Test func portablePathAgainstDoubleSums() {
        checkEveryKernel(level: 0, against: nil)
    }

    @Test(.enabled(if: trq_simd_level() >= 1, "needs AVX2 and FMA"))
    func avx2PathMatchesPortable() {
        checkEveryKernel(level: 1, against: 0)
    }

    @Test(.enabled(if: trq_simd_level() >= 2, "needs AVX-512F"))
    func avx512PathMatchesPortable() {
        checkEveryKernel(level: 2, against: 0)
    }

    /// User x item scores through OpenBLAS (opened at first use; scripts/deps installs it) and
    /// through trq's own GEMM, each against dot products summed in Double.
    @Test(arguments: [0, 1])
    func rowScoresEqualDotProducts(useOpenBLAS: Int32) {
        if useOpenBLAS == 1 { #expect(trq_openblas_available() == 1, "libopenblas.so.0 did not open") }
        var random = SplitMix64(seed: 9)
        let (rows, count, stride, ldo) = (5, 37, 32, 40)
        let x = random.floats(rows * stride), y = random.floats(count * stride)
        var out = [Float](repeating: .nan, count: rows * ldo)
        trq_row_scores(trq_simd_level(), useOpenBLAS, x, Int64(rows), y, Int64(count), Int64(stride), &out, Int64(ldo))
        let cells = (0..<rows).flatMap { r in (0..<count).map { (r, $0) } }
        let expected = cells.map { r, j in
            Float((0..<stride).reduce(0.0) { $0 + Double(x[r * stride + $1]) * Double(y[j * stride + $1]) })
        }
        expectClose(cells.map { r, j in out[r * ldo + j] }, expected, "row scores")
        #expect(out[ldo - 1].isNaN, "wrote past the row's \(count) scores")
    }

    @Test func reluKeepsPositivesOnly() {
        let x: [Float] = [-2, -0.0, 0, 1e-30, 3, .nan, -.infinity, .infinity]
        var y = [Float](repeating: 7, count: x.count)
        trq_relu(x, &y, Int64(x.count))
        #expect(y.map(\.bitPattern) == ([0, 0, 0, 1e-30, 3, 0, 0, .infinity] as [Float]).map(\.bitPattern))
        let dy: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
        var dx = [Float](repeating: 7, count: x.count)
        trq_relu_backward(x, dy, &dx, Int64(x.count))
        #expect(dx == [0, 0, 0, 4, 5, 0, 0, 8])
    }
}

/// Runs every kernel at `level`; compares with the same kernel at `reference` level, or with
/// Double arithmetic when `reference` is nil.
private func checkEveryKernel(level: Int32, against reference: Int32?) {
    var random = SplitMix64(seed: UInt64(level) &+ 1)
    for stride in [16, 32, 64, 80] {
        // dot
        let a = random.floats(stride), b = random.floats(stride)
        let dot = trq_dot(level, a, b, Int64(stride))
        let dotExpected = reference.map { trq_dot($0, a, b, Int64(stride)) } ?? Float(zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
        expectClose([dot], [dotExpected], "dot, stride \(stride)")

        // sparse_update, both forms
        let items = 23, n = 37
        let y = random.floats(items * stride), v = random.floats(stride)
        let idx = (0..<n).map { _ in Int32.random(in: 0..<Int32(items), using: &random) }
        let c = (0..<n).map { _ in Float.random(in: 1..<5, using: &random) }
        let start = random.floats(stride)
        for residual: Int32 in [0, 1] {
            var acc = start
            trq_sparse_update(level, y, Int64(stride), idx, Int64(n), c, v, &acc, residual)
            var expected = start
            if let reference {
                trq_sparse_update(reference, y, Int64(stride), idx, Int64(n), c, v, &expected, residual)
            } else {
                var sums = start.map(Double.init)
                for j in 0..<n {
                    let row = Int(idx[j]) * stride
                    let t = (0..<stride).reduce(0.0) { $0 + Double(y[row + $1]) * Double(v[$1]) }
                    let cj = Double(c[j])
                    let w = residual != 0 ? cj - (cj - 1) * t : (cj - 1) * t
                    for d in 0..<stride { sums[d] += w * Double(y[row + d]) }
                }
                expected = sums.map(Float.init)
            }
            expectClose(acc, expected, "sparse_update residual \(residual), stride \(stride)")
        }

        // rows_times_square, with row counts that leave tails of the 2- and 4-row blocks
        let g = random.floats(stride * stride)
        for rows in [1, 2, 3, 5, 7] {
            let p = random.floats(rows * stride)
            var out = [Float](repeating: .nan, count: rows * stride)
            trq_rows_times_square(level, p, Int64(rows), Int64(stride), g, -0.5, &out)
            var expected = [Float](repeating: .nan, count: rows * stride)
            if let reference {
                trq_rows_times_square(reference, p, Int64(rows), Int64(stride), g, -0.5, &expected)
            } else {
                for r in 0..<rows {
                    for d in 0..<stride {
                        let sum = (0..<stride).reduce(0.0) { $0 + Double(p[r * stride + $1]) * Double(g[$1 * stride + d]) }
                        expected[r * stride + d] = Float(-0.5 * sum)
                    }
                }
            }
            expectClose(out, expected, "rows_times_square \(rows) rows, stride \(stride)")
        }

        // gram_accumulate, with row counts that leave tails of the 4- and 8-row blocks
        for rows in [3, 8, 13] {
            let f = random.floats(rows * stride)
            let initial = random.floats(stride * stride)
            var out = initial
            trq_gram_accumulate(level, f, Int64(rows), Int64(stride), &out)
            var expected = initial
            if let reference {
                trq_gram_accumulate(reference, f, Int64(rows), Int64(stride), &expected)
            } else {
                for k in 0..<stride {
                    for d in 0..<stride {
                        let sum = (0..<rows).reduce(Double(initial[k * stride + d])) {
                            $0 + Double(f[$1 * stride + k]) * Double(f[$1 * stride + d])
                        }
                        expected[k * stride + d] = Float(sum)
                    }
                }
            }
            expectClose(out, expected, "gram_accumulate \(rows) rows, stride \(stride)")
        }

        // cg_update: one step from the same state
        let ap = random.floats(stride), x0 = random.floats(stride), r0 = random.floats(stride), p0 = random.floats(stride)
        let rs0 = r0.reduce(Float(0)) { $0 + $1 * $1 }
        var (x, r, p, rs) = (x0, r0, p0, rs0)
        let going = trq_cg_update(level, &x, &r, &p, ap, Int64(stride), &rs)
        var (ex, er, ep, ers) = (x0, r0, p0, rs0)
        var expectedGoing: Int32 = 1
        if let reference {
            expectedGoing = trq_cg_update(reference, &ex, &er, &ep, ap, Int64(stride), &ers)
        } else {
            let pap = zip(p0, ap).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let step = Double(rs0) / pap
            let rd = (0..<stride).map { Double(r0[$0]) - step * Double(ap[$0]) }
            let rsNew = rd.reduce(0.0) { $0 + $1 * $1 }
            ex = (0..<stride).map { Float(Double(x0[$0]) + step * Double(p0[$0])) }
            er = rd.map(Float.init)
            ep = (0..<stride).map { Float(rd[$0] + rsNew / Double(rs0) * Double(p0[$0])) }
            ers = Float(rsNew)
        }
        #expect(going == expectedGoing)
        expectClose(x + r + p + [rs], ex + er + ep + [ers], "cg_update, stride \(stride)")
    }

    // gemm: widths that cross every 8- and 16-float chunk edge and the 64-float block, row counts
    // that leave tails of the 4- and 8-row blocks, A read directly and transposed, beta 0 and not.
    for n in [1, 7, 8, 9, 15, 16, 17, 33, 48, 50, 64, 65, 130] {
        for m in [1, 3, 4, 6, 9] {
            let k = 11
            let a = random.floats(m * k), b = random.floats(k * n)
            let ldc = n + 3  // the 3 floats past each row of C must not be written
            let initial = random.floats(m * ldc)
            for transposed in [false, true] {
                // A(i, p) at a[i * rsa + p * csa]: row-major m x k, or the transpose of a k x m matrix.
                let (rsa, csa) = transposed ? (1, m) : (k, 1)
                for beta: Float in [0, 0.5] {
                    var out = initial
                    trq_gemm(level, Int64(m), Int64(n), Int64(k), 1.5, a, Int64(rsa), Int64(csa), b, Int64(n), beta, &out, Int64(ldc))
                    var expected = initial
                    if let reference {
                        trq_gemm(reference, Int64(m), Int64(n), Int64(k), 1.5, a, Int64(rsa), Int64(csa), b, Int64(n), beta,
                                 &expected, Int64(ldc))
                    } else {
                        for i in 0..<m {
                            for j in 0..<n {
                                let sum = (0..<k).reduce(0.0) { $0 + Double(a[i * rsa + $1 * csa]) * Double(b[$1 * n + j]) }
                                expected[i * ldc + j] = Float(1.5 * sum + Double(beta) * Double(initial[i * ldc + j]))
                            }
                        }
                    }
                    expectClose(out, expected, "gemm \(m)x\(n)x\(k), transposed \(transposed), beta \(beta)")
                }
            }
        }
    }

    // softmax_gradient and exp_sum_add: 8-wide and tail rows, against exp in Double (every path
    // uses the same polynomial).
    do {
        let n = 21, c: Int32 = 2
        let score = (0..<n).map { _ in Float.random(in: -12..<4, using: &random) }
        let lse = score.map { $0 + Float.random(in: 0.01..<14, using: &random) }  // probabilities: score <= lse
        let labels = (0..<n).map { Int32($0 % 4) }
        var g = [Float](repeating: .nan, count: n), h = g, sum = [Float](repeating: 0.5, count: n)
        trq_softmax_gradient(level, score, lse, labels, c, Int64(n), &g, &h)
        trq_exp_sum_add(level, score, lse, Int64(n), &sum)
        for r in 0..<n {
            let p = Foundation.exp(Double(score[r]) - Double(lse[r]))
            let y = labels[r] == c ? 1.0 : 0.0
            // Rounding score - lse to float alone moves p by up to 1e-6 relative.
            if !(abs(Double(g[r]) - (p - y)) <= 2e-6 * p + 1e-7 * y && abs(Double(h[r]) - p * (1 - p)) <= 2e-6 * p
                 && abs(Double(sum[r]) - (0.5 + p)) <= 2e-6 * (0.5 + p)) {
                Issue.record("softmax row \(r): g \(g[r]) h \(h[r]) sum \(sum[r]), expected p \(p)")
            }
        }
    }

    // squared_distances (doubles): the 16-wide path and the general one; the sums are exact to
    // double rounding, so they must agree to 1e-12.
    for stride in [8, 16, 24] {
        let count = 9
        let point = (0..<stride).map { _ in Double.random(in: -3..<3, using: &random) }
        let rows = (0..<(count * stride)).map { _ in Double.random(in: -3..<3, using: &random) }
        var out = [Double](repeating: .nan, count: count)
        trq_squared_distances(level, point, rows, Int64(count), Int64(stride), &out)
        var expected = [Double](repeating: .nan, count: count)
        if let reference {
            trq_squared_distances(reference, point, rows, Int64(count), Int64(stride), &expected)
        } else {
            for j in 0..<count { expected[j] = (0..<stride).reduce(0.0) { $0 + (point[$1] - rows[j * stride + $1]) * (point[$1] - rows[j * stride + $1]) } }
        }
        for j in 0..<count where !(abs(out[j] - expected[j]) <= 1e-12 * (1 + expected[j])) {
            Issue.record("squared_distances stride \(stride): row \(j) is \(out[j]), expected \(expected[j])")
        }
    }
}

/// Equal up to float rounding of sums of a few dozen terms of magnitude about 1.
private func expectClose(_ actual: [Float], _ expected: [Float], _ what: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what): length", sourceLocation: sourceLocation)
    for (i, (x, y)) in zip(actual, expected).enumerated() where !(abs(x - y) <= 1e-4 * (1 + abs(y))) {
        Issue.record("\(what): element \(i) is \(x), expected \(y)", sourceLocation: sourceLocation)
        return
    }
}

extension SplitMix64 {
    /// Reproducible kernel inputs in [-1, 1).
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1..<1, using: &self) } }
}
