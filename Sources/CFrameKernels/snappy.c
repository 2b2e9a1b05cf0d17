// Snappy decompression for the Parquet reader. Debian's libsnappy 1.1.9 calls libc's memmove for
// every element (a 64-byte copy it does not inline), which made it 0.3-0.4 GB/s on pages of
// timestamps and other integers (many short literals and copies); here short literals and copies
// are 8- and 16-byte moves the compiler inlines. Input is untrusted: every read and write is
// checked against the ends of both buffers.
#include "frame_kernels.h"

#include <string.h>

static inline void copy16(uint8_t *to, const uint8_t *from) { memcpy(to, from, 16); }
static inline void copy8(uint8_t *to, const uint8_t *from) { memcpy(to, from, 8); }

int trq_snappy_decompress(const uint8_t *src, size_t n, uint8_t *dst, size_t dlen) {
    const uint8_t *ip = src, *const iend = src + n;
    uint8_t *op = dst, *const oend = dst + dlen;
    // The preamble: the uncompressed length as a varint of at most 32 bits.
    uint64_t length = 0;
    for (int shift = 0;; shift += 7) {
        if (ip == iend || shift > 28) return -1;
        uint8_t b = *ip++;
        length |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) break;
    }
    if (length != dlen) return -1;
    while (ip < iend) {
        const uint8_t tag = *ip++;
        size_t len, offset;
        if ((tag & 3) == 0) {
            len = (size_t)(tag >> 2) + 1;
            // A short literal with room behind it in both buffers: one 16-byte move.
            if (len <= 16 && (size_t)(iend - ip) >= 16 && (size_t)(oend - op) >= 16) {
                copy16(op, ip);
                op += len;
                ip += len;
                continue;
            }
            if (len > 60) {
                const size_t extra = len - 60;
                if ((size_t)(iend - ip) < extra) return -1;
                len = 0;
                for (size_t k = 0; k < extra; k++) len |= (size_t)ip[k] << (8 * k);
                len += 1;
                ip += extra;
            }
            if ((size_t)(iend - ip) < len || (size_t)(oend - op) < len) return -1;
            memcpy(op, ip, len);
            op += len;
            ip += len;
            continue;
        }
        switch (tag & 3) {
        case 1:
            if (ip == iend) return -1;
            len = (size_t)((tag >> 2) & 7) + 4;
            offset = (size_t)(tag >> 5) << 8 | ip[0];
            ip += 1;
            break;
        case 2:
            if (iend - ip < 2) return -1;
            len = (size_t)(tag >> 2) + 1;
            offset = (size_t)ip[0] | (size_t)ip[1] << 8;
            ip += 2;
            break;
        default:
            if (iend - ip < 4) return -1;
            len = (size_t)(tag >> 2) + 1;
            offset = (size_t)ip[0] | (size_t)ip[1] << 8 | (size_t)ip[2] << 16 | (size_t)ip[3] << 24;
            ip += 4;
            break;
        }
        if (offset == 0 || offset > (size_t)(op - dst) || len > (size_t)(oend - op)) return -1;
        const uint8_t *from = op - offset;
        const size_t room = (size_t)(oend - op);
        // Moves of 16 (8) bytes read only bytes already written when the offset is at least 16
        // (8); they may write up to 15 (7) bytes past the copy, which later elements overwrite.
        if (offset >= 16 && room >= len + 15) {
            for (size_t k = 0; k < len; k += 16) copy16(op + k, from + k);
        } else if (offset >= 8 && room >= len + 7) {
            for (size_t k = 0; k < len; k += 8) copy8(op + k, from + k);
        } else {
            for (size_t k = 0; k < len; k++) op[k] = from[k];
        }
        op += len;
    }
    return op == oend ? 0 : -1;
}
