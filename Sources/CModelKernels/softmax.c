// What each kernel computes is documented in model_kernels.h.
#include <math.h>
#include "model_kernels.h"
#include "x86.h"

// exp(x) as Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2 (ln2 in two parts), exp(r) by its
// degree-7 polynomial, 2^n from exponent bits; x is clamped to [-87, 88] so 2^n stays a normal
// float (exp(-87) ~ 1.6e-38: a class that far behind has p = 0 for training). Relative error
// under 3e-7. The AVX2 path below does the same operations in the same order.
static inline float exp_c(float x) {
    x = fminf(fmaxf(x, -87.0f), 88.0f);
    float n = rintf(x * 1.44269504088896341f);
    float r = fmaf(n, -0.693359375f, x);
    r = fmaf(n, 2.12194440e-4f, r);
    float z = r * r;
    float p = fmaf(1.9875691500e-4f, r, 1.3981999507e-3f);
    p = fmaf(p, r, 8.3334519073e-3f);
    p = fmaf(p, r, 4.1665795894e-2f);
    p = fmaf(p, r, 1.6666665459e-1f);
    p = fmaf(p, r, 5.0000001201e-1f);
    float y = fmaf(p, z, r) + 1.0f;
    union { int32_t i; float f; } scale = { .i = ((int32_t)n + 127) << 23 };
    return y * scale.f;
}

static void trq_softmax_gradient_c(const float *score, const float *lse, const int32_t *labels, int32_t c, int64_t from, int64_t n,
                                   float *g, float *h) {
    for (int64_t r = from; r < n; r++) {
        float p = exp_c(score[r] - lse[r]);
        g[r] = p - (labels[r] == c ? 1.0f : 0.0f);
        h[r] = fmaxf(p * (1.0f - p), 1e-16f);
    }
}

static void trq_exp_sum_add_c(const float *x, const float *shift, int64_t from, int64_t n, float *sum) {
    for (int64_t r = from; r < n; r++) sum[r] += exp_c(x[r] - shift[r]);
}

#if TRQ_X86
__attribute__((target("avx2,fma")))
static inline __m256 exp_avx2(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(-0.693359375f), x);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(2.12194440e-4f), r);
    __m256 z = _mm256_mul_ps(r, r);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(1.9875691500e-4f), r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, z, r), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
}

__attribute__((target("avx2,fma")))
static void trq_softmax_gradient_avx2(const float *score, const float *lse, const int32_t *labels, int32_t c, int64_t n,
                                      float *g, float *h) {
    int64_t r = 0;
    const __m256 one = _mm256_set1_ps(1.0f), tiny = _mm256_set1_ps(1e-16f);
    const __m256i cls = _mm256_set1_epi32(c);
    for (; r + 8 <= n; r += 8) {
        __m256 p = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(score + r), _mm256_loadu_ps(lse + r)));
        __m256 positive = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(labels + r)), cls));
        _mm256_storeu_ps(g + r, _mm256_sub_ps(p, _mm256_and_ps(positive, one)));
        _mm256_storeu_ps(h + r, _mm256_max_ps(_mm256_mul_ps(p, _mm256_sub_ps(one, p)), tiny));
    }
    trq_softmax_gradient_c(score, lse, labels, c, r, n, g, h);
}

__attribute__((target("avx2,fma")))
static void trq_exp_sum_add_avx2(const float *x, const float *shift, int64_t n, float *sum) {
    int64_t r = 0;
    for (; r + 8 <= n; r += 8) {
        __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + r), _mm256_loadu_ps(shift + r)));
        _mm256_storeu_ps(sum + r, _mm256_add_ps(_mm256_loadu_ps(sum + r), e));
    }
    trq_exp_sum_add_c(x, shift, r, n, sum);
}
#endif

void trq_softmax_gradient(int level, const float *score, const float *lse, const int32_t *labels, int32_t c, int64_t n,
                          float *g, float *h) {
#if TRQ_X86
    if (level >= 1) { trq_softmax_gradient_avx2(score, lse, labels, c, n, g, h); return; }
#endif
    trq_softmax_gradient_c(score, lse, labels, c, 0, n, g, h);
}

void trq_exp_sum_add(int level, const float *x, const float *shift, int64_t n, float *sum) {
#if TRQ_X86
    if (level >= 1) { trq_exp_sum_add_avx2(x, shift, n, sum); return; }
#endif
    trq_exp_sum_add_c(x, shift, 0, n, sum);
}

float trq_exp(float x) { return exp_c(x); }
