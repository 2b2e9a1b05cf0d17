// The SIMD variants exist on x86-64 only; elsewhere every dispatcher takes the portable path.
#ifndef TRQ_MODEL_KERNELS_X86_H
#define TRQ_MODEL_KERNELS_X86_H

#if defined(__x86_64__)
#define TRQ_X86 1
#include <immintrin.h>
#else
#define TRQ_X86 0
#endif

#endif
