// SIMD scans for TRQFrame's hottest loops, where Swift does not vectorize (it has no portable
// 64-bit vector compare on baseline x86-64). Each kernel picks AVX2 at run time when present.
#ifndef TRQ_FRAME_KERNELS_H
#define TRQ_FRAME_KERNELS_H

#include <stdint.h>

/// Comparison operators, in the order of TRQFrame's `Comparison`.
enum trq_comparison { TRQ_EQ, TRQ_NE, TRQ_LT, TRQ_LE, TRQ_GT, TRQ_GE };

/// The number of rows i < words * 64 with `values[i] op constant` whose validity bit is set
/// (`validity` may be NULL: every row is valid). NaN compares false except with TRQ_NE.
int64_t trq_count_matching_i64(const int64_t *values, const uint64_t *validity, int64_t words,
                               int op, int64_t constant);
int64_t trq_count_matching_f64(const double *values, const uint64_t *validity, int64_t words,
                               int op, double constant);

/// The first word w in [from, to) (64 rows each) holding a row with `values[i] > bound`
/// (`greater` != 0) or `values[i] < bound` whose validity bit is set; its matching valid rows go
/// to *bits as bits. Returns `to` when there is none.
int64_t trq_first_word_beyond_i64(const int64_t *values, const uint64_t *validity, int64_t from,
                                  int64_t to, int greater, int64_t bound, uint64_t *bits);

#endif
