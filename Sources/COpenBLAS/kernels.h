// Small float kernels for TRQModels' ALS, header-only so they need no extra package target.
//
// Why not only OpenBLAS: the hot products are tiny (one 64-float row at a time, or a 64x64 matrix),
// where a BLAS call costs more than the arithmetic, and distribution OpenBLAS builds may not
// recognise newer CPUs (0.3.21 falls back to its SSE3 "Prescott" kernels on Emerald Rapids).
// Each kernel has AVX-512F, AVX2+FMA and portable variants; Swift picks one once with
// trq_simd_level(). Row lengths (`stride`) are multiples of 16 floats: TRQModels pads factor rows.
// Every variant sums in an order fixed by its inputs, so results are reproducible run to run.
#ifndef TRQ_KERNELS_H
#define TRQ_KERNELS_H

#include <immintrin.h>
#include <stdint.h>

/// 2: AVX-512F, 1: AVX2 + FMA, 0: portable C.
static inline int trq_simd_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
    return 0;
}

// ---------------------------------------------------------------------------------------------
// trq_sparse_update: for each j < n, with y = Y + idx[j] * stride and t = y . v,
//   acc += w * y, where w = c[j] - (c[j] - 1) * t  (residual, `residual` != 0)
//                   or w = (c[j] - 1) * t          (CG product, `residual` == 0).
// That is acc += Y_u^T (c - (c - 1) * (Y_u v)) or acc += Y_u^T ((c - 1) * (Y_u v)) for the rows
// Y_u of the other side that a user (or item) interacted with.

static inline void trq_sparse_update_c(const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                                       const float *c, const float *v, float *acc, int residual) {
    for (int64_t j = 0; j < n; j++) {
        const float *y = Y + (int64_t)idx[j] * stride;
        float t = 0;
        for (int64_t d = 0; d < stride; d++) t += y[d] * v[d];
        float w = residual ? c[j] - (c[j] - 1) * t : (c[j] - 1) * t;
        for (int64_t d = 0; d < stride; d++) acc[d] += w * y[d];
    }
}

__attribute__((target("avx2,fma")))
static inline void trq_sparse_update_avx2(const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                                          const float *c, const float *v, float *acc, int residual) {
    for (int64_t j = 0; j < n; j++) {
        const float *y = Y + (int64_t)idx[j] * stride;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        for (int64_t d = 0; d < stride; d += 16) {
            s0 = _mm256_fmadd_ps(_mm256_loadu_ps(y + d), _mm256_loadu_ps(v + d), s0);
            s1 = _mm256_fmadd_ps(_mm256_loadu_ps(y + d + 8), _mm256_loadu_ps(v + d + 8), s1);
        }
        __m256 s = _mm256_add_ps(s0, s1);
        __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
        h = _mm_add_ps(h, _mm_movehl_ps(h, h));
        h = _mm_add_ss(h, _mm_movehdup_ps(h));
        float t = _mm_cvtss_f32(h);
        __m256 w = _mm256_set1_ps(residual ? c[j] - (c[j] - 1) * t : (c[j] - 1) * t);
        for (int64_t d = 0; d < stride; d += 8)
            _mm256_storeu_ps(acc + d, _mm256_fmadd_ps(w, _mm256_loadu_ps(y + d), _mm256_loadu_ps(acc + d)));
    }
}

__attribute__((target("avx512f")))
static inline void trq_sparse_update_avx512(const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                                            const float *c, const float *v, float *acc, int residual) {
    if (stride == 64) {
        // The common size: v and acc stay in registers for the whole row.
        __m512 v0 = _mm512_loadu_ps(v), v1 = _mm512_loadu_ps(v + 16);
        __m512 v2 = _mm512_loadu_ps(v + 32), v3 = _mm512_loadu_ps(v + 48);
        __m512 a0 = _mm512_loadu_ps(acc), a1 = _mm512_loadu_ps(acc + 16);
        __m512 a2 = _mm512_loadu_ps(acc + 32), a3 = _mm512_loadu_ps(acc + 48);
        for (int64_t j = 0; j < n; j++) {
            const float *y = Y + (int64_t)idx[j] * 64;
            __m512 y0 = _mm512_loadu_ps(y), y1 = _mm512_loadu_ps(y + 16);
            __m512 y2 = _mm512_loadu_ps(y + 32), y3 = _mm512_loadu_ps(y + 48);
            __m512 s = _mm512_add_ps(_mm512_fmadd_ps(y0, v0, _mm512_mul_ps(y1, v1)),
                                     _mm512_fmadd_ps(y2, v2, _mm512_mul_ps(y3, v3)));
            float t = _mm512_reduce_add_ps(s);
            __m512 w = _mm512_set1_ps(residual ? c[j] - (c[j] - 1) * t : (c[j] - 1) * t);
            a0 = _mm512_fmadd_ps(w, y0, a0); a1 = _mm512_fmadd_ps(w, y1, a1);
            a2 = _mm512_fmadd_ps(w, y2, a2); a3 = _mm512_fmadd_ps(w, y3, a3);
        }
        _mm512_storeu_ps(acc, a0); _mm512_storeu_ps(acc + 16, a1);
        _mm512_storeu_ps(acc + 32, a2); _mm512_storeu_ps(acc + 48, a3);
        return;
    }
    for (int64_t j = 0; j < n; j++) {
        const float *y = Y + (int64_t)idx[j] * stride;
        __m512 s = _mm512_setzero_ps();
        for (int64_t d = 0; d < stride; d += 16) s = _mm512_fmadd_ps(_mm512_loadu_ps(y + d), _mm512_loadu_ps(v + d), s);
        float t = _mm512_reduce_add_ps(s);
        __m512 w = _mm512_set1_ps(residual ? c[j] - (c[j] - 1) * t : (c[j] - 1) * t);
        for (int64_t d = 0; d < stride; d += 16)
            _mm512_storeu_ps(acc + d, _mm512_fmadd_ps(w, _mm512_loadu_ps(y + d), _mm512_loadu_ps(acc + d)));
    }
}

static inline void trq_sparse_update(int level, const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                                     const float *c, const float *v, float *acc, int residual) {
    if (level >= 2) trq_sparse_update_avx512(Y, stride, idx, n, c, v, acc, residual);
    else if (level == 1) trq_sparse_update_avx2(Y, stride, idx, n, c, v, acc, residual);
    else trq_sparse_update_c(Y, stride, idx, n, c, v, acc, residual);
}

// ---------------------------------------------------------------------------------------------
// trq_rows_times_square: out (rows x stride) = alpha * P (rows x stride) * G (stride x stride),
// all row-major with leading dimension `stride`. Used for gram * p of a chunk of rows at once.

static inline void trq_rows_times_square_c(const float *P, int64_t rows, int64_t stride, const float *G,
                                           float alpha, float *out) {
    for (int64_t r = 0; r < rows; r++) {
        float *o = out + r * stride;
        for (int64_t d = 0; d < stride; d++) o[d] = 0;
        for (int64_t k = 0; k < stride; k++) {
            float p = alpha * P[r * stride + k];
            const float *g = G + k * stride;
            for (int64_t d = 0; d < stride; d++) o[d] += p * g[d];
        }
    }
}

__attribute__((target("avx2,fma")))
static inline void trq_rows_times_square_avx2(const float *P, int64_t rows, int64_t stride, const float *G,
                                              float alpha, float *out) {
    for (int64_t r = 0; r < rows; r += 2) {
        int two = r + 1 < rows;
        const float *p0 = P + r * stride, *p1 = P + (r + two) * stride;
        for (int64_t d = 0; d < stride; d += 16) {
            __m256 a00 = _mm256_setzero_ps(), a01 = _mm256_setzero_ps();
            __m256 a10 = _mm256_setzero_ps(), a11 = _mm256_setzero_ps();
            for (int64_t k = 0; k < stride; k++) {
                __m256 g0 = _mm256_loadu_ps(G + k * stride + d), g1 = _mm256_loadu_ps(G + k * stride + d + 8);
                __m256 b0 = _mm256_broadcast_ss(p0 + k), b1 = _mm256_broadcast_ss(p1 + k);
                a00 = _mm256_fmadd_ps(b0, g0, a00); a01 = _mm256_fmadd_ps(b0, g1, a01);
                a10 = _mm256_fmadd_ps(b1, g0, a10); a11 = _mm256_fmadd_ps(b1, g1, a11);
            }
            __m256 s = _mm256_set1_ps(alpha);
            _mm256_storeu_ps(out + r * stride + d, _mm256_mul_ps(s, a00));
            _mm256_storeu_ps(out + r * stride + d + 8, _mm256_mul_ps(s, a01));
            if (two) {
                _mm256_storeu_ps(out + (r + 1) * stride + d, _mm256_mul_ps(s, a10));
                _mm256_storeu_ps(out + (r + 1) * stride + d + 8, _mm256_mul_ps(s, a11));
            }
        }
    }
}

__attribute__((target("avx512f")))
static inline void trq_rows_times_square_avx512(const float *P, int64_t rows, int64_t stride, const float *G,
                                                float alpha, float *out) {
    __m512 s = _mm512_set1_ps(alpha);
    for (int64_t r = 0; r < rows; r += 4) {
        // Four rows at a time (a tail repeats the last row and drops the copies on store).
        const float *p0 = P + r * stride;
        const float *p1 = P + (r + 1 < rows ? r + 1 : r) * stride;
        const float *p2 = P + (r + 2 < rows ? r + 2 : r) * stride;
        const float *p3 = P + (r + 3 < rows ? r + 3 : r) * stride;
        int64_t d = 0;
        for (; d + 64 <= stride; d += 64) {
            __m512 a[4][4];
            for (int i = 0; i < 4; i++) for (int q = 0; q < 4; q++) a[i][q] = _mm512_setzero_ps();
            for (int64_t k = 0; k < stride; k++) {
                const float *g = G + k * stride + d;
                __m512 g0 = _mm512_loadu_ps(g), g1 = _mm512_loadu_ps(g + 16);
                __m512 g2 = _mm512_loadu_ps(g + 32), g3 = _mm512_loadu_ps(g + 48);
                __m512 b0 = _mm512_set1_ps(p0[k]), b1 = _mm512_set1_ps(p1[k]);
                __m512 b2 = _mm512_set1_ps(p2[k]), b3 = _mm512_set1_ps(p3[k]);
                a[0][0] = _mm512_fmadd_ps(b0, g0, a[0][0]); a[0][1] = _mm512_fmadd_ps(b0, g1, a[0][1]);
                a[0][2] = _mm512_fmadd_ps(b0, g2, a[0][2]); a[0][3] = _mm512_fmadd_ps(b0, g3, a[0][3]);
                a[1][0] = _mm512_fmadd_ps(b1, g0, a[1][0]); a[1][1] = _mm512_fmadd_ps(b1, g1, a[1][1]);
                a[1][2] = _mm512_fmadd_ps(b1, g2, a[1][2]); a[1][3] = _mm512_fmadd_ps(b1, g3, a[1][3]);
                a[2][0] = _mm512_fmadd_ps(b2, g0, a[2][0]); a[2][1] = _mm512_fmadd_ps(b2, g1, a[2][1]);
                a[2][2] = _mm512_fmadd_ps(b2, g2, a[2][2]); a[2][3] = _mm512_fmadd_ps(b2, g3, a[2][3]);
                a[3][0] = _mm512_fmadd_ps(b3, g0, a[3][0]); a[3][1] = _mm512_fmadd_ps(b3, g1, a[3][1]);
                a[3][2] = _mm512_fmadd_ps(b3, g2, a[3][2]); a[3][3] = _mm512_fmadd_ps(b3, g3, a[3][3]);
            }
            for (int i = 0; i < 4 && r + i < rows; i++)
                for (int q = 0; q < 4; q++) _mm512_storeu_ps(out + (r + i) * stride + d + 16 * q, _mm512_mul_ps(s, a[i][q]));
        }
        for (; d < stride; d += 16) {
            __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
            for (int64_t k = 0; k < stride; k++) {
                __m512 g = _mm512_loadu_ps(G + k * stride + d);
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(p0[k]), g, a0);
                a1 = _mm512_fmadd_ps(_mm512_set1_ps(p1[k]), g, a1);
                a2 = _mm512_fmadd_ps(_mm512_set1_ps(p2[k]), g, a2);
                a3 = _mm512_fmadd_ps(_mm512_set1_ps(p3[k]), g, a3);
            }
            __m512 a[4] = {a0, a1, a2, a3};
            for (int i = 0; i < 4 && r + i < rows; i++) _mm512_storeu_ps(out + (r + i) * stride + d, _mm512_mul_ps(s, a[i]));
        }
    }
}

static inline void trq_rows_times_square(int level, const float *P, int64_t rows, int64_t stride, const float *G,
                                         float alpha, float *out) {
    if (level >= 2) trq_rows_times_square_avx512(P, rows, stride, G, alpha, out);
    else if (level == 1) trq_rows_times_square_avx2(P, rows, stride, G, alpha, out);
    else trq_rows_times_square_c(P, rows, stride, G, alpha, out);
}

// ---------------------------------------------------------------------------------------------
// trq_gram_accumulate: out (stride x stride) += F^T F over `rows` rows of F (row-major, `stride`).
// Rows are taken eight at a time so each element of `out` is loaded and stored once per eight.

static inline void trq_gram_accumulate_c(const float *F, int64_t rows, int64_t stride, float *out) {
    for (int64_t i = 0; i < rows; i++) {
        const float *f = F + i * stride;
        for (int64_t k = 0; k < stride; k++) {
            float a = f[k];
            for (int64_t d = 0; d < stride; d++) out[k * stride + d] += a * f[d];
        }
    }
}

__attribute__((target("avx2,fma")))
static inline void trq_gram_accumulate_avx2(const float *F, int64_t rows, int64_t stride, float *out) {
    int64_t i = 0;
    for (; i + 4 <= rows; i += 4) {
        const float *f0 = F + i * stride, *f1 = f0 + stride, *f2 = f1 + stride, *f3 = f2 + stride;
        for (int64_t d = 0; d < stride; d += 8) {
            __m256 c0 = _mm256_loadu_ps(f0 + d), c1 = _mm256_loadu_ps(f1 + d);
            __m256 c2 = _mm256_loadu_ps(f2 + d), c3 = _mm256_loadu_ps(f3 + d);
            for (int64_t k = 0; k < stride; k++) {
                float *o = out + k * stride + d;
                __m256 acc = _mm256_loadu_ps(o);
                acc = _mm256_fmadd_ps(_mm256_broadcast_ss(f0 + k), c0, acc);
                acc = _mm256_fmadd_ps(_mm256_broadcast_ss(f1 + k), c1, acc);
                acc = _mm256_fmadd_ps(_mm256_broadcast_ss(f2 + k), c2, acc);
                acc = _mm256_fmadd_ps(_mm256_broadcast_ss(f3 + k), c3, acc);
                _mm256_storeu_ps(o, acc);
            }
        }
    }
    trq_gram_accumulate_c(F + i * stride, rows - i, stride, out);
}

__attribute__((target("avx512f")))
static inline void trq_gram_accumulate_avx512(const float *F, int64_t rows, int64_t stride, float *out) {
    int64_t i = 0;
    for (; i + 8 <= rows; i += 8) {
        const float *f = F + i * stride;
        for (int64_t d = 0; d < stride; d += 16) {
            __m512 c[8];
            for (int q = 0; q < 8; q++) c[q] = _mm512_loadu_ps(f + q * stride + d);
            for (int64_t k = 0; k < stride; k++) {
                float *o = out + k * stride + d;
                __m512 acc = _mm512_loadu_ps(o);
                for (int q = 0; q < 8; q++) acc = _mm512_fmadd_ps(_mm512_set1_ps(f[q * stride + k]), c[q], acc);
                _mm512_storeu_ps(o, acc);
            }
        }
    }
    trq_gram_accumulate_c(F + i * stride, rows - i, stride, out);
}

static inline void trq_gram_accumulate(int level, const float *F, int64_t rows, int64_t stride, float *out) {
    if (level >= 2) trq_gram_accumulate_avx512(F, rows, stride, out);
    else if (level == 1) trq_gram_accumulate_avx2(F, rows, stride, out);
    else trq_gram_accumulate_c(F, rows, stride, out);
}

// ---------------------------------------------------------------------------------------------
// trq_dot: a . b over n floats (n a multiple of 16).

static inline float trq_dot_c(const float *a, const float *b, int64_t n) {
    float s = 0;
    for (int64_t d = 0; d < n; d++) s += a[d] * b[d];
    return s;
}

__attribute__((target("avx2,fma")))
static inline float trq_dot_avx2(const float *a, const float *b, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    for (int64_t d = 0; d < n; d += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d + 8), _mm256_loadu_ps(b + d + 8), s1);
    }
    __m256 s = _mm256_add_ps(s0, s1);
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

__attribute__((target("avx512f")))
static inline float trq_dot_avx512(const float *a, const float *b, int64_t n) {
    __m512 s = _mm512_setzero_ps();
    for (int64_t d = 0; d < n; d += 16) s = _mm512_fmadd_ps(_mm512_loadu_ps(a + d), _mm512_loadu_ps(b + d), s);
    return _mm512_reduce_add_ps(s);
}

static inline float trq_dot(int level, const float *a, const float *b, int64_t n) {
    if (level >= 2) return trq_dot_avx512(a, b, n);
    if (level == 1) return trq_dot_avx2(a, b, n);
    return trq_dot_c(a, b, n);
}

// ---------------------------------------------------------------------------------------------
// trq_cg_update: one conjugate-gradient update given ap = A p (n floats, a multiple of 16):
//   step = rs_old / (p . ap); x += step p; r -= step ap; rs_new = r . r;
//   if rs_new < 1e-20 stop (returns 0, implicit's rule); else p = r + (rs_new / rs_old) p.

static inline int trq_cg_update(int level, float *x, float *r, float *p, const float *ap, int64_t n, float *rs_old) {
    float step = *rs_old / trq_dot(level, p, ap, n);
    for (int64_t d = 0; d < n; d++) {
        x[d] += step * p[d];
        r[d] -= step * ap[d];
    }
    float rs_new = trq_dot(level, r, r, n);
    if (rs_new < 1e-20f) return 0;
    float beta = rs_new / *rs_old;
    for (int64_t d = 0; d < n; d++) p[d] = r[d] + beta * p[d];
    *rs_old = rs_new;
    return 1;
}

// ---------------------------------------------------------------------------------------------
// trq_gemm: C (m x n, row stride ldc) = alpha * A B + beta * C, with A(i, k) at A[i * rsa + k * csa]
// (so A may be read transposed) and B (k x n) row-major with row stride ldb. Any sizes; used for
// the classifiers' dense and convolution layers, where n is small (a layer width or class count).

static inline void trq_gemm_c(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
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

__attribute__((target("avx2,fma")))
static inline __m256i trq_mask8(int64_t lanes) {
    const int32_t ramp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int32_t)(lanes < 8 ? lanes : 8)), _mm256_loadu_si256((const __m256i *)ramp));
}

__attribute__((target("avx2,fma")))
static inline void trq_gemm_avx2(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
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
static inline __mmask16 trq_mask16(int64_t lanes) {
    return lanes >= 16 ? (__mmask16)0xFFFF : lanes <= 0 ? (__mmask16)0 : (__mmask16)((1u << lanes) - 1);
}

// Blocks of RB rows x NC 16-float chunks of C, written out so the accumulators stay in registers
// (generated: 8x1, 8x2, 4x3, 4x4).
__attribute__((target("avx512f")))
static inline void trq_gemm_block_8x1(int64_t rows, int64_t cols, int64_t k, float alpha, const float *A, int64_t rsa,
                                       int64_t csa, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    __mmask16 m0 = trq_mask16(cols - 0);
    const float *a0 = A + (0 < rows ? 0 : 0) * rsa;
    const float *a1 = A + (1 < rows ? 1 : 0) * rsa;
    const float *a2 = A + (2 < rows ? 2 : 0) * rsa;
    const float *a3 = A + (3 < rows ? 3 : 0) * rsa;
    const float *a4 = A + (4 < rows ? 4 : 0) * rsa;
    const float *a5 = A + (5 < rows ? 5 : 0) * rsa;
    const float *a6 = A + (6 < rows ? 6 : 0) * rsa;
    const float *a7 = A + (7 < rows ? 7 : 0) * rsa;
    __m512 c00 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps();
    __m512 c60 = _mm512_setzero_ps();
    __m512 c70 = _mm512_setzero_ps();
    for (int64_t p = 0; p < k; p++) {
        const float *b = B + p * ldb;
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b + 0);
        { __m512 x = _mm512_set1_ps(a0[p * csa]); c00 = _mm512_fmadd_ps(x, b0, c00); }
        { __m512 x = _mm512_set1_ps(a1[p * csa]); c10 = _mm512_fmadd_ps(x, b0, c10); }
        { __m512 x = _mm512_set1_ps(a2[p * csa]); c20 = _mm512_fmadd_ps(x, b0, c20); }
        { __m512 x = _mm512_set1_ps(a3[p * csa]); c30 = _mm512_fmadd_ps(x, b0, c30); }
        { __m512 x = _mm512_set1_ps(a4[p * csa]); c40 = _mm512_fmadd_ps(x, b0, c40); }
        { __m512 x = _mm512_set1_ps(a5[p * csa]); c50 = _mm512_fmadd_ps(x, b0, c50); }
        { __m512 x = _mm512_set1_ps(a6[p * csa]); c60 = _mm512_fmadd_ps(x, b0, c60); }
        { __m512 x = _mm512_set1_ps(a7[p * csa]); c70 = _mm512_fmadd_ps(x, b0, c70); }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __m512 acc[8][1] = {{c00}, {c10}, {c20}, {c30}, {c40}, {c50}, {c60}, {c70}};
    for (int r = 0; r < 8 && r < rows; r++) {
        float *c = C + r * ldc;
        { __m512 v = _mm512_mul_ps(va, acc[r][0]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, c + 0), v);
          _mm512_mask_storeu_ps(c + 0, m0, v); }
    }
}

__attribute__((target("avx512f")))
static inline void trq_gemm_block_8x2(int64_t rows, int64_t cols, int64_t k, float alpha, const float *A, int64_t rsa,
                                       int64_t csa, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    __mmask16 m0 = trq_mask16(cols - 0);
    __mmask16 m1 = trq_mask16(cols - 16);
    const float *a0 = A + (0 < rows ? 0 : 0) * rsa;
    const float *a1 = A + (1 < rows ? 1 : 0) * rsa;
    const float *a2 = A + (2 < rows ? 2 : 0) * rsa;
    const float *a3 = A + (3 < rows ? 3 : 0) * rsa;
    const float *a4 = A + (4 < rows ? 4 : 0) * rsa;
    const float *a5 = A + (5 < rows ? 5 : 0) * rsa;
    const float *a6 = A + (6 < rows ? 6 : 0) * rsa;
    const float *a7 = A + (7 < rows ? 7 : 0) * rsa;
    __m512 c00 = _mm512_setzero_ps(); __m512 c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(); __m512 c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(); __m512 c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(); __m512 c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(); __m512 c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(); __m512 c51 = _mm512_setzero_ps();
    __m512 c60 = _mm512_setzero_ps(); __m512 c61 = _mm512_setzero_ps();
    __m512 c70 = _mm512_setzero_ps(); __m512 c71 = _mm512_setzero_ps();
    for (int64_t p = 0; p < k; p++) {
        const float *b = B + p * ldb;
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b + 0);
        __m512 b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        { __m512 x = _mm512_set1_ps(a0[p * csa]); c00 = _mm512_fmadd_ps(x, b0, c00); c01 = _mm512_fmadd_ps(x, b1, c01); }
        { __m512 x = _mm512_set1_ps(a1[p * csa]); c10 = _mm512_fmadd_ps(x, b0, c10); c11 = _mm512_fmadd_ps(x, b1, c11); }
        { __m512 x = _mm512_set1_ps(a2[p * csa]); c20 = _mm512_fmadd_ps(x, b0, c20); c21 = _mm512_fmadd_ps(x, b1, c21); }
        { __m512 x = _mm512_set1_ps(a3[p * csa]); c30 = _mm512_fmadd_ps(x, b0, c30); c31 = _mm512_fmadd_ps(x, b1, c31); }
        { __m512 x = _mm512_set1_ps(a4[p * csa]); c40 = _mm512_fmadd_ps(x, b0, c40); c41 = _mm512_fmadd_ps(x, b1, c41); }
        { __m512 x = _mm512_set1_ps(a5[p * csa]); c50 = _mm512_fmadd_ps(x, b0, c50); c51 = _mm512_fmadd_ps(x, b1, c51); }
        { __m512 x = _mm512_set1_ps(a6[p * csa]); c60 = _mm512_fmadd_ps(x, b0, c60); c61 = _mm512_fmadd_ps(x, b1, c61); }
        { __m512 x = _mm512_set1_ps(a7[p * csa]); c70 = _mm512_fmadd_ps(x, b0, c70); c71 = _mm512_fmadd_ps(x, b1, c71); }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __m512 acc[8][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    for (int r = 0; r < 8 && r < rows; r++) {
        float *c = C + r * ldc;
        { __m512 v = _mm512_mul_ps(va, acc[r][0]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, c + 0), v);
          _mm512_mask_storeu_ps(c + 0, m0, v); }
        { __m512 v = _mm512_mul_ps(va, acc[r][1]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, c + 16), v);
          _mm512_mask_storeu_ps(c + 16, m1, v); }
    }
}

__attribute__((target("avx512f")))
static inline void trq_gemm_block_4x3(int64_t rows, int64_t cols, int64_t k, float alpha, const float *A, int64_t rsa,
                                       int64_t csa, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    __mmask16 m0 = trq_mask16(cols - 0);
    __mmask16 m1 = trq_mask16(cols - 16);
    __mmask16 m2 = trq_mask16(cols - 32);
    const float *a0 = A + (0 < rows ? 0 : 0) * rsa;
    const float *a1 = A + (1 < rows ? 1 : 0) * rsa;
    const float *a2 = A + (2 < rows ? 2 : 0) * rsa;
    const float *a3 = A + (3 < rows ? 3 : 0) * rsa;
    __m512 c00 = _mm512_setzero_ps(); __m512 c01 = _mm512_setzero_ps(); __m512 c02 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(); __m512 c11 = _mm512_setzero_ps(); __m512 c12 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(); __m512 c21 = _mm512_setzero_ps(); __m512 c22 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(); __m512 c31 = _mm512_setzero_ps(); __m512 c32 = _mm512_setzero_ps();
    for (int64_t p = 0; p < k; p++) {
        const float *b = B + p * ldb;
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b + 0);
        __m512 b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        __m512 b2 = _mm512_maskz_loadu_ps(m2, b + 32);
        { __m512 x = _mm512_set1_ps(a0[p * csa]); c00 = _mm512_fmadd_ps(x, b0, c00); c01 = _mm512_fmadd_ps(x, b1, c01); c02 = _mm512_fmadd_ps(x, b2, c02); }
        { __m512 x = _mm512_set1_ps(a1[p * csa]); c10 = _mm512_fmadd_ps(x, b0, c10); c11 = _mm512_fmadd_ps(x, b1, c11); c12 = _mm512_fmadd_ps(x, b2, c12); }
        { __m512 x = _mm512_set1_ps(a2[p * csa]); c20 = _mm512_fmadd_ps(x, b0, c20); c21 = _mm512_fmadd_ps(x, b1, c21); c22 = _mm512_fmadd_ps(x, b2, c22); }
        { __m512 x = _mm512_set1_ps(a3[p * csa]); c30 = _mm512_fmadd_ps(x, b0, c30); c31 = _mm512_fmadd_ps(x, b1, c31); c32 = _mm512_fmadd_ps(x, b2, c32); }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __m512 acc[4][3] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32}};
    for (int r = 0; r < 4 && r < rows; r++) {
        float *c = C + r * ldc;
        { __m512 v = _mm512_mul_ps(va, acc[r][0]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, c + 0), v);
          _mm512_mask_storeu_ps(c + 0, m0, v); }
        { __m512 v = _mm512_mul_ps(va, acc[r][1]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, c + 16), v);
          _mm512_mask_storeu_ps(c + 16, m1, v); }
        { __m512 v = _mm512_mul_ps(va, acc[r][2]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m2, c + 32), v);
          _mm512_mask_storeu_ps(c + 32, m2, v); }
    }
}

__attribute__((target("avx512f")))
static inline void trq_gemm_block_4x4(int64_t rows, int64_t cols, int64_t k, float alpha, const float *A, int64_t rsa,
                                       int64_t csa, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    __mmask16 m0 = trq_mask16(cols - 0);
    __mmask16 m1 = trq_mask16(cols - 16);
    __mmask16 m2 = trq_mask16(cols - 32);
    __mmask16 m3 = trq_mask16(cols - 48);
    const float *a0 = A + (0 < rows ? 0 : 0) * rsa;
    const float *a1 = A + (1 < rows ? 1 : 0) * rsa;
    const float *a2 = A + (2 < rows ? 2 : 0) * rsa;
    const float *a3 = A + (3 < rows ? 3 : 0) * rsa;
    __m512 c00 = _mm512_setzero_ps(); __m512 c01 = _mm512_setzero_ps(); __m512 c02 = _mm512_setzero_ps(); __m512 c03 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(); __m512 c11 = _mm512_setzero_ps(); __m512 c12 = _mm512_setzero_ps(); __m512 c13 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(); __m512 c21 = _mm512_setzero_ps(); __m512 c22 = _mm512_setzero_ps(); __m512 c23 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(); __m512 c31 = _mm512_setzero_ps(); __m512 c32 = _mm512_setzero_ps(); __m512 c33 = _mm512_setzero_ps();
    for (int64_t p = 0; p < k; p++) {
        const float *b = B + p * ldb;
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b + 0);
        __m512 b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        __m512 b2 = _mm512_maskz_loadu_ps(m2, b + 32);
        __m512 b3 = _mm512_maskz_loadu_ps(m3, b + 48);
        { __m512 x = _mm512_set1_ps(a0[p * csa]); c00 = _mm512_fmadd_ps(x, b0, c00); c01 = _mm512_fmadd_ps(x, b1, c01); c02 = _mm512_fmadd_ps(x, b2, c02); c03 = _mm512_fmadd_ps(x, b3, c03); }
        { __m512 x = _mm512_set1_ps(a1[p * csa]); c10 = _mm512_fmadd_ps(x, b0, c10); c11 = _mm512_fmadd_ps(x, b1, c11); c12 = _mm512_fmadd_ps(x, b2, c12); c13 = _mm512_fmadd_ps(x, b3, c13); }
        { __m512 x = _mm512_set1_ps(a2[p * csa]); c20 = _mm512_fmadd_ps(x, b0, c20); c21 = _mm512_fmadd_ps(x, b1, c21); c22 = _mm512_fmadd_ps(x, b2, c22); c23 = _mm512_fmadd_ps(x, b3, c23); }
        { __m512 x = _mm512_set1_ps(a3[p * csa]); c30 = _mm512_fmadd_ps(x, b0, c30); c31 = _mm512_fmadd_ps(x, b1, c31); c32 = _mm512_fmadd_ps(x, b2, c32); c33 = _mm512_fmadd_ps(x, b3, c33); }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __m512 acc[4][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23}, {c30, c31, c32, c33}};
    for (int r = 0; r < 4 && r < rows; r++) {
        float *c = C + r * ldc;
        { __m512 v = _mm512_mul_ps(va, acc[r][0]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, c + 0), v);
          _mm512_mask_storeu_ps(c + 0, m0, v); }
        { __m512 v = _mm512_mul_ps(va, acc[r][1]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, c + 16), v);
          _mm512_mask_storeu_ps(c + 16, m1, v); }
        { __m512 v = _mm512_mul_ps(va, acc[r][2]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m2, c + 32), v);
          _mm512_mask_storeu_ps(c + 32, m2, v); }
        { __m512 v = _mm512_mul_ps(va, acc[r][3]);
          if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m3, c + 48), v);
          _mm512_mask_storeu_ps(c + 48, m3, v); }
    }
}

__attribute__((target("avx512f")))
static inline void trq_gemm_avx512(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
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

static inline void trq_gemm(int level, int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
                            const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    if (level >= 2) trq_gemm_avx512(m, n, k, alpha, A, rsa, csa, B, ldb, beta, C, ldc);
    else if (level == 1) trq_gemm_avx2(m, n, k, alpha, A, rsa, csa, B, ldb, beta, C, ldc);
    else trq_gemm_c(m, n, k, alpha, A, rsa, csa, B, ldb, beta, C, ldc);
}

// ---------------------------------------------------------------------------------------------
// ReLU and its gradient, branch-free (signs are random: branches mispredict half the time).

static inline void trq_relu(const float *x, float *y, int64_t n) {
    const uint32_t *xb = (const uint32_t *)x;
    uint32_t *yb = (uint32_t *)y;
    for (int64_t e = 0; e < n; e++) yb[e] = xb[e] & (0u - (uint32_t)(x[e] > 0));
}

static inline void trq_relu_backward(const float *x, const float *dy, float *dx, int64_t n) {
    const uint32_t *db = (const uint32_t *)dy;
    uint32_t *out = (uint32_t *)dx;
    for (int64_t e = 0; e < n; e++) out[e] = db[e] & (0u - (uint32_t)(x[e] > 0));
}

#endif
