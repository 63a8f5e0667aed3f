/*
 * Segment loads, far transfers and interrupt delivery in real mode, and
 * the dispatch to protected mode (seg_pm.c) and virtual-8086 mode.
 *
 * Real mode on a P6: loading a segment register sets only the selector and
 * the base (selector * 16); limit and attributes keep what protected mode
 * left there. That is how "unreal" (big real) mode works, and why pcvm
 * keeps them too.
 */
#include "cpu/internal.h"
#include "cpu/seg.h"

void x86_seg_load_real(X86Cpu *cpu, int seg, uint16_t sel)
{
    X86Seg *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu->vm86) {
        s->limit = 0xffff;
        s->flags = SEGF_P | SEGF_S | SEGF_RW | SEGF_A |
                   (3u << SEGF_DPL_SHIFT) | (seg == R_CS ? SEGF_CODE : 0);
    }
    if (seg == R_CS || seg == R_SS) {
        x86_update_mode(cpu);
    }
}

static bool real_like(const X86Cpu *cpu)
{
    return !cpu->pe || cpu->vm86;
}

void x86_load_seg(X86Cpu *cpu, int seg, uint16_t sel)
{
    if (real_like(cpu)) {
        x86_seg_load_real(cpu, seg, sel);
    } else {
        pm_load_seg(cpu, seg, sel);
    }
}

static void real_jump(X86Cpu *cpu, uint16_t sel, uint64_t off,
                      unsigned opsize)
{
    off &= size_mask(opsize);
    /* The limit that applies is the one CS will have: its base changes,
     * its limit does not. */
    if (off > cpu->seg[R_CS].limit) {
        x86_raise(cpu, EXC_GP, 0);
    }
    x86_seg_load_real(cpu, R_CS, sel);
    cpu->next_rip = off;
}

void x86_far_jump(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    if (real_like(cpu)) {
        real_jump(cpu, sel, off, opsize);
    } else {
        pm_far_jump(cpu, sel, off, opsize);
    }
}

void x86_far_call(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    if (!real_like(cpu)) {
        pm_far_call(cpu, sel, off, opsize);
        return;
    }
    if ((off & size_mask(opsize)) > cpu->seg[R_CS].limit) {
        x86_raise(cpu, EXC_GP, 0);
    }
    /* Both pushes must fit before either happens. */
    uint64_t sp = cpu->regs[R_ESP];
    x86_push(cpu, cpu->seg[R_CS].sel, opsize);
    x86_push(cpu, cpu->next_rip, opsize);
    (void)sp;
    real_jump(cpu, sel, off, opsize);
}

void x86_far_return(X86Cpu *cpu, unsigned opsize, unsigned pop_bytes)
{
    if (!real_like(cpu)) {
        pm_far_return(cpu, opsize, pop_bytes);
        return;
    }
    uint64_t ip = x86_stack_peek(cpu, 0, opsize);
    uint16_t cs = x86_stack_peek(cpu, opsize, 2);
    real_jump(cpu, cs, ip, opsize);
    x86_stack_adjust(cpu, 2 * opsize + pop_bytes);
}

void x86_iret(X86Cpu *cpu, unsigned opsize)
{
    if (cpu->pe && !cpu->vm86) {
        pm_iret(cpu, opsize);
        cpu->nmi_blocked = false;
        return;
    }
    if (cpu->vm86 && ((cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT) < 3) {
        if (!(cpu->cr4 & CR4_VME) || opsize != 2) {
            x86_raise(cpu, EXC_GP, 0);
        }
        /* VME: IRET with IOPL < 3 works on VIF (SDM 20.3.3). */
        uint64_t ip = x86_stack_peek(cpu, 0, 2);
        uint16_t cs = x86_stack_peek(cpu, 2, 2);
        uint16_t fl = x86_stack_peek(cpu, 4, 2);
        if ((fl & FL_TF) || ((fl & FL_IF) && (cpu->eflags & FL_VIP))) {
            x86_raise(cpu, EXC_GP, 0);
        }
        real_jump(cpu, cs, ip, 2);
        x86_stack_adjust(cpu, 6);
        x86_set_eflags(cpu, fl, 0xffff & ~(FL_IF | FL_IOPL));
        cpu->eflags = (cpu->eflags & ~FL_VIF) | ((fl & FL_IF) ? FL_VIF : 0);
        cpu->nmi_blocked = false;
        return;
    }
    uint64_t ip = x86_stack_peek(cpu, 0, opsize);
    uint16_t cs = x86_stack_peek(cpu, opsize, 2);
    uint32_t fl = x86_stack_peek(cpu, 2 * opsize, opsize);
    real_jump(cpu, cs, ip, opsize);
    x86_stack_adjust(cpu, 3 * opsize);
    uint32_t mask;
    if (cpu->vm86) {
        /* IOPL 3: IOPL, VM, VIF and VIP stay. */
        mask = FL_ARITH | FL_TF | FL_IF | FL_DF | FL_NT | FL_RF | FL_AC |
               FL_ID;
    } else {
        /* Real mode: everything but VM, VIF and VIP. */
        mask = 0x257fd5u | FL_FIXED;
    }
    if (opsize == 2) {
        mask &= 0xffff;
    }
    x86_set_eflags(cpu, fl, mask);
    cpu->nmi_blocked = false;
}

static void deliver_real(X86Cpu *cpu, int vec, uint64_t ret)
{
    uint32_t entry = (uint32_t)vec * 4;
    if (entry + 3 > cpu->idt.limit) {
        x86_raise(cpu, EXC_GP, vec * 8 + 2);
    }
    uint16_t ip = x86_read_lin(cpu, cpu->idt.base + entry, 2, ACC_READ);
    uint16_t cs = x86_read_lin(cpu, cpu->idt.base + entry + 2, 2, ACC_READ);
    uint32_t fl = x86_get_eflags(cpu);
    /* Check the whole frame before pushing any of it. */
    uint64_t sp = (cpu->regs[R_ESP] - 6) & (cpu->stack32 ? 0xffffffffULL
                                                          : 0xffffULL);
    x86_probe_write(cpu, R_SS, sp, 6);
    x86_push(cpu, fl, 2);
    x86_push(cpu, cpu->seg[R_CS].sel, 2);
    x86_push(cpu, ret, 2);
    cpu->eflags &= ~(FL_IF | FL_TF | FL_AC | FL_RF);
    x86_seg_load_real(cpu, R_CS, cs);
    cpu->rip = cpu->next_rip = ip;
    x86_update_mode(cpu);
}

void x86_deliver(X86Cpu *cpu, int vec, int error_code, int kind,
                 uint64_t ret)
{
    if (cpu->pe) {
        pm_deliver(cpu, vec, error_code, kind, ret);
    } else {
        deliver_real(cpu, vec, ret);
    }
}

void x86_software_interrupt(X86Cpu *cpu, int vector, bool is_int3_or_into)
{
    TRACE(cpu->log, LOG_INT, "cpu%d: int %#x at %04x:%08llx", cpu->index,
          vector, cpu->seg[R_CS].sel, (unsigned long long)cpu->insn_start);
    x86_deliver(cpu, vector, -1, is_int3_or_into ? INT_SOFT_EXC : INT_SOFT,
                cpu->next_rip);
}
