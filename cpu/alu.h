/*
 * The eight ALU operations (ADD OR ADC SBB AND SUB XOR CMP) on values,
 * with their lazy flags: the one implementation behind every form of them
 * - the interpreter's handlers (ops_alu.c) and tcg-lite's specialised
 * ones, which inline it with the operation and size known.
 */
#ifndef PCVM_CPU_ALU_H
#define PCVM_CPU_ALU_H

#include "cpu/internal.h"

/* In encoding order (the opcode's bits 5:3, ModRM.reg of group 1). */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR,
       ALU_CMP };

/* a op b, setting the lazy flags; returns the result (CMP: a - b, which
 * the caller does not store). */
static inline uint64_t x86_alu(X86Cpu *cpu, unsigned op, unsigned size,
                               uint64_t a, uint64_t b)
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
        c = x86_cc_carry(cpu);
        r = (a + b + c) & mask;
        set_cc(cpu, CC_OP_ADC8, size, r, b, c);
        return r;
    case ALU_SBB:
        c = x86_cc_carry(cpu);
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

#endif
