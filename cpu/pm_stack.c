/*
 * Stack frames for far transfers: pushes and reads on a stack segment
 * that may not be loaded into SS yet (the inner stack of a call gate or an
 * interrupt), with the limit checks and fault the caller names. Registers
 * change only in pm_stack_commit(), so a fault part-way through a frame
 * leaves SS:ESP as they were. See desc.h.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"

void pm_stack_current(X86Cpu *cpu, PmStack *st, int err)
{
    st->seg = cpu->seg[R_SS];
    st->mask = (st->seg.flags & SEGF_DB) ? 0xffffffffu : 0xffffu;
    st->sp = (uint32_t)cpu->regs[R_ESP] & st->mask;
    st->acc = 0;
    st->vec = EXC_SS;
    st->err = err;
}

static uint64_t slot(X86Cpu *cpu, const PmStack *st, uint32_t off,
                     unsigned size)
{
    if (!pm_seg_offset_ok(&st->seg, off, size)) {
        x86_raise(cpu, st->vec, st->err);
    }
    return (uint32_t)(st->seg.base + off);
}

void pm_stack_check_room(X86Cpu *cpu, const PmStack *st, unsigned bytes,
                         unsigned unit)
{
    uint32_t sp = st->sp;
    for (unsigned n = 0; n < bytes; n += unit) {
        sp = (sp - unit) & st->mask;
        slot(cpu, st, sp, unit);
    }
}

void pm_stack_push(X86Cpu *cpu, PmStack *st, uint32_t v, unsigned size)
{
    uint32_t sp = (st->sp - size) & st->mask;
    uint64_t lin = slot(cpu, st, sp, size);
    x86_write_lin(cpu, lin, v, size, ACC_WRITE | st->acc);
    st->sp = sp;
}

uint32_t pm_stack_read(X86Cpu *cpu, const PmStack *st, unsigned offset,
                       unsigned size)
{
    uint32_t off = (st->sp + offset) & st->mask;
    uint64_t lin = slot(cpu, st, off, size);
    return (uint32_t)x86_read_lin(cpu, lin, size, ACC_READ | st->acc);
}

void pm_stack_commit(X86Cpu *cpu, const PmStack *st)
{
    cpu->seg[R_SS] = st->seg;
    if (st->mask == 0xffffu) {
        reg_write(cpu, R_ESP, 2, st->sp);
    } else {
        reg_write(cpu, R_ESP, 4, st->sp);
    }
}
