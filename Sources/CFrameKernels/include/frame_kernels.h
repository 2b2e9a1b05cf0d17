// SIMD scans for TRQFrame's hottest loops, where Swift does not vectorize (it has no portable
// 64-bit vector compare on baseline x86-64). Each kernel picks AVX2 (or BMI2) at run time when
// present and has a portable fallback.
#ifndef TRQ_FRAME_KERNELS_H
#define TRQ_FRAME_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// With a nonzero argument, every kernel takes its portable path from then on (for tests of
/// those paths on machines that have AVX2 and BMI2); zero restores run-time dispatch.
void trq_use_portable_kernels(int on);

/// Whether the AVX2 paths run: the CPU has AVX2 and POPCNT and portable paths are not forced.
/// For callers that pass the answer to a kernel called once per row.
int trq_cpu_has_avx2(void);

/// Comparison operators, in the order of TRQFrame's `Comparison`.
enum trq_comparison { TRQ_EQ, TRQ_NE, TRQ_LT, TRQ_LE, TRQ_GT, TRQ_GE };

/// The number of rows i < rows with `values[i] op constant` whose validity bit is set
/// (`validity` may be NULL: every row is valid). NaN compares false except with TRQ_NE.
int64_t trq_count_matching_i64(const int64_t *values, const uint64_t *validity, int64_t rows,
                               int op, int64_t constant);
int64_t trq_count_matching_f64(const double *values, const uint64_t *validity, int64_t rows,
                               int op, double constant);

/// As the counts, and also writes the matching rows as bits: bit i & 63 of out[i >> 6] is set when
/// row i matches (out has (rows + 63) / 64 words; bits past `rows` are cleared).
int64_t trq_select_matching_i64(const int64_t *values, const uint64_t *validity, int64_t rows,
                                int op, int64_t constant, uint64_t *out);
int64_t trq_select_matching_f64(const double *values, const uint64_t *validity, int64_t rows,
                                int op, double constant, uint64_t *out);
/// As above for 32-bit values (a string column's dictionary codes).
int64_t trq_select_matching_i32(const int32_t *values, const uint64_t *validity, int64_t rows,
                                int op, int32_t constant, uint64_t *out);

/// Bytes (0 false, else true) packed into bits as above, cleared where `validity` (may be NULL)
/// is; returns the number of set bits. `out` may be NULL to only count.
int64_t trq_select_flags(const uint8_t *flags, const uint64_t *validity, int64_t rows, uint64_t *out);

/// Copies to `out`, in order, the elements of `values` (8, 4 or 1 bytes each) whose bit is set in
/// bits[0 ..< words]; returns how many. No bit may be set past the end of `values`.
int64_t trq_compress_64(const void *values, const uint64_t *bits, int64_t words, void *out);
int64_t trq_compress_32(const void *values, const uint64_t *bits, int64_t words, void *out);
int64_t trq_compress_8(const void *values, const uint64_t *bits, int64_t words, void *out);

/// The bits of `source` where `bits` is set, packed from bit 0 of `out` (which must be zeroed and
/// hold one word per 64 set bits of `bits`, rounded up).
void trq_compress_bits(const uint64_t *source, const uint64_t *bits, int64_t words, uint64_t *out);

/// What order keys `values` hold: unsigned key order is value order, equal keys equal values.
/// Int64 and Int32: the value (widened) with its sign bit flipped. Double: -0.0 has the key of
/// 0.0; NaN has no key (it is skipped) with TRQ_KEYS_F64, and one key above +infinity with
/// TRQ_KEYS_F64_WITH_NAN.
enum trq_key_kind { TRQ_KEYS_I64, TRQ_KEYS_F64, TRQ_KEYS_I32, TRQ_KEYS_F64_WITH_NAN };

/// Up to 8 disjoint intervals of keys low[k] ... low[k] + span[k], each cut into buckets of
/// 2^shift[k] keys counted at counters[start[k] + (key - low[k]) >> shift[k]]; keys outside
/// every interval count at counters[outside].
typedef struct {
    int count;
    uint64_t low[8], span[8], shift[8];
    int64_t start[8], outside;
} trq_key_intervals;

/// The number of keys of the valid rows below `rows` (validity may be NULL), and the smallest
/// and largest (UINT64_MAX and 0 when there are none).
int64_t trq_key_range(const void *values, int kind, const uint64_t *validity, int64_t rows,
                      uint64_t *low, uint64_t *high);

/// Adds one to the counter of each key of a valid row (one pass, no branch per key).
void trq_count_key_buckets(const void *values, int kind, const uint64_t *validity, int64_t rows,
                           const trq_key_intervals *intervals, int32_t *counters);

/// Copies the keys inside any interval to `out`, in row order, at most `capacity`; returns how
/// many. `out` has room for capacity + 1 keys (the last is scratch).
int64_t trq_gather_keys(const void *values, int kind, const uint64_t *validity, int64_t rows,
                        const trq_key_intervals *intervals, uint64_t *out, int64_t capacity);

/// The keys of the valid rows in one pass: how many, the smallest and largest, how often a key
/// differs from the one before it, and whether they never fall (ascending) or never rise.
typedef struct {
    int64_t count, changes;
    uint64_t low, high;
    int ascending, descending;
} trq_key_summary;

void trq_key_summary_of(const void *values, int kind, const uint64_t *validity, int64_t rows,
                        trq_key_summary *out);

/// Sets bit `key - start` of `bitmap` (window / 64 words) for each key in start ..< start +
/// window, and copies the other keys to `outside` (room for every key plus one); returns how many
/// were copied.
int64_t trq_mark_keys(const void *values, int kind, const uint64_t *validity, int64_t rows,
                      uint64_t start, uint64_t window, uint64_t *bitmap, uint64_t *outside);

/// The first word w in [from, to) (64 rows each) holding a row with `values[i] > bound`
/// (`greater` != 0) or `values[i] < bound` whose validity bit is set; its matching valid rows go
/// to *bits as bits. Returns `to` when there is none.
int64_t trq_first_word_beyond_i64(const int64_t *values, const uint64_t *validity, int64_t from,
                                  int64_t to, int greater, int64_t bound, uint64_t *bits);

/// Steps over up to `fields` unquoted CSV fields from `p`. Returns where it stopped and sets
/// *crossed to the delimiters passed: at the byte ending the last field (a delimiter, line break
/// or end of input), at a line break that came first, or at the start of a field that opens with
/// a quote (the caller scans that one itself).
int64_t trq_skip_fields(const uint8_t *base, int64_t p, int64_t end, uint8_t delimiter, int64_t fields,
                        int avx2, int64_t *crossed);

/// Asks for the cache line at `p` ahead of its use (a hint; any address is allowed). Swift has no
/// prefetch of its own; the interner's batched lookups use it to overlap their cache misses.
static inline void trq_prefetch(const void *p) { __builtin_prefetch(p); }

/// Gives malloc'd blocks of `bytes` and more their own mappings, returned to the system when
/// freed, with a fixed threshold (glibc's own rises as such blocks are freed). No-op elsewhere.
void trq_map_large_blocks(int64_t bytes);

/// Decompresses a raw Snappy block (`src`, `n` bytes) into exactly `dlen` bytes at `dst` (the
/// Parquet reader's pages; see snappy.c for why not libsnappy). Returns 0, or -1 when the data is
/// corrupt or its length is not `dlen`.
int trq_snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t dlen);

#endif
