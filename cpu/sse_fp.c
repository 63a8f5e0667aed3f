/* SSE floating point, one element at a time: see sse_fp.h. */
#include "cpu/sse_fp.h"

#include <float.h>
#include <string.h>

/* DAZ: a denormal operand is read as a zero of its sign (MIN and MAX
 * return operands, so they see the flushed value). */
static uint64_t daz(const FloatEnv *env, bool dbl, uint64_t a)
{
    if (!env->daz) {
        return a;
    }
    if (dbl) {
        return (a & 0x7ff0000000000000ULL) ? a : a & 0x8000000000000000ULL;
    }
    return (a & 0x7f800000u) ? a : a & 0x80000000u;
}

static FloatRel compare(FloatEnv *env, bool dbl, uint64_t a, uint64_t b,
                        bool quiet)
{
    return dbl ? f64_compare(env, a, b, quiet)
               : f32_compare(env, (uint32_t)a, (uint32_t)b, quiet);
}

static uint64_t arith(FloatEnv *env, SseFpOp op, bool dbl, uint64_t a,
                      uint64_t b)
{
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
    switch (op) {
    case SSEFP_ADD:
        return dbl ? f64_add(env, a, b) : f32_add(env, a32, b32);
    case SSEFP_SUB:
        return dbl ? f64_sub(env, a, b) : f32_sub(env, a32, b32);
    case SSEFP_MUL:
        return dbl ? f64_mul(env, a, b) : f32_mul(env, a32, b32);
    case SSEFP_DIV:
        return dbl ? f64_div(env, a, b) : f32_div(env, a32, b32);
    case SSEFP_SQRT:
        return dbl ? f64_sqrt(env, b) : f32_sqrt(env, b32);
    case SSEFP_MIN:
        a = daz(env, dbl, a);
        b = daz(env, dbl, b);
        /* Any NaN is invalid; the source comes back unchanged (even an
         * SNaN), as it does for equal values (+0 vs -0). */
        return compare(env, dbl, a, b, false) == FLOAT_LESS ? a : b;
    case SSEFP_MAX:
        a = daz(env, dbl, a);
        b = daz(env, dbl, b);
        return compare(env, dbl, a, b, false) == FLOAT_GREATER ? a : b;
    case SSEFP_RCP:
        return ssefp_rcp(b32);
    case SSEFP_RSQRT:
        return ssefp_rsqrt(b32);
    }
    return 0;
}

/*
 * softfloat reports an unmasked overflow or underflow alone; SSE also
 * sets PE when the result, rounded to the format's precision with an
 * unbounded exponent, is inexact. The x87 extended exponent range at
 * 24- or 53-bit precision gives exactly that rounding.
 */
static FloatEnv unbounded_env(const FloatEnv *env, bool dbl)
{
    FloatEnv x = {
        .round = env->round,
        .precision = dbl ? 53 : 24,
        .masks = FLOAT_ALL_EXC,
        .nan_rule = FLOAT_NAN_SSE,
    };
    return x;
}

static FloatUnp unp(const FloatEnv *env, bool dbl, uint64_t a)
{
    a = daz(env, dbl, a);
    return dbl ? float_unp_f64(a) : float_unp_f32((uint32_t)a);
}

static void add_inexact(FloatEnv *env, SseFpOp op, bool dbl, uint64_t a,
                        uint64_t b)
{
    static const FloatOp fop[] = {
        [SSEFP_ADD] = FLOAT_ADD, [SSEFP_SUB] = FLOAT_SUB,
        [SSEFP_MUL] = FLOAT_MUL, [SSEFP_DIV] = FLOAT_DIV,
    };
    if (op > SSEFP_DIV) {
        return; /* the others never overflow or underflow */
    }
    FloatEnv x = unbounded_env(env, dbl);
    fx80_arith(&x, fop[op], unp(env, dbl, a), unp(env, dbl, b));
    env->flags |= x.flags & FLOAT_INEXACT;
}

#define OE_UE (FLOAT_OVERFLOW | FLOAT_UNDERFLOW)

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
static inline bool safe32(uint32_t a)
{
    uint32_t e = (a >> 23) & 0xff;
    return e > 1 && e != 0xff;
}

static inline bool safe64(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff;
    return e > 1 && e != 0x7ff;
}

static inline bool normal32(uint32_t a)
{
    uint32_t e = (a >> 23) & 0xff;
    return e != 0 && e != 0xff;
}

static inline bool normal64(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff;
    return e != 0 && e != 0x7ff;
}

static bool host_f32(FloatEnv *env, SseFpOp op, uint32_t a, uint32_t b,
                     uint64_t *out)
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
    if (!safe32(rb)) {
        return false;
    }
    if (!exact) {
        env->flags |= FLOAT_INEXACT;
    }
    *out = rb;
    return true;
}

static inline uint64_t sig64(uint64_t a)
{
    return (a & 0xfffffffffffffULL) | (1ULL << 52);
}

static bool host_f64(FloatEnv *env, SseFpOp op, uint64_t a, uint64_t b,
                     uint64_t *out)
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
        unsigned __int128 p = (unsigned __int128)sig64(a) * sig64(b);
        unsigned drop = (p >> 105) ? 53 : 52;
        exact = (p & (((unsigned __int128)1 << drop) - 1)) == 0;
        break;
    }
    default:
        return false;
    }
    uint64_t rb;
    memcpy(&rb, &r, 8);
    if (!safe64(rb)) {
        return false;
    }
    if (!exact) {
        env->flags |= FLOAT_INEXACT;
    }
    *out = rb;
    return true;
}
#endif

uint64_t ssefp_arith(FloatEnv *env, SseFpOp op, bool dbl, uint64_t a,
                     uint64_t b)
{
#ifdef SSEFP_HOST
    if (op <= SSEFP_DIV && env->round == FLOAT_ROUND_NEAREST) {
        uint64_t r;
        if (dbl ? normal64(a) && normal64(b) && host_f64(env, op, a, b, &r)
                : normal32((uint32_t)a) && normal32((uint32_t)b) &&
                      host_f32(env, op, (uint32_t)a, (uint32_t)b, &r)) {
            return r;
        }
    }
#endif
    FloatEnv e = *env;
    e.flags = 0;
    uint64_t r = arith(&e, op, dbl, a, b);
    if (e.flags & OE_UE & ~env->masks) {
        add_inexact(&e, op, dbl, a, b);
    }
    env->flags |= e.flags;
    return r;
}

bool ssefp_cmp(FloatEnv *env, unsigned pred, bool dbl, uint64_t a,
               uint64_t b)
{
    /* EQ, UNORD, NEQ and ORD are quiet: IE only for SNaNs. */
    bool quiet = (pred & 3) == 0 || (pred & 3) == 3;
    FloatRel r = compare(env, dbl, a, b, quiet);
    switch (pred & 7) {
    case 0: return r == FLOAT_EQUAL;
    case 1: return r == FLOAT_LESS;
    case 2: return r == FLOAT_LESS || r == FLOAT_EQUAL;
    case 3: return r == FLOAT_UNORDERED;
    case 4: return r != FLOAT_EQUAL;
    case 5: return r != FLOAT_LESS;
    case 6: return r != FLOAT_LESS && r != FLOAT_EQUAL;
    default: return r != FLOAT_UNORDERED;
    }
}

FloatRel ssefp_comi(FloatEnv *env, bool quiet, bool dbl, uint64_t a,
                    uint64_t b)
{
    return compare(env, dbl, a, b, quiet);
}

uint64_t ssefp_f32_to_f64(FloatEnv *env, uint32_t a)
{
    return f32_to_f64(env, a);
}

uint32_t ssefp_f64_to_f32(FloatEnv *env, uint64_t a)
{
    FloatEnv e = *env;
    e.flags = 0;
    uint32_t r = f64_to_f32(&e, a);
    if (e.flags & OE_UE & ~env->masks) {
        FloatEnv x = unbounded_env(env, false);
        fx80_from_unp(&x, unp(env, true, a));
        e.flags |= x.flags & FLOAT_INEXACT;
    }
    env->flags |= e.flags;
    return r;
}

uint64_t ssefp_from_int(FloatEnv *env, bool dbl, int64_t v)
{
    return dbl ? f64_from_int(env, v) : f32_from_int(env, v);
}

int64_t ssefp_to_int(FloatEnv *env, bool dbl, uint64_t a, unsigned bits,
                     bool truncate)
{
    unsigned rm = truncate ? FLOAT_ROUND_ZERO : env->round;
    return dbl ? f64_to_int(env, a, bits, rm)
               : f32_to_int(env, (uint32_t)a, bits, rm);
}
