// What each kernel computes is documented in model_kernels.h.
#include "model_kernels.h"
#include "x86.h"

// ---------------------------------------------------------------------------------------------
// trq_sparse_update

static void trq_sparse_update_c(const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                                const float *c, const float *v, float *acc, int residual) {
    for (int64_t j = 0; j < n; j++) {
        const float *y = Y + (int64_t)idx[j] * stride;
        float t = 0;
        for (int64_t d = 0; d < stride; d++) t += y[d] * v[d];
        float w = residual ? c[j] - (c[j] - 1) * t : (c[j] - 1) * t;
        for (int64_t d = 0; d < stride; d++) acc[d] += w * y[d];
    }
}

#if TRQ_X86
// Shared with trq_sparse_update_avx2, hence first.
__attribute__((target("avx2,fma")))
static float trq_dot_avx2(const float *a, const float *b, int64_t n) {
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

__attribute__((target("avx2,fma")))
static void trq_sparse_update_avx2(const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                                   const float *c, const float *v, float *acc, int residual) {
    for (int64_t j = 0; j < n; j++) {
        const float *y = Y + (int64_t)idx[j] * stride;
        float t = trq_dot_avx2(y, v, stride);
        __m256 w = _mm256_set1_ps(residual ? c[j] - (c[j] - 1) * t : (c[j] - 1) * t);
        for (int64_t d = 0; d < stride; d += 8)
            _mm256_storeu_ps(acc + d, _mm256_fmadd_ps(w, _mm256_loadu_ps(y + d), _mm256_loadu_ps(acc + d)));
    }
}

__attribute__((target("avx512f")))
static void trq_sparse_update_avx512(const float *Y, int64_t stride, const int32_t *idx, int64_t n,
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
#endif

void trq_sparse_update(int level, const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                       const float *c, const float *v, float *acc, int residual) {
#if TRQ_X86
    if (level >= 2) trq_sparse_update_avx512(Y, stride, idx, n, c, v, acc, residual);
    else if (level == 1) trq_sparse_update_avx2(Y, stride, idx, n, c, v, acc, residual);
    else
#endif
    trq_sparse_update_c(Y, stride, idx, n, c, v, acc, residual);
}

// ---------------------------------------------------------------------------------------------
// trq_rows_times_square

static void trq_rows_times_square_c(const float *P, int64_t rows, int64_t stride, const float *G,
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

#if TRQ_X86
__attribute__((target("avx2,fma")))
static void trq_rows_times_square_avx2(const float *P, int64_t rows, int64_t stride, const float *G,
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
static void trq_rows_times_square_avx512(const float *P, int64_t rows, int64_t stride, const float *G,
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
#endif

void trq_rows_times_square(int level, const float *P, int64_t rows, int64_t stride, const float *G,
                           float alpha, float *out) {
#if TRQ_X86
    if (level >= 2) trq_rows_times_square_avx512(P, rows, stride, G, alpha, out);
    else if (level == 1) trq_rows_times_square_avx2(P, rows, stride, G, alpha, out);
    else
#endif
    trq_rows_times_square_c(P, rows, stride, G, alpha, out);
}

// ---------------------------------------------------------------------------------------------
// trq_gram_accumulate
// Rows are taken eight at a time so each element of `out` is loaded and stored once per eight.

static void trq_gram_accumulate_c(const float *F, int64_t rows, int64_t stride, float *out) {
    for (int64_t i = 0; i < rows; i++) {
        const float *f = F + i * stride;
        for (int64_t k = 0; k < stride; k++) {
            float a = f[k];
            for (int64_t d = 0; d < stride; d++) out[k * stride + d] += a * f[d];
        }
    }
}

#if TRQ_X86
__attribute__((target("avx2,fma")))
static void trq_gram_accumulate_avx2(const float *F, int64_t rows, int64_t stride, float *out) {
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
static void trq_gram_accumulate_avx512(const float *F, int64_t rows, int64_t stride, float *out) {
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
#endif

void trq_gram_accumulate(int level, const float *F, int64_t rows, int64_t stride, float *out) {
#if TRQ_X86
    if (level >= 2) trq_gram_accumulate_avx512(F, rows, stride, out);
    else if (level == 1) trq_gram_accumulate_avx2(F, rows, stride, out);
    else
#endif
    trq_gram_accumulate_c(F, rows, stride, out);
}

// ---------------------------------------------------------------------------------------------
// trq_dot

static float trq_dot_c(const float *a, const float *b, int64_t n) {
    float s = 0;
    for (int64_t d = 0; d < n; d++) s += a[d] * b[d];
    return s;
}

#if TRQ_X86
__attribute__((target("avx512f")))
static float trq_dot_avx512(const float *a, const float *b, int64_t n) {
    __m512 s = _mm512_setzero_ps();
    for (int64_t d = 0; d < n; d += 16) s = _mm512_fmadd_ps(_mm512_loadu_ps(a + d), _mm512_loadu_ps(b + d), s);
    return _mm512_reduce_add_ps(s);
}
#endif

float trq_dot(int level, const float *a, const float *b, int64_t n) {
#if TRQ_X86
    if (level >= 2) return trq_dot_avx512(a, b, n);
    if (level == 1) return trq_dot_avx2(a, b, n);
#endif
    return trq_dot_c(a, b, n);
}

// ---------------------------------------------------------------------------------------------
// trq_cg_update

int trq_cg_update(int level, float *x, float *r, float *p, const float *ap, int64_t n, float *rs_old) {
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
