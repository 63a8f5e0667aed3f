/*
 * The x87 fast path (cpu/fx80_fast.h) against the softfloat core: on
 * random operands built to hit the rounding boundaries (ties, carries
 * into the exponent, results at the edges of the exponent range), every
 * result the fast path gives must be softfloat's bit for bit, flags and
 * C1 included, and it must give one for most of them.
 */
#include "tests/unit/unit.h"

#include "cpu/fx80_fast.h"

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rnd(Rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dULL;
}

/* A significand with the J bit: random, or a pattern with long runs of
 * ones or zeros, or a tie at some precision. */
static uint64_t rnd_sig(Rng *r)
{
    uint64_t v = rnd(r);
    unsigned k = (unsigned)(rnd(r) % 8), at = (unsigned)(rnd(r) % 64);
    switch (k) {
    case 0: v = ~0ULL; break;
    case 1: v = 1ULL << 63; break;
    case 2: v |= (1ULL << at) - 1; break;               /* ...0111 */
    case 3: v &= ~((1ULL << at) - 1); break;            /* ...000 */
    case 4: v = (v & ~((2ULL << at) - 1)) | (1ULL << at); break; /* tie */
    case 5: v = (v & ~0x7ffULL) | 0x400; break;          /* f64 tie */
    case 6: v = (v & ~0xffffffffffULL) | 0x8000000000ULL; break; /* f32 */
    default: break;
    }
    return v | (1ULL << 63);
}

/* An exponent near @near, or anywhere, or at the edges. */
static unsigned rnd_exp(Rng *r, unsigned near)
{
    switch (rnd(r) % 6) {
    case 0: return 1 + (unsigned)(rnd(r) % 0x7ffe);
    case 1: return 1 + (unsigned)(rnd(r) % 80);
    case 2: return 0x7ffe - (unsigned)(rnd(r) % 80);
    case 3: return 0x3fff - 40 + (unsigned)(rnd(r) % 80);
    default: {
        int e = (int)near + (int)(rnd(r) % 140) - 70;
        return e < 1 ? 1 : e > 0x7ffe ? 0x7ffe : (unsigned)e;
    }
    }
}

static Fx80 rnd_fx80(Rng *r, unsigned near)
{
    uint16_t sign = (rnd(r) & 1) ? 0x8000 : 0;
    switch (rnd(r) % 24) {
    case 0: return fx80_make(sign, 0);                       /* zero */
    case 1: return fx80_make(sign, rnd(r) >> 1);             /* denormal */
    case 2: return fx80_make(sign | 0x7fff, 1ULL << 63);     /* infinity */
    case 3: return fx80_make(sign | 0x7fff, rnd(r) | 3ULL << 62);
    case 4: return fx80_make(sign | 0x1234, rnd(r) >> 1);    /* unnormal */
    default: return fx80_make(sign | rnd_exp(r, near), rnd_sig(r));
    }
}

static bool is_fast_result(Fx80 v)
{
    Fx80Fast n;
    return fx80f_unpack(v, &n);
}

#define CK_SAME(fast, slow, ffl, sfl, what)                                    \
    ck_assert_msg((fast).sexp == (slow).sexp && (fast).mant == (slow).mant &&  \
                      (ffl) == (sfl),                                          \
                  "%s: fast %04x:%016llx/%x, softfloat %04x:%016llx/%x",       \
                  what, (fast).sexp, (unsigned long long)(fast).mant,          \
                  (unsigned)(ffl), (slow).sexp,                                \
                  (unsigned long long)(slow).mant, (unsigned)(sfl))

START_TEST(test_arith_matches_softfloat)
{
    static const FloatOp ops[] = {FLOAT_ADD, FLOAT_SUB, FLOAT_MUL,
                                  FLOAT_DIV};
    static const unsigned pcs[] = {0, 2, 3}; /* 24, 53, 64 bits */
    Rng r = {0x9e3779b97f4a7c15ULL};
    unsigned tried = 0, fast = 0;
    for (int i = 0; i < 60000; i++) {
        Fx80 a = rnd_fx80(&r, 0x3fff);
        Fx80 b = rnd_fx80(&r, a.sexp & 0x7fff);
        Fx80Fast fa, fb;
        bool ok = fx80f_unpack(a, &fa) && fx80f_unpack(b, &fb);
        for (unsigned o = 0; o < 4; o++) {
            for (unsigned p = 0; p < 3; p++) {
                FloatEnv env = float_env_x87((uint16_t)(0x007f |
                                                        pcs[p] << 8));
                Fx80 want = fx80_arith(&env, ops[o], float_unp_fx80(a),
                                       float_unp_fx80(b));
                Fx80 got;
                uint32_t fl;
                tried++;
                if (!ok || !fx80f_arith(ops[o], fa, fb, env.precision, &got,
                                        &fl)) {
                    continue;
                }
                fast++;
                CK_SAME(got, want, fl, env.flags, "arith");
                ck_assert(is_fast_result(got));
            }
        }
        if (ok) {
            FloatEnv env = float_env_x87(0x037f);
            ck_assert_int_eq(fx80f_compare(fa, fb),
                             fx80_compare(&env, float_unp_fx80(a),
                                          float_unp_fx80(b), false));
            ck_assert_uint_eq(env.flags, 0);
        }
    }
    /* Most operands are simple, and so are most of their results. */
    ck_assert_uint_gt(fast, tried / 2);
}
END_TEST

START_TEST(test_conversions_match_softfloat)
{
    Rng r = {0x243f6a8885a308d3ULL};
    unsigned tried = 0, fast = 0;
    for (int i = 0; i < 100000; i++) {
        /* Values near the float32/float64 and integer ranges too. */
        static const unsigned near[] = {0x3fff, 0x3fff - 126, 0x3fff + 127,
                                        0x3fff - 1022, 0x3fff + 1023,
                                        0x3fff + 15, 0x3fff + 31,
                                        0x3fff + 63};
        Fx80 a = rnd_fx80(&r, near[rnd(&r) % 8]);
        Fx80Fast fa;
        bool ok = fx80f_unpack(a, &fa);
        FloatEnv env = float_env_x87(0x037f);
        uint64_t d = fx80_to_f64(&env, a), fd;
        uint32_t fl;
        tried++;
        if (ok && fx80f_to_f64(fa, &fd, &fl)) {
            fast++;
            ck_assert_msg(fd == d && fl == env.flags,
                          "f64 of %04x:%016llx", a.sexp,
                          (unsigned long long)a.mant);
        }
        env = float_env_x87(0x037f);
        uint32_t f = fx80_to_f32(&env, a), ff;
        if (ok && fx80f_to_f32(fa, &ff, &fl)) {
            ck_assert_msg(ff == f && fl == env.flags,
                          "f32 of %04x:%016llx", a.sexp,
                          (unsigned long long)a.mant);
        }
        for (unsigned bits = 16; bits <= 64; bits *= 2) {
            env = float_env_x87(0x037f);
            int64_t n = fx80_to_int(&env, a, bits, FLOAT_ROUND_NEAREST), fn;
            if (ok && fx80f_to_int(fa, bits, &fn, &fl)) {
                ck_assert_msg(fn == n && fl == env.flags,
                              "int%u of %04x:%016llx", bits, a.sexp,
                              (unsigned long long)a.mant);
            }
        }
        /* Loads: float64, float32, integers. */
        uint64_t v = rnd(&r);
        if (rnd(&r) & 1) {
            v &= ~(0x7ffULL << 52);
            v |= (uint64_t)(1023 - 8 + rnd(&r) % 16) << 52;
        }
        Fx80Fast n;
        env = float_env_x87(0x037f);
        Fx80 want = fx80_from_f64(&env, v);
        if (fx80f_from_f64(v, &n)) {
            Fx80 got = fx80f_pack(n);
            CK_SAME(got, want, 0u, env.flags, "from_f64");
        }
        env = float_env_x87(0x037f);
        want = fx80_from_f32(&env, (uint32_t)v);
        if (fx80f_from_f32((uint32_t)v, &n)) {
            Fx80 got = fx80f_pack(n);
            CK_SAME(got, want, 0u, env.flags, "from_f32");
        }
        int64_t iv = (int64_t)v >> (rnd(&r) % 64);
        want = fx80_from_int(iv);
        Fx80 got = fx80f_pack(fx80f_from_int(iv));
        CK_SAME(got, want, 0u, 0u, "from_int");
    }
    /* (A third of the values are made to straddle the edges.) */
    ck_assert_uint_gt(fast, tried / 3);
}
END_TEST

/* The boundaries named: ties to even both ways, a carry into the
 * exponent, results one step from overflow and underflow. */
START_TEST(test_boundaries)
{
    const Fx80Fast one = {1ULL << 63, 0x3fff, false};
    Fx80Fast tiny = {1ULL << 63, 0x3fff - 64, false}; /* 2^-64 */
    Fx80 r;
    uint32_t fl;
    /* 1 + 2^-64: a tie, to even (down). */
    ck_assert(fx80f_arith(FLOAT_ADD, one, tiny, 64, &r, &fl));
    ck_assert_uint_eq(r.mant, 1ULL << 63);
    ck_assert_uint_eq(fl, FLOAT_INEXACT);
    /* (1 + 2^-63) + 2^-64: a tie, to even (up). */
    Fx80Fast odd = {(1ULL << 63) | 1, 0x3fff, false};
    ck_assert(fx80f_arith(FLOAT_ADD, odd, tiny, 64, &r, &fl));
    ck_assert_uint_eq(r.mant, (1ULL << 63) | 2);
    ck_assert_uint_eq(fl, FLOAT_INEXACT | FLOAT_ROUNDED_UP);
    /* (2 - 2^-63) + 2^-64 rounds up into the next binade. */
    Fx80Fast max = {~0ULL, 0x3fff, false};
    ck_assert(fx80f_arith(FLOAT_ADD, max, tiny, 64, &r, &fl));
    ck_assert_uint_eq(r.sexp, 0x4000);
    ck_assert_uint_eq(r.mant, 1ULL << 63);
    /* The largest finite times 2 overflows: refused. */
    Fx80Fast big = {~0ULL, 0x7ffe, false}, two = {1ULL << 63, 0x4000, 0};
    ck_assert(!fx80f_arith(FLOAT_MUL, big, two, 64, &r, &fl));
    /* The smallest normal halved is denormal: refused. */
    Fx80Fast small = {1ULL << 63, 1, false};
    ck_assert(!fx80f_arith(FLOAT_DIV, small, two, 64, &r, &fl));
    ck_assert(fx80f_arith(FLOAT_MUL, small, one, 64, &r, &fl));
    /* Division by zero: refused. */
    Fx80Fast zero = {0, 0, false};
    ck_assert(!fx80f_arith(FLOAT_DIV, one, zero, 64, &r, &fl));
    /* x - x is +0 in round to nearest. */
    Fx80Fast neg = one;
    neg.sign = true;
    ck_assert(fx80f_arith(FLOAT_ADD, neg, one, 64, &r, &fl));
    ck_assert_uint_eq(r.sexp, 0);
    ck_assert_uint_eq(r.mant, 0);
    /* Integers: 2.5 -> 2, 3.5 -> 4, 32767.5 -> out of a word's range. */
    int64_t n;
    Fx80Fast h = {0xa000000000000000ULL, 0x4000, false};
    ck_assert(fx80f_to_int(h, 16, &n, &fl));
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(fl, FLOAT_INEXACT);
    h.sig = 0xe000000000000000ULL;
    ck_assert(fx80f_to_int(h, 16, &n, &fl));
    ck_assert_int_eq(n, 4);
    ck_assert_uint_eq(fl, FLOAT_INEXACT | FLOAT_ROUNDED_UP);
    Fx80Fast w = {0xffff000000000000ULL, 0x3fff + 14, false};
    ck_assert(!fx80f_to_int(w, 16, &n, &fl));
    w.sign = true;
    ck_assert(fx80f_to_int(w, 16, &n, &fl));
    ck_assert_int_eq(n, -32768);
}
END_TEST

Suite *suite_fx80_fast(void)
{
    Suite *s = suite_create("fx80_fast");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_arith_matches_softfloat);
    tcase_add_test(tc, test_conversions_match_softfloat);
    tcase_add_test(tc, test_boundaries);
    suite_add_tcase(s, tc);
    return s;
}
