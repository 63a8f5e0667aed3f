/* Built without liblzma: xz payloads are left to the kernel's own
 * decompressor (see kernel_unpack.h). */
#include <stdio.h>

#include "hw/pc/kernel_unpack.h"

int kernel_unpack_xz(const uint8_t *in, size_t len, uint8_t *out,
                     size_t size, char *err, size_t errlen)
{
    (void)in;
    (void)len;
    (void)out;
    (void)size;
    snprintf(err, errlen, "an xz-compressed kernel (pcvm was built without "
                          "liblzma)");
    return -1;
}
