#include "dispatch.h"
#include "frame_kernels.h"

#include <string.h>



static uint64_t flag_bits_portable(const uint8_t *flags, int rows) {
    uint64_t bits = 0;
    for (int j = 0; j < rows; j++) bits |= (uint64_t)(flags[j] != 0) << j;
    return bits;
}

#if TRQ_X86
__attribute__((target("avx2,popcnt"))) static int64_t flag_words_avx2(
    const uint8_t *flags, const uint64_t *validity, int64_t words, uint64_t *out) {
    const __m256i zero = _mm256_setzero_si256();
    int64_t count = 0;
    for (int64_t w = 0; w < words; w++) {
        const uint8_t *row = flags + w * 64;
        uint32_t low = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)row), zero));
        uint32_t high = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(row + 32)), zero));
        uint64_t bits = ~((uint64_t)high << 32 | low);
        if (validity) bits &= validity[w];
        if (out) out[w] = bits;
        count += __builtin_popcountll(bits);
    }
    return count;
}
#endif

int64_t trq_select_flags(const uint8_t *flags, const uint64_t *validity, int64_t rows, uint64_t *out) {
    int64_t w = 0, count = 0;
#if TRQ_X86
    if (trq_cpu_has_avx2()) {
        w = rows >> 6;
        count = flag_words_avx2(flags, validity, w, out);
    }
#endif
    for (; w < (rows + 63) >> 6; w++) {
        int64_t left = rows - w * 64;
        uint64_t bits = flag_bits_portable(flags + w * 64, left < 64 ? (int)left : 64);
        if (validity) bits &= validity[w];
        if (out) out[w] = bits;
        count += __builtin_popcountll(bits);
    }
    return count;
}

// A word whose 64 rows are all kept is one copy; otherwise one store per kept row, walking the
// set bits.
#define COMPRESS(NAME, T)                                                                         \
    int64_t NAME(const void *values, const uint64_t *bits, int64_t words, void *out) {            \
        const T *v = (const T *)values;                                                           \
        T *o = (T *)out;                                                                          \
        int64_t j = 0;                                                                            \
        for (int64_t w = 0; w < words; w++) {                                                     \
            uint64_t b = bits[w];                                                                 \
            const T *row = v + w * 64;                                                            \
            if (b == ~(uint64_t)0) {                                                              \
                memcpy(o + j, row, 64 * sizeof(T));                                               \
                j += 64;                                                                          \
                continue;                                                                         \
            }                                                                                     \
            while (b) {                                                                           \
                o[j++] = row[__builtin_ctzll(b)];                                                 \
                b &= b - 1;                                                                       \
            }                                                                                     \
        }                                                                                         \
        return j;                                                                                 \
    }
COMPRESS(trq_compress_64, uint64_t)
COMPRESS(trq_compress_32, uint32_t)
COMPRESS(trq_compress_8, uint8_t)

static uint64_t extract_portable(uint64_t source, uint64_t mask) {
    uint64_t result = 0;
    for (int j = 0; mask; j++, mask &= mask - 1)
        if (source & mask & -mask) result |= (uint64_t)1 << j;
    return result;
}

#if TRQ_X86
__attribute__((target("bmi2"))) static inline uint64_t extract_bmi2(uint64_t source, uint64_t mask) {
    return _pext_u64(source, mask);
}
#endif

#define COMPRESS_BITS(NAME, ATTRIBUTES, EXTRACT)                                                  \
    ATTRIBUTES static void NAME(const uint64_t *source, const uint64_t *bits, int64_t words,       \
                                uint64_t *out) {                                                  \
        uint64_t position = 0;                                                                    \
        for (int64_t w = 0; w < words; w++) {                                                     \
            uint64_t mask = bits[w];                                                              \
            if (!mask) continue;                                                                  \
            int taken = __builtin_popcountll(mask);                                               \
            uint64_t packed = EXTRACT(source[w], mask);                                           \
            uint64_t word = position >> 6, offset = position & 63;                                \
            out[word] |= packed << offset;                                                        \
            if (offset && offset + (uint64_t)taken > 64) out[word + 1] |= packed >> (64 - offset); \
            position += (uint64_t)taken;                                                          \
        }                                                                                         \
    }
#if TRQ_X86
COMPRESS_BITS(compress_bits_bmi2, __attribute__((target("bmi2,popcnt"))), extract_bmi2)
#endif
COMPRESS_BITS(compress_bits_portable, , extract_portable)

void trq_compress_bits(const uint64_t *source, const uint64_t *bits, int64_t words, uint64_t *out) {
#if TRQ_X86
    if (trq_cpu_has_bmi2()) {
        compress_bits_bmi2(source, bits, words, out);
        return;
    }
#endif
    compress_bits_portable(source, bits, words, out);
}
