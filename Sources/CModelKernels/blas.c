// OpenBLAS is opened on the first scoring call instead of being linked into trq: a linked OpenBLAS
// costs every start about 12,000 symbol relocations and a thread pool, most of `trq -c .help`.
#include <dlfcn.h>
#include <pthread.h>
#include "model_kernels.h"

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
typedef void (*trq_sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                             float, float *, int);
static trq_sgemm_fn openblas_sgemm;
static pthread_once_t openblas_once = PTHREAD_ONCE_INIT;

static void trq_open_openblas(void) {
    void *library = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_LOCAL);
    if (!library) return;
    // Training already runs one worker per core; one BLAS thread also keeps results independent of scheduling.
    void (*set_threads)(int) = (void (*)(int))dlsym(library, "openblas_set_num_threads");
    if (set_threads) set_threads(1);
    openblas_sgemm = (trq_sgemm_fn)dlsym(library, "cblas_sgemm");
}

int trq_openblas_available(void) {
    pthread_once(&openblas_once, trq_open_openblas);
    return openblas_sgemm != 0;
}

void trq_row_scores(int level, int use_openblas, const float *X, int64_t rows, const float *Y, int64_t count,
                    int64_t stride, float *out, int64_t ldo) {
    if (use_openblas && trq_openblas_available()) {
        openblas_sgemm(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_TRANS, (int)rows, (int)count, (int)stride, 1, X,
                       (int)stride, Y, (int)stride, 0, out, (int)ldo);
        return;
    }
    for (int64_t r = 0; r < rows; r++)
        trq_gemm(level, count, 1, stride, 1, Y, stride, 1, X + r * stride, 1, 0, out + r * ldo, 1);
}
