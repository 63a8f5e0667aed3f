/*
 * Software floating point: unpacking, the rounding routine, the basic
 * operations and conversions. See softfloat.h.
 *
 * Every operation works on exact (or exactly jammed) 128-bit significands
 * and rounds once, in float_round_pack(); so float32 and float64 results
 * are never double-rounded through the extended format.
 */
#include "cpu/softfloat.h"

#include <string.h>

#include "cpu/softfloat_int.h"

#define QUIET_BIT (1ULL << 62)
#define J_BIT (1ULL << 63)
#define X87_WRAP 0x6000 /* 24576: the unmasked over/underflow scaling */

const FloatFmt float_fmt_f32 = {127, 0xff, 24, 0};
const FloatFmt float_fmt_f64 = {1023, 0x7ff, 53, 0};
const FloatFmt float_fmt_x80 = {16383, 0x7fff, 64, X87_WRAP};

/* --- unpacking --- */

static FloatUnp unp_make(uint8_t cls, bool sign, int32_t exp, uint64_t sig)
{
    FloatUnp u = {cls, sign, false, exp, sig};
    return u;
}

FloatUnp float_unp_fx80(Fx80 a)
{
    bool sign = fx80_sign(a);
    int32_t e = fx80_exp(a);
    uint64_t m = a.mant;
    if (e == 0) {
        if (m == 0) {
            return unp_make(FLOAT_CLASS_ZERO, sign, 0, 0);
        }
        /* Denormals and pseudo-denormals (J set) both mean m * 2^-16445. */
        int lz = __builtin_clzll(m);
        FloatUnp u = unp_make(FLOAT_CLASS_NORMAL, sign, 1 - 16383 - lz,
                              m << lz);
        u.denormal = true;
        return u;
    }
    if (!(m & J_BIT)) {
        return unp_make(FLOAT_CLASS_UNSUPPORTED, sign, 0, m);
    }
    if (e == 0x7fff) {
        if ((m << 1) == 0) {
            return unp_make(FLOAT_CLASS_INF, sign, 0, m);
        }
        return unp_make((m & QUIET_BIT) ? FLOAT_CLASS_QNAN : FLOAT_CLASS_SNAN,
                        sign, 0, m);
    }
    return unp_make(FLOAT_CLASS_NORMAL, sign, e - 16383, m);
}

/* float32/float64: @fbits fraction bits, @ebits exponent bits. */
static FloatUnp unp_ieee(uint64_t v, unsigned fbits, unsigned ebits)
{
    bool sign = (v >> (fbits + ebits)) & 1;
    int32_t e = (v >> fbits) & ((1u << ebits) - 1);
    uint64_t f = v & ((1ULL << fbits) - 1);
    int32_t bias = (1 << (ebits - 1)) - 1;
    uint64_t top = f << (63 - fbits); /* fraction just below bit 63 */
    if (e == 0) {
        if (f == 0) {
            return unp_make(FLOAT_CLASS_ZERO, sign, 0, 0);
        }
        int lz = __builtin_clzll(top);
        FloatUnp u = unp_make(FLOAT_CLASS_NORMAL, sign, 1 - bias - lz,
                              top << lz);
        u.denormal = true;
        return u;
    }
    if (e == (1 << ebits) - 1) {
        if (f == 0) {
            return unp_make(FLOAT_CLASS_INF, sign, 0, J_BIT);
        }
        return unp_make((top & QUIET_BIT) ? FLOAT_CLASS_QNAN
                                          : FLOAT_CLASS_SNAN,
                        sign, 0, J_BIT | top);
    }
    return unp_make(FLOAT_CLASS_NORMAL, sign, e - bias, J_BIT | top);
}

FloatUnp float_unp_f32(uint32_t a) { return unp_ieee(a, 23, 8); }
FloatUnp float_unp_f64(uint64_t a) { return unp_ieee(a, 52, 11); }

FloatUnp float_unp_int(int64_t v)
{
    if (v == 0) {
        return unp_make(FLOAT_CLASS_ZERO, false, 0, 0);
    }
    bool sign = v < 0;
    uint64_t m = sign ? -(uint64_t)v : (uint64_t)v;
    int lz = __builtin_clzll(m);
    return unp_make(FLOAT_CLASS_NORMAL, sign, 63 - lz, m << lz);
}

/* SSE: DAZ turns denormal operands into zeros, silently. */
static FloatUnp unp_daz(const FloatEnv *env, FloatUnp u)
{
    if (env->daz && u.denormal) {
        return unp_make(FLOAT_CLASS_ZERO, u.sign, 0, 0);
    }
    return u;
}

FloatClass fx80_classify(Fx80 a)
{
    FloatUnp u = float_unp_fx80(a);
    if (u.cls == FLOAT_CLASS_NORMAL && u.denormal) {
        return FLOAT_CLASS_DENORMAL;
    }
    return (FloatClass)u.cls;
}

/* --- packing --- */

Fx80 float_raw_to_fx80(FloatRaw r)
{
    return fx80_make((uint16_t)((r.sign ? 0x8000 : 0) | (r.exp & 0x7fff)),
                     r.mant);
}

static uint32_t raw_to_f32(FloatRaw r)
{
    return (uint32_t)r.sign << 31 | (uint32_t)r.exp << 23 |
           (uint32_t)((r.mant >> 40) & 0x7fffff);
}

static uint64_t raw_to_f64(FloatRaw r)
{
    return (uint64_t)r.sign << 63 | (uint64_t)r.exp << 52 |
           ((r.mant >> 11) & ((1ULL << 52) - 1));
}

FloatRaw float_raw_zero(bool sign)
{
    FloatRaw r = {sign, 0, 0};
    return r;
}

FloatRaw float_raw_inf(const FloatFmt *fmt, bool sign)
{
    FloatRaw r = {sign, fmt->exp_max, J_BIT};
    return r;
}

FloatRaw float_raw_nan(const FloatFmt *fmt, bool sign, uint64_t payload)
{
    /* Narrower formats keep the top of the payload; it stays quiet. */
    uint64_t keep = ~0ULL << (64 - fmt->prec);
    FloatRaw r = {sign, fmt->exp_max, (payload & keep) | J_BIT | QUIET_BIT};
    return r;
}

FloatRaw float_raw_default_nan(const FloatFmt *fmt)
{
    return float_raw_nan(fmt, true, J_BIT | QUIET_BIT);
}

Fx80 fx80_default_nan(void)
{
    return float_raw_to_fx80(float_raw_default_nan(&float_fmt_x80));
}

FloatRaw float_invalid(FloatEnv *env, const FloatFmt *fmt)
{
    env->flags |= FLOAT_INVALID;
    return float_raw_default_nan(fmt);
}

static bool round_increment(unsigned rm, bool sign, u128 rest, u128 half,
                            bool odd)
{
    if (!rest) {
        return false;
    }
    switch (rm) {
    case FLOAT_ROUND_NEAREST:
        return rest > half || (rest == half && odd);
    case FLOAT_ROUND_DOWN:
        return sign;
    case FLOAT_ROUND_UP:
        return !sign;
    default:
        return false;
    }
}

FloatRaw float_round_pack(FloatEnv *env, const FloatFmt *fmt, unsigned prec,
                          bool sign, int32_t exp, u128 sig)
{
    FloatRaw r = {sign, 0, 0};
    if (sig == 0) {
        return r;
    }
    int lz = clz128(sig);
    sig <<= lz;
    exp -= lz;

    unsigned shift = 128 - prec;
    u128 lsb = (u128)1 << shift;
    u128 half = lsb >> 1;
    u128 rmask = lsb - 1;
    u128 all_ones = ((u128)1 << prec) - 1;
    unsigned rm = env->round;
    bool up = false;
    int64_t e = (int64_t)exp + fmt->bias; /* biased exponent of bit 127 */

    if (e <= 0) {
        /* Tiny if, rounded with an unbounded exponent, it stays below the
         * smallest normal. */
        bool tiny = true;
        if (e == 0 && (sig >> shift) == all_ones &&
            round_increment(rm, sign, sig & rmask, half, true)) {
            tiny = false;
        }
        bool ue_masked = env->masks & FLOAT_UNDERFLOW;
        if (tiny && !ue_masked && fmt->wrap) {
            e += fmt->wrap;
            if (e > 0) {
                env->flags |= FLOAT_UNDERFLOW;
                goto normal;
            }
            /* Too small even for the wrapped range: zero. */
            env->flags |= FLOAT_UNDERFLOW | FLOAT_INEXACT;
            return r;
        }
        if (tiny && !ue_masked) {
            /* Destinations without the wrap (stores, SSE) keep nothing:
             * only UE is reported. */
            env->flags |= FLOAT_UNDERFLOW;
            return r;
        }
        if (tiny && env->ftz) {
            env->flags |= FLOAT_UNDERFLOW | FLOAT_INEXACT;
            return r;
        }
        sig = shr_jam128(sig, (int32_t)(1 - e));
        u128 rest = sig & rmask;
        u128 m = sig >> shift;
        if (rest) {
            env->flags |= FLOAT_INEXACT;
        }
        if (tiny && rest) {
            env->flags |= FLOAT_UNDERFLOW;
        }
        if (round_increment(rm, sign, rest, half, m & 1)) {
            m++;
            up = true;
        }
        /* Rounding may carry into the smallest normal. */
        r.exp = (m >> (prec - 1)) ? 1 : 0;
        r.mant = (uint64_t)(m << (64 - prec));
        if (up) {
            env->flags |= FLOAT_ROUNDED_UP;
        }
        return r;
    }

normal:;
    u128 rest = sig & rmask;
    u128 m = sig >> shift;
    if (round_increment(rm, sign, rest, half, m & 1)) {
        m++;
        up = true;
        if (m >> prec) {
            m >>= 1;
            e++;
        }
    }
    uint32_t inexact = rest ? FLOAT_INEXACT : 0;
    if (e >= fmt->exp_max) {
        if (!(env->masks & FLOAT_OVERFLOW)) {
            if (fmt->wrap && e - fmt->wrap < fmt->exp_max) {
                e -= fmt->wrap;
                env->flags |= FLOAT_OVERFLOW;
                goto done;
            }
            if (!fmt->wrap) {
                /* Destinations without the wrap (stores, SSE) keep
                 * nothing: only OE is reported. */
                env->flags |= FLOAT_OVERFLOW;
                return float_raw_inf(fmt, sign);
            }
            /* Too large even for the wrapped range: infinity. */
        }
        env->flags |= FLOAT_OVERFLOW | FLOAT_INEXACT;
        bool to_inf = rm == FLOAT_ROUND_NEAREST ||
                      (rm == FLOAT_ROUND_UP && !sign) ||
                      (rm == FLOAT_ROUND_DOWN && sign) ||
                      !(env->masks & FLOAT_OVERFLOW);
        if (to_inf) {
            env->flags |= FLOAT_ROUNDED_UP;
            return float_raw_inf(fmt, sign);
        }
        r.exp = fmt->exp_max - 1;
        r.mant = (uint64_t)(all_ones << (64 - prec));
        return r;
    }
done:
    env->flags |= inexact | (up ? FLOAT_ROUNDED_UP : 0);
    r.exp = (int32_t)e;
    r.mant = (uint64_t)(m << (64 - prec));
    return r;
}

/* An unpacked finite value, rounded to @fmt. */
static FloatRaw pack_unp(FloatEnv *env, const FloatFmt *fmt, unsigned prec,
                         const FloatUnp *a)
{
    if (a->cls == FLOAT_CLASS_ZERO) {
        return float_raw_zero(a->sign);
    }
    return float_round_pack(env, fmt, prec, a->sign, a->exp,
                            (u128)a->sig << 64);
}

/* --- special operands --- */

FloatRaw float_propagate_nan(FloatEnv *env, const FloatFmt *fmt,
                             const FloatUnp *a, const FloatUnp *b)
{
    bool an = unp_is_nan(a), bn = b && unp_is_nan(b);
    const FloatUnp *pick;
    if (a->cls == FLOAT_CLASS_SNAN || (b && b->cls == FLOAT_CLASS_SNAN)) {
        env->flags |= FLOAT_INVALID;
    }
    if (!bn) {
        pick = a;
    } else if (!an) {
        pick = b;
    } else if (env->nan_rule == FLOAT_NAN_SSE) {
        pick = a;
    } else if (a->cls != b->cls) {
        /* An SNaN and a QNaN: the QNaN. */
        pick = a->cls == FLOAT_CLASS_QNAN ? a : b;
    } else {
        uint64_t sa = a->sig | QUIET_BIT, sb = b->sig | QUIET_BIT;
        if (sa != sb) {
            pick = sa > sb ? a : b;
        } else {
            pick = (!a->sign || b->sign) ? a : b;
        }
    }
    return float_raw_nan(fmt, pick->sign, pick->sig);
}

bool float_denormal_check(FloatEnv *env, const FloatUnp *a,
                          const FloatUnp *b)
{
    if (a->denormal || (b && b->denormal)) {
        env->flags |= FLOAT_DENORMAL;
        return !(env->masks & FLOAT_DENORMAL);
    }
    return false;
}

/* Unsupported encodings and NaNs: true with *out set when they decide. */
static bool special_nan(FloatEnv *env, const FloatFmt *fmt,
                        const FloatUnp *a, const FloatUnp *b, FloatRaw *out)
{
    if (a->cls == FLOAT_CLASS_UNSUPPORTED ||
        (b && b->cls == FLOAT_CLASS_UNSUPPORTED)) {
        *out = float_invalid(env, fmt);
        return true;
    }
    if (unp_is_nan(a) || (b && unp_is_nan(b))) {
        *out = float_propagate_nan(env, fmt, a, b);
        return true;
    }
    return false;
}

/* --- arithmetic --- */

static FloatRaw op_addsub(FloatEnv *env, const FloatFmt *fmt, unsigned prec,
                          FloatUnp a, FloatUnp b, bool subtract)
{
    FloatRaw out;
    if (special_nan(env, fmt, &a, &b, &out)) {
        return out;
    }
    b.sign ^= subtract;
    if (a.cls == FLOAT_CLASS_INF || b.cls == FLOAT_CLASS_INF) {
        if (a.cls == FLOAT_CLASS_INF && b.cls == FLOAT_CLASS_INF &&
            a.sign != b.sign) {
            return float_invalid(env, fmt);
        }
        float_denormal_check(env, &a, &b);
        return float_raw_inf(fmt, a.cls == FLOAT_CLASS_INF ? a.sign : b.sign);
    }
    if (float_denormal_check(env, &a, &b)) {
        return float_raw_zero(false);
    }
    if (a.cls == FLOAT_CLASS_ZERO && b.cls == FLOAT_CLASS_ZERO) {
        bool sign = a.sign == b.sign ? a.sign
                                     : env->round == FLOAT_ROUND_DOWN;
        return float_raw_zero(sign);
    }
    if (a.cls == FLOAT_CLASS_ZERO) {
        return pack_unp(env, fmt, prec, &b);
    }
    if (b.cls == FLOAT_CLASS_ZERO) {
        return pack_unp(env, fmt, prec, &a);
    }
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        FloatUnp t = a;
        a = b;
        b = t;
    }
    /* Bit 127 is left free for the carry. */
    u128 x = (u128)a.sig << 63;
    int64_t d = (int64_t)a.exp - b.exp;
    u128 y = shr_jam128((u128)b.sig << 63, d > 200 ? 200 : (int32_t)d);
    u128 s;
    if (a.sign == b.sign) {
        s = x + y;
    } else {
        s = x - y;
        if (s == 0) {
            return float_raw_zero(env->round == FLOAT_ROUND_DOWN);
        }
    }
    return float_round_pack(env, fmt, prec, a.sign, a.exp + 1, s);
}

static FloatRaw op_mul(FloatEnv *env, const FloatFmt *fmt, unsigned prec,
                       FloatUnp a, FloatUnp b)
{
    FloatRaw out;
    if (special_nan(env, fmt, &a, &b, &out)) {
        return out;
    }
    bool sign = a.sign ^ b.sign;
    if (a.cls == FLOAT_CLASS_INF || b.cls == FLOAT_CLASS_INF) {
        if (a.cls == FLOAT_CLASS_ZERO || b.cls == FLOAT_CLASS_ZERO) {
            return float_invalid(env, fmt);
        }
        float_denormal_check(env, &a, &b);
        return float_raw_inf(fmt, sign);
    }
    if (float_denormal_check(env, &a, &b)) {
        return float_raw_zero(false);
    }
    if (a.cls == FLOAT_CLASS_ZERO || b.cls == FLOAT_CLASS_ZERO) {
        return float_raw_zero(sign);
    }
    u128 p = (u128)a.sig * b.sig;
    return float_round_pack(env, fmt, prec, sign, a.exp + b.exp + 1, p);
}

static FloatRaw op_div(FloatEnv *env, const FloatFmt *fmt, unsigned prec,
                       FloatUnp a, FloatUnp b)
{
    FloatRaw out;
    if (special_nan(env, fmt, &a, &b, &out)) {
        return out;
    }
    bool sign = a.sign ^ b.sign;
    if (a.cls == FLOAT_CLASS_INF) {
        if (b.cls == FLOAT_CLASS_INF) {
            return float_invalid(env, fmt);
        }
        float_denormal_check(env, &b, NULL);
        return float_raw_inf(fmt, sign);
    }
    if (b.cls == FLOAT_CLASS_INF) {
        float_denormal_check(env, &a, NULL);
        return float_raw_zero(sign);
    }
    if (b.cls == FLOAT_CLASS_ZERO) {
        if (a.cls == FLOAT_CLASS_ZERO) {
            return float_invalid(env, fmt);
        }
        env->flags |= FLOAT_DIVZERO;
        return float_raw_inf(fmt, sign);
    }
    if (float_denormal_check(env, &a, &b)) {
        return float_raw_zero(false);
    }
    if (a.cls == FLOAT_CLASS_ZERO) {
        return float_raw_zero(sign);
    }
    /* 128 quotient bits from two 128/64 divisions; the rest is sticky. */
    int32_t e = a.exp - b.exp;
    u128 num;
    if (a.sig >= b.sig) {
        num = (u128)a.sig << 63;
    } else {
        num = (u128)a.sig << 64;
        e--;
    }
    u128 q1 = num / b.sig;
    u128 r = num % b.sig;
    u128 q2 = (r << 64) / b.sig;
    r = (r << 64) % b.sig;
    u128 q = (q1 << 64) | (uint64_t)q2;
    return float_round_pack(env, fmt, prec, sign, e, q | (r != 0));
}

/* floor(sqrt(x)) for x < 2^128, and the remainder. */
static uint64_t isqrt128(u128 x, u128 *rem)
{
    u128 r = 0, root = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 2) | (x >> 126);
        x <<= 2;
        root <<= 1;
        u128 t = (root << 1) | 1;
        if (r >= t) {
            r -= t;
            root |= 1;
        }
    }
    *rem = r;
    return (uint64_t)root;
}

static FloatRaw op_sqrt(FloatEnv *env, const FloatFmt *fmt, unsigned prec,
                        FloatUnp a)
{
    FloatRaw out;
    if (special_nan(env, fmt, &a, NULL, &out)) {
        return out;
    }
    if (a.cls == FLOAT_CLASS_ZERO) {
        return float_raw_zero(a.sign);
    }
    if (a.sign) {
        return float_invalid(env, fmt);
    }
    if (a.cls == FLOAT_CLASS_INF) {
        return float_raw_inf(fmt, false);
    }
    if (float_denormal_check(env, &a, NULL)) {
        return float_raw_zero(false);
    }
    /* m = sig << k with an even exponent; root in [2^63, 2^64). */
    int k = (a.exp & 1) ? 64 : 63;
    u128 rem;
    uint64_t root = isqrt128((u128)a.sig << k, &rem);
    /* The root of an integer is never a half-integer: above half iff
     * rem > root. */
    u128 s = (u128)root << 64;
    if (rem > root) {
        s |= (u128)1 << 63;
    }
    s |= rem != 0;
    int32_t e = (a.exp - 63 - k) / 2 + 63;
    return float_round_pack(env, fmt, prec, false, e, s);
}

/* --- fx80 wrappers --- */

Fx80 fx80_arith(FloatEnv *env, FloatOp op, FloatUnp a, FloatUnp b)
{
    const FloatFmt *f = &float_fmt_x80;
    unsigned prec = env->precision;
    switch (op) {
    case FLOAT_ADD:
        return float_raw_to_fx80(op_addsub(env, f, prec, a, b, false));
    case FLOAT_SUB:
        return float_raw_to_fx80(op_addsub(env, f, prec, a, b, true));
    case FLOAT_MUL:
        return float_raw_to_fx80(op_mul(env, f, prec, a, b));
    default:
        return float_raw_to_fx80(op_div(env, f, prec, a, b));
    }
}

Fx80 fx80_add(FloatEnv *env, Fx80 a, Fx80 b)
{
    return fx80_arith(env, FLOAT_ADD, float_unp_fx80(a), float_unp_fx80(b));
}

Fx80 fx80_sub(FloatEnv *env, Fx80 a, Fx80 b)
{
    return fx80_arith(env, FLOAT_SUB, float_unp_fx80(a), float_unp_fx80(b));
}

Fx80 fx80_mul(FloatEnv *env, Fx80 a, Fx80 b)
{
    return fx80_arith(env, FLOAT_MUL, float_unp_fx80(a), float_unp_fx80(b));
}

Fx80 fx80_div(FloatEnv *env, Fx80 a, Fx80 b)
{
    return fx80_arith(env, FLOAT_DIV, float_unp_fx80(a), float_unp_fx80(b));
}

Fx80 fx80_sqrt(FloatEnv *env, Fx80 a)
{
    return float_raw_to_fx80(op_sqrt(env, &float_fmt_x80, env->precision,
                                     float_unp_fx80(a)));
}

/* --- comparison --- */

static FloatRel op_compare(FloatEnv *env, FloatUnp a, FloatUnp b, bool quiet)
{
    if (a.cls == FLOAT_CLASS_UNSUPPORTED || b.cls == FLOAT_CLASS_UNSUPPORTED) {
        env->flags |= FLOAT_INVALID;
        return FLOAT_UNORDERED;
    }
    if (unp_is_nan(&a) || unp_is_nan(&b)) {
        if (!quiet || a.cls == FLOAT_CLASS_SNAN ||
            b.cls == FLOAT_CLASS_SNAN) {
            env->flags |= FLOAT_INVALID;
        }
        return FLOAT_UNORDERED;
    }
    /* Even with DE unmasked the relation is computed (x87 condition
     * codes get it; SSE discards it). */
    float_denormal_check(env, &a, &b);
    if (a.cls == FLOAT_CLASS_ZERO && b.cls == FLOAT_CLASS_ZERO) {
        return FLOAT_EQUAL;
    }
    if (a.sign != b.sign) {
        return a.sign ? FLOAT_LESS : FLOAT_GREATER;
    }
    /* Same sign: compare magnitudes, zero < finite < infinity. */
    static const int rank[] = {[FLOAT_CLASS_ZERO] = 0,
                               [FLOAT_CLASS_NORMAL] = 1,
                               [FLOAT_CLASS_INF] = 2};
    int c;
    if (a.cls != b.cls) {
        c = rank[a.cls] < rank[b.cls] ? -1 : 1;
    } else if (a.cls != FLOAT_CLASS_NORMAL) {
        c = 0;
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

FloatRel fx80_compare(FloatEnv *env, FloatUnp a, FloatUnp b, bool quiet)
{
    return op_compare(env, a, b, quiet);
}

/* --- integers --- */

/* |value| = sig * 2^(exp - 63), exp < 64, rounded to an integer. */
static u128 round_mag(unsigned rm, bool sign, uint64_t sig, int32_t exp,
                      bool *inexact, bool *up)
{
    *inexact = *up = false;
    if (exp >= 63) {
        return (u128)sig << (exp - 63);
    }
    u128 x = shr_jam128((u128)sig << 64, 63 - exp);
    u128 ip = x >> 64;
    uint64_t frac = (uint64_t)x;
    *inexact = frac != 0;
    if (round_increment(rm, sign, frac, (u128)1 << 63, ip & 1)) {
        ip++;
        *up = true;
    }
    return ip;
}

static int64_t unp_to_int(FloatEnv *env, FloatUnp a, unsigned bits,
                          unsigned rm)
{
    uint64_t indefinite = 1ULL << (bits - 1);
    int64_t indef = (int64_t)-indefinite; /* sign-extended */
    if (a.cls == FLOAT_CLASS_ZERO) {
        return 0;
    }
    if (a.cls != FLOAT_CLASS_NORMAL || a.exp >= 64) {
        env->flags |= FLOAT_INVALID;
        return indef;
    }
    bool inexact, up;
    u128 m = round_mag(rm, a.sign, a.sig, a.exp, &inexact, &up);
    if (m > (u128)indefinite - (a.sign ? 0 : 1)) {
        env->flags |= FLOAT_INVALID;
        return indef;
    }
    if (inexact) {
        env->flags |= FLOAT_INEXACT;
    }
    if (up) {
        env->flags |= FLOAT_ROUNDED_UP;
    }
    return a.sign ? (int64_t)(0 - (uint64_t)m) : (int64_t)(uint64_t)m;
}

Fx80 fx80_from_int(int64_t v)
{
    FloatUnp u = float_unp_int(v);
    if (u.cls == FLOAT_CLASS_ZERO) {
        return fx80_zero(false);
    }
    return fx80_make((uint16_t)((u.sign ? 0x8000 : 0) | (u.exp + 16383)),
                     u.sig);
}

int64_t fx80_to_int(FloatEnv *env, Fx80 a, unsigned bits, unsigned round)
{
    return unp_to_int(env, float_unp_fx80(a), bits, round);
}

Fx80 fx80_round_to_int(FloatEnv *env, Fx80 a)
{
    FloatUnp u = float_unp_fx80(a);
    FloatRaw out;
    if (special_nan(env, &float_fmt_x80, &u, NULL, &out)) {
        return float_raw_to_fx80(out);
    }
    if (u.cls == FLOAT_CLASS_ZERO) {
        return fx80_zero(u.sign);
    }
    if (u.cls == FLOAT_CLASS_INF) {
        return a;
    }
    if (float_denormal_check(env, &u, NULL)) {
        return a;
    }
    if (u.exp >= 63) {
        return a;
    }
    bool inexact, up;
    u128 m = round_mag(env->round, u.sign, u.sig, u.exp, &inexact, &up);
    if (inexact) {
        env->flags |= FLOAT_INEXACT;
    }
    if (up) {
        env->flags |= FLOAT_ROUNDED_UP;
    }
    if (m == 0) {
        return fx80_zero(u.sign);
    }
    FloatEnv exact = *env;
    return float_raw_to_fx80(float_round_pack(&exact, &float_fmt_x80, 64,
                                              u.sign, 127, m));
}

/* --- fx80 specials --- */

/* A result passed through unrounded: pseudo-denormals become the normal
 * encoding of the same value (as the x87 writes them). */
static Fx80 fx80_pseudo_fix(Fx80 a)
{
    if (fx80_exp(a) == 0 && (a.mant & J_BIT)) {
        a.sexp |= 1;
    }
    return a;
}

Fx80 fx80_rem(FloatEnv *env, Fx80 fa, Fx80 fb, bool ieee, uint64_t *quotient,
              bool *partial)
{
    FloatUnp a = float_unp_fx80(fa), b = float_unp_fx80(fb);
    FloatRaw out;
    *quotient = 0;
    *partial = false;
    if (special_nan(env, &float_fmt_x80, &a, &b, &out)) {
        return float_raw_to_fx80(out);
    }
    if (a.cls == FLOAT_CLASS_INF || b.cls == FLOAT_CLASS_ZERO) {
        return float_raw_to_fx80(float_invalid(env, &float_fmt_x80));
    }
    if (float_denormal_check(env, &a, &b)) {
        return fa;
    }
    if (a.cls == FLOAT_CLASS_ZERO) {
        return fa;
    }
    if (b.cls == FLOAT_CLASS_INF) {
        return fx80_pseudo_fix(fa); /* as it is, even a denormal */
    }
    int64_t d = (int64_t)a.exp - b.exp;
    if (d < -1 || (d == -1 && !ieee)) {
        return float_raw_to_fx80(pack_unp(env, &float_fmt_x80, 64, &a));
    }
    int32_t unit; /* exponent of the remainder's bit 0, as in unp */
    u128 x, y;
    if (d >= 64) {
        /* Partial: reduce by N = 32 + d % 32 bits (as the x87 does). */
        int n = 32 + (int)(d % 32);
        *partial = true;
        x = (u128)a.sig << n;
        y = b.sig;
        unit = a.exp - n;
    } else if (d >= 0) {
        x = (u128)a.sig << d;
        y = b.sig;
        unit = a.exp - (int32_t)d;
    } else {
        x = a.sig;
        y = (u128)b.sig << 1;
        unit = a.exp;
    }
    u128 q = x / y;
    u128 r = x % y;
    bool sign = a.sign;
    if (ieee && !*partial) {
        u128 r2 = r << 1;
        if (r2 > y || (r2 == y && (q & 1))) {
            q++;
            r = y - r;
            sign = !sign;
        }
    }
    if (!*partial) {
        *quotient = (uint64_t)q;
    }
    if (r == 0) {
        return fx80_zero(a.sign);
    }
    /* r * 2^(unit - 63) exactly; rounding only matters for tiny ones. */
    return float_raw_to_fx80(float_round_pack(env, &float_fmt_x80, 64, sign,
                                              unit + 64, r));
}

Fx80 fx80_scale(FloatEnv *env, Fx80 fa, Fx80 fb)
{
    FloatUnp a = float_unp_fx80(fa), b = float_unp_fx80(fb);
    FloatRaw out;
    if (special_nan(env, &float_fmt_x80, &a, &b, &out)) {
        return float_raw_to_fx80(out);
    }
    const FloatFmt *f = &float_fmt_x80;
    if (b.cls == FLOAT_CLASS_INF) {
        if (!b.sign) {
            if (a.cls == FLOAT_CLASS_ZERO) {
                return float_raw_to_fx80(float_invalid(env, f));
            }
            float_denormal_check(env, &a, NULL);
            return float_raw_to_fx80(float_raw_inf(f, a.sign));
        }
        if (a.cls == FLOAT_CLASS_INF) {
            return float_raw_to_fx80(float_invalid(env, f));
        }
        float_denormal_check(env, &a, NULL);
        return fx80_zero(a.sign);
    }
    if (a.cls == FLOAT_CLASS_INF) {
        float_denormal_check(env, &b, NULL);
        return float_raw_to_fx80(float_raw_inf(f, a.sign));
    }
    if (float_denormal_check(env, &a, &b)) {
        return fa;
    }
    if (a.cls == FLOAT_CLASS_ZERO) {
        return fx80_zero(a.sign);
    }
    int32_t n = 0;
    if (b.cls == FLOAT_CLASS_NORMAL && b.exp >= 0) {
        /* Beyond 2^17 every result over- or underflows anyway. */
        n = b.exp >= 17 ? 1 << 17 : (int32_t)(b.sig >> (63 - b.exp));
        if (b.sign) {
            n = -n;
        }
    }
    if (b.cls == FLOAT_CLASS_ZERO) {
        return fx80_pseudo_fix(fa); /* as it is, even a denormal */
    }
    return float_raw_to_fx80(float_round_pack(env, f, 64, a.sign,
                                              a.exp + n, (u128)a.sig << 64));
}

void fx80_extract(FloatEnv *env, Fx80 fa, Fx80 *exp, Fx80 *sig)
{
    FloatUnp a = float_unp_fx80(fa);
    FloatRaw out;
    const FloatFmt *f = &float_fmt_x80;
    if (special_nan(env, f, &a, NULL, &out)) {
        *exp = *sig = float_raw_to_fx80(out);
        return;
    }
    if (a.cls == FLOAT_CLASS_ZERO) {
        env->flags |= FLOAT_DIVZERO;
        *exp = float_raw_to_fx80(float_raw_inf(f, true));
        *sig = fx80_zero(a.sign);
        return;
    }
    if (a.cls == FLOAT_CLASS_INF) {
        *exp = float_raw_to_fx80(float_raw_inf(f, false));
        *sig = fa;
        return;
    }
    if (float_denormal_check(env, &a, NULL)) {
        *exp = *sig = fa;
        return;
    }
    *exp = fx80_from_int(a.exp);
    *sig = fx80_make((uint16_t)((a.sign ? 0x8000 : 0) | 16383), a.sig);
}

/* --- float32 / float64 <-> fx80 --- */

Fx80 fx80_from_unp(FloatEnv *env, FloatUnp a)
{
    const FloatFmt *f = &float_fmt_x80;
    switch (a.cls) {
    case FLOAT_CLASS_ZERO:
        return fx80_zero(a.sign);
    case FLOAT_CLASS_INF:
        return float_raw_to_fx80(float_raw_inf(f, a.sign));
    case FLOAT_CLASS_SNAN:
        env->flags |= FLOAT_INVALID;
        return float_raw_to_fx80(float_raw_nan(f, a.sign, a.sig));
    case FLOAT_CLASS_QNAN:
        return float_raw_to_fx80(float_raw_nan(f, a.sign, a.sig));
    case FLOAT_CLASS_UNSUPPORTED:
        return float_raw_to_fx80(float_invalid(env, f));
    default:
        /* A load: DE is raised, but the value is converted regardless. */
        float_denormal_check(env, &a, NULL);
        return float_raw_to_fx80(pack_unp(env, f, env->precision, &a));
    }
}

Fx80 fx80_from_f32(FloatEnv *env, uint32_t a)
{
    FloatEnv e = *env;
    e.precision = 64;
    Fx80 r = fx80_from_unp(&e, float_unp_f32(a));
    env->flags |= e.flags;
    return r;
}

Fx80 fx80_from_f64(FloatEnv *env, uint64_t a)
{
    FloatEnv e = *env;
    e.precision = 64;
    Fx80 r = fx80_from_unp(&e, float_unp_f64(a));
    env->flags |= e.flags;
    return r;
}

/* Round an unpacked value into a narrower format (stores, conversions). */
static FloatRaw unp_to_fmt(FloatEnv *env, const FloatFmt *fmt, FloatUnp a)
{
    FloatRaw out;
    if (special_nan(env, fmt, &a, NULL, &out)) {
        return out;
    }
    if (a.cls == FLOAT_CLASS_INF) {
        return float_raw_inf(fmt, a.sign);
    }
    return pack_unp(env, fmt, fmt->prec, &a);
}

uint32_t fx80_to_f32(FloatEnv *env, Fx80 a)
{
    return raw_to_f32(unp_to_fmt(env, &float_fmt_f32, float_unp_fx80(a)));
}

uint64_t fx80_to_f64(FloatEnv *env, Fx80 a)
{
    return raw_to_f64(unp_to_fmt(env, &float_fmt_f64, float_unp_fx80(a)));
}

/* --- BCD --- */

Fx80 fx80_from_bcd(const uint8_t bcd[10])
{
    /* Invalid digits give an undefined result on the x87; here they just
     * weigh in at their nibble value. */
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--) {
        v = v * 100 + (bcd[i] >> 4) * 10 + (bcd[i] & 15);
    }
    Fx80 r = fx80_from_int((int64_t)v);
    if (bcd[9] & 0x80) {
        r.sexp |= 0x8000;
    }
    return r;
}

void fx80_to_bcd(FloatEnv *env, Fx80 fa, uint8_t bcd[10])
{
    static const uint64_t limit = 999999999999999999ULL;
    FloatUnp a = float_unp_fx80(fa);
    memset(bcd, 0, 10);
    uint64_t v = 0;
    if (a.cls == FLOAT_CLASS_NORMAL && a.exp < 64) {
        bool inexact, up;
        u128 m = round_mag(env->round, a.sign, a.sig, a.exp, &inexact, &up);
        if (m > limit) {
            goto invalid;
        }
        if (inexact) {
            env->flags |= FLOAT_INEXACT;
        }
        if (up) {
            env->flags |= FLOAT_ROUNDED_UP;
        }
        v = (uint64_t)m;
    } else if (a.cls != FLOAT_CLASS_ZERO) {
        goto invalid;
    }
    for (int i = 0; i < 9; i++) {
        unsigned lo = v % 10;
        v /= 10;
        unsigned hi = v % 10;
        v /= 10;
        bcd[i] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = a.sign ? 0x80 : 0;
    return;
invalid:
    env->flags |= FLOAT_INVALID;
    memset(bcd, 0, 10);
    bcd[7] = 0xc0;
    bcd[8] = 0xff;
    bcd[9] = 0xff;
}

/* --- constants --- */

Fx80 fx80_const(Fx80Const c, unsigned round)
{
    /* 128-bit truncations with a sticky bit: value = sig * 2^(exp-127). */
    static const struct {
        int32_t exp;
        uint64_t hi, lo;
    } k[] = {
        [FX80_CONST_L2T] = {1, 0xd49a784bcd1b8afeULL, 0x492bf6ff4dafdb4dULL},
        [FX80_CONST_L2E] = {0, 0xb8aa3b295c17f0bbULL, 0xbe87fed0691d3e89ULL},
        [FX80_CONST_PI] = {1, 0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL},
        [FX80_CONST_LG2] = {-2, 0x9a209a84fbcff798ULL,
                            0x8f8959ac0b7c9179ULL},
        [FX80_CONST_LN2] = {-1, 0xb17217f7d1cf79abULL,
                            0xc9e3b39803f2f6afULL},
    };
    FloatEnv env = {.round = (uint8_t)round, .precision = 64,
                    .masks = FLOAT_ALL_EXC};
    return float_raw_to_fx80(float_round_pack(&env, &float_fmt_x80, 64,
                                              false, k[c].exp,
                                              U128(k[c].hi, k[c].lo)));
}

/* --- float32 / float64 --- */

static FloatUnp unp32(const FloatEnv *env, uint32_t a)
{
    return unp_daz(env, float_unp_f32(a));
}

static FloatUnp unp64(const FloatEnv *env, uint64_t a)
{
    return unp_daz(env, float_unp_f64(a));
}

#define F32 (&float_fmt_f32)
#define F64 (&float_fmt_f64)

uint32_t f32_add(FloatEnv *env, uint32_t a, uint32_t b)
{
    return raw_to_f32(op_addsub(env, F32, 24, unp32(env, a), unp32(env, b),
                                false));
}

uint32_t f32_sub(FloatEnv *env, uint32_t a, uint32_t b)
{
    return raw_to_f32(op_addsub(env, F32, 24, unp32(env, a), unp32(env, b),
                                true));
}

uint32_t f32_mul(FloatEnv *env, uint32_t a, uint32_t b)
{
    return raw_to_f32(op_mul(env, F32, 24, unp32(env, a), unp32(env, b)));
}

uint32_t f32_div(FloatEnv *env, uint32_t a, uint32_t b)
{
    return raw_to_f32(op_div(env, F32, 24, unp32(env, a), unp32(env, b)));
}

uint32_t f32_sqrt(FloatEnv *env, uint32_t a)
{
    return raw_to_f32(op_sqrt(env, F32, 24, unp32(env, a)));
}

uint64_t f64_add(FloatEnv *env, uint64_t a, uint64_t b)
{
    return raw_to_f64(op_addsub(env, F64, 53, unp64(env, a), unp64(env, b),
                                false));
}

uint64_t f64_sub(FloatEnv *env, uint64_t a, uint64_t b)
{
    return raw_to_f64(op_addsub(env, F64, 53, unp64(env, a), unp64(env, b),
                                true));
}

uint64_t f64_mul(FloatEnv *env, uint64_t a, uint64_t b)
{
    return raw_to_f64(op_mul(env, F64, 53, unp64(env, a), unp64(env, b)));
}

uint64_t f64_div(FloatEnv *env, uint64_t a, uint64_t b)
{
    return raw_to_f64(op_div(env, F64, 53, unp64(env, a), unp64(env, b)));
}

uint64_t f64_sqrt(FloatEnv *env, uint64_t a)
{
    return raw_to_f64(op_sqrt(env, F64, 53, unp64(env, a)));
}

FloatRel f32_compare(FloatEnv *env, uint32_t a, uint32_t b, bool quiet)
{
    return op_compare(env, unp32(env, a), unp32(env, b), quiet);
}

FloatRel f64_compare(FloatEnv *env, uint64_t a, uint64_t b, bool quiet)
{
    return op_compare(env, unp64(env, a), unp64(env, b), quiet);
}

uint64_t f32_to_f64(FloatEnv *env, uint32_t a)
{
    uint32_t e = (a >> 23) & 0xff;
    if (e != 0 && e != 0xff) {
        /* A normal float32 is exactly a normal float64, with no flags:
         * rebias the exponent, widen the fraction. */
        return (uint64_t)(a >> 31) << 63 | (uint64_t)(e - 127 + 1023) << 52 |
               (uint64_t)(a & 0x7fffff) << 29;
    }
    FloatUnp u = unp32(env, a);
    if (u.cls == FLOAT_CLASS_NORMAL && float_denormal_check(env, &u, NULL)) {
        return 0;
    }
    return raw_to_f64(unp_to_fmt(env, F64, u));
}

uint32_t f64_to_f32(FloatEnv *env, uint64_t a)
{
    FloatUnp u = unp64(env, a);
    if (u.cls == FLOAT_CLASS_NORMAL && float_denormal_check(env, &u, NULL)) {
        return 0;
    }
    return raw_to_f32(unp_to_fmt(env, F32, u));
}

uint32_t f32_from_int(FloatEnv *env, int64_t v)
{
    return raw_to_f32(unp_to_fmt(env, F32, float_unp_int(v)));
}

uint64_t f64_from_int(FloatEnv *env, int64_t v)
{
    return raw_to_f64(unp_to_fmt(env, F64, float_unp_int(v)));
}

int64_t f32_to_int(FloatEnv *env, uint32_t a, unsigned bits, unsigned round)
{
    return unp_to_int(env, unp32(env, a), bits, round);
}

int64_t f64_to_int(FloatEnv *env, uint64_t a, unsigned bits, unsigned round)
{
    return unp_to_int(env, unp64(env, a), bits, round);
}
