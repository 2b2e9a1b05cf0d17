#include "dispatch.h"
#include "frame_kernels.h"

// Top-N skips most of a column by asking for the next word that holds a row better than the
// worst row kept; one 64-row word is 16 four-lane compares OR-ed together.

#if TRQ_X86
__attribute__((target("avx2"))) static int64_t first_word_beyond_avx2(
    const int64_t *values, const uint64_t *validity, int64_t from, int64_t to, int greater,
    int64_t bound, uint64_t *bits) {
    const __m256i b = _mm256_set1_epi64x(bound);
    for (int64_t w = from; w < to; w++) {
        const int64_t *row = values + w * 64;
        __m256i any = _mm256_setzero_si256();
        for (int j = 0; j < 16; j++) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(row + 4 * j));
            any = _mm256_or_si256(any, greater ? _mm256_cmpgt_epi64(x, b) : _mm256_cmpgt_epi64(b, x));
        }
        if (_mm256_testz_si256(any, any)) continue;
        uint64_t found = 0;
        for (int j = 0; j < 64; j++) found |= (uint64_t)(greater ? row[j] > bound : row[j] < bound) << j;
        if (validity) found &= validity[w];
        if (found) {
            *bits = found;
            return w;
        }
    }
    return to;
}
#endif

int64_t trq_first_word_beyond_i64(const int64_t *values, const uint64_t *validity, int64_t from,
                                  int64_t to, int greater, int64_t bound, uint64_t *bits) {
#if TRQ_X86
    if (trq_cpu_has_avx2()) {
        return greater ? first_word_beyond_avx2(values, validity, from, to, 1, bound, bits)
                       : first_word_beyond_avx2(values, validity, from, to, 0, bound, bits);
    }
#endif
    for (int64_t w = from; w < to; w++) {
        uint64_t found = 0;
        for (int j = 0; j < 64; j++) {
            int64_t x = values[w * 64 + j];
            found |= (uint64_t)(greater ? x > bound : x < bound) << j;
        }
        if (validity) found &= validity[w];
        if (found) {
            *bits = found;
            return w;
        }
    }
    return to;
}
