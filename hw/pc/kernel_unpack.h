/*
 * A bzImage's payload (the compressed vmlinux, boot protocol 2.08's
 * payload_offset/payload_length) decompressed on the host, so a direct
 * boot can load the kernel proper itself and skip the kernel's own
 * decompressor, which under the software CPU takes most of a boot.
 *
 * Promise: kernel_unpack() recognises the format by its magic: gzip
 * (zlib) and xz (liblzma; kernel_xz-stub.c says it is missing when pcvm
 * is built without it); anything else (bzip2, lzma, lzo, lz4, zstd) is
 * refused by name. The output size is the little-endian 32-bit value the
 * kernel's build appends to the payload; more than @max bytes, or output
 * that does not end exactly there, is an error. Returns 0 with a malloc'ed
 * buffer, or -1 with one line in @err.
 */
#ifndef PCVM_HW_KERNEL_UNPACK_H
#define PCVM_HW_KERNEL_UNPACK_H

#include <stddef.h>
#include <stdint.h>

int kernel_unpack(const uint8_t *in, size_t len, size_t max, uint8_t **out,
                  size_t *outlen, char *err, size_t errlen);

/* The xz decoder (kernel_xz.c with liblzma, or its stub): @in without the
 * appended size, @size the expected output size. */
int kernel_unpack_xz(const uint8_t *in, size_t len, uint8_t *out,
                     size_t size, char *err, size_t errlen);

#endif
