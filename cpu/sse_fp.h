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

/* The environment MXCSR describes (flags clear). */
FloatEnv ssefp_env(uint32_t mxcsr);

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
