/*
 * Lazy arithmetic flags (flags.h): the out-of-line entry points.
 */
#include "cpu/flags.h"

uint32_t x86_cc_compute(const X86Cpu *cpu)
{
    return x86_cc_compute_op(cpu, cpu->cc_op);
}

bool x86_cc_carry(const X86Cpu *cpu)
{
    return x86_cc_carry_op(cpu, cpu->cc_op);
}

bool x86_cond(const X86Cpu *cpu, unsigned cc)
{
    return x86_cond_op(cpu, cpu->cc_op, cc);
}
