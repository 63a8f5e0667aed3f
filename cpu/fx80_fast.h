/*
 * The common case of x87 arithmetic, fast: normal numbers and zeros, round
 * to nearest, every exception masked - what nearly every x87 instruction
 * of real code does. tcg-lite's x87 forms (tcg-lite/x87.c) use it; the
 * interpreter keeps the general softfloat core.
 *
 * Promise: when a function here returns true, its result and *flags
 * (FLOAT_INEXACT, FLOAT_ROUNDED_UP) are exactly what the softfloat
 * function named beside it gives for the same operands in
 * FLOAT_ROUND_NEAREST with every exception masked. It returns false,
 * having computed nothing, whenever the case is not that simple: an
 * operand that is not a normal number or a zero, a result that would not
 * be a normal number or a zero (overflow, underflow, denormals), a
 * division by zero, an integer out of range. Integer arithmetic only
 * (unsigned __int128), the same bits on every host.
 */
#ifndef PCVM_CPU_FX80_FAST_H
#define PCVM_CPU_FX80_FAST_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/softfloat.h"

#define FX80F_INLINE static inline __attribute__((always_inline))

typedef unsigned __int128 fx80f_u128;

/* A normal number or a zero: sig * 2^(exp - 16383 - 63) with bit 63 of
 * sig set (exp as biased in the 80-bit format), or sig == 0. */
typedef struct Fx80Fast {
    uint64_t sig;
    int32_t exp;
    bool sign;
} Fx80Fast;

/* An 80-bit register value (float_unp_fx80): false unless it is a normal
 * number or a zero (denormals, pseudo-denormals, unnormals, infinities,
 * NaNs and the other encodings are not). */
FX80F_INLINE bool fx80f_unpack(Fx80 v, Fx80Fast *n)
{
    unsigned e = v.sexp & 0x7fff;
    n->sig = v.mant;
    n->exp = (int32_t)e;
    n->sign = v.sexp >> 15;
    if (e - 1u < 0x7ffeu) {
        return (v.mant >> 63) != 0;
    }
    return e == 0 && v.mant == 0;
}

/* float64 (float_unp_f64; fx80_from_f64 is then exact). */
FX80F_INLINE bool fx80f_from_f64(uint64_t v, Fx80Fast *n)
{
    unsigned e = (v >> 52) & 0x7ff;
    uint64_t f = v & ((1ULL << 52) - 1);
    n->sign = v >> 63;
    if (e - 1u < 0x7feu) {
        n->sig = (1ULL << 63) | f << 11;
        n->exp = (int32_t)e - 1023 + 16383;
        return true;
    }
    n->sig = 0;
    n->exp = 0;
    return e == 0 && f == 0;
}

/* float32 (float_unp_f32). */
FX80F_INLINE bool fx80f_from_f32(uint32_t v, Fx80Fast *n)
{
    unsigned e = (v >> 23) & 0xff;
    uint32_t f = v & ((1u << 23) - 1);
    n->sign = v >> 31;
    if (e - 1u < 0xfeu) {
        n->sig = (1ULL << 63) | (uint64_t)f << 40;
        n->exp = (int32_t)e - 127 + 16383;
        return true;
    }
    n->sig = 0;
    n->exp = 0;
    return e == 0 && f == 0;
}

/* An integer (float_unp_int): always representable. */
FX80F_INLINE Fx80Fast fx80f_from_int(int64_t v)
{
    Fx80Fast n = {0, 0, v < 0};
    if (v != 0) {
        uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;
        int lz = __builtin_clzll(m);
        n.sig = m << lz;
        n.exp = 16383 + 63 - lz;
    }
    return n;
}

/* The 80-bit encoding of @n (fx80_from_unp at 64 bits: exact). */
FX80F_INLINE Fx80 fx80f_pack(Fx80Fast n)
{
    Fx80 r = {n.sig, (uint16_t)((n.sign ? 0x8000 : 0) | (unsigned)n.exp)};
    return r;
}

FX80F_INLINE int fx80f_clz128(fx80f_u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* As softfloat's shr_jam128. */
FX80F_INLINE fx80f_u128 fx80f_shr_jam(fx80f_u128 x, int32_t n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x & (((fx80f_u128)1 << n) - 1)) != 0);
}

/* float_round_pack for the 80-bit format: sign * s * 2^(e - 16383 - 127)
 * (s != 0) to @prec bits (24, 53 or 64), if the result is normal. */
FX80F_INLINE bool fx80f_round(bool sign, int32_t e, fx80f_u128 s,
                              unsigned prec, Fx80 *r, uint32_t *flags)
{
    int lz = fx80f_clz128(s);
    s <<= lz;
    e -= lz;
    if (e <= 0) {
        return false; /* tiny: denormal or underflow */
    }
    const unsigned shift = 128 - prec;
    const fx80f_u128 half = (fx80f_u128)1 << (shift - 1);
    fx80f_u128 rest = s & ((half << 1) - 1);
    uint64_t m = (uint64_t)(s >> shift);
    bool up = rest > half || (rest == half && (m & 1));
    if (up) {
        m++;
        if (prec == 64 ? m == 0 : (m >> prec) != 0) {
            m = 1ULL << (prec - 1);
            e++;
        }
    }
    if (e >= 0x7fff) {
        return false; /* overflow */
    }
    r->mant = m << (64 - prec);
    r->sexp = (uint16_t)((sign ? 0x8000 : 0) | (unsigned)e);
    *flags = (rest ? FLOAT_INEXACT : 0) | (up ? FLOAT_ROUNDED_UP : 0);
    return true;
}

/* fx80_arith(a OP b) at precision @prec. */
FX80F_INLINE bool fx80f_arith(FloatOp op, Fx80Fast a, Fx80Fast b,
                              unsigned prec, Fx80 *r, uint32_t *flags)
{
    switch (op) {
    case FLOAT_ADD:
    case FLOAT_SUB: {
        b.sign ^= op == FLOAT_SUB;
        if (!a.sig || !b.sig) {
            if (!a.sig && !b.sig) {
                /* Round to nearest: unlike signs give +0. */
                *r = fx80_zero(a.sign && b.sign);
                *flags = 0;
                return true;
            }
            Fx80Fast x = a.sig ? a : b;
            return fx80f_round(x.sign, x.exp, (fx80f_u128)x.sig << 64, prec,
                               r, flags);
        }
        if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
            Fx80Fast t = a;
            a = b;
            b = t;
        }
        /* Bit 127 is left free for the carry. */
        fx80f_u128 x = (fx80f_u128)a.sig << 63;
        int32_t d = a.exp - b.exp;
        fx80f_u128 y = fx80f_shr_jam((fx80f_u128)b.sig << 63, d);
        fx80f_u128 s;
        if (a.sign == b.sign) {
            s = x + y;
        } else {
            s = x - y;
            if (s == 0) {
                *r = fx80_zero(false);
                *flags = 0;
                return true;
            }
        }
        return fx80f_round(a.sign, a.exp + 1, s, prec, r, flags);
    }
    case FLOAT_MUL: {
        bool sign = a.sign ^ b.sign;
        if (!a.sig || !b.sig) {
            *r = fx80_zero(sign);
            *flags = 0;
            return true;
        }
        return fx80f_round(sign, a.exp + b.exp - 16383 + 1,
                           (fx80f_u128)a.sig * b.sig, prec, r, flags);
    }
    default: {
        bool sign = a.sign ^ b.sign;
        if (!b.sig) {
            return false; /* divide by zero, or 0/0 */
        }
        if (!a.sig) {
            *r = fx80_zero(sign);
            *flags = 0;
            return true;
        }
        /* 128 quotient bits from two 128/64 divisions; the rest is
         * sticky. */
        int32_t e = a.exp - b.exp + 16383;
        fx80f_u128 num;
        if (a.sig >= b.sig) {
            num = (fx80f_u128)a.sig << 63;
        } else {
            num = (fx80f_u128)a.sig << 64;
            e--;
        }
        fx80f_u128 q1 = num / b.sig;
        fx80f_u128 rem = num % b.sig;
        fx80f_u128 q2 = (rem << 64) / b.sig;
        rem = (rem << 64) % b.sig;
        fx80f_u128 q = (q1 << 64) | (uint64_t)q2;
        return fx80f_round(sign, e, q | (rem != 0), prec, r, flags);
    }
    }
}

/* fx80_compare (no exception can arise for these operands). */
FX80F_INLINE FloatRel fx80f_compare(Fx80Fast a, Fx80Fast b)
{
    if (!a.sig && !b.sig) {
        return FLOAT_EQUAL;
    }
    if (a.sign != b.sign) {
        return a.sign ? FLOAT_LESS : FLOAT_GREATER;
    }
    int c;
    if (!a.sig || !b.sig) {
        c = a.sig ? 1 : -1;
    } else if (a.exp != b.exp) {
        c = a.exp < b.exp ? -1 : 1;
    } else {
        c = a.sig < b.sig ? -1 : a.sig > b.sig ? 1 : 0;
    }
    if (a.sign) {
        c = -c;
    }
    return c < 0 ? FLOAT_LESS : c > 0 ? FLOAT_GREATER : FLOAT_EQUAL;
}

/* A normal number to the IEEE format of @prec significand bits (with the
 * hidden one) and @ebits exponent bits. */
FX80F_INLINE bool fx80f_to_ieee(Fx80Fast a, unsigned prec, unsigned ebits,
                                uint64_t *bits, uint32_t *flags)
{
    const int32_t emax = (1 << ebits) - 1;
    int32_t e = a.exp - 16383 + (emax >> 1);
    if (e <= 0) {
        return false;
    }
    const unsigned shift = 64 - prec;
    const uint64_t half = 1ULL << (shift - 1);
    uint64_t rest = a.sig & ((half << 1) - 1);
    uint64_t m = a.sig >> shift;
    bool up = rest > half || (rest == half && (m & 1));
    if (up) {
        m++;
        if (m >> prec) {
            m >>= 1;
            e++;
        }
    }
    if (e >= emax) {
        return false;
    }
    *bits = (uint64_t)a.sign << (prec - 1 + ebits) |
            (uint64_t)e << (prec - 1) | (m & ((1ULL << (prec - 1)) - 1));
    *flags = (rest ? FLOAT_INEXACT : 0) | (up ? FLOAT_ROUNDED_UP : 0);
    return true;
}

/* fx80_to_f64. */
FX80F_INLINE bool fx80f_to_f64(Fx80Fast a, uint64_t *r, uint32_t *flags)
{
    if (!a.sig) {
        *r = (uint64_t)a.sign << 63;
        *flags = 0;
        return true;
    }
    return fx80f_to_ieee(a, 53, 11, r, flags);
}

/* fx80_to_f32. */
FX80F_INLINE bool fx80f_to_f32(Fx80Fast a, uint32_t *r, uint32_t *flags)
{
    uint64_t v;
    if (!a.sig) {
        *r = (uint32_t)a.sign << 31;
        *flags = 0;
        return true;
    }
    if (!fx80f_to_ieee(a, 24, 8, &v, flags)) {
        return false;
    }
    *r = (uint32_t)v;
    return true;
}

/* fx80_to_int to a @bits-wide integer (16, 32 or 64), rounding to
 * nearest. */
FX80F_INLINE bool fx80f_to_int(Fx80Fast a, unsigned bits, int64_t *r,
                               uint32_t *flags)
{
    if (!a.sig) {
        *r = 0;
        *flags = 0;
        return true;
    }
    int32_t x = a.exp - 16383; /* |a| in [2^x, 2^(x+1)) */
    uint64_t ip, frac;
    if (x >= 63) {
        return false;
    }
    if (x >= 0) {
        ip = a.sig >> (63 - x);
        frac = a.sig << (x + 1);
    } else {
        ip = 0;
        frac = x == -1 ? a.sig : 1; /* (below one half, not zero) */
    }
    bool up = frac > (1ULL << 63) || (frac == (1ULL << 63) && (ip & 1));
    ip += up;
    uint64_t limit = 1ULL << (bits - 1);
    if (ip > limit - (a.sign ? 0 : 1)) {
        return false; /* invalid: the integer indefinite */
    }
    *r = a.sign ? (int64_t)(0 - ip) : (int64_t)ip;
    *flags = (frac ? FLOAT_INEXACT : 0) | (up ? FLOAT_ROUNDED_UP : 0);
    return true;
}

#endif
