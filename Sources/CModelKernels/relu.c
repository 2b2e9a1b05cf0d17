#include "model_kernels.h"

void trq_relu(const float *x, float *y, int64_t n) {
    const uint32_t *xb = (const uint32_t *)x;
    uint32_t *yb = (uint32_t *)y;
    for (int64_t e = 0; e < n; e++) yb[e] = xb[e] & (0u - (uint32_t)(x[e] > 0));
}

void trq_relu_backward(const float *x, const float *dy, float *dx, int64_t n) {
    const uint32_t *db = (const uint32_t *)dy;
    uint32_t *out = (uint32_t *)dx;
    for (int64_t e = 0; e < n; e++) out[e] = db[e] & (0u - (uint32_t)(x[e] > 0));
}
