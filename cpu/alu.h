/*
 * The eight ALU operations (ADD OR ADC SBB AND SUB XOR CMP), INC/DEC and
 * the arithmetic shifts on values, with their lazy flags: the one
 * implementation behind every form of them - the interpreter's handlers
 * (ops_alu.c, ops_shift.c) and tcg-lite's specialised ones, which inline
 * it with the operation and size known.
 */
#ifndef PCVM_CPU_ALU_H
#define PCVM_CPU_ALU_H

#include "cpu/flags.h"
#include "cpu/internal.h"

/* In encoding order (the opcode's bits 5:3, ModRM.reg of group 1). */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR,
       ALU_CMP };

/* a op b, setting the lazy flags; returns the result (CMP: a - b, which
 * the caller does not store). */
static inline __attribute__((always_inline)) uint64_t
x86_alu(X86Cpu *cpu, unsigned op, unsigned size, uint64_t a, uint64_t b)
{
    uint64_t mask = size_mask(size), r, c;
    a &= mask;
    b &= mask;
    switch (op) {
    case ALU_ADD:
        r = (a + b) & mask;
        set_cc(cpu, CC_OP_ADD8, size, r, b, 0);
        return r;
    case ALU_ADC:
        c = x86_cc_carry_op(cpu, cpu->cc_op);
        r = (a + b + c) & mask;
        set_cc(cpu, CC_OP_ADC8, size, r, b, c);
        return r;
    case ALU_SBB:
        c = x86_cc_carry_op(cpu, cpu->cc_op);
        r = (a - b - c) & mask;
        set_cc(cpu, CC_OP_SBB8, size, r, b, c);
        return r;
    case ALU_SUB:
    case ALU_CMP:
        r = (a - b) & mask;
        set_cc(cpu, CC_OP_SUB8, size, r, b, 0);
        return r;
    case ALU_OR: r = a | b; break;
    case ALU_AND: r = a & b; break;
    default: r = a ^ b; break;
    }
    set_cc(cpu, CC_OP_LOGIC8, size, r, 0, 0);
    return r;
}

/* INC (DEC with @dec) of v: CF is kept, so it is remembered in cc_src. */
static inline __attribute__((always_inline)) uint64_t
x86_incdec(X86Cpu *cpu, unsigned size, uint64_t v, bool dec)
{
    uint64_t cf = x86_cc_carry_op(cpu, cpu->cc_op);
    uint64_t r = (dec ? v - 1 : v + 1) & size_mask(size);
    set_cc(cpu, dec ? CC_OP_DEC8 : CC_OP_INC8, size, r, cf, 0);
    return r;
}

/* SHL/SAL, SHR, SAR (@kind: ModRM.reg 4-7, 6 an undocumented alias of
 * 4) of @v by a masked @count that is not zero (zero changes nothing). */
static inline __attribute__((always_inline)) uint64_t
x86_shift(X86Cpu *cpu, unsigned kind, unsigned size, uint64_t v, unsigned count)
{
    uint64_t mask = size_mask(size), r;
    switch (kind) {
    case 4: case 6:
        r = count < 64 ? (v << count) & mask : 0;
        set_cc(cpu, CC_OP_SHL8, size, r,
               count - 1 < 64 ? (v << (count - 1)) & mask : 0, v);
        break;
    case 5:
        r = count < 64 ? v >> count : 0;
        set_cc(cpu, CC_OP_SHR8, size, r,
               count - 1 < 64 ? v >> (count - 1) : 0, v);
        break;
    default: {
        int64_t sv = sext(v, size);
        unsigned c = count < 64 ? count : 63;
        r = (uint64_t)(sv >> c) & mask;
        set_cc(cpu, CC_OP_SAR8, size, r,
               (uint64_t)(sv >> (count - 1 < 64 ? count - 1 : 63)), 0);
        break;
    }
    }
    return r;
}

#endif
