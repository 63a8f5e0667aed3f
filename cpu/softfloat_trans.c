/*
 * x87 transcendentals in software: FSIN, FCOS, FSINCOS, FPTAN, FPATAN,
 * F2XM1, FYL2X, FYL2XP1. See softfloat.h.
 *
 * Everything is computed in "Xf", a float with a 128-bit significand,
 * from series whose truncation error is below 2^-125 relative, then
 * rounded once to 64 bits: results are correctly rounded except in
 * cases closer to a rounding boundary than about 2^-60 ulp. Arguments of
 * the trigonometric functions are reduced exactly, but modulo the x87's
 * own 66-bit pi as the hardware does: results for large arguments are
 * those of real CPUs (within their last-bit error, docs/cpu-flags.md),
 * not the true sine.
 */
#include "cpu/softfloat.h"

#include "cpu/softfloat_int.h"

/* sign * sig * 2^(exp - 127); sig normalized (bit 127 set) or zero. */
typedef struct Xf {
    bool sign;
    int32_t exp;
    u128 sig;
} Xf;

#define XF(e, hi, lo) {false, e, U128(hi, lo)}

static const Xf xf_pi = XF(1, 0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL);
static const Xf xf_pi_2 = XF(0, 0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL);
/* ln 2 as the x87 has it: 68 bits, 0.B17217F7D1CF79ABC. F2XM1 of a tiny
 * argument is exactly its product with this, rounded once. */
static const Xf xf_ln2_x87 = XF(-1, 0xb17217f7d1cf79abULL,
                                0xc000000000000000ULL);
static const Xf xf_inv_ln2 = XF(0, 0xb8aa3b295c17f0bbULL,
                                0xbe87fed0691d3e89ULL);

/* atan(j/16), j = 1..16. */
static const Xf xf_atan_tab[16] = {
    XF(-5, 0xffaaddb967ef4e36ULL, 0xcb2792dc0e2e0d51ULL),
    XF(-4, 0xfeadd4d5617b6e32ULL, 0xc897989f3e888ef7ULL),
    XF(-3, 0xbdcbda5e72d81134ULL, 0x7b0b4f881c9c7487ULL),
    XF(-3, 0xfadbafc96406eb15ULL, 0x6dc79ef5f7a217e5ULL),
    XF(-2, 0x9b13b9b83f5e5e69ULL, 0xc5abb498d27af329ULL),
    XF(-2, 0xb7b0ca0f26f78473ULL, 0x8aa32122dcfe4483ULL),
    XF(-2, 0xd327761e611fe5b6ULL, 0x427c95e9001e7137ULL),
    XF(-2, 0xed63382b0dda7b45ULL, 0x6fe445ecbc3a8d03ULL),
    XF(-1, 0x832bf4a6d9867e2aULL, 0x4b6a09cb61a515c1ULL),
    XF(-1, 0x8f005d5ef7f59f9bULL, 0x5c835e1665c43747ULL),
    XF(-1, 0x9a2f80e671bdda20ULL, 0x4226f8e2204ff3bdULL),
    XF(-1, 0xa4bc7d1934f70924ULL, 0x19a87f2a457dac9fULL),
    XF(-1, 0xaeac4c38b4d8c080ULL, 0x14725e2f3e52070bULL),
    XF(-1, 0xb8053e2bc2319e73ULL, 0xcb2da55210a4443dULL),
    XF(-1, 0xc0ce85b8ac526640ULL, 0x89dd62c46e92fa25ULL),
    XF(-1, 0xc90fdaa22168c234ULL, 0xc4c6628b80dc1cd1ULL),
};

/* --- Xf arithmetic --- */

static Xf xf_make(bool sign, int32_t exp, u128 sig)
{
    Xf r = {sign, exp, sig};
    if (sig == 0) {
        r.exp = 0;
        return r;
    }
    int lz = clz128(sig);
    r.sig = sig << lz;
    r.exp = exp - lz;
    return r;
}

static bool xf_is_zero(Xf a) { return a.sig == 0; }

static Xf xf_neg(Xf a)
{
    a.sign = !a.sign;
    return a;
}

static Xf xf_from_unp(const FloatUnp *u)
{
    return xf_make(u->sign, u->exp, (u128)u->sig << 64);
}

static Xf xf_from_int(int64_t v)
{
    FloatUnp u = float_unp_int(v);
    return xf_from_unp(&u);
}

/* a * 2^n */
static Xf xf_ldexp(Xf a, int32_t n)
{
    if (!xf_is_zero(a)) {
        a.exp += n;
    }
    return a;
}

static Xf xf_add(Xf a, Xf b)
{
    if (xf_is_zero(a)) {
        return b;
    }
    if (xf_is_zero(b)) {
        return a;
    }
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        Xf t = a;
        a = b;
        b = t;
    }
    int64_t d = (int64_t)a.exp - b.exp;
    u128 x = a.sig >> 1;
    u128 y = shr_jam128(b.sig >> 1, d > 200 ? 200 : (int32_t)d);
    u128 s = a.sign == b.sign ? x + y : x - y;
    return xf_make(a.sign, a.exp + 1, s);
}

static Xf xf_sub(Xf a, Xf b) { return xf_add(a, xf_neg(b)); }

static Xf xf_mul(Xf a, Xf b)
{
    if (xf_is_zero(a) || xf_is_zero(b)) {
        return xf_make(a.sign ^ b.sign, 0, 0);
    }
    const u128 m64 = ~(uint64_t)0;
    uint64_t ah = (uint64_t)(a.sig >> 64), al = (uint64_t)a.sig;
    uint64_t bh = (uint64_t)(b.sig >> 64), bl = (uint64_t)b.sig;
    u128 hh = (u128)ah * bh, hl = (u128)ah * bl;
    u128 lh = (u128)al * bh, ll = (u128)al * bl;
    u128 mid = (hl & m64) + (lh & m64) + (ll >> 64);
    u128 hi = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
    bool sticky = ((uint64_t)mid | (uint64_t)ll) != 0;
    int32_t e = a.exp + b.exp + 1;
    if (!(hi >> 127)) {
        hi = (hi << 1) | ((mid >> 63) & 1);
        e--;
    }
    return xf_make(a.sign ^ b.sign, e, hi | sticky);
}

static Xf xf_div(Xf a, Xf b)
{
    if (xf_is_zero(a)) {
        return a;
    }
    u128 r = a.sig, d = b.sig, q = 0;
    int32_t e = a.exp - b.exp;
    bool carry = false;
    if (r < d) {
        carry = r >> 127;
        r <<= 1;
        e--;
    }
    for (int i = 0; i < 128; i++) {
        bool ge = carry || r >= d;
        if (ge) {
            r -= d;
        }
        q = (q << 1) | ge;
        carry = r >> 127;
        r <<= 1;
    }
    return xf_make(a.sign ^ b.sign, e, q | (r != 0));
}

/* a / d for a small positive integer d. */
static Xf xf_div_u64(Xf a, uint64_t d)
{
    if (xf_is_zero(a)) {
        return a;
    }
    u128 qh = a.sig / d;
    u128 r = a.sig % d;
    u128 ql = (r << 64) / d;
    bool sticky = ((r << 64) % d) != 0;
    int lz = clz128(qh); /* 0..64: qh >= 2^63 */
    u128 s = (qh << lz) | (ql >> (64 - lz));
    uint64_t lost = lz == 0 ? (uint64_t)ql
                    : lz < 64 ? (uint64_t)ql & ((1ULL << (64 - lz)) - 1)
                              : 0;
    sticky |= lost != 0;
    return xf_make(a.sign, a.exp - lz, s | sticky);
}

/* |a| < |b| */
static bool xf_mag_less(Xf a, Xf b)
{
    if (xf_is_zero(a) || xf_is_zero(b)) {
        return xf_is_zero(a) && !xf_is_zero(b);
    }
    return a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig);
}

/* Round to fx80; @inexact forces the sticky bit (irrational results). */
static Fx80 xf_round(FloatEnv *env, Xf a, bool inexact)
{
    if (xf_is_zero(a)) {
        return fx80_zero(a.sign);
    }
    return float_raw_to_fx80(float_round_pack(env, &float_fmt_x80, 64,
                                              a.sign, a.exp,
                                              a.sig | inexact));
}

/* The x87 flags every computed transcendental result inexact, even an
 * exact one; a tiny one then underflows too (masked UE: tiny and
 * inexact). */
static Fx80 x87_inexact(FloatEnv *env, Fx80 r)
{
    env->flags |= FLOAT_INEXACT;
    if ((env->masks & FLOAT_UNDERFLOW) && fx80_exp(r) == 0 && r.mant) {
        env->flags |= FLOAT_UNDERFLOW;
    }
    return r;
}

/* Round |a| minus a hair: the x87's log2 of 0.5 and 0.25 (FYL2X, and
 * FYL2XP1 of -0.5 and -0.75) comes out just below the exact -1 and -2 in
 * magnitude, which the directed rounding modes show. @a is exact. */
static Fx80 xf_round_below(FloatEnv *env, Xf a)
{
    if (xf_is_zero(a)) {
        return fx80_zero(a.sign);
    }
    return float_raw_to_fx80(float_round_pack(env, &float_fmt_x80, 64,
                                              a.sign, a.exp, a.sig - 1));
}

/* Has @t become negligible next to @sum? */
static bool xf_negligible(Xf t, Xf sum)
{
    return xf_is_zero(t) || (!xf_is_zero(sum) && t.exp < sum.exp - 130);
}

/* --- kernels --- */

/* sin(r) and cos(r) for |r| < 1. */
static Xf xf_sin_kernel(Xf r)
{
    if (xf_is_zero(r)) {
        return r;
    }
    Xf s = xf_mul(r, r), term = r, sum = r;
    for (uint64_t k = 1; k < 40; k++) {
        term = xf_neg(xf_div_u64(xf_mul(term, s), (2 * k) * (2 * k + 1)));
        sum = xf_add(sum, term);
        if (xf_negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

static Xf xf_cos_kernel(Xf r)
{
    Xf one = xf_from_int(1);
    if (xf_is_zero(r)) {
        return one;
    }
    Xf s = xf_mul(r, r), term = one, sum = one;
    for (uint64_t k = 1; k < 40; k++) {
        term = xf_neg(xf_div_u64(xf_mul(term, s), (2 * k - 1) * (2 * k)));
        sum = xf_add(sum, term);
        if (xf_negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

/*
 * |x| = n * P + r with |r| <= P/2, exactly, where P is the x87's own
 * pi/2: the 66-bit approximation of pi (0.C90FDAA22168C234C * 2^2, SDM
 * vol. 1, "Transcendental Instruction Accuracy") halved. Real hardware
 * reduces with it, so its results for large arguments are those of this
 * P, not of pi/2; pcvm follows. Returns n mod 4. @a is finite, nonzero,
 * with exp < 63.
 */
static unsigned reduce_pio2(const FloatUnp *a, Xf *r)
{
    /* P = PIO2_66 * 2^-67 */
    static const u128 pio2_66 = U128(0xcULL, 0x90fdaa22168c234cULL);
    FloatUnp m = *a;
    m.sign = false;
    if (m.exp < 0) {
        *r = xf_from_unp(&m);
        return 0;
    }
    /* |x| = sig * 2^(exp + 4) in units of 2^-67: restoring division, bit
     * by bit from the top (up to 130 bits; the remainder stays below
     * 2P < 2^69). */
    int nbits = 64 + m.exp + 4;
    u128 rem = 0;
    uint64_t q = 0;
    for (int i = nbits - 1; i >= 0; i--) {
        unsigned bit = i >= m.exp + 4 ? (m.sig >> (i - m.exp - 4)) & 1 : 0;
        rem = (rem << 1) | bit;
        q <<= 1;
        if (rem >= pio2_66) {
            rem -= pio2_66;
            q |= 1;
        }
    }
    /* To the nearest multiple (a tie goes down). */
    bool neg = false;
    if (2 * rem > pio2_66) {
        q++;
        rem = pio2_66 - rem;
        neg = true;
    }
    *r = xf_make(neg, 127 - 67, rem);
    return (unsigned)(q & 3);
}

/* Trig prologue: NaNs, invalid operands, zero, range and denormals.
 * Returns 0 to compute, 1 if *out holds the answer, 2 if out of range. */
static int trig_check(FloatEnv *env, Fx80 a, FloatUnp *u, Fx80 *out)
{
    *u = float_unp_fx80(a);
    if (u->cls == FLOAT_CLASS_UNSUPPORTED || u->cls == FLOAT_CLASS_INF) {
        *out = float_raw_to_fx80(float_invalid(env, &float_fmt_x80));
        return 1;
    }
    if (unp_is_nan(u)) {
        *out = float_raw_to_fx80(float_propagate_nan(env, &float_fmt_x80, u,
                                                     NULL));
        return 1;
    }
    if (u->cls == FLOAT_CLASS_NORMAL && u->exp >= 63) {
        return 2;
    }
    if (float_denormal_check(env, u, NULL)) {
        *out = a;
        return 1;
    }
    return 0;
}

/* sin and cos of x (finite, nonzero, |x| < 2^63). */
static void xf_sincos(const FloatUnp *u, Xf *s, Xf *c)
{
    Xf r;
    unsigned n = reduce_pio2(u, &r);
    Xf sr = xf_sin_kernel(r), cr = xf_cos_kernel(r);
    switch (n) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = xf_neg(sr); break;
    case 2: *s = xf_neg(sr); *c = xf_neg(cr); break;
    default: *s = xf_neg(cr); *c = sr; break;
    }
    if (u->sign) {
        *s = xf_neg(*s);
    }
}

/* Below this (unbiased) exponent the x87 does not compute a sine,
 * cosine or tangent: it answers x, 1 and x. */
#define TRIG_TINY_EXP (-68)

/* sin(x) or tan(x) of a tiny nonzero x as the x87 gives it: x itself
 * (normalized), inexact in every rounding mode, with C1 clear and UE
 * when x is tiny in the x87's sense too (also a masked one: inexact). */
static Fx80 trig_tiny(FloatEnv *env, const FloatUnp *u)
{
    FloatRaw r = float_round_pack(env, &float_fmt_x80, 64, u->sign, u->exp,
                                  (u128)u->sig << 64);
    return x87_inexact(env, float_raw_to_fx80(r));
}

bool fx80_sincos(FloatEnv *env, Fx80 a, Fx80 *s, Fx80 *c)
{
    FloatUnp u;
    Fx80 out;
    switch (trig_check(env, a, &u, &out)) {
    case 1:
        *s = *c = out;
        return true;
    case 2:
        return false;
    default:
        break;
    }
    if (u.cls == FLOAT_CLASS_ZERO) {
        *s = a;
        *c = fx80_one();
        return true;
    }
    if (u.exp < TRIG_TINY_EXP) {
        *s = trig_tiny(env, &u);
        *c = fx80_one();
        return true;
    }
    Xf xs, xc;
    xf_sincos(&u, &xs, &xc);
    /* Both results are stored: C1 reports the last one rounded (cos). */
    *s = xf_round(env, xs, true);
    env->flags &= ~FLOAT_ROUNDED_UP;
    *c = xf_round(env, xc, true);
    return true;
}

/* The shared start of FSIN/FCOS/FPTAN: special operands are answered in
 * *r (returns 1, or 2 when the operand is out of range: C2), so are zero
 * and tiny ones (1 for @cos), anything else fills *xs and *xc (returns
 * 0). */
static int trig_begin(FloatEnv *env, Fx80 a, bool cos, Fx80 *r, Xf *xs,
                      Xf *xc)
{
    FloatUnp u;
    int special = trig_check(env, a, &u, r);
    if (special) {
        return special;
    }
    if (u.cls == FLOAT_CLASS_ZERO) {
        *r = cos ? fx80_one() : a;
        return 1;
    }
    if (u.exp < TRIG_TINY_EXP) {
        if (cos) {
            env->flags |= FLOAT_INEXACT;
            *r = fx80_one();
        } else {
            *r = trig_tiny(env, &u);
        }
        return 1;
    }
    xf_sincos(&u, xs, xc);
    return 0;
}

bool fx80_sin(FloatEnv *env, Fx80 a, Fx80 *r)
{
    Xf xs, xc;
    int special = trig_begin(env, a, false, r, &xs, &xc);
    if (special) {
        return special == 1;
    }
    *r = xf_round(env, xs, true);
    return true;
}

bool fx80_cos(FloatEnv *env, Fx80 a, Fx80 *r)
{
    Xf xs, xc;
    int special = trig_begin(env, a, true, r, &xs, &xc);
    if (special) {
        return special == 1;
    }
    *r = xf_round(env, xc, true);
    return true;
}

bool fx80_tan(FloatEnv *env, Fx80 a, Fx80 *r)
{
    Xf xs, xc;
    int special = trig_begin(env, a, false, r, &xs, &xc);
    if (special) {
        return special == 1;
    }
    *r = xf_round(env, xf_div(xs, xc), true);
    return true;
}

/* Below this (unbiased) exponent of y / x, FPATAN gives y / x. */
#define ATAN_TINY_EXP (-40)

/* atan(t) for 0 <= t <= 1. */
static Xf xf_atan_unit(Xf t)
{
    if (xf_is_zero(t)) {
        return t;
    }
    /* j = round(16 t); atan(t) = atan(j/16) + atan(u),
     * u = (t - j/16) / (1 + t j/16), |u| <= 1/32. */
    int sh = 127 - (t.exp + 4);
    uint64_t j = 0;
    if (sh <= 127 && sh >= 0) {
        u128 q = t.sig >> sh;
        bool half = sh >= 1 && ((t.sig >> (sh - 1)) & 1);
        j = (uint64_t)q + half;
    }
    Xf u = t, base = xf_make(false, 0, 0);
    if (j) {
        Xf c = xf_ldexp(xf_from_int((int64_t)j), -4);
        Xf num = xf_sub(t, c);
        Xf den = xf_add(xf_from_int(1), xf_mul(t, c));
        u = xf_div(num, den);
        base = xf_atan_tab[j - 1];
    }
    Xf u2 = xf_mul(u, u), p = u, sum = u;
    for (uint64_t k = 1; k < 60 && !xf_is_zero(u); k++) {
        p = xf_neg(xf_mul(p, u2));
        Xf term = xf_div_u64(p, 2 * k + 1);
        sum = xf_add(sum, term);
        if (xf_negligible(term, sum)) {
            break;
        }
    }
    return xf_add(base, sum);
}

Fx80 fx80_atan2(FloatEnv *env, Fx80 fy, Fx80 fx)
{
    FloatUnp y = float_unp_fx80(fy), x = float_unp_fx80(fx);
    const FloatFmt *f = &float_fmt_x80;
    if (y.cls == FLOAT_CLASS_UNSUPPORTED || x.cls == FLOAT_CLASS_UNSUPPORTED) {
        return float_raw_to_fx80(float_invalid(env, f));
    }
    if (unp_is_nan(&y) || unp_is_nan(&x)) {
        return float_raw_to_fx80(float_propagate_nan(env, f, &x, &y));
    }
    Xf angle;
    if (y.cls == FLOAT_CLASS_INF || x.cls == FLOAT_CLASS_INF) {
        if (float_denormal_check(env, &x, &y)) {
            return fy;
        }
        if (y.cls == FLOAT_CLASS_INF && x.cls == FLOAT_CLASS_INF) {
            angle = xf_ldexp(xf_pi, -2); /* pi/4 or 3pi/4 */
            if (x.sign) {
                angle = xf_sub(xf_pi, angle);
            }
        } else if (y.cls == FLOAT_CLASS_INF) {
            angle = xf_pi_2;
        } else if (x.sign) {
            angle = xf_pi;
        } else {
            return fx80_zero(y.sign);
        }
        angle.sign = y.sign;
        return xf_round(env, angle, true);
    }
    if (float_denormal_check(env, &x, &y)) {
        return fy;
    }
    if (y.cls == FLOAT_CLASS_ZERO) {
        if (!x.sign) {
            return fx80_zero(y.sign);
        }
        angle = xf_pi;
    } else if (x.cls == FLOAT_CLASS_ZERO) {
        angle = xf_pi_2;
    } else {
        Xf ax = xf_from_unp(&x), ay = xf_from_unp(&y);
        ax.sign = ay.sign = false;
        if (!xf_mag_less(ax, ay)) {
            Xf t = xf_div(ay, ax);
            if (!x.sign && t.exp < ATAN_TINY_EXP) {
                /* The x87 answers y / x itself, rounded once. */
                t.sign = y.sign;
                return x87_inexact(env, xf_round(env, t, false));
            }
            angle = xf_atan_unit(t);
        } else {
            angle = xf_sub(xf_pi_2, xf_atan_unit(xf_div(ax, ay)));
        }
        if (x.sign) {
            angle = xf_sub(xf_pi, angle);
        }
    }
    angle.sign = y.sign;
    return xf_round(env, angle, true);
}

/* e^z - 1 for |z| < 1, keeping relative precision for tiny z. */
static Xf xf_expm1(Xf z)
{
    Xf term = z, sum = z;
    for (uint64_t k = 2; k < 60 && !xf_is_zero(z); k++) {
        term = xf_div_u64(xf_mul(term, z), k);
        sum = xf_add(sum, term);
        if (xf_negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

Fx80 fx80_2xm1(FloatEnv *env, Fx80 fa)
{
    FloatUnp a = float_unp_fx80(fa);
    const FloatFmt *f = &float_fmt_x80;
    if (a.cls == FLOAT_CLASS_UNSUPPORTED) {
        return float_raw_to_fx80(float_invalid(env, f));
    }
    if (unp_is_nan(&a)) {
        return float_raw_to_fx80(float_propagate_nan(env, f, &a, NULL));
    }
    if (a.cls == FLOAT_CLASS_ZERO) {
        return fa;
    }
    if (a.cls == FLOAT_CLASS_INF) {
        /* Outside the architected domain; the limits of 2^x - 1. */
        return a.sign ? float_raw_to_fx80((FloatRaw){true, 16383, 1ULL << 63})
                      : fa;
    }
    if (float_denormal_check(env, &a, NULL)) {
        return fa;
    }
    if (a.exp > 0 || (a.exp == 0 && a.sig != (1ULL << 63))) {
        /* |x| > 1 is undefined; the P6 and later hand x back, inexact. */
        env->flags |= FLOAT_INEXACT;
        return fa;
    }
    Xf minus_one = xf_from_int(-1);
    /* x = n + g with n an integer and |g| <= 1/2. */
    Xf x = xf_from_unp(&a);
    int32_t n = 0;
    if (a.exp >= -1) {
        u128 whole = shr_jam128((u128)a.sig << 64, 63 - a.exp);
        uint64_t ip = (uint64_t)(whole >> 64);
        if ((uint64_t)whole >= (1ULL << 63)) {
            ip++;
        }
        n = a.sign ? -(int32_t)ip : (int32_t)ip;
    }
    Xf g = xf_sub(x, xf_from_int(n));
    Xf two_n = xf_ldexp(xf_from_int(1), n);
    if (xf_is_zero(g)) {
        /* x = +-1: 2^n - 1 exactly, but flagged inexact as the x87 does
         * for every computed result. */
        Fx80 r = xf_round(env, xf_add(two_n, minus_one), false);
        env->flags |= FLOAT_INEXACT;
        return r;
    }
    Xf e = xf_expm1(xf_mul(g, xf_ln2_x87));
    if (n == 0) {
        return xf_round(env, e, true);
    }
    /* 2^n (1 + e) - 1 = 2^n e + (2^n - 1) */
    Xf r = xf_add(xf_ldexp(e, n), xf_add(two_n, minus_one));
    return xf_round(env, r, true);
}

/* atanh(s) = s + s^3/3 + s^5/5 + ... for |s| < 1/2. */
static Xf xf_atanh_series(Xf s)
{
    Xf s2 = xf_mul(s, s), p = s, sum = s;
    for (uint64_t k = 1; k < 100 && !xf_is_zero(s); k++) {
        p = xf_mul(p, s2);
        Xf term = xf_div_u64(p, 2 * k + 1);
        sum = xf_add(sum, term);
        if (xf_negligible(term, sum)) {
            break;
        }
    }
    return sum;
}

/* log2(m) for m > 0. */
static Xf xf_log2(Xf m)
{
    static const u128 sqrt2 = U128(0xb504f333f9de6484ULL,
                                   0x597d89b3754abe9fULL);
    /* m = 2^k * w with w in [sqrt(1/2), sqrt(2)). */
    int32_t k = m.exp;
    Xf w = m;
    w.exp = 0;
    if (w.sig >= sqrt2) {
        w.exp = -1;
        k++;
    }
    Xf one = xf_from_int(1);
    Xf s = xf_div(xf_sub(w, one), xf_add(w, one));
    Xf ln = xf_ldexp(xf_atanh_series(s), 1);
    return xf_add(xf_from_int(k), xf_mul(ln, xf_inv_ln2));
}

/* y * log2(2^k) = y * k (k != 0) as the x87 gives it: exact but flagged
 * inexact (so a tiny result underflows), except that log2 of 0.5 and
 * 0.25 comes out a hair small. */
static Fx80 yl2_pow2(FloatEnv *env, const FloatUnp *y, int32_t k)
{
    if (k == -1 || k == -2) {
        return xf_round_below(env, xf_mul(xf_from_unp(y), xf_from_int(k)));
    }
    FloatEnv e = *env;
    e.precision = 64;
    Fx80 r = fx80_arith(&e, FLOAT_MUL, *y, float_unp_int(k));
    env->flags |= e.flags;
    return x87_inexact(env, r);
}

Fx80 fx80_yl2x(FloatEnv *env, Fx80 fx, Fx80 fy)
{
    FloatUnp x = float_unp_fx80(fx), y = float_unp_fx80(fy);
    const FloatFmt *f = &float_fmt_x80;
    if (x.cls == FLOAT_CLASS_UNSUPPORTED || y.cls == FLOAT_CLASS_UNSUPPORTED) {
        return float_raw_to_fx80(float_invalid(env, f));
    }
    if (unp_is_nan(&x) || unp_is_nan(&y)) {
        return float_raw_to_fx80(float_propagate_nan(env, f, &x, &y));
    }
    if (x.sign && x.cls != FLOAT_CLASS_ZERO) {
        return float_raw_to_fx80(float_invalid(env, f));
    }
    if (x.cls == FLOAT_CLASS_ZERO) {
        if (y.cls == FLOAT_CLASS_ZERO) {
            return float_raw_to_fx80(float_invalid(env, f));
        }
        if (y.cls != FLOAT_CLASS_INF) {
            env->flags |= FLOAT_DIVZERO;
        }
        return float_raw_to_fx80(float_raw_inf(f, !y.sign));
    }
    /* Where log2(x) is negative, zero or positive. */
    int lsign = x.cls == FLOAT_CLASS_INF ? 1
                : x.exp < 0             ? -1
                : x.exp > 0 || x.sig != (1ULL << 63) ? 1 : 0;
    if (x.cls == FLOAT_CLASS_INF || y.cls == FLOAT_CLASS_INF) {
        if (lsign == 0 || y.cls == FLOAT_CLASS_ZERO) {
            return float_raw_to_fx80(float_invalid(env, f));
        }
        float_denormal_check(env, &x, &y);
        return float_raw_to_fx80(float_raw_inf(f, y.sign ^ (lsign < 0)));
    }
    if (float_denormal_check(env, &x, &y)) {
        return fy;
    }
    if (y.cls == FLOAT_CLASS_ZERO || lsign == 0) {
        return fx80_zero(y.sign ^ (lsign < 0));
    }
    if (x.sig == (1ULL << 63)) {
        return yl2_pow2(env, &y, x.exp);
    }
    Xf l = xf_log2(xf_from_unp(&x));
    return xf_round(env, xf_mul(xf_from_unp(&y), l), true);
}

Fx80 fx80_yl2xp1(FloatEnv *env, Fx80 fx, Fx80 fy)
{
    FloatUnp x = float_unp_fx80(fx), y = float_unp_fx80(fy);
    const FloatFmt *f = &float_fmt_x80;
    if (x.cls == FLOAT_CLASS_UNSUPPORTED || y.cls == FLOAT_CLASS_UNSUPPORTED) {
        return float_raw_to_fx80(float_invalid(env, f));
    }
    if (unp_is_nan(&x) || unp_is_nan(&y)) {
        return float_raw_to_fx80(float_propagate_nan(env, f, &x, &y));
    }
    /* Outside |x| < 1 - sqrt(2)/2 the x87 leaves the result undefined.
     * The P6 and later compute log2(1 + x) anyway while 1 + x > 0. For a
     * finite x <= -1 they hand x back, inexact, unless y is a zero or an
     * infinity: then y times a negative number, exactly. */
    int lsign; /* sign of log2(1 + x) */
    if (x.cls == FLOAT_CLASS_ZERO) {
        lsign = 0;
    } else if (!x.sign) {
        lsign = 1;
    } else if (x.cls == FLOAT_CLASS_INF) {
        return float_raw_to_fx80(float_invalid(env, f));
    } else if (x.exp >= 0) {
        if (y.cls == FLOAT_CLASS_ZERO) {
            return fx80_zero(!y.sign);
        }
        if (y.cls == FLOAT_CLASS_INF) {
            return float_raw_to_fx80(float_raw_inf(f, !y.sign));
        }
        if (float_denormal_check(env, &y, NULL)) {
            return fy;
        }
        env->flags |= FLOAT_INEXACT;
        return fx;
    } else {
        lsign = -1;
    }
    if (x.cls == FLOAT_CLASS_INF || y.cls == FLOAT_CLASS_INF) {
        if (lsign == 0 || y.cls == FLOAT_CLASS_ZERO) {
            return float_raw_to_fx80(float_invalid(env, f));
        }
        float_denormal_check(env, &x, &y);
        return float_raw_to_fx80(float_raw_inf(f, y.sign ^ (lsign < 0)));
    }
    if (float_denormal_check(env, &x, &y)) {
        return fy;
    }
    if (y.cls == FLOAT_CLASS_ZERO || lsign == 0) {
        return fx80_zero(y.sign ^ x.sign);
    }
    Xf xx = xf_from_unp(&x), l;
    if (x.exp >= -1) {
        Xf t = xf_add(xf_from_int(1), xx); /* exact if a power of two */
        if (t.sig == (u128)1 << 127) {
            return yl2_pow2(env, &y, t.exp);
        }
    }
    if (x.exp < -1) {
        /* ln(1 + x) = 2 atanh(x / (2 + x)) keeps tiny x exact. */
        Xf s = xf_div(xx, xf_add(xf_from_int(2), xx));
        l = xf_mul(xf_ldexp(xf_atanh_series(s), 1), xf_inv_ln2);
    } else {
        l = xf_log2(xf_add(xf_from_int(1), xx));
    }
    return xf_round(env, xf_mul(xf_from_unp(&y), l), true);
}
