#include <snappy-c.h>
#include <zstd.h>
#include <lz4.h>
#include <brotli/decode.h>
#include <brotli/encode.h>
