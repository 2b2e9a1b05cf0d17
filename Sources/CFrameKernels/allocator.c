#include "frame_kernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void trq_map_large_blocks(int64_t bytes) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, (int)bytes);
#else
    (void)bytes;
#endif
}
