#include "dispatch.h"
#include "frame_kernels.h"

// Portable versions: one bit per row, branch-free; compilers vectorize these where they can.
#define PORTABLE_WORD(T, NAME)                                                                    \
    static uint64_t NAME(const T *v, int op, T c, int rows) {                                     \
        uint64_t bits = 0;                                                                        \
        for (int j = 0; j < rows; j++) {                                                          \
            T x = v[j];                                                                           \
            int m = op == TRQ_EQ ? x == c : op == TRQ_NE ? x != c : op == TRQ_LT ? x < c          \
                  : op == TRQ_LE ? x <= c : op == TRQ_GT ? x > c : x >= c;                        \
            bits |= (uint64_t)m << j;                                                             \
        }                                                                                         \
        return bits;                                                                              \
    }
PORTABLE_WORD(int64_t, word_i64_portable)
PORTABLE_WORD(int32_t, word_i32_portable)
PORTABLE_WORD(double, word_f64_portable)

#if TRQ_X86
__attribute__((target("avx2"))) static inline uint64_t lanes_i64(__m256i x, __m256i c, int op) {
    __m256i m;
    switch (op) {
    case TRQ_EQ: m = _mm256_cmpeq_epi64(x, c); break;
    case TRQ_NE: m = ~_mm256_cmpeq_epi64(x, c); break;
    case TRQ_LT: m = _mm256_cmpgt_epi64(c, x); break;
    case TRQ_LE: m = ~_mm256_cmpgt_epi64(x, c); break;
    case TRQ_GT: m = _mm256_cmpgt_epi64(x, c); break;
    default: m = ~_mm256_cmpgt_epi64(c, x); break;
    }
    return (uint64_t)_mm256_movemask_pd(_mm256_castsi256_pd(m));
}

__attribute__((target("avx2"))) static inline uint64_t lanes_i32(__m256i x, __m256i c, int op) {
    __m256i m;
    switch (op) {
    case TRQ_EQ: m = _mm256_cmpeq_epi32(x, c); break;
    case TRQ_NE: m = ~_mm256_cmpeq_epi32(x, c); break;
    case TRQ_LT: m = _mm256_cmpgt_epi32(c, x); break;
    case TRQ_LE: m = ~_mm256_cmpgt_epi32(x, c); break;
    case TRQ_GT: m = _mm256_cmpgt_epi32(x, c); break;
    default: m = ~_mm256_cmpgt_epi32(c, x); break;
    }
    return (uint64_t)_mm256_movemask_ps(_mm256_castsi256_ps(m));
}

__attribute__((target("avx2"))) static inline uint64_t lanes_f64(__m256d x, __m256d c, int op) {
    __m256d m;
    switch (op) {
    case TRQ_EQ: m = _mm256_cmp_pd(x, c, _CMP_EQ_OQ); break;
    case TRQ_NE: m = _mm256_cmp_pd(x, c, _CMP_NEQ_UQ); break;
    case TRQ_LT: m = _mm256_cmp_pd(x, c, _CMP_LT_OQ); break;
    case TRQ_LE: m = _mm256_cmp_pd(x, c, _CMP_LE_OQ); break;
    case TRQ_GT: m = _mm256_cmp_pd(x, c, _CMP_GT_OQ); break;
    default: m = _mm256_cmp_pd(x, c, _CMP_GE_OQ); break;
    }
    return (uint64_t)_mm256_movemask_pd(m);
}

// One scan serves counting (out == NULL) and selecting (one bit word per 64 rows into out).
// The operator is a constant inside each instantiation, so the switch folds away. N: values per
// vector.
#define AVX2_SCAN(NAME, T, N, VEC, LOAD, SPLAT, LANES)                                            \
    __attribute__((target("avx2,popcnt"))) static inline int64_t NAME##_op(                       \
        const T *v, const uint64_t *validity, int64_t words, const int op, T constant,            \
        uint64_t *out) {                                                                          \
        const VEC c = SPLAT(constant);                                                            \
        int64_t count = 0;                                                                        \
        for (int64_t w = 0; w < words; w++) {                                                     \
            const T *row = v + w * 64;                                                            \
            uint64_t bits = 0;                                                                    \
            for (int j = 0; j < 64 / N; j++) bits |= LANES(LOAD(row + N * j), c, op) << (N * j);  \
            if (validity) bits &= validity[w];                                                    \
            if (out) out[w] = bits;                                                               \
            count += __builtin_popcountll(bits);                                                  \
        }                                                                                         \
        return count;                                                                             \
    }                                                                                             \
    __attribute__((target("avx2,popcnt"))) static int64_t NAME(                                   \
        const T *v, const uint64_t *validity, int64_t words, int op, T constant, uint64_t *out) { \
        switch (op) {                                                                             \
        case TRQ_EQ: return NAME##_op(v, validity, words, TRQ_EQ, constant, out);                 \
        case TRQ_NE: return NAME##_op(v, validity, words, TRQ_NE, constant, out);                 \
        case TRQ_LT: return NAME##_op(v, validity, words, TRQ_LT, constant, out);                 \
        case TRQ_LE: return NAME##_op(v, validity, words, TRQ_LE, constant, out);                 \
        case TRQ_GT: return NAME##_op(v, validity, words, TRQ_GT, constant, out);                 \
        default: return NAME##_op(v, validity, words, TRQ_GE, constant, out);                     \
        }                                                                                         \
    }

#define LOAD_I256(p) _mm256_loadu_si256((const __m256i *)(p))
AVX2_SCAN(scan_i64_avx2, int64_t, 4, __m256i, LOAD_I256, _mm256_set1_epi64x, lanes_i64)
AVX2_SCAN(scan_i32_avx2, int32_t, 8, __m256i, LOAD_I256, _mm256_set1_epi32, lanes_i32)
AVX2_SCAN(scan_f64_avx2, double, 4, __m256d, _mm256_loadu_pd, _mm256_set1_pd, lanes_f64)
#endif


// Whole words go to the AVX2 scan when present (x86-64); the rows after the last whole word (and every
// word without AVX2) take the portable loop.
#define SCAN(NAME, T, AVX2, PORTABLE)                                                             \
    static int64_t NAME(const T *values, const uint64_t *validity, int64_t rows, int op,          \
                        T constant, uint64_t *out) {                                              \
        int64_t w = 0, count = 0;                                                                 \
        TRQ_IF_X86(if (trq_cpu_has_avx2()) {                                                      \
            w = rows >> 6;                                                                        \
            count = AVX2(values, validity, w, op, constant, out);                                 \
        })                                                                                        \
        for (; w < (rows + 63) >> 6; w++) {                                                       \
            int64_t left = rows - w * 64;                                                         \
            uint64_t bits = PORTABLE(values + w * 64, op, constant, left < 64 ? (int)left : 64);  \
            if (validity) bits &= validity[w];                                                    \
            if (out) out[w] = bits;                                                               \
            count += __builtin_popcountll(bits);                                                  \
        }                                                                                         \
        return count;                                                                             \
    }
SCAN(scan_i64, int64_t, scan_i64_avx2, word_i64_portable)
SCAN(scan_i32, int32_t, scan_i32_avx2, word_i32_portable)
SCAN(scan_f64, double, scan_f64_avx2, word_f64_portable)

int64_t trq_count_matching_i64(const int64_t *values, const uint64_t *validity, int64_t rows,
                               int op, int64_t constant) {
    return scan_i64(values, validity, rows, op, constant, 0);
}

int64_t trq_count_matching_f64(const double *values, const uint64_t *validity, int64_t rows,
                               int op, double constant) {
    return scan_f64(values, validity, rows, op, constant, 0);
}

int64_t trq_select_matching_i64(const int64_t *values, const uint64_t *validity, int64_t rows,
                                int op, int64_t constant, uint64_t *out) {
    return scan_i64(values, validity, rows, op, constant, out);
}

int64_t trq_select_matching_f64(const double *values, const uint64_t *validity, int64_t rows,
                                int op, double constant, uint64_t *out) {
    return scan_f64(values, validity, rows, op, constant, out);
}

int64_t trq_select_matching_i32(const int32_t *values, const uint64_t *validity, int64_t rows,
                                int op, int32_t constant, uint64_t *out) {
    return scan_i32(values, validity, rows, op, constant, out);
}
