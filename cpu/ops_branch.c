/*
 * Control transfer: Jcc, JMP, CALL, RET (near and far), LOOP, JCXZ, INT,
 * INTO, INT1, INT3, IRET, BOUND. Far transfers and interrupts go through
 * seg.c / exec.c, which know the mode.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

void x86_jump_near(X86Cpu *cpu, uint64_t target, unsigned opsize)
{
    if (cpu->code64) {
        if (opsize != 8) {
            target &= size_mask(opsize);
        }
        if (!x86_is_canonical(target)) {
            x86_raise(cpu, EXC_GP, 0);
        }
    } else {
        target &= size_mask(opsize);
        if (target > cpu->seg[R_CS].limit) {
            x86_raise(cpu, EXC_GP, 0);
        }
    }
    cpu->next_rip = target;
}

HANDLER(op_jcc)
{
    if (x86_cond(cpu, d->opcode & 15)) {
        x86_jump_near(cpu, cpu->next_rip + d->imm, d->opsize);
    }
}

HANDLER(op_jmp_rel)
{
    x86_jump_near(cpu, cpu->next_rip + d->imm, d->opsize);
}

/* A near call stores the return address before it checks the target:
 * a target beyond the CS limit raises #GP with the stack pointer
 * unchanged but the slot below it written, as the host CPU does. */
static void call_near(X86Cpu *cpu, uint64_t target, unsigned opsize)
{
    unsigned ss = x86_stack_size(cpu);
    uint64_t sp = (cpu->regs[R_ESP] - opsize) & size_mask(ss);
    x86_write(cpu, R_SS, sp, cpu->next_rip, opsize);
    x86_jump_near(cpu, target, opsize);
    reg_write(cpu, R_ESP, ss, sp);
}

HANDLER(op_call_rel)
{
    call_near(cpu, cpu->next_rip + d->imm, d->opsize);
}

HANDLER(op_ret_near)
{
    uint64_t target = x86_stack_peek(cpu, 0, d->opsize);
    x86_jump_near(cpu, target, d->opsize);
    x86_stack_adjust(cpu, d->opsize + (d->opcode == 0xc2 ? d->imm : 0));
}

HANDLER(op_ret_far)
{
    x86_far_return(cpu, d->opsize, d->opcode == 0xca ? d->imm : 0);
}

HANDLER(op_jmp_E)
{
    x86_jump_near(cpu, load_E(cpu, d, d->opsize), d->opsize);
}

HANDLER(op_call_E)
{
    call_near(cpu, load_E(cpu, d, d->opsize), d->opsize);
}

HANDLER(op_jmp_far_imm)
{
    x86_far_jump(cpu, d->imm2, d->imm, d->opsize);
}

HANDLER(op_call_far_imm)
{
    x86_far_call(cpu, d->imm2, d->imm, d->opsize);
}

/* m16:16, m16:32 or (REX.W) m16:64 */
static void read_far_pointer(X86Cpu *cpu, const DecodedInsn *d,
                             uint16_t *sel, uint64_t *off)
{
    /* One access as far as faults go: the whole pointer is checked
     * before either part is read (a page fault reports its first byte, or
     * the first byte of the second page), as on the host. */
    uint64_t addr = x86_ea(cpu, d);
    uint64_t lin = x86_seg_linear(cpu, d->seg, addr, d->opsize + 2, ACC_READ);
    if ((cpu->hflags & X86_HF_AC) && (lin & (d->opsize - 1))) {
        x86_raise(cpu, EXC_AC, 0); /* before the page checks */
    }
    x86_probe_lin(cpu, lin, d->opsize + 2, ACC_READ);
    *off = x86_read(cpu, d->seg, addr, d->opsize);
    *sel = x86_read(cpu, d->seg, (addr + d->opsize) & addr_mask(d), 2);
}

HANDLER(op_jmp_far_M)
{
    uint16_t sel;
    uint64_t off;
    read_far_pointer(cpu, d, &sel, &off);
    x86_far_jump(cpu, sel, off, d->opsize);
}

HANDLER(op_call_far_M)
{
    uint16_t sel;
    uint64_t off;
    read_far_pointer(cpu, d, &sel, &off);
    x86_far_call(cpu, sel, off, d->opsize);
}

/* LOOP / LOOPE / LOOPNE: the counter is CX, ECX or RCX by address size. */
HANDLER(op_loop)
{
    uint64_t count = (cpu->regs[R_ECX] - 1) & addr_mask(d);
    bool take = count != 0;
    if (d->opcode == 0xe0) {
        take = take && !x86_cond(cpu, 4);
    } else if (d->opcode == 0xe1) {
        take = take && x86_cond(cpu, 4);
    }
    if (take) {
        x86_jump_near(cpu, cpu->next_rip + d->imm, d->opsize);
    }
    reg_write(cpu, R_ECX, d->addrsize, count);
}

HANDLER(op_jcxz)
{
    if ((cpu->regs[R_ECX] & addr_mask(d)) == 0) {
        x86_jump_near(cpu, cpu->next_rip + d->imm, d->opsize);
    }
}

/* INT n, INT3, INTO. Under the exception hook (cpu.h) they reach the hook
 * as traps; one the hook declines is then delivered like an exception. */
static void soft_int(X86Cpu *cpu, int vector, bool is_int3_or_into)
{
    if (cpu->exception_hook) {
        x86_raise_trap(cpu, vector);
    }
    x86_software_interrupt(cpu, vector, is_int3_or_into);
}

HANDLER(op_int3)
{
    soft_int(cpu, EXC_BP, true);
}

HANDLER(op_int)
{
    soft_int(cpu, d->imm & 0xff, false);
}

HANDLER(op_into)
{
    if (x86_cond(cpu, 0)) {
        soft_int(cpu, EXC_OF, true);
    }
}

HANDLER(op_int1)
{
    /* ICEBP: a debug trap delivered like a hardware exception (no IOPL or
     * gate DPL check). */
    x86_raise_trap(cpu, EXC_DB);
}

HANDLER(op_iret)
{
    x86_iret(cpu, d->opsize);
}

/* The lower bound is read and checked before the upper one: an index
 * below it raises #BR even when the upper bound is not readable. */
HANDLER(op_bound)
{
    uint64_t addr = x86_ea(cpu, d);
    unsigned size = d->opsize;
    int64_t v = sext(load_G(cpu, d, size), size);
    int64_t lo = sext(x86_read(cpu, d->seg, addr, size), size);
    if (v < lo) {
        x86_raise(cpu, EXC_BR, -1);
    }
    int64_t hi = sext(x86_read(cpu, d->seg, (addr + size) & addr_mask(d),
                               size), size);
    if (v > hi) {
        x86_raise(cpu, EXC_BR, -1);
    }
}
