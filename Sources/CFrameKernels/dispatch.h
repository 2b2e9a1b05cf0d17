// Which instruction sets the kernels may use, checked at run time.
#ifndef TRQ_DISPATCH_H
#define TRQ_DISPATCH_H

int trq_cpu_has_avx2(void);  // AVX2 and POPCNT
int trq_cpu_has_bmi2(void);  // BMI2 and POPCNT

#endif
