/*
 * Fast system calls: SYSENTER and SYSEXIT (SDM vol. 2), which load flat
 * CS and SS caches derived from IA32_SYSENTER_CS without reading the GDT.
 * SYSCALL, SYSRET and SWAPGS belong to long mode and are not built yet.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/models.h"
#include "cpu/ops.h"

/* A flat 4 GiB segment cache: @type (code 11 or data 3) at @dpl. */
static void flat_seg(X86Seg *s, uint16_t sel, unsigned type, unsigned dpl)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->flags = (type << SEGF_TYPE_SHIFT) | SEGF_S |
               (dpl << SEGF_DPL_SHIFT) | SEGF_P | SEGF_DB | SEGF_G;
}

HANDLER(op_sysenter)
{
    uint16_t cs = cpu->sysenter_cs & 0xfffc;
    if (!x86_has_feature(cpu, X86_FEAT_SEP)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (!cpu->pe || cs == 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (cpu->lma) {
        pm_long_mode_unbuilt(cpu, "sysenter");
    }
    cpu->eflags &= ~(FL_VM | FL_IF | FL_RF);
    flat_seg(&cpu->seg[R_CS], cs, 11, 0);
    flat_seg(&cpu->seg[R_SS], cs + 8, 3, 0);
    reg_write(cpu, R_ESP, 4, cpu->sysenter_esp);
    cpu->next_rip = (uint32_t)cpu->sysenter_eip;
    x86_update_mode(cpu);
}

HANDLER(op_sysexit)
{
    uint16_t cs = cpu->sysenter_cs & 0xfffc;
    if (!x86_has_feature(cpu, X86_FEAT_SEP)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (!cpu->pe || cs == 0 || cpu->cpl != 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (cpu->lma) {
        pm_long_mode_unbuilt(cpu, "sysexit");
    }
    flat_seg(&cpu->seg[R_CS], (cs + 16) | 3, 11, 3);
    flat_seg(&cpu->seg[R_SS], (cs + 24) | 3, 3, 3);
    reg_write(cpu, R_ESP, 4, cpu->regs[R_ECX]);
    cpu->next_rip = (uint32_t)cpu->regs[R_EDX];
    x86_update_mode(cpu);
}

HANDLER(op_syscall)
{
    if (!x86_has_feature(cpu, X86_FEAT_SYSCALL)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    x86_unimplemented(cpu, d);
}

HANDLER(op_sysret)
{
    if (!x86_has_feature(cpu, X86_FEAT_SYSCALL)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    x86_unimplemented(cpu, d);
}

HANDLER(op_swapgs) { x86_unimplemented(cpu, d); }
