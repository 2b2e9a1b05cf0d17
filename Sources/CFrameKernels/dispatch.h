// Which instruction sets the kernels may use, checked at run time. The SIMD variants exist on
// x86-64 only (TRQ_X86); elsewhere every kernel takes its portable path.
#ifndef TRQ_DISPATCH_H
#define TRQ_DISPATCH_H

#if defined(__x86_64__)
#define TRQ_X86 1
#include <immintrin.h>
#define TRQ_IF_X86(...) __VA_ARGS__  // for code inside macros, where #if cannot go
#else
#define TRQ_X86 0
#define TRQ_IF_X86(...)
#endif

int trq_cpu_has_bmi2(void);  // BMI2 and POPCNT

#endif
