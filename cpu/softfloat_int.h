/*
 * Internals shared by softfloat.c and softfloat_trans.c: the format
 * descriptions, the one rounding routine every result goes through, and
 * 128-bit helpers. Not an interface for anything else.
 */
#ifndef PCVM_CPU_SOFTFLOAT_INT_H
#define PCVM_CPU_SOFTFLOAT_INT_H

#include "cpu/softfloat.h"

typedef unsigned __int128 u128;

#define U128(hi, lo) (((u128)(hi) << 64) | (uint64_t)(lo))

/* A binary format: exponent bias, the all-ones exponent, significand
 * bits (with the integer bit), and the x87 unmasked over/underflow
 * exponent adjustment (0: none). */
typedef struct FloatFmt {
    int32_t bias;
    int32_t exp_max;
    uint8_t prec;
    int32_t wrap;
} FloatFmt;

extern const FloatFmt float_fmt_f32;
extern const FloatFmt float_fmt_f64;
extern const FloatFmt float_fmt_x80;

/* A packed result before encoding: biased exponent field and a 64-bit
 * significand with the integer bit explicit at bit 63 (0 for denormals
 * and zeros). */
typedef struct FloatRaw {
    bool sign;
    int32_t exp;
    uint64_t mant;
} FloatRaw;

static inline int clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* Shift right, ORing every bit shifted out into bit 0 (sticky). */
static inline u128 shr_jam128(u128 x, int32_t n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

/*
 * Round sign * sig * 2^(exp - 127) to @prec bits of format @fmt in
 * env->round, handling tininess, denormals, overflow and the flags. @sig
 * need not be normalized; bits below the 128 kept must already be jammed
 * into bit 0.
 */
FloatRaw float_round_pack(FloatEnv *env, const FloatFmt *fmt, unsigned prec,
                          bool sign, int32_t exp, u128 sig);

FloatRaw float_raw_nan(const FloatFmt *fmt, bool sign, uint64_t payload);
FloatRaw float_raw_default_nan(const FloatFmt *fmt);
FloatRaw float_raw_inf(const FloatFmt *fmt, bool sign);
FloatRaw float_raw_zero(bool sign);
/* IE with the default NaN. */
FloatRaw float_invalid(FloatEnv *env, const FloatFmt *fmt);
/* The NaN result of a two-operand operation (one at least is a NaN). */
FloatRaw float_propagate_nan(FloatEnv *env, const FloatFmt *fmt,
                             const FloatUnp *a, const FloatUnp *b);
/* DE for denormal operands; true when DE is unmasked (stop now). */
bool float_denormal_check(FloatEnv *env, const FloatUnp *a,
                          const FloatUnp *b);

Fx80 float_raw_to_fx80(FloatRaw r);

static inline bool unp_is_nan(const FloatUnp *a)
{
    return a->cls == FLOAT_CLASS_QNAN || a->cls == FLOAT_CLASS_SNAN;
}

#endif
