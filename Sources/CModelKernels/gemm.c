// What each kernel computes is documented in model_kernels.h.
#include "model_kernels.h"
#include "x86.h"

static void trq_gemm_c(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
                       const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    for (int64_t i = 0; i < m; i++) {
        float *c = C + i * ldc;
        for (int64_t j = 0; j < n; j++) c[j] = beta == 0 ? 0 : beta * c[j];
        for (int64_t p = 0; p < k; p++) {
            float a = alpha * A[i * rsa + p * csa];
            const float *b = B + p * ldb;
            for (int64_t j = 0; j < n; j++) c[j] += a * b[j];
        }
    }
}

#if TRQ_X86
__attribute__((target("avx2,fma")))
static __m256i trq_mask8(int64_t lanes) {
    const int32_t ramp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)(lanes < 8 ? lanes : 8)), _mm256_loadu_si256((const __m256i *)ramp));
}

__attribute__((target("avx2,fma")))
static void trq_gemm_avx2(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
                          const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    for (int64_t i = 0; i < m; i += 4) {
        int64_t rows = m - i < 4 ? m - i : 4;
        for (int64_t j = 0; j < n; j += 16) {
            __m256i m0 = trq_mask8(n - j), m1 = trq_mask8(n - j - 8);
            __m256 acc[4][2];
            for (int r = 0; r < 4; r++) { acc[r][0] = _mm256_setzero_ps(); acc[r][1] = _mm256_setzero_ps(); }
            for (int64_t p = 0; p < k; p++) {
                const float *b = B + p * ldb + j;
                __m256 b0 = _mm256_maskload_ps(b, m0), b1 = _mm256_maskload_ps(b + 8, m1);
                for (int r = 0; r < 4; r++) {
                    __m256 a = _mm256_set1_ps(A[(i + (r < rows ? r : 0)) * rsa + p * csa]);
                    acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
                    acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
                }
            }
            __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
            for (int r = 0; r < rows; r++) {
                float *c = C + (i + r) * ldc + j;
                __m256 r0 = _mm256_mul_ps(va, acc[r][0]), r1 = _mm256_mul_ps(va, acc[r][1]);
                if (beta != 0) {
                    r0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(c, m0), r0);
                    r1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(c + 8, m1), r1);
                }
                _mm256_maskstore_ps(c, m0, r0);
                _mm256_maskstore_ps(c + 8, m1, r1);
            }
        }
    }
}

__attribute__((target("avx512f")))
static __mmask16 trq_mask16(int64_t lanes) {
    return lanes >= 16 ? (__mmask16)0xFFFF : lanes <= 0 ? (__mmask16)0 : (__mmask16)((1u << lanes) - 1);
}

// Blocks of RB rows x NC 16-float chunks of C (8x1, 8x2, 4x3, 4x4), from generate_gemm_blocks.py.
#include "gemm_blocks.h"

__attribute__((target("avx512f")))
static void trq_gemm_avx512(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
                            const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    for (int64_t j = 0; j < n; j += 64) {
        int64_t cols = n - j < 64 ? n - j : 64;
        int chunks = (int)((cols + 15) / 16);
        // Wide blocks: 4 rows x 4 chunks; narrow ones take more rows to keep 8-16 accumulators busy.
        int64_t step = chunks >= 3 ? 4 : 8;
        for (int64_t i = 0; i < m; i += step) {
            int64_t rows = m - i < step ? m - i : step;
            const float *a = A + i * rsa;
            const float *b = B + j;
            float *c = C + i * ldc + j;
            switch (chunks) {
            case 1: trq_gemm_block_8x1(rows, cols, k, alpha, a, rsa, csa, b, ldb, beta, c, ldc); break;
            case 2: trq_gemm_block_8x2(rows, cols, k, alpha, a, rsa, csa, b, ldb, beta, c, ldc); break;
            case 3: trq_gemm_block_4x3(rows, cols, k, alpha, a, rsa, csa, b, ldb, beta, c, ldc); break;
            default: trq_gemm_block_4x4(rows, cols, k, alpha, a, rsa, csa, b, ldb, beta, c, ldc); break;
            }
        }
    }
}
#endif

void trq_gemm(int level, int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
              const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
#if TRQ_X86
    if (level >= 2) trq_gemm_avx512(m, n, k, alpha, A, rsa, csa, B, ldb, beta, C, ldc);
    else if (level == 1) trq_gemm_avx2(m, n, k, alpha, A, rsa, csa, B, ldb, beta, C, ldc);
    else
#endif
    trq_gemm_c(m, n, k, alpha, A, rsa, csa, B, ldb, beta, C, ldc);
}
