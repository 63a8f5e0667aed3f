/* Random numbers and operand values for the generators: see vals.h. */
#include "tools/difftest/vals.h"

#include <string.h>

/* --- random numbers (splitmix64) --- */

uint64_t dt_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t dt_rnd(uint64_t *st)
{
    *st += 0x9e3779b97f4a7c15ULL;
    return dt_mix64(*st);
}

uint32_t dt_rn(uint64_t *st, uint32_t n)
{
    return n ? (uint32_t)(dt_rnd(st) % n) : 0;
}

bool dt_chance(uint64_t *st, unsigned percent)
{
    return dt_rn(st, 100) < percent;
}

static uint32_t size_mask32(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

uint32_t dt_interesting32(uint64_t *st, unsigned size)
{
    static const uint32_t edges[] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0xf, 0x10, 0x11, 0x1f, 0x20,
        0x3f, 0x40, 0x7f, 0x80, 0x81, 0x99, 0x9a, 0xfe, 0xff, 0x100, 0x7ffe,
        0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0x10000, 0x7fffffff,
        0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x55555555,
        0xaaaaaaaa, 0x0f0f0f0f, 0x12345678,
    };
    uint32_t v;
    switch (dt_rn(st, 6)) {
    case 0:
    case 1:
        v = edges[dt_rn(st, sizeof(edges) / sizeof(edges[0]))];
        break;
    case 2:
        /* Edges of the operand size, and their negations. */
        switch (dt_rn(st, 4)) {
        case 0: v = 1u << (8 * size - 1); break;
        case 1: v = (1u << (8 * size - 1)) - 1; break;
        case 2: v = size_mask32(size); break;
        default: v = 0; break;
        }
        if (dt_chance(st, 30)) {
            v += dt_rn(st, 3) - 1;
        }
        break;
    case 3:
        v = dt_rn(st, 256);
        if (dt_chance(st, 50)) {
            v = (uint32_t)-(int32_t)v;
        }
        break;
    default:
        v = (uint32_t)dt_rnd(st);
        break;
    }
    return v & size_mask32(size);
}

uint64_t dt_interesting64(uint64_t *st)
{
    static const uint64_t edges[] = {
        0, 1, 2, 3, 4, 5, 7, 8, 9, 0xf, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x41,
        0x7f, 0x80, 0x81, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
        0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe,
        0xffffffff, 0x100000000ULL, 0x100000001ULL, 0x7fffffffffffffffULL,
        0x8000000000000000ULL, 0x8000000000000001ULL, 0xfffffffffffffffeULL,
        0xffffffffffffffffULL, 0xffffffff80000000ULL, 0x5555555555555555ULL,
        0xaaaaaaaaaaaaaaaaULL, 0x0f0f0f0f0f0f0f0fULL, 0x123456789abcdef0ULL,
        0x0000800000000000ULL, 0x00007fffffffffffULL,
    };
    switch (dt_rn(st, 6)) {
    case 0:
    case 1:
        return edges[dt_rn(st, sizeof(edges) / sizeof(edges[0]))];
    case 2: {
        static const uint64_t top[] = {1ULL << 63, (1ULL << 63) - 1, ~0ULL,
                                       0};
        return top[dt_rn(st, 4)] + (dt_chance(st, 30) ? dt_rn(st, 3) - 1
                                                       : 0);
    }
    case 3: {
        uint64_t v = dt_rn(st, 256);
        return dt_chance(st, 50) ? 0 - v : v;
    }
    case 4: /* a sign-extended imm32 */
        return (uint64_t)(int64_t)(int32_t)dt_rnd(st);
    default:
        return dt_rnd(st);
    }
}

/* --- floating-point operands --- */

uint32_t dt_f32_val(uint64_t *st)
{
    static const uint32_t edges[] = {
        0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff,
        0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x00800001,
        0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
        0xffc00000, 0x7f800001, 0xff812345, 0x7fc12345, 0x3f800000,
        0xbf800000, 0x3fc00000, 0x40000000, 0x3f000000, 0x40400000,
        0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001, 0x5f000000,
        0xdf000000, 0x3effffff, 0x3f7fffff, 0x4b000000, 0x4b7fffff,
        0x34000000, 0x0c800000, 0x7e800000, 0x00fffffe, 0x46fffe00,
        0xc7000000, 0x40490fdb,
    };
    switch (dt_rn(st, 5)) {
    case 0:
    case 1:
        return edges[dt_rn(st, sizeof(edges) / sizeof(edges[0]))];
    case 2: /* near 1, to make sums and products rounding-rich */
        return (uint32_t)(dt_rnd(st) & 0x807fffff) |
               (0x78 + dt_rn(st, 16)) << 23;
    case 3: /* tiny or huge */
        return (uint32_t)(dt_rnd(st) & 0x807fffff) |
               (dt_chance(st, 50) ? dt_rn(st, 3) : 0xfc + dt_rn(st, 4))
                   << 23;
    default:
        return (uint32_t)dt_rnd(st);
    }
}

uint64_t dt_f64_val(uint64_t *st)
{
    static const uint64_t edges[] = {
        0, 0x8000000000000000ULL, 1, 0x8000000000000001ULL,
        0x000fffffffffffffULL, 0x0010000000000000ULL, 0x7fefffffffffffffULL,
        0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
        0xfff8000000000000ULL, 0x7ff0000000000001ULL, 0xfff4000012345678ULL,
        0x3ff0000000000000ULL, 0xbff0000000000000ULL, 0x3ff8000000000000ULL,
        0x41e0000000000000ULL, 0xc1e0000000000000ULL, 0x41dfffffffc00000ULL,
        0xc1e0000000200000ULL, 0x41dfffffffe00000ULL, 0x43e0000000000000ULL,
        0xc3e0000000000000ULL, 0x47efffffe0000000ULL, 0x47f0000000000000ULL,
        0x36a0000000000000ULL, 0x3690000000000000ULL, 0x380fffffe0000000ULL,
        0x3810000000000000ULL, 0x3fe0000000000000ULL, 0x4330000000000000ULL,
        0x400921fb54442d18ULL, 0x3fe921fb54442d18ULL,
    };
    switch (dt_rn(st, 5)) {
    case 0:
    case 1:
        return edges[dt_rn(st, sizeof(edges) / sizeof(edges[0]))];
    case 2:
        return (dt_rnd(st) & 0x800fffffffffffffULL) |
               (uint64_t)(0x3f0 + dt_rn(st, 32)) << 52;
    case 3: {
        /* tiny, huge, or at the float32 range limits */
        static const uint32_t exps[] = {0, 1, 2, 0x7fd, 0x7fe, 0x7ff,
                                        0x380, 0x37f, 0x36a, 0x47e, 0x47f};
        return (dt_rnd(st) & 0x800fffffffffffffULL) |
               (uint64_t)exps[dt_rn(st, sizeof(exps) / sizeof(exps[0]))]
                   << 52;
    }
    default:
        return dt_rnd(st);
    }
}

void dt_vec_val(uint64_t *st, uint8_t *v)
{
    switch (dt_rn(st, 3)) {
    case 0:
        for (unsigned i = 0; i < 4; i++) {
            uint32_t x = dt_f32_val(st);
            memcpy(v + 4 * i, &x, 4);
        }
        break;
    case 1:
        for (unsigned i = 0; i < 2; i++) {
            uint64_t x = dt_f64_val(st);
            memcpy(v + 8 * i, &x, 8);
        }
        break;
    default:
        for (unsigned i = 0; i < 4; i++) {
            uint32_t x = dt_interesting32(st, 4);
            if (dt_chance(st, 30)) {
                x = dt_interesting32(st, 2) | dt_interesting32(st, 2) << 16;
            }
            memcpy(v + 4 * i, &x, 4);
        }
        break;
    }
}

uint32_t dt_mxcsr_val(uint64_t *st)
{
    uint32_t v = 0x1f80;
    if (dt_chance(st, 60)) {
        v |= dt_rn(st, 4) << 13;
    }
    if (dt_chance(st, 25)) {
        v |= 0x40;
    }
    if (dt_chance(st, 25)) {
        v |= 0x8000;
    }
    if (dt_chance(st, 8)) {
        v &= ~(dt_rn(st, 64) << 7); /* unmask some */
    }
    if (dt_chance(st, 20)) {
        v |= dt_rn(st, 64); /* sticky flags already set */
    }
    return v;
}

void dt_sse_init(uint64_t *st, DtFpu *f, unsigned nxmm)
{
    for (unsigned i = 0; i < 8; i++) {
        dt_vec_val(st, f->xmm[i]);
        uint8_t v[16];
        dt_vec_val(st, v);
        memcpy(&f->st_mant[i], v, 8);
        f->st_exp[i] = dt_chance(st, 70) ? 0xffff : (uint16_t)dt_rnd(st);
    }
    /* x87 state as MMX code may find it: any TOP and tags. */
    f->fsw = (uint16_t)(dt_rn(st, 8) << 11);
    f->ftw = dt_chance(st, 50) ? 0xff : (uint8_t)dt_rnd(st);
    f->fcw = 0x037f;
    if (dt_chance(st, 3)) {
        /* A pending unmasked x87 error: MMX forms take #MF. */
        f->fcw = 0x037e;
        f->fsw |= 0x0081;
    }
    f->mxcsr = dt_chance(st, 30) ? 0x1f80 : dt_mxcsr_val(st);
    for (unsigned i = 8; i < nxmm && i < 16; i++) {
        dt_vec_val(st, f->xmm[i]);
    }
}
