/*
 * Little-endian integers in byte buffers (guest memory images, firmware
 * tables, boot headers), the same on any host: le_load reads and
 * le_store writes the low @n bytes (1 to 8) of a value at @p, which need
 * not be aligned.
 */
#ifndef PCVM_BYTES_H
#define PCVM_BYTES_H

#include <stdint.h>

static inline uint64_t le_load(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static inline void le_store(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

#endif
