/* xz payloads through liblzma: see kernel_unpack.h. */
#include <lzma.h>
#include <stdio.h>

#include "hw/pc/kernel_unpack.h"

int kernel_unpack_xz(const uint8_t *in, size_t len, uint8_t *out,
                     size_t size, char *err, size_t errlen)
{
    uint64_t memlimit = UINT64_MAX;
    size_t in_pos = 0, out_pos = 0;
    lzma_ret r = lzma_stream_buffer_decode(&memlimit, 0, NULL, in, &in_pos,
                                           len, out, &out_pos, size);
    if (r != LZMA_OK || out_pos != size) {
        snprintf(err, errlen, "xz: corrupt or truncated payload (liblzma "
                              "error %d)", (int)r);
        return -1;
    }
    return 0;
}
