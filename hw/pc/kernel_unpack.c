/* Host-side decompression of a bzImage payload: see kernel_unpack.h. */
#include "hw/pc/kernel_unpack.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/error.h"

/* gzip (RFC 1952) through zlib: one member, exactly @size bytes. */
static int unpack_gzip(const uint8_t *in, size_t len, uint8_t *out,
                       size_t size, char *err, size_t errlen)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        return error_set(err, errlen, "gzip: cannot start zlib");
    }
    int rc = Z_OK;
    size_t in_done = 0, out_done = 0;
    /* zlib counts in uInt: feed and drain in chunks. */
    while (rc == Z_OK) {
        size_t in_left = len - in_done, out_left = size - out_done;
        z.next_in = (Bytef *)(uintptr_t)(in + in_done);
        z.avail_in = in_left > (1u << 30) ? 1u << 30 : (uInt)in_left;
        z.next_out = out + out_done;
        z.avail_out = out_left > (1u << 30) ? 1u << 30 : (uInt)out_left;
        uInt ain = z.avail_in, aout = z.avail_out;
        rc = inflate(&z, Z_NO_FLUSH);
        in_done += ain - z.avail_in;
        out_done += aout - z.avail_out;
        if (rc == Z_BUF_ERROR || (rc == Z_OK && ain == z.avail_in &&
                                  aout == z.avail_out)) {
            break;
        }
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END || out_done != size) {
        return error_set(err, errlen, "gzip: corrupt or truncated payload");
    }
    return 0;
}

int kernel_unpack(const uint8_t *in, size_t len, size_t max, uint8_t **out,
                  size_t *outlen, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        const char *magic;
        size_t n;
    } others[] = {
        {"bzip2", "BZh", 3},
        {"lzma", "\x5d\x00\x00", 3},
        {"lzo", "\x89LZO", 4},
        {"lz4", "\x02\x21\x4c\x18", 4},
        {"zstd", "\x28\xb5\x2f\xfd", 4},
    };
    *out = NULL;
    *outlen = 0;
    if (len < 16) {
        return error_set(err, errlen, "the payload is too short");
    }
    size_t size = (size_t)in[len - 4] | (size_t)in[len - 3] << 8 |
                  (size_t)in[len - 2] << 16 | (size_t)in[len - 1] << 24;
    if (size == 0 || size > max) {
        return error_set(err, errlen, "the payload says it unpacks to %zu bytes",
                    size);
    }
    bool gzip = in[0] == 0x1f && in[1] == 0x8b;
    bool xz = !memcmp(in, "\xfd" "7zXZ\0", 6);
    if (!gzip && !xz) {
        for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
            if (!memcmp(in, others[i].magic, others[i].n)) {
                return error_set(err, errlen, "a %s-compressed kernel (pcvm "
                                         "unpacks gzip and xz)",
                            others[i].name);
            }
        }
        return error_set(err, errlen, "unknown payload compression");
    }
    uint8_t *buf = malloc(size);
    if (!buf) {
        return error_set(err, errlen, "out of memory (%zu bytes)", size);
    }
    int rc = gzip ? unpack_gzip(in, len, buf, size, err, errlen)
                  : kernel_unpack_xz(in, len - 4, buf, size, err, errlen);
    if (rc) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = size;
    return 0;
}
