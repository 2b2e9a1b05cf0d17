#include "dispatch.h"
#include "frame_kernels.h"

#include <stdatomic.h>

static atomic_int portable_only;

void trq_use_portable_kernels(int on) { atomic_store(&portable_only, on); }

int trq_cpu_has_avx2(void) {
#if TRQ_X86
    if (atomic_load(&portable_only)) return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
#else
    return 0;
#endif
}

int trq_cpu_has_bmi2(void) {
#if TRQ_X86
    if (atomic_load(&portable_only)) return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#else
    return 0;
#endif
}
