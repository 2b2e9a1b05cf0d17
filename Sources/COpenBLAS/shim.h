#include <cblas.h>
#include "kernels.h"
