/*
 * SSE floating point, one element at a time: what each SSE operation
 * means on top of the softfloat core - the operand-order NaN rule, MIN and
 * MAX, the CMPPS predicates, COMISS, the integer indefinite of the
 * conversions, and the RCPPS/RSQRTPS approximations.
 *
 * Promise: pure functions of their operands and a FloatEnv made from
 * MXCSR (no CPU state, the same bits on every host). Each ORs into
 * env->flags exactly the exceptions the hardware reports for that element
 * (FLOAT_* bits, which are MXCSR's flag bits); a caller running packed
 * operations applies the SSE rule for unmasked exceptions over all
 * elements (sse.c). float32 values travel in the low 32 bits.
 */
#ifndef PCVM_CPU_SSE_FP_H
#define PCVM_CPU_SSE_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/softfloat.h"

#include <float.h>
#include <string.h>

/* MXCSR. */
#define MXCSR_FLAGS 0x003fu  /* IE DE ZE OE UE PE, as FLOAT_* */
#define MXCSR_DAZ 0x0040u
#define MXCSR_MASK_SHIFT 7
#define MXCSR_MASKS 0x1f80u
#define MXCSR_RC_SHIFT 13
#define MXCSR_FZ 0x8000u
#define MXCSR_RESET 0x1f80u

/* Exceptions detected before computing (they stop an unmasked packed
 * operation before any result) and after rounding. */
#define SSEFP_PRE (FLOAT_INVALID | FLOAT_DENORMAL | FLOAT_DIVZERO)
#define SSEFP_POST (FLOAT_OVERFLOW | FLOAT_UNDERFLOW | FLOAT_INEXACT)

/* The environment MXCSR describes (flags clear). Inline, like
 * float_env_x87, so it is built in registers. */
static inline FloatEnv ssefp_env(uint32_t mxcsr)
{
    FloatEnv env = {
        .round = (mxcsr >> MXCSR_RC_SHIFT) & 3,
        .precision = 64,
        .masks = (mxcsr >> MXCSR_MASK_SHIFT) & FLOAT_ALL_EXC,
        .nan_rule = FLOAT_NAN_SSE,
        .daz = (mxcsr & MXCSR_DAZ) != 0,
        .ftz = (mxcsr & MXCSR_FZ) != 0,
    };
    return env;
}

typedef enum SseFpOp {
    SSEFP_ADD,
    SSEFP_SUB,
    SSEFP_MUL,
    SSEFP_DIV,
    SSEFP_MIN,   /* a < b ? a : b; NaNs and equal values give b */
    SSEFP_MAX,   /* a > b ? a : b; likewise */
    SSEFP_SQRT,  /* of b */
    SSEFP_RCP,   /* of b, float32 only, no exceptions */
    SSEFP_RSQRT, /* of b, float32 only, no exceptions */
} SseFpOp;

/*
 * The fast path: ADD, SUB, MUL (and float32 DIV) of two normal numbers in
 * round-to-nearest whose result is normal, computed with the host's IEEE
 * binary32/binary64 arithmetic. That is the same correctly rounded result
 * on every IEEE host that evaluates float and double in their own
 * precision (FLT_EVAL_METHOD 0: x86-64 SSE, ARM64); with normal operands
 * and a normal result the only exception possible is inexact, found
 * exactly (TwoSum for sums, exact products for the rest). A result in the
 * lowest binade may have been tiny before the host rounded it up to the
 * smallest normal (x86 says underflow then): softfloat decides those.
 * No expression here multiplies and adds, so FMA contraction cannot change
 * it. Anything else (zeros, denormals, infinities, NaNs, a result that
 * overflows or is tiny, other rounding modes) takes softfloat.
 */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define SSEFP_HOST 1

/* A result away from the underflow boundary (above the lowest binade). */
static inline bool ssefp_safe32(uint32_t a)
{
    uint32_t e = (a >> 23) & 0xff;
    return e > 1 && e != 0xff;
}

static inline bool ssefp_safe64(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff;
    return e > 1 && e != 0x7ff;
}

static inline bool ssefp_normal32(uint32_t a)
{
    uint32_t e = (a >> 23) & 0xff;
    return e != 0 && e != 0xff;
}

static inline bool ssefp_normal64(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff;
    return e != 0 && e != 0x7ff;
}

static inline bool ssefp_host_f32(FloatEnv *env, SseFpOp op, uint32_t a,
                                  uint32_t b, uint64_t *out)
{
    float fa, fb, r;
    bool exact;
    memcpy(&fa, &a, 4);
    memcpy(&fb, &b, 4);
    switch (op) {
    case SSEFP_SUB:
        fb = -fb;
        /* fall through */
    case SSEFP_ADD: {
        r = fa + fb;
        float bv = r - fa;
        float err = (fa - (r - bv)) + (fb - bv);
        exact = err == 0;
        break;
    }
    case SSEFP_MUL: {
        double p = (double)fa * (double)fb; /* exact: 48 bits */
        r = (float)p;
        exact = (double)r == p;
        break;
    }
    case SSEFP_DIV:
        r = fa / fb;
        exact = (double)r * (double)fb == (double)fa; /* exact product */
        break;
    default:
        return false;
    }
    uint32_t rb;
    memcpy(&rb, &r, 4);
    if (!ssefp_safe32(rb)) {
        return false;
    }
    if (!exact) {
        env->flags |= FLOAT_INEXACT;
    }
    *out = rb;
    return true;
}

static inline uint64_t ssefp_sig64(uint64_t a)
{
    return (a & 0xfffffffffffffULL) | (1ULL << 52);
}

static inline bool ssefp_host_f64(FloatEnv *env, SseFpOp op, uint64_t a,
                                  uint64_t b, uint64_t *out)
{
    double fa, fb, r;
    bool exact;
    memcpy(&fa, &a, 8);
    memcpy(&fb, &b, 8);
    switch (op) {
    case SSEFP_SUB:
        fb = -fb;
        /* fall through */
    case SSEFP_ADD: {
        r = fa + fb;
        double bv = r - fa;
        double err = (fa - (r - bv)) + (fb - bv);
        exact = err == 0;
        break;
    }
    case SSEFP_MUL: {
        r = fa * fb;
        /* Exact when the 106-bit product of the significands has no
         * bits below the 53 the result keeps. */
        unsigned __int128 p =
            (unsigned __int128)ssefp_sig64(a) * ssefp_sig64(b);
        unsigned drop = (p >> 105) ? 53 : 52;
        exact = (p & (((unsigned __int128)1 << drop) - 1)) == 0;
        break;
    }
    default:
        return false;
    }
    uint64_t rb;
    memcpy(&rb, &r, 8);
    if (!ssefp_safe64(rb)) {
        return false;
    }
    if (!exact) {
        env->flags |= FLOAT_INEXACT;
    }
    *out = rb;
    return true;
}
#endif

/* @a OP @b by the fast path, into *@out; false: take ssefp_arith. */
static inline bool ssefp_host_arith(FloatEnv *env, SseFpOp op, bool dbl,
                                    uint64_t a, uint64_t b, uint64_t *out)
{
#ifdef SSEFP_HOST
    if (op <= SSEFP_DIV && env->round == FLOAT_ROUND_NEAREST) {
        return dbl ? ssefp_normal64(a) && ssefp_normal64(b) &&
                         ssefp_host_f64(env, op, a, b, out)
                   : ssefp_normal32((uint32_t)a) &&
                         ssefp_normal32((uint32_t)b) &&
                         ssefp_host_f32(env, op, (uint32_t)a, (uint32_t)b,
                                        out);
    }
#else
    (void)env, (void)op, (void)dbl, (void)a, (void)b, (void)out;
#endif
    return false;
}

/* a OP b in float64 (@dbl) or float32. */
uint64_t ssefp_arith(FloatEnv *env, SseFpOp op, bool dbl, uint64_t a,
                     uint64_t b);

/* CMPPS predicate @pred (0-7: EQ LT LE UNORD NEQ NLT NLE ORD). */
bool ssefp_cmp(FloatEnv *env, unsigned pred, bool dbl, uint64_t a,
               uint64_t b);

/* COMISS (@quiet false: IE for any NaN) and UCOMISS (IE for SNaNs). */
FloatRel ssefp_comi(FloatEnv *env, bool quiet, bool dbl, uint64_t a,
                    uint64_t b);

/* float32 <-> float64. */
uint64_t ssefp_f32_to_f64(FloatEnv *env, uint32_t a);
uint32_t ssefp_f64_to_f32(FloatEnv *env, uint64_t a);

/* Integers (sign-extended in @v) to float32/float64. */
uint64_t ssefp_from_int(FloatEnv *env, bool dbl, int64_t v);

/* To a @bits-wide integer (32 or 64), in MXCSR's rounding or truncated;
 * NaN, infinity and out-of-range values give IE and the integer
 * indefinite (only the sign bit set). */
int64_t ssefp_to_int(FloatEnv *env, bool dbl, uint64_t a, unsigned bits,
                     bool truncate);

/* The approximations (sse_approx.c): Intel's tables, exact to the bit. */
uint32_t ssefp_rcp(uint32_t a);
uint32_t ssefp_rsqrt(uint32_t a);

#endif
