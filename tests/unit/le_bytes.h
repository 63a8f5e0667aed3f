/*
 * Little-endian fields in byte buffers, for tests that build or inspect
 * guest images and tables by hand: le_rd reads and le_wr writes @n bytes
 * (1 to 8: more is a bug in the test, stopped by the assert) at @p.
 */
#ifndef PCVM_TESTS_UNIT_LE_BYTES_H
#define PCVM_TESTS_UNIT_LE_BYTES_H

#include <assert.h>
#include <stdint.h>

static inline uint64_t le_rd(const uint8_t *p, unsigned n)
{
    assert(n <= 8);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static inline void le_wr(uint8_t *p, uint64_t v, unsigned n)
{
    assert(n <= 8);
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

#endif
