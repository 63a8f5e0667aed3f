/*
 * Lazy arithmetic flags: compute CF/PF/AF/ZF/SF/OF from the last
 * flag-setting operation only when something reads them.
 *
 * Promise: the one implementation of the flag semantics. x86_cc_compute,
 * x86_cc_carry and x86_cond (internal.h, flags.c) run these with the
 * state's cc_op; tcg-lite runs them with a cc_op it knows the previous
 * instruction of a block left, so the compiler keeps only what that
 * operation needs (a compare and branch becomes one comparison).
 *
 * What each CC_OP keeps (n = operand bits, values masked to n bits):
 *   ADD: dst = result, src = second operand
 *   ADC: dst, src as ADD, src2 = carry in
 *   SUB: dst = result, src = subtrahend          SBB: + src2 = borrow in
 *   LOGIC: dst = result                          (CF = OF = AF = 0)
 *   INC/DEC: dst = result, src = CF before       (CF is preserved)
 *   SHL: dst = result, src = operand << (count-1), src2 = operand
 *   SAR/SHR: dst = result, src = operand >> (count-1), src2 = operand
 *   MUL: dst = low result, src = nonzero when CF = OF = 1 (ZF = AF = 0)
 */
#ifndef PCVM_CPU_FLAGS_H
#define PCVM_CPU_FLAGS_H

#include "cpu/internal.h"

static inline __attribute__((always_inline)) uint32_t
cc_parity(uint64_t v)
{
    return __builtin_parity((unsigned)(v & 0xff)) ? 0 : FL_PF;
}

static inline __attribute__((always_inline)) uint32_t
cc_zf_sf_pf(uint64_t dst, unsigned size)
{
    return (dst == 0 ? FL_ZF : 0) | ((dst & sign_bit(size)) ? FL_SF : 0) |
           cc_parity(dst);
}

/* The FL_ARITH bits for lazy-flags state @op (cpu->cc_op, or a value the
 * caller knows it holds). */
static inline __attribute__((always_inline)) uint32_t
x86_cc_compute_op(const X86Cpu *cpu, unsigned op)
{
    if (op == CC_OP_EFLAGS) {
        return (uint32_t)cpu->cc_src & FL_ARITH;
    }
    unsigned size = 1u << ((op - 1) & 3);
    unsigned kind = (op - 1) >> 2;
    uint64_t mask = size_mask(size);
    uint64_t sign = sign_bit(size);
    uint64_t dst = cpu->cc_dst & mask;
    uint64_t src = cpu->cc_src & mask;
    uint64_t src1;
    uint32_t f = cc_zf_sf_pf(dst, size);
    unsigned carry_in;

    switch (kind) {
    case 0: /* ADD */
        src1 = (dst - src) & mask;
        f |= dst < src ? FL_CF : 0;
        f |= (dst ^ src1 ^ src) & 0x10 ? FL_AF : 0;
        f |= ((src1 ^ dst) & (src ^ dst) & sign) ? FL_OF : 0;
        break;
    case 1: /* ADC */
        carry_in = cpu->cc_src2 & 1;
        src1 = (dst - src - carry_in) & mask;
        f |= (carry_in ? dst <= src1 : dst < src1) ? FL_CF : 0;
        f |= (dst ^ src1 ^ src) & 0x10 ? FL_AF : 0;
        f |= ((src1 ^ dst) & (src ^ dst) & sign) ? FL_OF : 0;
        break;
    case 2: /* SUB */
        src1 = (dst + src) & mask;
        f |= src1 < src ? FL_CF : 0;
        f |= (dst ^ src1 ^ src) & 0x10 ? FL_AF : 0;
        f |= ((src1 ^ src) & (src1 ^ dst) & sign) ? FL_OF : 0;
        break;
    case 3: /* SBB */
        carry_in = cpu->cc_src2 & 1;
        src1 = (dst + src + carry_in) & mask;
        f |= (carry_in ? src1 <= src : src1 < src) ? FL_CF : 0;
        f |= (dst ^ src1 ^ src) & 0x10 ? FL_AF : 0;
        f |= ((src1 ^ src) & (src1 ^ dst) & sign) ? FL_OF : 0;
        break;
    case 4: /* LOGIC */
        break;
    case 5: /* INC */
        f |= cpu->cc_src & 1 ? FL_CF : 0;
        f |= (dst & 0xf) == 0 ? FL_AF : 0;
        f |= dst == sign ? FL_OF : 0;
        break;
    case 6: /* DEC */
        f |= cpu->cc_src & 1 ? FL_CF : 0;
        f |= (dst & 0xf) == 0xf ? FL_AF : 0;
        f |= dst == sign - 1 ? FL_OF : 0;
        break;
    case 7: /* SHL */
        f |= (src & sign) ? FL_CF : 0;
        /* OF as for a count of 1: the top two bits of the operand
         * differ (for one bit: CF xor the result's top bit). */
        f |= ((cpu->cc_src2 ^ (cpu->cc_src2 << 1)) & sign) ? FL_OF : 0;
        break;
    case 8: /* SAR */
        f |= src & 1 ? FL_CF : 0;
        break;
    case 9: /* SHR */
        f |= src & 1 ? FL_CF : 0;
        /* OF = top bit of the original operand. */
        f |= (cpu->cc_src2 & sign) ? FL_OF : 0;
        break;
    case 10: /* MUL */
        /* SF and PF from the low half, ZF and AF clear (undefined:
         * docs/cpu-flags.md). */
        f &= ~FL_ZF;
        f |= cpu->cc_src ? (FL_CF | FL_OF) : 0;
        break;
    default:
        break;
    }
    return f;
}

/* CF alone. */
static inline __attribute__((always_inline)) bool
x86_cc_carry_op(const X86Cpu *cpu, unsigned op)
{
    if (op == CC_OP_EFLAGS) {
        return cpu->cc_src & FL_CF;
    }
    unsigned size = 1u << ((op - 1) & 3);
    uint64_t mask = size_mask(size);
    uint64_t dst = cpu->cc_dst & mask;
    uint64_t src = cpu->cc_src & mask;
    switch ((op - 1) >> 2) {
    case 0: return dst < src;
    case 2: return ((dst + src) & mask) < src;
    case 4: return false;
    case 5:
    case 6: return cpu->cc_src & 1;
    default: return x86_cc_compute_op(cpu, op) & FL_CF;
    }
}

/* Condition @cc (0-15, as in Jcc) under lazy-flags state @op. */
static inline __attribute__((always_inline)) bool
x86_cond_op(const X86Cpu *cpu, unsigned op, unsigned cc)
{
    bool r;
    /* The common compare-and-branch: decide from the operands. */
    if (op >= CC_OP_SUB8 && op <= CC_OP_SUB64) {
        unsigned size = 1u << ((op - 1) & 3);
        uint64_t mask = size_mask(size);
        uint64_t dst = cpu->cc_dst & mask;
        uint64_t src2 = cpu->cc_src & mask;
        uint64_t src1 = (dst + src2) & mask;
        switch (cc >> 1) {
        case 1: r = src1 < src2; goto done;                    /* B */
        case 2: r = dst == 0; goto done;                       /* E */
        case 3: r = src1 <= src2; goto done;                   /* BE */
        case 6: r = sext(src1, size) < sext(src2, size); goto done;  /* L */
        case 7: r = sext(src1, size) <= sext(src2, size); goto done; /* LE */
        default: break;
        }
    } else if (op >= CC_OP_LOGIC8 && op <= CC_OP_LOGIC64) {
        unsigned size = 1u << ((op - 1) & 3);
        uint64_t dst = cpu->cc_dst & size_mask(size);
        bool neg = dst & sign_bit(size);
        switch (cc >> 1) {
        case 0: r = false; goto done;      /* O */
        case 1: r = false; goto done;      /* B */
        case 2: r = dst == 0; goto done;   /* E */
        case 3: r = dst == 0; goto done;   /* BE */
        case 4: r = neg; goto done;        /* S */
        case 6: r = neg; goto done;        /* L: SF != OF(0) */
        case 7: r = neg || dst == 0; goto done;
        default: break;
        }
    }
    {
        uint32_t f = x86_cc_compute_op(cpu, op);
        bool sf = f & FL_SF, of = f & FL_OF;
        switch (cc >> 1) {
        case 0: r = of; break;
        case 1: r = f & FL_CF; break;
        case 2: r = f & FL_ZF; break;
        case 3: r = f & (FL_CF | FL_ZF); break;
        case 4: r = sf; break;
        case 5: r = f & FL_PF; break;
        case 6: r = sf != of; break;
        default: r = (f & FL_ZF) || sf != of; break;
        }
    }
done:
    return (cc & 1) ? !r : r;
}

#endif
