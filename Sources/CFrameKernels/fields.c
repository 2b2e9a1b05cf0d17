#include "dispatch.h"
#include "frame_kernels.h"

// Stepping over CSV fields a query does not read: most of a pruned load's bytes. Each
// delimiter or line break is found 32 bytes at a time; only field starts are checked for a
// quote (a quote elsewhere in an unquoted field is plain text, as the Swift scanner reads it).

#define QUOTE '"'

// What to do at the terminator found at `pos`; returns 1 when the scan stops there.
static inline int at_terminator(const uint8_t *base, int64_t pos, int64_t end, uint8_t delimiter,
                                int64_t fields, int64_t *crossed, int64_t *stop) {
    if (base[pos] != delimiter || *crossed == fields - 1) {
        *stop = pos;
        return 1;
    }
    *crossed += 1;
    if (pos + 1 < end && base[pos + 1] == QUOTE) {
        *stop = pos + 1;
        return 1;
    }
    return 0;
}

static int64_t skip_portable(const uint8_t *base, int64_t p, int64_t end, uint8_t delimiter,
                             int64_t fields, int64_t *crossed) {
    int64_t stop;
    for (; p < end; p++) {
        uint8_t b = base[p];
        if ((b == delimiter || b == '\n' || b == '\r') &&
            at_terminator(base, p, end, delimiter, fields, crossed, &stop))
            return stop;
    }
    return end;
}

#if TRQ_X86
__attribute__((target("avx2,bmi"))) static int64_t skip_avx2(const uint8_t *base, int64_t p, int64_t end,
                                                            uint8_t delimiter, int64_t fields,
                                                            int64_t *crossed) {
    const __m256i d = _mm256_set1_epi8((char)delimiter);
    const __m256i lf = _mm256_set1_epi8('\n');
    const __m256i cr = _mm256_set1_epi8('\r');
    int64_t stop;
    for (; p + 32 <= end; p += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(base + p));
        __m256i hits = _mm256_or_si256(_mm256_cmpeq_epi8(v, d),
                                       _mm256_or_si256(_mm256_cmpeq_epi8(v, lf), _mm256_cmpeq_epi8(v, cr)));
        uint32_t mask = (uint32_t)_mm256_movemask_epi8(hits);
        while (mask) {
            int64_t pos = p + __builtin_ctz(mask);
            if (at_terminator(base, pos, end, delimiter, fields, crossed, &stop)) return stop;
            mask = _blsr_u32(mask);
        }
    }
    return skip_portable(base, p, end, delimiter, fields, crossed);
}
#endif

int64_t trq_skip_fields(const uint8_t *base, int64_t p, int64_t end, uint8_t delimiter, int64_t fields,
                        int avx2, int64_t *crossed) {
    *crossed = 0;
    if (p < end && base[p] == QUOTE) return p;
#if TRQ_X86
    if (avx2) return skip_avx2(base, p, end, delimiter, fields, crossed);
#endif
    return skip_portable(base, p, end, delimiter, fields, crossed);
}
