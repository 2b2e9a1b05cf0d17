import CModelKernels

/// C (m x n) = alpha * op(A) * op(B) + beta * C for row-major matrices, with the kernels of
/// CModelKernels (fixed summation order: reproducible). op(A) is A (m x k, row stride lda) or,
/// with `transposeA`, the transpose of A (k x m). With `transposeB`, B is given as n x k and copied
/// transposed first (the kernels stream rows of B; here B is always a small weight matrix).
func gemm(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
          b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false, beta: Float = 0,
          c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    let (rsa, csa) = transposeA ? (1, lda) : (lda, 1)
    if transposeB {
        var bt = [Float](repeating: 0, count: k * n)
        for j in 0..<n { for p in 0..<k { bt[p * n + j] = b[j * ldb + p] } }
        bt.withUnsafeBufferPointer {
            trq_gemm(simdLevel, Int64(m), Int64(n), Int64(k), alpha, a, Int64(rsa), Int64(csa), $0.baseAddress!, Int64(n),
                     beta, c, Int64(ldc))
        }
    } else {
        trq_gemm(simdLevel, Int64(m), Int64(n), Int64(k), alpha, a, Int64(rsa), Int64(csa), b, Int64(ldb), beta, c, Int64(ldc))
    }
}
