/*
 * The stack: PUSH/POP in all forms, PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE,
 * and the push/pop helpers every far transfer uses. The stack pointer's
 * width follows SS.B (or 64-bit mode); a push writes memory before the
 * stack pointer moves, so a fault leaves it unchanged.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

unsigned x86_stack_size(const X86Cpu *cpu)
{
    return cpu->code64 ? 8 : cpu->stack32 ? 4 : 2;
}

static uint64_t sp_mask(const X86Cpu *cpu)
{
    return size_mask(x86_stack_size(cpu));
}

static void set_sp(X86Cpu *cpu, uint64_t sp)
{
    reg_write(cpu, R_ESP, x86_stack_size(cpu), sp);
}

void x86_push(X86Cpu *cpu, uint64_t v, unsigned size)
{
    uint64_t sp = (cpu->regs[R_ESP] - size) & sp_mask(cpu);
    x86_write(cpu, R_SS, sp, v, size);
    set_sp(cpu, sp);
}

uint64_t x86_pop(X86Cpu *cpu, unsigned size)
{
    uint64_t sp = cpu->regs[R_ESP] & sp_mask(cpu);
    uint64_t v = x86_read(cpu, R_SS, sp, size);
    set_sp(cpu, sp + size);
    return v;
}

uint64_t x86_stack_peek(X86Cpu *cpu, unsigned offset, unsigned size)
{
    uint64_t sp = (cpu->regs[R_ESP] + offset) & sp_mask(cpu);
    return x86_read(cpu, R_SS, sp, size);
}

void x86_stack_adjust(X86Cpu *cpu, int64_t delta)
{
    set_sp(cpu, (cpu->regs[R_ESP] + (uint64_t)delta) & sp_mask(cpu));
}

HANDLER(op_push_r)
{
    x86_push(cpu, cpu->regs[opcode_reg(d, 8)], d->opsize);
}

HANDLER(op_pop_r)
{
    uint64_t v = x86_pop(cpu, d->opsize);
    reg_write(cpu, opcode_reg(d, 8), d->opsize, v);
}

static int sreg_of_opcode(uint16_t opcode)
{
    switch (opcode) {
    case 0x06: case 0x07: return R_ES;
    case 0x0e: return R_CS;
    case 0x16: case 0x17: return R_SS;
    case 0x1e: case 0x1f: return R_DS;
    case 0x1a0: case 0x1a1: return R_FS;
    default: return R_GS;
    }
}

HANDLER(op_push_sreg)
{
    uint16_t sel = cpu->seg[sreg_of_opcode(d->opcode)].sel;
    if (d->opsize == 2 || cpu->code64) {
        /* 64-bit mode stores the selector zero-extended (as the host
         * does; tools/difftest). */
        x86_push(cpu, sel, d->opsize);
        return;
    }
    /* A 32/64-bit push of a selector moves the stack by the operand size
     * but writes only the low 16 bits (P6 and later): a 16-bit store, as
     * far as page faults and alignment checks go. */
    uint64_t sp = (cpu->regs[R_ESP] - d->opsize) & sp_mask(cpu);
    x86_write(cpu, R_SS, sp, sel, 2);
    set_sp(cpu, sp);
}

HANDLER(op_pop_sreg)
{
    int s = sreg_of_opcode(d->opcode);
    uint16_t sel = x86_stack_peek(cpu, 0, 2);
    x86_load_seg(cpu, s, sel);
    x86_stack_adjust(cpu, d->opsize);
    if (s == R_SS) {
        cpu->irq_shadow = true;
    }
}

HANDLER(op_push_imm)
{
    x86_push(cpu, d->imm, d->opsize);
}

HANDLER(op_push_E)
{
    x86_push(cpu, load_E(cpu, d, d->opsize), d->opsize);
}

HANDLER(op_pop_E)
{
    uint64_t v = x86_stack_peek(cpu, 0, d->opsize);
    if (d->mem) {
        /* The address is computed with the stack pointer already
         * incremented; the pop commits only if the store succeeds. */
        uint64_t old_sp = cpu->regs[R_ESP];
        x86_stack_adjust(cpu, d->opsize);
        uint64_t addr = x86_ea(cpu, d);
        uint64_t new_sp = cpu->regs[R_ESP];
        cpu->regs[R_ESP] = old_sp;
        x86_write(cpu, d->seg, addr, v, d->opsize);
        cpu->regs[R_ESP] = new_sp;
    } else {
        x86_stack_adjust(cpu, d->opsize);
        store_E(cpu, d, d->opsize, v);
    }
}

/* PUSHA/POPA touch the slots in push (pop) order, so a fault reports the
 * first slot that fails, as on the host. PUSHA checks every slot before
 * it writes; POPA loads each register as it goes, so a fault part-way
 * leaves the registers popped so far loaded (and the stack pointer
 * unchanged): the host CPU does that. */
HANDLER(op_pusha)
{
    unsigned size = d->opsize;
    uint64_t sp = cpu->regs[R_ESP];
    uint64_t top = (sp - 8 * size) & sp_mask(cpu);
    for (int r = R_EAX; r <= R_EDI; r++) {
        x86_probe_write(cpu, R_SS, (top + (7 - r) * size) & sp_mask(cpu),
                        size);
    }
    for (int r = R_EAX; r <= R_EDI; r++) {
        uint64_t v = r == R_ESP ? sp : cpu->regs[r];
        x86_write(cpu, R_SS, (top + (7 - r) * size) & sp_mask(cpu), v, size);
    }
    set_sp(cpu, top);
}

HANDLER(op_popa)
{
    unsigned size = d->opsize;
    for (int r = R_EDI; r >= R_EAX; r--) {
        uint64_t v = x86_stack_peek(cpu, (7 - r) * size, size);
        if (r != R_ESP) {
            reg_write(cpu, r, size, v);
        }
    }
    x86_stack_adjust(cpu, 8 * size);
}

HANDLER(op_pushf)
{
    uint32_t f = x86_get_eflags(cpu);
    if (cpu->vm86 && ((cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT) < 3) {
        if (!(cpu->cr4 & CR4_VME) || d->opsize != 2) {
            x86_raise(cpu, EXC_GP, 0);
        }
        /* VME: the pushed IF is VIF. */
        f = (f & ~FL_IF) | ((f & FL_VIF) ? FL_IF : 0) | FL_IOPL;
    }
    /* VM and RF are never pushed. */
    x86_push(cpu, f & ~(FL_VM | FL_RF), d->opsize);
}

void x86_popf_value(X86Cpu *cpu, uint32_t v, unsigned opsize)
{
    unsigned iopl = (cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT;
    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_IF | FL_IOPL |
                    FL_AC | FL_ID;
    if (cpu->pe) {
        if (cpu->cpl > 0) {
            mask &= ~FL_IOPL;
        }
        if (cpu->cpl > iopl) {
            mask &= ~FL_IF;
        }
    }
    if (opsize == 2) {
        mask &= 0xffff;
    }
    x86_set_eflags(cpu, v, mask);
}

HANDLER(op_popf)
{
    if (cpu->vm86 && ((cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT) < 3) {
        if (!(cpu->cr4 & CR4_VME) || d->opsize != 2) {
            x86_raise(cpu, EXC_GP, 0);
        }
        /* VME: IF goes to VIF; #GP if that would enable interrupts while
         * one is pending (VIP) or set TF. */
        uint16_t v = x86_stack_peek(cpu, 0, 2);
        if ((v & FL_TF) || ((v & FL_IF) && (cpu->eflags & FL_VIP))) {
            x86_raise(cpu, EXC_GP, 0);
        }
        x86_stack_adjust(cpu, 2);
        uint32_t keep = FL_IF | FL_IOPL;
        x86_set_eflags(cpu, v, 0xffff & ~keep);
        cpu->eflags = (cpu->eflags & ~FL_VIF) | ((v & FL_IF) ? FL_VIF : 0);
        return;
    }
    uint64_t v = x86_stack_peek(cpu, 0, d->opsize);
    x86_stack_adjust(cpu, d->opsize);
    if (cpu->vm86) {
        /* IOPL 3 in V86: IOPL stays, like CPL 3 code. */
        unsigned size = d->opsize;
        uint32_t mask = (FL_ARITH | FL_TF | FL_DF | FL_NT | FL_IF | FL_AC |
                         FL_ID) & (size == 2 ? 0xffff : ~0u);
        x86_set_eflags(cpu, (uint32_t)v, mask);
        return;
    }
    x86_popf_value(cpu, (uint32_t)v, d->opsize);
}

HANDLER(op_enter)
{
    unsigned size = d->opsize;
    unsigned level = d->imm2 & 31;
    uint64_t alloc = d->imm & 0xffff;
    unsigned ss = x86_stack_size(cpu);
    uint64_t mask = sp_mask(cpu);
    uint64_t bp = cpu->regs[R_EBP];
    uint64_t sp = (cpu->regs[R_ESP] - size) & mask;

    /* Do every store before changing registers. The frame pointer is
     * ESP minus the operand size in full, even with a 16-bit stack (of
     * which only SP moves): so the host CPU does. */
    x86_write(cpu, R_SS, sp, bp, size);
    uint64_t frame = (cpu->regs[R_ESP] - size) & 0xffffffffu;
    if (cpu->code64) {
        frame = sp;
    }
    if (level > 0) {
        uint64_t src = bp;
        for (unsigned i = 1; i < level; i++) {
            src = (src - size) & size_mask(ss);
            uint64_t v = x86_read(cpu, R_SS, src, size);
            sp = (sp - size) & mask;
            x86_write(cpu, R_SS, sp, v, size);
        }
        sp = (sp - size) & mask;
        x86_write(cpu, R_SS, sp, frame, size);
    }
    sp = (sp - alloc) & mask;
    /* The new stack top must take a push of the operand size (alignment
     * included), as the host CPU checks. */
    if (alloc) {
        x86_probe_write(cpu, R_SS, sp, size);
    }
    reg_write(cpu, R_EBP, size, frame);
    set_sp(cpu, sp);
}

HANDLER(op_leave)
{
    unsigned ss = x86_stack_size(cpu);
    uint64_t bp = cpu->regs[R_EBP] & size_mask(ss);
    uint64_t v = x86_read(cpu, R_SS, bp, d->opsize);
    set_sp(cpu, bp + d->opsize);
    reg_write(cpu, R_EBP, d->opsize, v);
}
