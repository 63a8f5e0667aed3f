/*
 * Software floating point: the x87 80-bit extended format, float32 and
 * float64, computed with integer arithmetic only.
 *
 * Promise: every function gives the same bits on every host (no host
 * floating point, no long double). Results are correctly rounded in the
 * rounding mode of the FloatEnv (to its precision for the fx80
 * arithmetic that x87 precision control affects), and the function ORs
 * the exceptions it raises into env->flags, following the x87/SSE rules:
 *
 *  - invalid (IE), denormal operand (DE) and divide-by-zero (ZE) are
 *    detected before computing. If one of them is raised and unmasked in
 *    env->masks, the function stops there; its result is unspecified and
 *    the caller must not store it.
 *  - overflow (OE), underflow (UE) and inexact (PE) come from rounding.
 *    Underflow is "tiny after rounding"; when UE is masked it is raised
 *    only if the result is also inexact. An fx80 result whose OE or UE is
 *    unmasked comes back with its exponent scaled by 2^-24576 or 2^+24576
 *    (the x87 unmasked response); float32/float64 results keep the masked
 *    response (x87 stores and SSE both discard them).
 *  - FLOAT_ROUNDED_UP says the rounded magnitude exceeds the exact one
 *    (the x87 C1 bit).
 *
 * The x87 "unsupported" encodings (unnormals, pseudo-NaNs and
 * pseudo-infinities) are invalid operands; pseudo-denormals are accepted
 * as denormals. Two NaN operands follow env->nan_rule.
 *
 * Operands of mixed formats (FADD m32, FIADD m16...) are passed as
 * FloatUnp, made by float_unp_*().
 */
#ifndef PCVM_CPU_SOFTFLOAT_H
#define PCVM_CPU_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h" /* Fx80 */

/* Rounding modes, encoded like x87 FCW.RC and MXCSR.RC. */
enum {
    FLOAT_ROUND_NEAREST = 0,
    FLOAT_ROUND_DOWN = 1,
    FLOAT_ROUND_UP = 2,
    FLOAT_ROUND_ZERO = 3,
};

/* Exceptions, in the bit order of the x87 status word and MXCSR. */
#define FLOAT_INVALID 0x01u
#define FLOAT_DENORMAL 0x02u
#define FLOAT_DIVZERO 0x04u
#define FLOAT_OVERFLOW 0x08u
#define FLOAT_UNDERFLOW 0x10u
#define FLOAT_INEXACT 0x20u
#define FLOAT_ALL_EXC 0x3fu
/* Not an exception: the result was rounded away from zero (x87 C1). */
#define FLOAT_ROUNDED_UP 0x100u

/* Which NaN a two-operand operation returns. */
enum {
    FLOAT_NAN_X87, /* the QNaN; of two alike, the larger significand */
    FLOAT_NAN_SSE, /* the first operand if it is a NaN, else the second */
};

typedef struct FloatEnv {
    uint8_t round;     /* FLOAT_ROUND_* */
    uint8_t precision; /* fx80 arithmetic: significand bits 24, 53 or 64 */
    uint8_t masks;     /* the FLOAT_* exceptions that are masked */
    uint8_t nan_rule;  /* FLOAT_NAN_* */
    bool daz;          /* SSE: denormal operands read as zero */
    bool ftz;          /* SSE: masked underflow flushes to zero */
    uint32_t flags;    /* FLOAT_* raised; sticky, the caller clears */
} FloatEnv;

/* An x87 environment: FCW's rounding, precision and masks. (Inline: built
 * field by field in registers, not stored byte by byte and reloaded whole,
 * which stalls store forwarding on every x87 instruction.) */
static inline FloatEnv float_env_x87(uint16_t fcw)
{
    /* Precision control 01 is reserved: it means 64 bits. */
    unsigned pc = (fcw >> 8) & 3;
    FloatEnv env = {
        .round = (fcw >> 10) & 3,
        .precision = pc == 0 ? 24 : pc == 2 ? 53 : 64,
        .masks = fcw & FLOAT_ALL_EXC,
        .nan_rule = FLOAT_NAN_X87,
    };
    return env;
}

typedef enum FloatClass {
    FLOAT_CLASS_ZERO,
    FLOAT_CLASS_DENORMAL,    /* incl. pseudo-denormal */
    FLOAT_CLASS_NORMAL,
    FLOAT_CLASS_INF,
    FLOAT_CLASS_QNAN,
    FLOAT_CLASS_SNAN,
    FLOAT_CLASS_UNSUPPORTED, /* unnormal, pseudo-NaN, pseudo-infinity */
} FloatClass;

typedef enum FloatRel {
    FLOAT_LESS,
    FLOAT_EQUAL,
    FLOAT_GREATER,
    FLOAT_UNORDERED,
} FloatRel;

/* An operand of any format, unpacked. Finite nonzero values are
 * sig * 2^(exp - 63) with bit 63 of sig set; NaNs keep their payload in
 * the x87 layout (bit 63 set, bit 62 the quiet bit). */
typedef struct FloatUnp {
    uint8_t cls;   /* FLOAT_CLASS_*, DENORMAL folded into NORMAL */
    bool sign;
    bool denormal; /* the encoding was a denormal */
    int32_t exp;
    uint64_t sig;
} FloatUnp;

FloatUnp float_unp_fx80(Fx80 a);
FloatUnp float_unp_f32(uint32_t a);
FloatUnp float_unp_f64(uint64_t a);
FloatUnp float_unp_int(int64_t v);

/* --- 80-bit extended --- */

static inline Fx80 fx80_make(uint16_t sexp, uint64_t mant)
{
    Fx80 r = {mant, sexp};
    return r;
}
static inline bool fx80_sign(Fx80 a) { return a.sexp >> 15; }
static inline unsigned fx80_exp(Fx80 a) { return a.sexp & 0x7fff; }

FloatClass fx80_classify(Fx80 a);
/* The QNaN "real indefinite": sign set, exponent all ones, 0xC000...0. */
Fx80 fx80_default_nan(void);
static inline Fx80 fx80_zero(bool sign)
{
    return fx80_make((uint16_t)(sign ? 0x8000 : 0), 0);
}
static inline Fx80 fx80_one(void)
{
    return fx80_make(0x3fff, 1ULL << 63);
}

typedef enum FloatOp { FLOAT_ADD, FLOAT_SUB, FLOAT_MUL, FLOAT_DIV } FloatOp;

/* a OP b, rounded to env->precision (x87 precision control). */
Fx80 fx80_arith(FloatEnv *env, FloatOp op, FloatUnp a, FloatUnp b);
Fx80 fx80_add(FloatEnv *env, Fx80 a, Fx80 b);
Fx80 fx80_sub(FloatEnv *env, Fx80 a, Fx80 b);
Fx80 fx80_mul(FloatEnv *env, Fx80 a, Fx80 b);
Fx80 fx80_div(FloatEnv *env, Fx80 a, Fx80 b);
Fx80 fx80_sqrt(FloatEnv *env, Fx80 a);

/* Compare: @quiet (FUCOM) raises IE only for SNaNs, otherwise (FCOM) for
 * any NaN. Unsupported encodings are always invalid. */
FloatRel fx80_compare(FloatEnv *env, FloatUnp a, FloatUnp b, bool quiet);

/* FPREM (@ieee false: quotient truncated) and FPREM1 (@ieee: rounded to
 * nearest). When the exponents differ by 64 or more the reduction is
 * partial (*partial set, exponent reduced by 32..63 bits, *quotient 0);
 * otherwise *quotient holds the low bits of the quotient. */
Fx80 fx80_rem(FloatEnv *env, Fx80 a, Fx80 b, bool ieee, uint64_t *quotient,
              bool *partial);
/* FRNDINT: to an integer in env->round. */
Fx80 fx80_round_to_int(FloatEnv *env, Fx80 a);
/* FSCALE: a * 2^trunc(b). */
Fx80 fx80_scale(FloatEnv *env, Fx80 a, Fx80 b);
/* FXTRACT: a = sig * 2^exp with 1 <= |sig| < 2. */
void fx80_extract(FloatEnv *env, Fx80 a, Fx80 *exp, Fx80 *sig);

/* Conversions. Integers: to @bits (16, 32 or 64) in rounding mode @round;
 * a NaN, infinity or out-of-range value raises IE and gives the integer
 * indefinite (only the sign bit set). */
Fx80 fx80_from_int(int64_t v);
int64_t fx80_to_int(FloatEnv *env, Fx80 a, unsigned bits, unsigned round);
/* float32/float64 loads keep SNaNs (quieted, IE) and raise DE for
 * denormals; stores round to the format. */
Fx80 fx80_from_f32(FloatEnv *env, uint32_t a);
Fx80 fx80_from_f64(FloatEnv *env, uint64_t a);
uint32_t fx80_to_f32(FloatEnv *env, Fx80 a);
uint64_t fx80_to_f64(FloatEnv *env, Fx80 a);
/* Any unpacked operand, rounded to fx80 at env->precision (exact for
 * every format but fx80 itself at 64 bits). */
Fx80 fx80_from_unp(FloatEnv *env, FloatUnp a);
/* Packed BCD, 18 digits and a sign byte (FBLD / FBSTP). FBSTP rounds in
 * env->round; out of range gives IE and the BCD indefinite. */
Fx80 fx80_from_bcd(const uint8_t bcd[10]);
void fx80_to_bcd(FloatEnv *env, Fx80 a, uint8_t bcd[10]);

/* Constants (FLD1, FLDPI...), rounded in @round from 128 bits. */
typedef enum Fx80Const {
    FX80_CONST_L2T, FX80_CONST_L2E, FX80_CONST_PI, FX80_CONST_LG2,
    FX80_CONST_LN2,
} Fx80Const;
Fx80 fx80_const(Fx80Const c, unsigned round);

/* --- transcendentals (softfloat_trans.c), never affected by precision
 * control. FSIN, FCOS, FSINCOS and FPTAN return false, computing nothing,
 * when |a| >= 2^63 (the x87 sets C2). --- */
bool fx80_sin(FloatEnv *env, Fx80 a, Fx80 *r);
bool fx80_cos(FloatEnv *env, Fx80 a, Fx80 *r);
bool fx80_sincos(FloatEnv *env, Fx80 a, Fx80 *s, Fx80 *c);
bool fx80_tan(FloatEnv *env, Fx80 a, Fx80 *r);
/* FPATAN: the angle of (x, y), i.e. atan(y / x) in the right quadrant. */
Fx80 fx80_atan2(FloatEnv *env, Fx80 y, Fx80 x);
/* F2XM1: 2^a - 1. */
Fx80 fx80_2xm1(FloatEnv *env, Fx80 a);
/* FYL2X: y * log2(x); FYL2XP1: y * log2(x + 1). */
Fx80 fx80_yl2x(FloatEnv *env, Fx80 x, Fx80 y);
Fx80 fx80_yl2xp1(FloatEnv *env, Fx80 x, Fx80 y);

/* --- float32 / float64 (for SSE): IEEE arithmetic in env->round, SSE NaN
 * rules when env->nan_rule says so, DAZ/FTZ honoured. --- */
#define F32_DEFAULT_NAN 0xffc00000u
#define F64_DEFAULT_NAN 0xfff8000000000000ULL

uint32_t f32_add(FloatEnv *env, uint32_t a, uint32_t b);
uint32_t f32_sub(FloatEnv *env, uint32_t a, uint32_t b);
uint32_t f32_mul(FloatEnv *env, uint32_t a, uint32_t b);
uint32_t f32_div(FloatEnv *env, uint32_t a, uint32_t b);
uint32_t f32_sqrt(FloatEnv *env, uint32_t a);
uint64_t f64_add(FloatEnv *env, uint64_t a, uint64_t b);
uint64_t f64_sub(FloatEnv *env, uint64_t a, uint64_t b);
uint64_t f64_mul(FloatEnv *env, uint64_t a, uint64_t b);
uint64_t f64_div(FloatEnv *env, uint64_t a, uint64_t b);
uint64_t f64_sqrt(FloatEnv *env, uint64_t a);
FloatRel f32_compare(FloatEnv *env, uint32_t a, uint32_t b, bool quiet);
FloatRel f64_compare(FloatEnv *env, uint64_t a, uint64_t b, bool quiet);
uint64_t f32_to_f64(FloatEnv *env, uint32_t a);
uint32_t f64_to_f32(FloatEnv *env, uint64_t a);
uint32_t f32_from_int(FloatEnv *env, int64_t v);
uint64_t f64_from_int(FloatEnv *env, int64_t v);
/* To a @bits-wide integer (32 or 64) in rounding mode @round (pass
 * FLOAT_ROUND_ZERO for the truncating forms); invalid gives the integer
 * indefinite. */
int64_t f32_to_int(FloatEnv *env, uint32_t a, unsigned bits, unsigned round);
int64_t f64_to_int(FloatEnv *env, uint64_t a, unsigned bits, unsigned round);

#endif
