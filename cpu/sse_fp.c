/* SSE floating point, one element at a time: see sse_fp.h. */
#include "cpu/sse_fp.h"


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


uint64_t ssefp_arith(FloatEnv *env, SseFpOp op, bool dbl, uint64_t a,
                     uint64_t b)
{
    uint64_t hr;
    if (ssefp_host_arith(env, op, dbl, a, b, &hr)) {
        return hr;
    }
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
