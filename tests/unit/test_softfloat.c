/*
 * The software floating point core: x87 special cases, rounding at each
 * precision and mode, exceptions, conversions, FPREM, transcendentals.
 * Expected values were computed offline (200+ bit arithmetic) and checked
 * against a real x87 where it is exact; they are hex constants here.
 */
#include "tests/unit/unit.h"

#include "cpu/softfloat.h"

#define X(se, m) fx80_make((se), (m))

#define CK_FX(got, ...) CK_FX_(got, __VA_ARGS__)
#define CK_FX_(got, se, m)                                                     \
    do {                                                                       \
        Fx80 g_ = (got);                                                       \
        ck_assert_msg(g_.sexp == (se) && g_.mant == (m),                       \
                      "%s = %04x:%016llx, want %04x:%016llx", #got, g_.sexp,   \
                      (unsigned long long)g_.mant, (unsigned)(se),             \
                      (unsigned long long)(m));                                \
    } while (0)

#define CK_FLAGS(env, want)                                                    \
    ck_assert_msg((env).flags == (want), "flags %#x, want %#x",                \
                  (unsigned)(env).flags, (unsigned)(want))

/* FCW: all masked, extended precision, @rc rounding. */
static FloatEnv env_rc(unsigned rc)
{
    return float_env_x87((uint16_t)(0x037f | rc << 10));
}

static FloatEnv env_pc(unsigned pc, unsigned rc)
{
    return float_env_x87((uint16_t)(0x007f | pc << 8 | rc << 10));
}

static const Fx80 one = {0x8000000000000000ULL, 0x3fff};
static const Fx80 two = {0x8000000000000000ULL, 0x4000};
static const Fx80 three = {0xc000000000000000ULL, 0x4000};
static const Fx80 m_one = {0x8000000000000000ULL, 0xbfff};
static const Fx80 inf = {0x8000000000000000ULL, 0x7fff};
static const Fx80 minf = {0x8000000000000000ULL, 0xffff};
/* The QNaN indefinite. */
#define INDEF 0xffff, 0xc000000000000000ULL

#define PE FLOAT_INEXACT
#define UP FLOAT_ROUNDED_UP

START_TEST(test_rounding_modes_and_precision)
{
    /* 1/3 at 64, 53 and 24 bits, in each direction. */
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_div(&e, one, three), 0x3ffd, 0xaaaaaaaaaaaaaaabULL);
    CK_FLAGS(e, PE | UP);
    e = env_rc(FLOAT_ROUND_DOWN);
    CK_FX(fx80_div(&e, one, three), 0x3ffd, 0xaaaaaaaaaaaaaaaaULL);
    CK_FLAGS(e, PE);
    e = env_rc(FLOAT_ROUND_ZERO);
    CK_FX(fx80_div(&e, one, three), 0x3ffd, 0xaaaaaaaaaaaaaaaaULL);
    e = env_pc(2, FLOAT_ROUND_NEAREST);
    CK_FX(fx80_div(&e, one, three), 0x3ffd, 0xaaaaaaaaaaaaa800ULL);
    CK_FLAGS(e, PE);
    e = env_pc(2, FLOAT_ROUND_UP);
    CK_FX(fx80_div(&e, one, three), 0x3ffd, 0xaaaaaaaaaaaab000ULL);
    CK_FLAGS(e, PE | UP);
    e = env_pc(0, FLOAT_ROUND_NEAREST);
    CK_FX(fx80_div(&e, one, three), 0x3ffd, 0xaaaaab0000000000ULL);
    e = env_pc(0, FLOAT_ROUND_DOWN);
    CK_FX(fx80_div(&e, one, three), 0x3ffd, 0xaaaaaa0000000000ULL);
    /* Negative: rounding down moves away from zero. */
    e = env_pc(0, FLOAT_ROUND_DOWN);
    CK_FX(fx80_div(&e, m_one, three), 0xbffd, 0xaaaaab0000000000ULL);
    CK_FLAGS(e, PE | UP);
    /* Ties to even: 1 + 2^-64 at 64 bits stays 1; 1 + 3*2^-64 goes up. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_add(&e, one, X(0x3fbf, 0x8000000000000000ULL)), 0x3fff,
          0x8000000000000000ULL);
    CK_FX(fx80_add(&e, one, X(0x3fc0, 0xc000000000000000ULL)), 0x3fff,
          0x8000000000000002ULL);
    /* Precision control leaves exact results alone and a square root
     * rounds at 53 bits. */
    e = env_pc(2, FLOAT_ROUND_NEAREST);
    CK_FX(fx80_add(&e, one, two), 0x4000, 0xc000000000000000ULL);
    CK_FLAGS(e, 0);
    CK_FX(fx80_sqrt(&e, two), 0x3fff, 0xb504f333f9de6800ULL);
}
END_TEST

START_TEST(test_zero_signs_and_invalid)
{
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_sub(&e, three, three), 0x0000, 0);
    e = env_rc(FLOAT_ROUND_DOWN);
    CK_FX(fx80_sub(&e, three, three), 0x8000, 0);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_add(&e, fx80_zero(true), fx80_zero(true)), 0x8000, 0);
    CK_FLAGS(e, 0);
    CK_FX(fx80_add(&e, inf, minf), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_mul(&e, inf, fx80_zero(false)), INDEF);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_div(&e, fx80_zero(false), fx80_zero(true)), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_div(&e, m_one, fx80_zero(false)), 0xffff,
          0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_DIVZERO);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_sqrt(&e, X(0xbfff, 0x8000000000000000ULL)), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_sqrt(&e, fx80_zero(true)), 0x8000, 0);
    CK_FLAGS(e, 0);
}
END_TEST

START_TEST(test_denormals)
{
    Fx80 tiny = X(0x0000, 0x0000000000000001ULL);   /* 2^-16445 */
    Fx80 pseudo = X(0x0000, 0x8000000000000000ULL); /* pseudo-denormal */
    Fx80 min_normal = X(0x0001, 0x8000000000000000ULL);
    ck_assert_int_eq(fx80_classify(tiny), FLOAT_CLASS_DENORMAL);
    ck_assert_int_eq(fx80_classify(pseudo), FLOAT_CLASS_DENORMAL);
    /* A denormal operand: DE; the exact denormal result is no underflow
     * while UE is masked. */
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_add(&e, tiny, fx80_zero(false)), 0x0000, 1);
    CK_FLAGS(e, FLOAT_DENORMAL);
    /* A pseudo-denormal is read as the same value; results are canonical. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_add(&e, pseudo, fx80_zero(false)), 0x0001,
          0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_DENORMAL);
    /* DE unmasked: the operation stops with DE alone. */
    e = float_env_x87(0x037d);
    fx80_mul(&e, tiny, three);
    CK_FLAGS(e, FLOAT_DENORMAL);
    /* A tiny inexact result: UE and PE (masked), denormal result. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_div(&e, min_normal, three), 0x0000, 0x2aaaaaaaaaaaaaabULL);
    CK_FLAGS(e, FLOAT_UNDERFLOW | PE | UP);
    /* UE unmasked: the result is wrapped by 2^24576, even when exact. */
    e = float_env_x87(0x036f);
    CK_FX(fx80_add(&e, tiny, fx80_zero(false)), 0x5fc2,
          0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_DENORMAL | FLOAT_UNDERFLOW);
    /* Tininess is after rounding: rounded up (24 bits) to the smallest
     * normal is not tiny; exact at 64 bits below it, then rounded to it
     * as a denormal, is. */
    e = env_pc(0, FLOAT_ROUND_UP);
    CK_FX(fx80_mul(&e, min_normal, X(0x3ffe, 0xfffffffc00000000ULL)), 0x0001,
          0x8000000000000000ULL);
    CK_FLAGS(e, PE | UP);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_mul(&e, min_normal, X(0x3ffe, 0xffffffffffffffffULL)), 0x0001,
          0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_UNDERFLOW | PE | UP);
    /* Storing to a double: masked underflow to zero (or up to the
     * smallest double), unmasked reports UE only. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_uint_eq(fx80_to_f64(&e, min_normal), 0);
    CK_FLAGS(e, FLOAT_UNDERFLOW | PE);
    e = env_rc(FLOAT_ROUND_UP);
    ck_assert_uint_eq(fx80_to_f64(&e, min_normal), 1);
    e = float_env_x87(0x036f);
    fx80_to_f64(&e, min_normal);
    CK_FLAGS(e, FLOAT_UNDERFLOW);
    /* Loading a denormal single: DE, normalized in the extended format. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_from_f32(&e, 0x00000001), 0x3f6a, 0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_DENORMAL);
}
END_TEST

START_TEST(test_overflow)
{
    Fx80 max = X(0x7ffe, 0xffffffffffffffffULL);
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_mul(&e, max, two), 0x7fff, 0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_OVERFLOW | PE | UP);
    e = env_rc(FLOAT_ROUND_ZERO);
    CK_FX(fx80_mul(&e, max, two), 0x7ffe, 0xffffffffffffffffULL);
    CK_FLAGS(e, FLOAT_OVERFLOW | PE);
    e = env_rc(FLOAT_ROUND_DOWN);
    CK_FX(fx80_mul(&e, max, two), 0x7ffe, 0xffffffffffffffffULL);
    e = env_rc(FLOAT_ROUND_DOWN);
    CK_FX(fx80_mul(&e, max, X(0xc000, 0x8000000000000000ULL)), 0xffff,
          0x8000000000000000ULL);
    /* Unmasked: the exponent wraps by 24576 and the result is kept. */
    e = float_env_x87(0x0377);
    CK_FX(fx80_mul(&e, X(0x7ffe, 0x8000000000000000ULL),
                   X(0x7ffe, 0x8000000000000000ULL)),
          0x5ffd, 0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_OVERFLOW);
    /* ... but a float store only reports OE. */
    e = float_env_x87(0x0377);
    fx80_to_f32(&e, max);
    CK_FLAGS(e, FLOAT_OVERFLOW);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_uint_eq(fx80_to_f32(&e, max), 0x7f800000);
    CK_FLAGS(e, FLOAT_OVERFLOW | PE | UP);
    /* FSCALE beyond the wrapped range gives infinity even unmasked. */
    e = float_env_x87(0x0377);
    CK_FX(fx80_scale(&e, one, X(0x400e, 0xc000000000000000ULL)), 0x7fff,
          0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_OVERFLOW | PE | UP);
}
END_TEST

START_TEST(test_nan_rules)
{
    Fx80 qa = X(0x7fff, 0xc000000000000001ULL);
    Fx80 qb = X(0xffff, 0xc000000000000002ULL);
    Fx80 sa = X(0x7fff, 0xa000000000000000ULL);
    Fx80 sb = X(0x7fff, 0xa000000000000001ULL);
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    /* Two QNaNs: the larger significand, whatever the order. */
    CK_FX(fx80_add(&e, qa, qb), 0xffff, 0xc000000000000002ULL);
    CK_FX(fx80_mul(&e, qb, qa), 0xffff, 0xc000000000000002ULL);
    CK_FLAGS(e, 0);
    /* An SNaN and a QNaN: the QNaN, and IE. */
    CK_FX(fx80_sub(&e, sb, qa), 0x7fff, 0xc000000000000001ULL);
    CK_FLAGS(e, FLOAT_INVALID);
    /* Two SNaNs: the larger, quieted. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_div(&e, sa, sb), 0x7fff, 0xe000000000000001ULL);
    /* An SNaN and a number: the SNaN quieted. */
    CK_FX(fx80_add(&e, one, sa), 0x7fff, 0xe000000000000000ULL);
    CK_FLAGS(e, FLOAT_INVALID);
    /* Equal significands: the positive one. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_add(&e, X(0xffff, 0xc000000000000001ULL), qa), 0x7fff,
          0xc000000000000001ULL);
    /* A QNaN with a denormal: no DE (the NaN decides first). */
    CK_FX(fx80_mul(&e, qa, X(0x0000, 1)), 0x7fff, 0xc000000000000001ULL);
    CK_FLAGS(e, 0);
    /* To float: SNaN quieted, payload truncated; from float: kept. */
    ck_assert_uint_eq(fx80_to_f32(&e, sa), 0x7fe00000);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_from_f32(&e, 0x7f800001), 0x7fff, 0xc000010000000000ULL);
    CK_FLAGS(e, FLOAT_INVALID);
    /* SSE picks the first operand, x87 the larger. */
    FloatEnv sse = {.round = FLOAT_ROUND_NEAREST, .precision = 64,
                    .masks = FLOAT_ALL_EXC, .nan_rule = FLOAT_NAN_SSE};
    ck_assert_uint_eq(f32_add(&sse, 0x7fc00001, 0x7fc00002), 0x7fc00001);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_uint_eq(f32_add(&e, 0x7fc00001, 0x7fc00002), 0x7fc00002);
}
END_TEST

START_TEST(test_unsupported_encodings)
{
    Fx80 unnormal = X(0x4000, 0x4000000000000000ULL);
    Fx80 pinf = X(0x7fff, 0x0000000000000000ULL);
    Fx80 pnan = X(0x7fff, 0x4000000000000000ULL);
    ck_assert_int_eq(fx80_classify(unnormal), FLOAT_CLASS_UNSUPPORTED);
    ck_assert_int_eq(fx80_classify(pinf), FLOAT_CLASS_UNSUPPORTED);
    ck_assert_int_eq(fx80_classify(pnan), FLOAT_CLASS_UNSUPPORTED);
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_add(&e, unnormal, one), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
    /* Unsupported beats a QNaN. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_mul(&e, X(0x7fff, 0xc000000000000001ULL), pnan), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(fx80_compare(&e, float_unp_fx80(pinf),
                                  float_unp_fx80(one), true),
                     FLOAT_UNORDERED);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_uint_eq(fx80_to_f64(&e, unnormal), 0xfff8000000000000ULL);
    ck_assert_int_eq(fx80_to_int(&e, unnormal, 32, 0), INT32_MIN);
}
END_TEST

START_TEST(test_compare)
{
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
#define CMP(a, b, q) fx80_compare(&e, float_unp_fx80(a), float_unp_fx80(b), q)
    ck_assert_int_eq(CMP(fx80_zero(false), fx80_zero(true), false),
                     FLOAT_EQUAL);
    ck_assert_int_eq(CMP(m_one, one, false), FLOAT_LESS);
    ck_assert_int_eq(CMP(inf, X(0x7ffe, ~0ULL), false), FLOAT_GREATER);
    ck_assert_int_eq(CMP(minf, m_one, false), FLOAT_LESS);
    ck_assert_int_eq(CMP(X(0xbfff, 0xc000000000000000ULL), m_one, false),
                     FLOAT_LESS);
    CK_FLAGS(e, 0);
    Fx80 q = X(0x7fff, 0xc000000000000000ULL);
    ck_assert_int_eq(CMP(q, one, true), FLOAT_UNORDERED); /* FUCOM */
    CK_FLAGS(e, 0);
    ck_assert_int_eq(CMP(q, one, false), FLOAT_UNORDERED); /* FCOM */
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(CMP(X(0x7fff, 0xa000000000000000ULL), one, true),
                     FLOAT_UNORDERED);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(CMP(X(0x0000, 2), X(0x0000, 1), false), FLOAT_GREATER);
    CK_FLAGS(e, FLOAT_DENORMAL);
    /* FICOM-style: against an integer. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(fx80_compare(&e, float_unp_fx80(three),
                                  float_unp_int(3), false), FLOAT_EQUAL);
#undef CMP
}
END_TEST

START_TEST(test_integer_conversions)
{
    Fx80 two_half = X(0x4000, 0xa000000000000000ULL);
    Fx80 m_two_half = X(0xc000, 0xa000000000000000ULL);
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(fx80_to_int(&e, two_half, 16, FLOAT_ROUND_NEAREST), 2);
    CK_FLAGS(e, PE);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(fx80_to_int(&e, two_half, 16, FLOAT_ROUND_UP), 3);
    CK_FLAGS(e, PE | UP);
    ck_assert_int_eq(fx80_to_int(&e, m_two_half, 32, FLOAT_ROUND_DOWN), -3);
    ck_assert_int_eq(fx80_to_int(&e, m_two_half, 32, FLOAT_ROUND_ZERO), -2);
    /* The edges of int16: -32768 fits, 32767.5 rounds out of range. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(fx80_to_int(&e, X(0xc00e, 0x8000000000000000ULL), 16,
                                 FLOAT_ROUND_NEAREST), -32768);
    CK_FLAGS(e, 0);
    ck_assert_int_eq(fx80_to_int(&e, X(0x400d, 0xffff000000000000ULL), 16,
                                 FLOAT_ROUND_NEAREST), INT16_MIN);
    CK_FLAGS(e, FLOAT_INVALID);
    /* int64: 2^63 overflows, -2^63 fits; NaN and infinity invalid. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(fx80_to_int(&e, X(0x403e, 0x8000000000000000ULL), 64,
                                 FLOAT_ROUND_NEAREST), INT64_MIN);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert_int_eq(fx80_to_int(&e, X(0xc03e, 0x8000000000000000ULL), 64,
                                 FLOAT_ROUND_NEAREST), INT64_MIN);
    CK_FLAGS(e, 0);
    ck_assert_int_eq(fx80_to_int(&e, inf, 32, 0), INT32_MIN);
    CK_FLAGS(e, FLOAT_INVALID);
    /* Integers load exactly. */
    CK_FX(fx80_from_int(INT64_MIN), 0xc03e, 0x8000000000000000ULL);
    CK_FX(fx80_from_int(-16445), 0xc00d, 0x807a000000000000ULL);
    CK_FX(fx80_from_int(0), 0x0000, 0);
}
END_TEST

START_TEST(test_float_conversions)
{
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    Fx80 third = X(0x3ffd, 0xaaaaaaaaaaaaaaabULL);
    ck_assert_uint_eq(fx80_to_f32(&e, third), 0x3eaaaaab);
    CK_FLAGS(e, PE | UP);
    e = env_rc(FLOAT_ROUND_ZERO);
    ck_assert_uint_eq(fx80_to_f64(&e, third), 0x3fd5555555555555ULL);
    CK_FLAGS(e, PE);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_from_f64(&e, 0x7fefffffffffffffULL), 0x43fe,
          0xfffffffffffff800ULL);
    CK_FX(fx80_from_f64(&e, 0x8000000000000000ULL), 0x8000, 0);
    CK_FX(fx80_from_f32(&e, 0xff800000), 0xffff, 0x8000000000000000ULL);
    CK_FLAGS(e, 0);
    /* A denormal double result, exactly representable: no flags. */
    ck_assert_uint_eq(fx80_to_f64(&e, X(0x3bcd, 0x8000000000000000ULL)), 1);
    CK_FLAGS(e, 0);
}
END_TEST

START_TEST(test_bcd)
{
    uint8_t b[10];
    static const uint8_t big[10] = {0x99, 0x99, 0x99, 0x99, 0x99,
                                    0x99, 0x99, 0x99, 0x99, 0x00};
    static const uint8_t indef[10] = {0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff};
    static const uint8_t neg[10] = {0x21, 0x43, 0x65, 0x87, 0x09,
                                    0, 0, 0, 0, 0x80};
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    fx80_to_bcd(&e, fx80_from_int(999999999999999999LL), b);
    ck_assert_mem_eq(b, big, 10);
    CK_FLAGS(e, 0);
    fx80_to_bcd(&e, fx80_from_int(1000000000000000000LL), b);
    ck_assert_mem_eq(b, indef, 10);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    fx80_to_bcd(&e, X(0xbffe, 0x8000000000000000ULL), b); /* -0.5 -> -0 */
    ck_assert_uint_eq(b[0], 0);
    ck_assert_uint_eq(b[9], 0x80);
    CK_FLAGS(e, PE);
    CK_FX(fx80_from_bcd(neg), 0xc01c, 0xeb79a2c400000000ULL);
}
END_TEST

START_TEST(test_fprem)
{
    uint64_t q;
    bool partial;
    Fx80 seven = fx80_from_int(7), five = fx80_from_int(5);
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_rem(&e, seven, two, false, &q, &partial), 0x3fff,
          0x8000000000000000ULL);
    ck_assert_uint_eq(q, 3);
    ck_assert(!partial);
    /* FPREM1 rounds the quotient to nearest even: 7/2 -> 4, rem -1. */
    CK_FX(fx80_rem(&e, seven, two, true, &q, &partial), 0xbfff,
          0x8000000000000000ULL);
    ck_assert_uint_eq(q, 4);
    CK_FX(fx80_rem(&e, five, three, false, &q, &partial), 0x4000,
          0x8000000000000000ULL);
    CK_FX(fx80_rem(&e, five, three, true, &q, &partial), 0xbfff,
          0x8000000000000000ULL);
    ck_assert_uint_eq(q, 2);
    CK_FLAGS(e, 0);
    /* An exponent gap of 201: a partial remainder, as the x87 gives it
     * (reduced by 32 + 201 % 32 bits). */
    CK_FX(fx80_rem(&e, X(0x40c8, 0xc90fdaa22168c234ULL),
                   X(0x3fff, 0xc90fdaa22168c235ULL), false, &q, &partial),
          0x409f, 0xc90fd8a22168c235ULL);
    ck_assert(partial);
    /* Infinite dividend or zero divisor: invalid; infinite divisor: the
     * dividend. */
    CK_FX(fx80_rem(&e, inf, one, false, &q, &partial), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_rem(&e, three, inf, false, &q, &partial), 0x4000,
          0xc000000000000000ULL);
    CK_FLAGS(e, 0);
}
END_TEST

START_TEST(test_round_scale_extract)
{
    Fx80 two_half = X(0x4000, 0xa000000000000000ULL);
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_round_to_int(&e, two_half), 0x4000, 0x8000000000000000ULL);
    CK_FLAGS(e, PE);
    e = env_rc(FLOAT_ROUND_UP);
    CK_FX(fx80_round_to_int(&e, two_half), 0x4000, 0xc000000000000000ULL);
    CK_FLAGS(e, PE | UP);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_round_to_int(&e, X(0xbffe, 0x8000000000000000ULL)), 0x8000,
          0);
    /* FSCALE: 1.5 * 2^10, a denormal result, +inf and -inf scales. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_scale(&e, X(0x3fff, 0xc000000000000000ULL),
                     fx80_from_int(10)), 0x4009, 0xc000000000000000ULL);
    CK_FX(fx80_scale(&e, one, fx80_from_int(-16400)), 0x0000,
          0x0000200000000000ULL);
    CK_FLAGS(e, 0);
    CK_FX(fx80_scale(&e, one, minf), 0x0000, 0);
    CK_FX(fx80_scale(&e, fx80_zero(false), inf), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
    /* FXTRACT */
    Fx80 ex, sig;
    e = env_rc(FLOAT_ROUND_NEAREST);
    fx80_extract(&e, fx80_from_int(12), &ex, &sig);
    CK_FX(ex, 0x4000, 0xc000000000000000ULL);
    CK_FX(sig, 0x3fff, 0xc000000000000000ULL);
    fx80_extract(&e, X(0x0000, 1), &ex, &sig);
    CK_FX(ex, 0xc00d, 0x807a000000000000ULL);
    CK_FX(sig, 0x3fff, 0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_DENORMAL);
    e = env_rc(FLOAT_ROUND_NEAREST);
    fx80_extract(&e, fx80_zero(true), &ex, &sig);
    CK_FX(ex, 0xffff, 0x8000000000000000ULL);
    CK_FX(sig, 0x8000, 0);
    CK_FLAGS(e, FLOAT_DIVZERO);
}
END_TEST

START_TEST(test_constants)
{
    CK_FX(fx80_const(FX80_CONST_PI, FLOAT_ROUND_NEAREST), 0x4000,
          0xc90fdaa22168c235ULL);
    CK_FX(fx80_const(FX80_CONST_PI, FLOAT_ROUND_DOWN), 0x4000,
          0xc90fdaa22168c234ULL);
    CK_FX(fx80_const(FX80_CONST_L2T, FLOAT_ROUND_NEAREST), 0x4000,
          0xd49a784bcd1b8afeULL);
    CK_FX(fx80_const(FX80_CONST_L2T, FLOAT_ROUND_UP), 0x4000,
          0xd49a784bcd1b8affULL);
    CK_FX(fx80_const(FX80_CONST_L2E, FLOAT_ROUND_NEAREST), 0x3fff,
          0xb8aa3b295c17f0bcULL);
    CK_FX(fx80_const(FX80_CONST_L2E, FLOAT_ROUND_ZERO), 0x3fff,
          0xb8aa3b295c17f0bbULL);
    CK_FX(fx80_const(FX80_CONST_LG2, FLOAT_ROUND_NEAREST), 0x3ffd,
          0x9a209a84fbcff799ULL);
    CK_FX(fx80_const(FX80_CONST_LG2, FLOAT_ROUND_DOWN), 0x3ffd,
          0x9a209a84fbcff798ULL);
    CK_FX(fx80_const(FX80_CONST_LN2, FLOAT_ROUND_NEAREST), 0x3ffe,
          0xb17217f7d1cf79acULL);
    CK_FX(fx80_const(FX80_CONST_LN2, FLOAT_ROUND_ZERO), 0x3ffe,
          0xb17217f7d1cf79abULL);
}
END_TEST

START_TEST(test_trig)
{
    Fx80 r, c;
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert(fx80_sin(&e, one, &r));
    CK_FX(r, 0x3ffe, 0xd76aa47848677021ULL);
    CK_FLAGS(e, PE | UP);
    ck_assert(fx80_cos(&e, one, &r));
    CK_FX(r, 0x3ffe, 0x8a51407da8345c92ULL);
    ck_assert(fx80_tan(&e, X(0x3ffe, 0x8000000000000000ULL), &r));
    CK_FX(r, 0x3ffe, 0x8bda7adf9a3a5219ULL);
    /* Large arguments are reduced modulo the x87's 66-bit pi, as the
     * hardware does: 2^62 * 1.5, and a value 2^-67 away from a multiple
     * of the true pi/2 (a continued-fraction convergent of pi), whose
     * true sine is -1 and cosine about 2^-69. Expected: an Intel Xeon's
     * results. */
    ck_assert(fx80_sin(&e, X(0x403d, 0xc000000000000000ULL), &r));
    CK_FX(r, 0xbffd, 0xc3e85dbd8e174203ULL);
    Fx80 hard = X(0x403b, 0x92ebc57f85963e64ULL);
    ck_assert(fx80_sincos(&e, hard, &r, &c));
    CK_FX(r, 0xbffe, 0xffffe7a6c2840cb5ULL);
    CK_FX(c, 0x3ff5, 0xdf4e84523ebb88e6ULL);
    ck_assert(fx80_tan(&e, hard, &r));
    CK_FX(r, 0xc008, 0x92bd5b0470eb218fULL);
    ck_assert(fx80_cos(&e, X(0x3fee, 0xa7c5ac471b478423ULL), &r));
    CK_FX(r, 0x3ffe, 0xffffffffc906404cULL);
    /* Zero is exact; 2^63 is out of range (C2), infinity invalid. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert(fx80_sin(&e, fx80_zero(true), &r));
    CK_FX(r, 0x8000, 0);
    ck_assert(fx80_cos(&e, fx80_zero(false), &r));
    CK_FX(r, 0x3fff, 0x8000000000000000ULL);
    CK_FLAGS(e, 0);
    ck_assert(!fx80_sin(&e, X(0x403e, 0x8000000000000000ULL), &r));
    CK_FLAGS(e, 0);
    ck_assert(fx80_cos(&e, minf, &r));
    CK_FX(r, INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
}
END_TEST

START_TEST(test_atan_exp_log)
{
    FloatEnv e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_atan2(&e, one, m_one), 0x4000, 0x96cbe3f9990e91a8ULL);
    CK_FX(fx80_atan2(&e, fx80_from_int(-3), fx80_from_int(4)), 0xbffe,
          0xa4bc7d1934f70924ULL);
    CK_FX(fx80_atan2(&e, X(0x0305, 0x8000000000000000ULL), one), 0x0305,
          0x8000000000000000ULL);
    CK_FX(fx80_atan2(&e, inf, minf), 0x4000, 0x96cbe3f9990e91a8ULL);
    CK_FX(fx80_atan2(&e, fx80_zero(false), fx80_zero(true)), 0x4000,
          0xc90fdaa22168c235ULL);
    CK_FX(fx80_atan2(&e, fx80_zero(true), one), 0x8000, 0);
    CK_FX(fx80_2xm1(&e, X(0x3ffe, 0xc000000000000000ULL)), 0x3ffe,
          0xae89f995ad3ad5e8ULL);
    CK_FX(fx80_2xm1(&e, X(0xbffe, 0xc000000000000000ULL)), 0xbffd,
          0xcf901f5ce48ead21ULL);
    CK_FX(fx80_2xm1(&e, X(0x3fb9, 0x8000000000000000ULL)), 0x3fb8,
          0xb17217f7d1cf79acULL);
    /* A tiny argument times the x87's 68-bit ln 2 (the true ln 2 would
     * round up to ...dfa), as an Intel Xeon computes it. */
    CK_FX(fx80_2xm1(&e, X(0xbf9c, 0xf8f32a849b4866f4ULL)), 0xbf9c,
          0xac8f13fd75e26df9ULL);
    /* Exact results are exact, but flagged inexact (as the x87 does for
     * any computed result); zeros are exact. */
    e = env_rc(FLOAT_ROUND_UP);
    CK_FX(fx80_2xm1(&e, one), 0x3fff, 0x8000000000000000ULL);
    CK_FX(fx80_2xm1(&e, m_one), 0xbffe, 0x8000000000000000ULL);
    CK_FX(fx80_yl2x(&e, fx80_from_int(8), three), 0x4002,
          0x9000000000000000ULL);
    CK_FLAGS(e, PE);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_yl2x(&e, one, three), 0x0000, 0);
    CK_FX(fx80_2xm1(&e, fx80_zero(true)), 0x8000, 0);
    CK_FLAGS(e, 0);
    /* Outside the architected domains the P6 hands the operand back:
     * F2XM1 with |x| > 1, FYL2XP1 with x <= -1. */
    CK_FX(fx80_2xm1(&e, fx80_from_int(-3)), 0xc000, 0xc000000000000000ULL);
    CK_FX(fx80_yl2xp1(&e, m_one, three), 0xbfff, 0x8000000000000000ULL);
    CK_FLAGS(e, PE);
    CK_FX(fx80_yl2xp1(&e, fx80_from_int(3), three), 0x4001,
          0xc000000000000000ULL);
    CK_FX(fx80_yl2x(&e, three, fx80_from_int(7)), 0x4002,
          0xb1840b795e2ddb56ULL);
    CK_FX(fx80_yl2xp1(&e, X(0x3fdd, 0xdbe6fecebdedd5bfULL), one), 0x3fde,
          0x9ea0415b6f908c1fULL);
    /* log2(0): ZE; of a negative number: IE. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_yl2x(&e, fx80_zero(false), one), 0xffff,
          0x8000000000000000ULL);
    CK_FLAGS(e, FLOAT_DIVZERO);
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_yl2x(&e, m_one, one), INDEF);
    CK_FLAGS(e, FLOAT_INVALID);
}
END_TEST

/* Where the x87 transcendentals are not the correctly rounded function:
 * what an Intel Xeon gives (docs/cpu-flags.md). */
START_TEST(test_trans_hardware)
{
    Fx80 r;
    /* FSIN, FCOS of |x| < 2^-68: x and 1, inexact, in every mode (the
     * correctly rounded sine would be one below in this mode). */
    FloatEnv e = env_rc(FLOAT_ROUND_ZERO);
    ck_assert(fx80_sin(&e, X(0x3fb9, 0xc000000000000001ULL), &r));
    CK_FX(r, 0x3fb9, 0xc000000000000001ULL);
    CK_FLAGS(e, PE);
    e = env_rc(FLOAT_ROUND_ZERO);
    ck_assert(fx80_cos(&e, X(0x3fb9, 0xc000000000000001ULL), &r));
    CK_FX(r, 0x3fff, 0x8000000000000000ULL);
    CK_FLAGS(e, PE);
    /* A denormal: itself, with DE, UE and PE. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    ck_assert(fx80_sin(&e, X(0x0000, 0x12345678ULL), &r));
    CK_FX(r, 0x0000, 0x12345678ULL);
    CK_FLAGS(e, FLOAT_DENORMAL | FLOAT_UNDERFLOW | PE);
    /* FYL2XP1 of x <= -1 with a zero or infinite y: y times a negative
     * number, exactly. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_yl2xp1(&e, X(0xbfff, 0xc000000000000000ULL),
                      fx80_zero(false)), 0x8000, 0);
    CK_FX(fx80_yl2xp1(&e, X(0xbfff, 0xc000000000000000ULL), inf), 0xffff,
          0x8000000000000000ULL);
    CK_FLAGS(e, 0);
    /* log2(0.5) comes out a hair above -1. */
    e = env_rc(FLOAT_ROUND_ZERO);
    CK_FX(fx80_yl2x(&e, X(0x3ffe, 0x8000000000000000ULL), one), 0xbffe,
          0xffffffffffffffffULL);
    CK_FLAGS(e, PE);
    /* log2(1 + 1) is exactly 1: no overflow rounding up. */
    e = env_rc(FLOAT_ROUND_UP);
    CK_FX(fx80_yl2xp1(&e, one, X(0x7ffe, 0xffffffffffffffffULL)), 0x7ffe,
          0xffffffffffffffffULL);
    CK_FLAGS(e, PE);
    /* An exact but tiny y * log2(8): inexact, so underflow; with UE
     * unmasked the result is scaled by 2^24576. */
    e = env_rc(FLOAT_ROUND_NEAREST);
    CK_FX(fx80_yl2x(&e, X(0x4002, 0x8000000000000000ULL), X(0x0000, 1)),
          0x0000, 3);
    CK_FLAGS(e, FLOAT_DENORMAL | FLOAT_UNDERFLOW | PE);
    e = float_env_x87(0x0f6f);
    CK_FX(fx80_yl2x(&e, X(0x4002, 0x8000000000000000ULL), X(0x0000, 1)),
          0x5fc3, 0xc000000000000000ULL);
    CK_FLAGS(e, FLOAT_DENORMAL | FLOAT_UNDERFLOW | PE);
    /* FPATAN of y / x below 2^-40: y / x itself. */
    e = env_rc(FLOAT_ROUND_ZERO);
    CK_FX(fx80_atan2(&e, X(0x3fd6, 0xc000000000000001ULL), one), 0x3fd6,
          0xc000000000000001ULL);
    CK_FLAGS(e, PE);
    /* An unmasked DE stops FPATAN even with an infinite operand. */
    e = float_env_x87(0x0360);
    fx80_atan2(&e, minf, X(0x8000, 0x1234));
    CK_FLAGS(e, FLOAT_DENORMAL);
}
END_TEST

START_TEST(test_sse_formats)
{
    FloatEnv sse = {.round = FLOAT_ROUND_NEAREST, .precision = 64,
                    .masks = FLOAT_ALL_EXC, .nan_rule = FLOAT_NAN_SSE};
    FloatEnv e = sse;
    /* 1 + 2^-24: a tie, to even (1); upward to the next float. */
    ck_assert_uint_eq(f32_add(&e, 0x3f800000, 0x33800000), 0x3f800000);
    CK_FLAGS(e, PE);
    e = sse;
    e.round = FLOAT_ROUND_UP;
    ck_assert_uint_eq(f32_add(&e, 0x3f800000, 0x33800000), 0x3f800001);
    e = sse;
    ck_assert_uint_eq(f32_sqrt(&e, 0x40000000), 0x3fb504f3);
    ck_assert_uint_eq(f64_div(&e, 0x3ff0000000000000ULL, 0),
                      0x7ff0000000000000ULL);
    CK_FLAGS(e, PE | FLOAT_DIVZERO);
    /* DAZ: a denormal operand is zero, silently; without it: DE. */
    e = sse;
    ck_assert_uint_eq(f32_add(&e, 0x00000001, 0), 0x00000001);
    CK_FLAGS(e, FLOAT_DENORMAL);
    e = sse;
    e.daz = true;
    ck_assert_uint_eq(f32_add(&e, 0x00000001, 0), 0);
    CK_FLAGS(e, 0);
    /* FTZ: a tiny result becomes zero with UE and PE. */
    e = sse;
    ck_assert_uint_eq(f32_mul(&e, 0x00800000, 0x3f000000), 0x00400000);
    CK_FLAGS(e, 0);
    e = sse;
    e.ftz = true;
    ck_assert_uint_eq(f32_mul(&e, 0x00800000, 0x3f000000), 0);
    CK_FLAGS(e, FLOAT_UNDERFLOW | PE);
    /* Conversions: truncation, the integer indefinite, NaN narrowing. */
    e = sse;
    ck_assert_int_eq(f64_to_int(&e, 0x400d99999999999aULL, 32,
                                FLOAT_ROUND_ZERO), 3);
    CK_FLAGS(e, PE);
    e = sse;
    ck_assert_int_eq(f64_to_int(&e, 0x4202a05f20000000ULL, 32,
                                FLOAT_ROUND_NEAREST), INT32_MIN);
    CK_FLAGS(e, FLOAT_INVALID);
    e = sse;
    ck_assert_uint_eq(f64_to_f32(&e, 0x7ff0000000000001ULL), 0x7fc00000);
    CK_FLAGS(e, FLOAT_INVALID);
    e = sse;
    ck_assert_uint_eq(f32_to_f64(&e, 0x3eaaaaab), 0x3fd5555560000000ULL);
    ck_assert_uint_eq(f64_from_int(&e, -3), 0xc008000000000000ULL);
    ck_assert_uint_eq(f32_from_int(&e, 16777217), 0x4b800000);
    CK_FLAGS(e, PE);
    e = sse;
    ck_assert_int_eq(f32_compare(&e, 0x7fc00000, 0x3f800000, true),
                     FLOAT_UNORDERED);
    CK_FLAGS(e, 0);
    ck_assert_int_eq(f64_compare(&e, 0x8000000000000000ULL, 0, false),
                     FLOAT_EQUAL);
    ck_assert_int_eq(f64_compare(&e, 0xbff0000000000000ULL,
                                 0x3ff0000000000000ULL, false),
                     FLOAT_LESS);
}
END_TEST

Suite *suite_softfloat(void)
{
    Suite *s = suite_create("softfloat");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_rounding_modes_and_precision);
    tcase_add_test(tc, test_zero_signs_and_invalid);
    tcase_add_test(tc, test_denormals);
    tcase_add_test(tc, test_overflow);
    tcase_add_test(tc, test_nan_rules);
    tcase_add_test(tc, test_unsupported_encodings);
    tcase_add_test(tc, test_compare);
    tcase_add_test(tc, test_integer_conversions);
    tcase_add_test(tc, test_float_conversions);
    tcase_add_test(tc, test_bcd);
    tcase_add_test(tc, test_fprem);
    tcase_add_test(tc, test_round_scale_extract);
    tcase_add_test(tc, test_constants);
    suite_add_tcase(s, tc);
    TCase *tr = tcase_create("transcendental");
    tcase_add_test(tr, test_trig);
    tcase_add_test(tr, test_atan_exp_log);
    tcase_add_test(tr, test_trans_hardware);
    suite_add_tcase(s, tr);
    TCase *ts = tcase_create("sse");
    tcase_add_test(ts, test_sse_formats);
    suite_add_tcase(s, ts);
    return s;
}
