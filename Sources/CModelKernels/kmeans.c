// What each kernel computes is documented in model_kernels.h.
#include "model_kernels.h"
#include "x86.h"

static void trq_squared_distances_c(const double *point, const double *rows, int64_t count, int64_t stride, double *out) {
    for (int64_t j = 0; j < count; j++) {
        const double *r = rows + j * stride;
        double s = 0;
        for (int64_t d = 0; d < stride; d++) {
            double t = point[d] - r[d];
            s += t * t;
        }
        out[j] = s;
    }
}

#if TRQ_X86
__attribute__((target("avx2,fma")))
static void trq_squared_distances_avx2(const double *point, const double *rows, int64_t count, int64_t stride, double *out) {
    if (stride == 16) {
        // The common size (up to 16 features): the point stays in registers.
        __m256d p0 = _mm256_loadu_pd(point), p1 = _mm256_loadu_pd(point + 4);
        __m256d p2 = _mm256_loadu_pd(point + 8), p3 = _mm256_loadu_pd(point + 12);
        for (int64_t j = 0; j < count; j++) {
            const double *r = rows + j * 16;
            __m256d t0 = _mm256_sub_pd(p0, _mm256_loadu_pd(r)), t1 = _mm256_sub_pd(p1, _mm256_loadu_pd(r + 4));
            __m256d t2 = _mm256_sub_pd(p2, _mm256_loadu_pd(r + 8)), t3 = _mm256_sub_pd(p3, _mm256_loadu_pd(r + 12));
            __m256d s = _mm256_add_pd(_mm256_fmadd_pd(t0, t0, _mm256_mul_pd(t1, t1)), _mm256_fmadd_pd(t2, t2, _mm256_mul_pd(t3, t3)));
            __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
            out[j] = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
        }
        return;
    }
    for (int64_t j = 0; j < count; j++) {
        const double *r = rows + j * stride;
        __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
        for (int64_t d = 0; d < stride; d += 8) {
            __m256d t0 = _mm256_sub_pd(_mm256_loadu_pd(point + d), _mm256_loadu_pd(r + d));
            __m256d t1 = _mm256_sub_pd(_mm256_loadu_pd(point + d + 4), _mm256_loadu_pd(r + d + 4));
            s0 = _mm256_fmadd_pd(t0, t0, s0);
            s1 = _mm256_fmadd_pd(t1, t1, s1);
        }
        __m256d s = _mm256_add_pd(s0, s1);
        __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
        out[j] = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    }
}
#endif

void trq_squared_distances(int level, const double *point, const double *rows, int64_t count, int64_t stride, double *out) {
#if TRQ_X86
    if (level >= 1) { trq_squared_distances_avx2(point, rows, count, stride, out); return; }
#endif
    trq_squared_distances_c(point, rows, count, stride, out);
}
