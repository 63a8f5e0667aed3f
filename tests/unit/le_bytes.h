/*
 * Little-endian fields in byte buffers, for tests that build or inspect
 * guest images and tables by hand: core/bytes.h's le_load and le_store
 * for @n bytes (1 to 8: more is a bug in the test, stopped by the assert).
 */
#ifndef PCVM_TESTS_UNIT_LE_BYTES_H
#define PCVM_TESTS_UNIT_LE_BYTES_H

#include <assert.h>
#include <stdint.h>

#include "core/bytes.h"

static inline uint64_t le_rd(const uint8_t *p, unsigned n)
{
    assert(n <= 8);
    return le_load(p, n);
}

static inline void le_wr(uint8_t *p, uint64_t v, unsigned n)
{
    assert(n <= 8);
    le_store(p, v, n);
}

#endif
