// Small float kernels for TRQModels' ALS and neural networks, and k-means' double distances.
//
// Why not only OpenBLAS: the hot products are tiny (one 64-float row at a time, or a 64x64 matrix),
// where a BLAS call costs more than the arithmetic, and distribution OpenBLAS builds may not
// recognise newer CPUs (0.3.21 falls back to its SSE3 "Prescott" kernels on Emerald Rapids).
// Each kernel has AVX-512F, AVX2+FMA (x86-64 only) and portable C variants. Callers pass the
// variant as `level`, normally trq_simd_level() once; 0 always takes the portable path (what
// other CPUs run, and what the parity tests compare the SIMD paths against). Row lengths
// (`stride`) are multiples of 16 floats: TRQModels pads factor rows. Every variant sums in an
// order fixed by its inputs, so results are reproducible run to run.
#ifndef TRQ_MODEL_KERNELS_H
#define TRQ_MODEL_KERNELS_H

#include <stdint.h>

/// 2: AVX-512F, 1: AVX2 + FMA, 0: portable C (also on every CPU other than x86-64).
int trq_simd_level(void);

/// For each j < n, with y = Y + idx[j] * stride and t = y . v:
///   acc += w * y, where w = c[j] - (c[j] - 1) * t  (residual, `residual` != 0)
///                   or w = (c[j] - 1) * t          (CG product, `residual` == 0).
/// That is acc += Y_u^T (c - (c - 1) * (Y_u v)) or acc += Y_u^T ((c - 1) * (Y_u v)) for the rows
/// Y_u of the other side that a user (or item) interacted with.
void trq_sparse_update(int level, const float *Y, int64_t stride, const int32_t *idx, int64_t n,
                       const float *c, const float *v, float *acc, int residual);

/// out (rows x stride) = alpha * P (rows x stride) * G (stride x stride), all row-major with
/// leading dimension `stride`. Used for gram * p of a chunk of rows at once.
void trq_rows_times_square(int level, const float *P, int64_t rows, int64_t stride, const float *G,
                           float alpha, float *out);

/// out (stride x stride) += F^T F over `rows` rows of F (row-major, `stride`).
void trq_gram_accumulate(int level, const float *F, int64_t rows, int64_t stride, float *out);

/// a . b over n floats (n a multiple of 16).
float trq_dot(int level, const float *a, const float *b, int64_t n);

/// One conjugate-gradient update given ap = A p (n floats, a multiple of 16):
///   step = rs_old / (p . ap); x += step p; r -= step ap; rs_new = r . r;
///   if rs_new < 1e-20 stop (returns 0, implicit's rule); else p = r + (rs_new / rs_old) p.
int trq_cg_update(int level, float *x, float *r, float *p, const float *ap, int64_t n, float *rs_old);

/// C (m x n, row stride ldc) = alpha * A B + beta * C, with A(i, k) at A[i * rsa + k * csa]
/// (so A may be read transposed) and B (k x n) row-major with row stride ldb. Any sizes; used for
/// the classifiers' dense and convolution layers, where n is small (a layer width or class count).
void trq_gemm(int level, int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t rsa, int64_t csa,
              const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

/// out[r * ldo + j] = X_r . Y_j for r < rows, j < count (rows of `stride` floats): the user x item
/// scores. Through OpenBLAS's sgemm when `use_openblas` and the library opens (it is loaded on the
/// first call, not at start-up), else with trq_gemm one row at a time.
void trq_row_scores(int level, int use_openblas, const float *X, int64_t rows, const float *Y, int64_t count,
                    int64_t stride, float *out, int64_t ldo);

/// 1 once libopenblas.so.0 has been opened (opening it on the first call), 0 where it is missing.
int trq_openblas_available(void);

/// out[j] = |point - rows[j]|^2 for j < count: squared Euclidean distances in double precision
/// from one point to `count` rows (row-major, `stride` doubles each, a multiple of 8, the padding
/// zero in both). Used by k-means (a row against the centres, a centre against the rows).
void trq_squared_distances(int level, const double *point, const double *rows, int64_t count, int64_t stride, double *out);

/// Softmax log-loss gradient of one class for boosted trees: p = exp(score[r] - lse[r]),
/// g[r] = p - (labels[r] == c), h[r] = max(p (1 - p), 1e-16), for r < n.
void trq_softmax_gradient(int level, const float *score, const float *lse, const int32_t *labels, int32_t c, int64_t n,
                          float *g, float *h);
/// sum[r] += exp(x[r] - shift[r]) for r < n (one class's term of a log-sum-exp).
void trq_exp_sum_add(int level, const float *x, const float *shift, int64_t n, float *sum);
/// The exp every path of the two kernels above uses (a polynomial, relative error under 3e-7;
/// arguments are clamped to [-87, 88]), for tests.
float trq_exp(float x);

/// y = max(x, 0) and dx = dy where x > 0 else 0, over n floats, branch-free (signs are random:
/// branches mispredict half the time). NaN in x gives 0.
void trq_relu(const float *x, float *y, int64_t n);
void trq_relu_backward(const float *x, const float *dy, float *dx, int64_t n);

#endif
