#include "frame_kernels.h"

#include <string.h>

#define SIGN ((uint64_t)1 << 63)

// Calls BODY with i set to every row below `rows` whose validity bit is set (validity may be
// NULL: every row). A word without nulls is a plain loop the compiler can unroll.
#define FOR_EACH_VALID_ROW(rows, validity, i, BODY)                                               \
    for (int64_t w_ = 0; w_ < ((rows) + 63) >> 6; w_++) {                                         \
        uint64_t bits_ = (validity) ? (validity)[w_] : ~(uint64_t)0;                              \
        int64_t base_ = w_ * 64, left_ = (rows) - base_;                                          \
        if (left_ < 64) bits_ &= ((uint64_t)1 << left_) - 1;                                      \
        if (bits_ == ~(uint64_t)0) {                                                              \
            for (int64_t i = base_; i < base_ + 64; i++) { BODY }                                 \
        } else {                                                                                  \
            while (bits_) {                                                                       \
                int64_t i = base_ + __builtin_ctzll(bits_);                                       \
                bits_ &= bits_ - 1;                                                               \
                BODY                                                                              \
            }                                                                                     \
        }                                                                                         \
    }

// The order key of row i (unsigned order = value order); `continue`s past NaN.
#define KEY_I64(values, i, key) uint64_t key = (uint64_t)((const int64_t *)(values))[i] ^ SIGN;
#define KEY_F64(values, i, key)                                                                   \
    double x_ = ((const double *)(values))[i];                                                    \
    if (x_ != x_) continue;                                                                       \
    if (x_ == 0) x_ = 0.0;                                                                        \
    uint64_t b_;                                                                                  \
    memcpy(&b_, &x_, 8);                                                                          \
    uint64_t key = b_ >> 63 ? ~b_ : b_ | SIGN;

#define KEY_I32(values, i, key) uint64_t key = (uint64_t)(int64_t)((const int32_t *)(values))[i] ^ SIGN;
#define KEY_F64_WITH_NAN(values, i, key)                                                          \
    double x_ = ((const double *)(values))[i];                                                    \
    if (x_ != x_) x_ = __builtin_nan("");                                                         \
    if (x_ == 0) x_ = 0.0;                                                                        \
    uint64_t b_;                                                                                  \
    memcpy(&b_, &x_, 8);                                                                          \
    uint64_t key = b_ >> 63 ? ~b_ : b_ | SIGN;

// FOR_EACH_VALID_ROW's body is a loop body, so `continue` skips a NaN in both of its loops.
#define DEFINE_KEY_KERNELS(SUFFIX, KEY)                                                           \
    static int64_t key_range_##SUFFIX(const void *values, const uint64_t *validity, int64_t rows, \
                                      uint64_t *low, uint64_t *high) {                            \
        uint64_t lo = UINT64_MAX, hi = 0;                                                         \
        int64_t count = 0;                                                                        \
        FOR_EACH_VALID_ROW(rows, validity, i, {                                                   \
            KEY(values, i, key)                                                                   \
            lo = key < lo ? key : lo;                                                             \
            hi = key > hi ? key : hi;                                                             \
            count++;                                                                              \
        })                                                                                        \
        *low = lo;                                                                                \
        *high = hi;                                                                               \
        return count;                                                                             \
    }                                                                                             \
    static void count_buckets_##SUFFIX(const void *values, const uint64_t *validity, int64_t rows, \
                                       const trq_key_intervals *intervals, int32_t *counters) {   \
        const trq_key_intervals iv_ = *intervals, *iv = &iv_;                                     \
        const int n = iv->count;                                                                  \
        FOR_EACH_VALID_ROW(rows, validity, i, {                                                   \
            KEY(values, i, key)                                                                   \
            /* Masks rather than branches: which interval a key falls in is unpredictable. */     \
            uint64_t counter = (uint64_t)iv->outside;                                             \
            for (int k = 0; k < n; k++) {                                                         \
                uint64_t offset = key - iv->low[k];                                               \
                uint64_t inside = -(uint64_t)(offset <= iv->span[k]);                             \
                uint64_t bucket = (uint64_t)iv->start[k] + (offset >> iv->shift[k]);              \
                counter = (counter & ~inside) | (bucket & inside);                                \
            }                                                                                     \
            counters[counter]++;                                                                  \
        })                                                                                        \
    }                                                                                             \
    static int64_t gather_##SUFFIX(const void *values, const uint64_t *validity, int64_t rows,    \
                                   const trq_key_intervals *intervals, uint64_t *out,             \
                                   int64_t capacity) {                                            \
        const trq_key_intervals iv_ = *intervals, *iv = &iv_;                                     \
        const int n = iv->count;                                                                  \
        int64_t j = 0;                                                                            \
        FOR_EACH_VALID_ROW(rows, validity, i, {                                                   \
            KEY(values, i, key)                                                                   \
            int64_t inside = 0;                                                                   \
            for (int k = 0; k < n; k++) inside |= key - iv->low[k] <= iv->span[k];                \
            out[j] = key; /* out has a spare slot: a store, not a branch */                       \
            j += inside & (j < capacity);                                                         \
        })                                                                                        \
        return j;                                                                                 \
    }

DEFINE_KEY_KERNELS(i64, KEY_I64)
DEFINE_KEY_KERNELS(f64, KEY_F64)
DEFINE_KEY_KERNELS(i32, KEY_I32)
DEFINE_KEY_KERNELS(f64n, KEY_F64_WITH_NAN)

// The first key is compared with itself; the mark loop stores every key to `outside` and
// advances only past outside ones, so neither loop branches on the data.
#define DEFINE_SUMMARY_KERNELS(SUFFIX, KEY)                                                       \
    static void summary_##SUFFIX(const void *values, const uint64_t *validity, int64_t rows,      \
                                 trq_key_summary *out) {                                          \
        uint64_t lo = UINT64_MAX, hi = 0, previous = 0;                                           \
        int64_t count = 0, changes = 0, rises = 0, falls = 0;                                     \
        FOR_EACH_VALID_ROW(rows, validity, i, {                                                   \
            KEY(values, i, key)                                                                   \
            if (count == 0) previous = key;                                                       \
            changes += key != previous;                                                           \
            rises += key > previous;                                                              \
            falls += key < previous;                                                              \
            previous = key;                                                                       \
            lo = key < lo ? key : lo;                                                             \
            hi = key > hi ? key : hi;                                                             \
            count++;                                                                              \
        })                                                                                        \
        out->count = count;                                                                       \
        out->changes = changes;                                                                   \
        out->low = lo;                                                                            \
        out->high = hi;                                                                           \
        out->ascending = falls == 0;                                                              \
        out->descending = rises == 0;                                                             \
    }                                                                                             \
    static int64_t mark_##SUFFIX(const void *values, const uint64_t *validity, int64_t rows,      \
                                 uint64_t start, uint64_t window, uint64_t *bitmap,               \
                                 uint64_t *outside) {                                             \
        int64_t j = 0;                                                                            \
        FOR_EACH_VALID_ROW(rows, validity, i, {                                                   \
            KEY(values, i, key)                                                                   \
            uint64_t offset = key - start;                                                        \
            int inside = offset < window;                                                         \
            uint64_t bit = inside ? offset : 0;                                                   \
            bitmap[bit >> 6] |= (uint64_t)inside << (bit & 63);                                   \
            outside[j] = key;                                                                     \
            j += !inside;                                                                         \
        })                                                                                        \
        return j;                                                                                 \
    }

DEFINE_SUMMARY_KERNELS(i64, KEY_I64)
DEFINE_SUMMARY_KERNELS(i32, KEY_I32)
DEFINE_SUMMARY_KERNELS(f64n, KEY_F64_WITH_NAN)

void trq_key_summary_of(const void *values, int kind, const uint64_t *validity, int64_t rows,
                        trq_key_summary *out) {
    switch (kind) {
    case TRQ_KEYS_I32: summary_i32(values, validity, rows, out); break;
    case TRQ_KEYS_F64_WITH_NAN: summary_f64n(values, validity, rows, out); break;
    default: summary_i64(values, validity, rows, out); break;
    }
}

int64_t trq_mark_keys(const void *values, int kind, const uint64_t *validity, int64_t rows,
                      uint64_t start, uint64_t window, uint64_t *bitmap, uint64_t *outside) {
    switch (kind) {
    case TRQ_KEYS_I32: return mark_i32(values, validity, rows, start, window, bitmap, outside);
    case TRQ_KEYS_F64_WITH_NAN: return mark_f64n(values, validity, rows, start, window, bitmap, outside);
    default: return mark_i64(values, validity, rows, start, window, bitmap, outside);
    }
}

int64_t trq_key_range(const void *values, int kind, const uint64_t *validity, int64_t rows,
                      uint64_t *low, uint64_t *high) {
    switch (kind) {
    case TRQ_KEYS_F64: return key_range_f64(values, validity, rows, low, high);
    case TRQ_KEYS_I32: return key_range_i32(values, validity, rows, low, high);
    case TRQ_KEYS_F64_WITH_NAN: return key_range_f64n(values, validity, rows, low, high);
    default: return key_range_i64(values, validity, rows, low, high);
    }
}

void trq_count_key_buckets(const void *values, int kind, const uint64_t *validity, int64_t rows,
                           const trq_key_intervals *intervals, int32_t *counters) {
    switch (kind) {
    case TRQ_KEYS_F64: count_buckets_f64(values, validity, rows, intervals, counters); break;
    case TRQ_KEYS_I32: count_buckets_i32(values, validity, rows, intervals, counters); break;
    case TRQ_KEYS_F64_WITH_NAN: count_buckets_f64n(values, validity, rows, intervals, counters); break;
    default: count_buckets_i64(values, validity, rows, intervals, counters); break;
    }
}

int64_t trq_gather_keys(const void *values, int kind, const uint64_t *validity, int64_t rows,
                        const trq_key_intervals *intervals, uint64_t *out, int64_t capacity) {
    switch (kind) {
    case TRQ_KEYS_F64: return gather_f64(values, validity, rows, intervals, out, capacity);
    case TRQ_KEYS_I32: return gather_i32(values, validity, rows, intervals, out, capacity);
    case TRQ_KEYS_F64_WITH_NAN: return gather_f64n(values, validity, rows, intervals, out, capacity);
    default: return gather_i64(values, validity, rows, intervals, out, capacity);
    }
}
