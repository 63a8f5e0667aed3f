/*
 * SSE floating point, element by element (cpu/sse_fp.c): rounding modes,
 * DAZ and FTZ, the six flags with masked and unmasked responses, the
 * operand-order rules of NaNs and MIN/MAX, compare predicates, the
 * conversions and their integer indefinite, and the RCP/RSQRT tables.
 * Expected values were checked against an Intel processor (the same
 * operations through ADDSS, CMPSS, CVTSS2SI... with the same MXCSR).
 */
#include "tests/unit/unit.h"

#include "cpu/sse_fp.h"

#define IE FLOAT_INVALID
#define DE FLOAT_DENORMAL
#define ZE FLOAT_DIVZERO
#define OE FLOAT_OVERFLOW
#define UE FLOAT_UNDERFLOW
#define PE FLOAT_INEXACT

#define ONE32 0x3f800000u
#define TWO32 0x40000000u
#define THREE32 0x40400000u
#define SNAN32 0x7f800001u
#define QNAN32 0xffc12345u
#define INF32 0x7f800000u
#define MAX32 0x7f7fffffu
#define MIN_NORM32 0x00800000u
#define ONE64 0x3ff0000000000000ULL
#define THREE64 0x4008000000000000ULL

/* MXCSR: all masked, rounding @rc, plus @extra (DAZ, FZ). */
static FloatEnv env_of(unsigned rc, uint32_t extra)
{
    return ssefp_env(MXCSR_RESET | rc << MXCSR_RC_SHIFT | extra);
}

/* Flags without the x87-only rounded-up indication. */
static unsigned fl(const FloatEnv *e)
{
    return e->flags & FLOAT_ALL_EXC;
}

#define CK(env, got, want, flags_want)                                         \
    do {                                                                       \
        (env).flags = 0;                                                       \
        uint64_t g_ = (got);                                                   \
        ck_assert_msg(g_ == (uint64_t)(want), "%s = %#llx, want %#llx",      \
                      #got, (unsigned long long)g_,                            \
                      (unsigned long long)(want));                             \
        ck_assert_msg(fl(&(env)) == (flags_want), "%s: flags %#x, want %#x",   \
                      #got, fl(&(env)), (unsigned)(flags_want));               \
    } while (0)

START_TEST(test_rounding)
{
    /* 1/3 in float32 in each mode. */
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_arith(&e, SSEFP_DIV, false, ONE32, THREE32), 0x3eaaaaab, PE);
    e = env_of(FLOAT_ROUND_DOWN, 0);
    CK(e, ssefp_arith(&e, SSEFP_DIV, false, ONE32, THREE32), 0x3eaaaaaa, PE);
    e = env_of(FLOAT_ROUND_UP, 0);
    CK(e, ssefp_arith(&e, SSEFP_DIV, false, ONE32, THREE32), 0x3eaaaaab, PE);
    e = env_of(FLOAT_ROUND_ZERO, 0);
    CK(e, ssefp_arith(&e, SSEFP_DIV, false, 0xbf800000, THREE32), 0xbeaaaaaa,
       PE);
    /* float64: 1/3 to nearest and up. */
    e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_arith(&e, SSEFP_DIV, true, ONE64, THREE64),
       0x3fd5555555555555ULL, PE);
    e = env_of(FLOAT_ROUND_UP, 0);
    CK(e, ssefp_arith(&e, SSEFP_DIV, true, ONE64, THREE64),
       0x3fd5555555555556ULL, PE);
    /* Ties to even: 1 + 2^-24 stays 1, 1 + 3 * 2^-24 goes up. */
    e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, ONE32, 0x33800000), ONE32, PE);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, ONE32, 0x34400000), 0x3f800002,
       PE);
    /* x - x is -0 only when rounding down. */
    CK(e, ssefp_arith(&e, SSEFP_SUB, false, ONE32, ONE32), 0, 0);
    e = env_of(FLOAT_ROUND_DOWN, 0);
    CK(e, ssefp_arith(&e, SSEFP_SUB, false, ONE32, ONE32), 0x80000000, 0);
    /* sqrt(2) up and down. */
    e = env_of(FLOAT_ROUND_UP, 0);
    CK(e, ssefp_arith(&e, SSEFP_SQRT, false, 0, TWO32), 0x3fb504f4, PE);
    e = env_of(FLOAT_ROUND_DOWN, 0);
    CK(e, ssefp_arith(&e, SSEFP_SQRT, false, 0, TWO32), 0x3fb504f3, PE);
}
END_TEST

/* The host fast path's edges: exact and inexact results, and a product
 * tiny before rounding that rounds to the smallest normal (UE with PE). */
START_TEST(test_host_path_edges)
{
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, THREE32, THREE32), 0x41100000,
       0);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, ONE32, 0x33800000), ONE32, PE);
    CK(e, ssefp_arith(&e, SSEFP_SUB, false, THREE32, ONE32), TWO32, 0);
    CK(e, ssefp_arith(&e, SSEFP_DIV, false, THREE32, TWO32), 0x3fc00000, 0);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, 0x80800000u, 0x3f7fffffu),
       0x80800000u, UE | PE);
    CK(e, ssefp_arith(&e, SSEFP_MUL, true, THREE64, THREE64),
       0x4022000000000000ULL, 0);
    /* 1/3 * 3 in float64: 0x3fd5555555555555 * 3 = 1 - 2^-54, rounds to 1
     * and is inexact. */
    CK(e, ssefp_arith(&e, SSEFP_MUL, true, 0x3fd5555555555555ULL, THREE64),
       ONE64, PE);
    CK(e, ssefp_arith(&e, SSEFP_ADD, true, ONE64, 0x3ca0000000000000ULL),
       ONE64, PE);
    CK(e, ssefp_arith(&e, SSEFP_MUL, true, 0x8010000000000000ULL,
                      0x3fefffffffffffffULL),
       0x8010000000000000ULL, UE | PE);
}
END_TEST

START_TEST(test_specials_and_nans)
{
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    /* Invalid: inf - inf, 0 * inf, 0/0, sqrt(-1): the default NaN. */
    CK(e, ssefp_arith(&e, SSEFP_SUB, false, INF32, INF32), F32_DEFAULT_NAN,
       IE);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, 0, INF32), F32_DEFAULT_NAN, IE);
    CK(e, ssefp_arith(&e, SSEFP_DIV, true, 0, 0), F64_DEFAULT_NAN, IE);
    CK(e, ssefp_arith(&e, SSEFP_SQRT, false, 0, 0xbf800000), F32_DEFAULT_NAN,
       IE);
    CK(e, ssefp_arith(&e, SSEFP_SQRT, false, 0, 0x80000000), 0x80000000, 0);
    /* x/0: ZE and a signed infinity. */
    CK(e, ssefp_arith(&e, SSEFP_DIV, false, 0xc0000000, 0), 0xff800000, ZE);
    /* NaNs: the first operand's, quieted; an SNaN raises IE. */
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, SNAN32, QNAN32), 0x7fc00001, IE);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, QNAN32, SNAN32), QNAN32, IE);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, ONE32, SNAN32), 0x7fc00001, IE);
    CK(e, ssefp_arith(&e, SSEFP_ADD, true, ONE64, 0x7ff0000000000001ULL),
       0x7ff8000000000001ULL, IE);
}
END_TEST

START_TEST(test_denormals_daz_ftz)
{
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    /* A denormal operand: DE. */
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, 1, 1), 2, DE);
    /* The smallest normal halved: a tiny inexact-free result is no
     * underflow when masked; 3 * 2^-150 rounds: UE and PE. */
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, MIN_NORM32, 0x3f000000),
       0x00400000, 0);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, 0x00000003, 0x3f000000), 2,
       DE | UE | PE);
    /* DAZ: denormal operands are zeros, no DE. */
    e = env_of(FLOAT_ROUND_NEAREST, MXCSR_DAZ);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, 1, 1), 0, 0);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, 0x80000001, ONE32), ONE32, 0);
    /* FTZ: a tiny result becomes zero, with UE and PE. */
    e = env_of(FLOAT_ROUND_NEAREST, MXCSR_FZ);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, MIN_NORM32, 0xbf000000),
       0x80000000, UE | PE);
    /* ... even one that rounding up would make the smallest normal. */
    e = env_of(FLOAT_ROUND_UP, MXCSR_FZ);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, 0x00ffffff, 0x3f000000), 0,
       UE | PE);
}
END_TEST

START_TEST(test_overflow)
{
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, MAX32, MAX32), INF32, OE | PE);
    e = env_of(FLOAT_ROUND_ZERO, 0);
    CK(e, ssefp_arith(&e, SSEFP_ADD, false, MAX32, MAX32), MAX32, OE | PE);
    e = env_of(FLOAT_ROUND_DOWN, 0);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, MAX32, 0xc0000000), 0xff800000,
       OE | PE);
    CK(e, ssefp_arith(&e, SSEFP_MUL, false, MAX32, TWO32), MAX32, OE | PE);
}
END_TEST

START_TEST(test_unmasked_post)
{
    /* Unmasked OE/UE: the flag, and PE only when the result is inexact
     * at the format's precision with an unbounded exponent. */
    FloatEnv e = ssefp_env(MXCSR_RESET & ~(OE << MXCSR_MASK_SHIFT));
    e.flags = 0;
    ssefp_arith(&e, SSEFP_ADD, false, MAX32, MAX32);   /* 2 * MAX: exact */
    ck_assert_uint_eq(fl(&e), OE);
    e.flags = 0;
    ssefp_arith(&e, SSEFP_ADD, false, MAX32, 0x7f7ffffe);
    ck_assert_uint_eq(fl(&e), OE | PE);
    e = ssefp_env(MXCSR_RESET & ~(UE << MXCSR_MASK_SHIFT));
    e.flags = 0;
    ssefp_arith(&e, SSEFP_MUL, false, MIN_NORM32, 0x3f000000); /* exact */
    ck_assert_uint_eq(fl(&e), UE);
    e.flags = 0;
    ssefp_arith(&e, SSEFP_DIV, false, MIN_NORM32, THREE32);
    ck_assert_uint_eq(fl(&e), UE | PE);
    /* A conversion that overflows. */
    e = ssefp_env(MXCSR_RESET & ~(OE << MXCSR_MASK_SHIFT));
    e.flags = 0;
    ssefp_f64_to_f32(&e, 0x47f0000000000000ULL);       /* 2^128, exact */
    ck_assert_uint_eq(fl(&e), OE);
}
END_TEST

START_TEST(test_min_max)
{
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_arith(&e, SSEFP_MIN, false, ONE32, TWO32), ONE32, 0);
    CK(e, ssefp_arith(&e, SSEFP_MAX, false, ONE32, TWO32), TWO32, 0);
    /* Any NaN: IE, and the second operand as it is (even an SNaN). */
    CK(e, ssefp_arith(&e, SSEFP_MIN, false, QNAN32, ONE32), ONE32, IE);
    CK(e, ssefp_arith(&e, SSEFP_MIN, false, ONE32, SNAN32), SNAN32, IE);
    CK(e, ssefp_arith(&e, SSEFP_MAX, true, ONE64, 0xfff8000000000000ULL),
       0xfff8000000000000ULL, IE);
    /* Zeros of either sign are equal: the second. */
    CK(e, ssefp_arith(&e, SSEFP_MIN, false, 0, 0x80000000), 0x80000000, 0);
    CK(e, ssefp_arith(&e, SSEFP_MIN, false, 0x80000000, 0), 0, 0);
    /* Denormals: DE; with DAZ the flushed value comes back. */
    CK(e, ssefp_arith(&e, SSEFP_MAX, false, 5, 0x80000001), 5, DE);
    e = env_of(FLOAT_ROUND_NEAREST, MXCSR_DAZ);
    CK(e, ssefp_arith(&e, SSEFP_MAX, false, 5, 0x80000001), 0x80000000, 0);
}
END_TEST

START_TEST(test_compare)
{
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    /* Predicates on (1, 2): EQ LT LE UNORD NEQ NLT NLE ORD. */
    static const bool lt[8] = {0, 1, 1, 0, 1, 0, 0, 1};
    for (unsigned p = 0; p < 8; p++) {
        CK(e, ssefp_cmp(&e, p, false, ONE32, TWO32), lt[p], 0);
    }
    /* A QNaN: the quiet predicates (EQ UNORD NEQ ORD) raise nothing,
     * the others IE. */
    static const bool un[8] = {0, 0, 0, 1, 1, 1, 1, 0};
    static const unsigned un_fl[8] = {0, IE, IE, 0, 0, IE, IE, 0};
    for (unsigned p = 0; p < 8; p++) {
        CK(e, ssefp_cmp(&e, p, true, ONE64, 0x7ff8000000000000ULL), un[p],
           un_fl[p]);
    }
    /* An SNaN is always invalid. */
    CK(e, ssefp_cmp(&e, 0, false, SNAN32, ONE32), 0, IE);
    /* -0 == +0; a denormal raises DE unless DAZ. */
    CK(e, ssefp_cmp(&e, 0, false, 0x80000000, 0), 1, 0);
    CK(e, ssefp_cmp(&e, 0, false, 1, 0), 0, DE);
    e = env_of(FLOAT_ROUND_NEAREST, MXCSR_DAZ);
    CK(e, ssefp_cmp(&e, 0, false, 1, 0), 1, 0);
    /* COMISS signals on QNaNs, UCOMISS only on SNaNs. */
    e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_comi(&e, false, false, QNAN32, ONE32), FLOAT_UNORDERED, IE);
    CK(e, ssefp_comi(&e, true, false, QNAN32, ONE32), FLOAT_UNORDERED, 0);
    CK(e, ssefp_comi(&e, true, false, SNAN32, ONE32), FLOAT_UNORDERED, IE);
    CK(e, ssefp_comi(&e, true, false, TWO32, ONE32), FLOAT_GREATER, 0);
}
END_TEST

START_TEST(test_conversions)
{
    FloatEnv e = env_of(FLOAT_ROUND_NEAREST, 0);
    /* To integers: ties to even, truncation, the indefinite. */
    CK(e, ssefp_to_int(&e, false, 0x40200000, 32, false), 2, PE);   /* 2.5 */
    CK(e, ssefp_to_int(&e, false, 0x40600000, 32, false), 4, PE);   /* 3.5 */
    CK(e, ssefp_to_int(&e, false, 0xc0600000, 32, true), -3, PE);
    CK(e, ssefp_to_int(&e, false, 0x4f000000, 32, false),
       (int64_t)(int32_t)0x80000000, IE);                           /* 2^31 */
    CK(e, ssefp_to_int(&e, false, 0xcf000000, 32, false),
       (int64_t)(int32_t)0x80000000, 0);                            /* -2^31 */
    CK(e, ssefp_to_int(&e, true, 0x7ff8000000000000ULL, 32, true),
       (int64_t)(int32_t)0x80000000, IE);
    CK(e, ssefp_to_int(&e, true, 0xc1e0000000100000ULL, 32, true),
       (int64_t)(int32_t)0x80000000, PE);      /* -2^31 - 0.5 truncates */
    CK(e, ssefp_to_int(&e, true, 0x43e0000000000000ULL, 64, false),
       INT64_MIN, IE);
    /* A denormal: PE without DE; with DAZ, an exact 0. */
    CK(e, ssefp_to_int(&e, false, 1, 32, false), 0, PE);
    e = env_of(FLOAT_ROUND_UP, 0);
    CK(e, ssefp_to_int(&e, false, 1, 32, false), 1, PE);
    e = env_of(FLOAT_ROUND_UP, MXCSR_DAZ);
    CK(e, ssefp_to_int(&e, false, 1, 32, false), 0, 0);
    /* From integers. */
    e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_from_int(&e, false, 16777217), 0x4b800000, PE);
    CK(e, ssefp_from_int(&e, true, -1), 0xbff0000000000000ULL, 0);
    e = env_of(FLOAT_ROUND_UP, 0);
    CK(e, ssefp_from_int(&e, false, 16777217), 0x4b800001, PE);
    /* float32 <-> float64: SNaNs quieted with IE, denormals DE. */
    e = env_of(FLOAT_ROUND_NEAREST, 0);
    CK(e, ssefp_f32_to_f64(&e, SNAN32), 0x7ff8000020000000ULL, IE);
    CK(e, ssefp_f32_to_f64(&e, 1), 0x36a0000000000000ULL, DE);
    CK(e, ssefp_f64_to_f32(&e, 0x3fd5555555555555ULL), 0x3eaaaaab, PE);
    CK(e, ssefp_f64_to_f32(&e, 0x47f0000000000000ULL), INF32, OE | PE);
    e = env_of(FLOAT_ROUND_NEAREST, MXCSR_FZ);
    CK(e, ssefp_f64_to_f32(&e, 0x3690000000000000ULL), 0, UE | PE);
}
END_TEST

START_TEST(test_approximations)
{
    /* Intel's tables: 12 significant bits. */
    ck_assert_uint_eq(ssefp_rcp(ONE32), 0x3f7ff000);
    ck_assert_uint_eq(ssefp_rcp(THREE32), 0x3eaaa000);
    ck_assert_uint_eq(ssefp_rcp(0x80000000), 0xff800000);
    ck_assert_uint_eq(ssefp_rcp(1), INF32);           /* denormal: zero */
    ck_assert_uint_eq(ssefp_rcp(0x7e800000), 0);      /* result too small */
    ck_assert_uint_eq(ssefp_rcp(0x7e7fffff), 0x00800800);
    ck_assert_uint_eq(ssefp_rcp(SNAN32), 0x7fc00001);
    ck_assert_uint_eq(ssefp_rsqrt(ONE32), 0x3f7ff000);
    ck_assert_uint_eq(ssefp_rsqrt(MIN_NORM32), 0x5efff000);
    ck_assert_uint_eq(ssefp_rsqrt(0xbf800000), F32_DEFAULT_NAN);
    ck_assert_uint_eq(ssefp_rsqrt(0xff800000), F32_DEFAULT_NAN);
    ck_assert_uint_eq(ssefp_rsqrt(INF32), 0);
    ck_assert_uint_eq(ssefp_rsqrt(0x80000001), 0xff800000);
    /* No exceptions, whatever MXCSR says. */
    FloatEnv e = ssefp_env(0);
    e.flags = 0;
    ssefp_arith(&e, SSEFP_RCP, false, 0, 0);
    ssefp_arith(&e, SSEFP_RSQRT, false, 0, 0xbf800000);
    ck_assert_uint_eq(e.flags, 0);
}
END_TEST

Suite *suite_sse_fp(void)
{
    Suite *s = suite_create("sse_fp");
    TCase *tc = tcase_create("sse_fp");
    tcase_add_test(tc, test_rounding);
    tcase_add_test(tc, test_host_path_edges);
    tcase_add_test(tc, test_specials_and_nans);
    tcase_add_test(tc, test_denormals_daz_ftz);
    tcase_add_test(tc, test_overflow);
    tcase_add_test(tc, test_unmasked_post);
    tcase_add_test(tc, test_min_max);
    tcase_add_test(tc, test_compare);
    tcase_add_test(tc, test_conversions);
    tcase_add_test(tc, test_approximations);
    suite_add_tcase(s, tc);
    return s;
}
