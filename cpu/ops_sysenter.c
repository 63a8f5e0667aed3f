/*
 * Fast system calls and SWAPGS (SDM vol. 2; AMD APM vol. 3): SYSENTER
 * and SYSEXIT, SYSCALL and SYSRET. All of them load flat CS and SS caches
 * derived from an MSR (IA32_SYSENTER_CS or STAR) without reading the GDT.
 *
 * Where the vendors differ, the model decides: SYSCALL and SYSRET work in
 * legacy and compatibility mode on AMD (the compatibility-mode entry is
 * CSTAR) but only in 64-bit mode on Intel; SYSENTER and SYSEXIT are #UD
 * in long mode on AMD. SYSRET to a non-canonical RCX raises #GP(0) at
 * CPL 0 (Intel's behaviour; AMD would fault after the switch to CPL 3).
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/models.h"
#include "cpu/ops.h"

/* A flat 4 GiB segment cache: @type (code 11 or data 3) at @dpl; a code
 * segment is 64-bit (L) when @code64, else 32-bit. */
static void flat_seg(X86Seg *s, uint16_t sel, unsigned type, unsigned dpl,
                     bool code64)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->flags = (type << SEGF_TYPE_SHIFT) | SEGF_S |
               (dpl << SEGF_DPL_SHIFT) | SEGF_P | SEGF_G |
               (code64 ? SEGF_L : SEGF_DB);
}

static void require_canonical(X86Cpu *cpu, uint64_t v)
{
    if (!x86_is_canonical(v)) {
        x86_raise(cpu, EXC_GP, 0);
    }
}

HANDLER(op_sysenter)
{
    uint16_t cs = cpu->sysenter_cs & 0xfffc;
    if (!x86_has_feature(cpu, X86_FEAT_SEP) ||
        (cpu->lma && cpu->model->amd)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (!cpu->pe || cs == 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    cpu->eflags &= ~(FL_VM | FL_IF | FL_RF);
    flat_seg(&cpu->seg[R_CS], cs, 11, 0, cpu->lma);
    flat_seg(&cpu->seg[R_SS], cs + 8, 3, 0, false);
    if (cpu->lma) {
        cpu->regs[R_ESP] = cpu->sysenter_esp;
        cpu->next_rip = cpu->sysenter_eip;
    } else {
        reg_write(cpu, R_ESP, 4, cpu->sysenter_esp);
        cpu->next_rip = (uint32_t)cpu->sysenter_eip;
    }
    x86_update_mode(cpu);
}

HANDLER(op_sysexit)
{
    uint16_t cs = cpu->sysenter_cs & 0xfffc;
    if (!x86_has_feature(cpu, X86_FEAT_SEP) ||
        (cpu->lma && cpu->model->amd)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (!cpu->pe || cs == 0 || cpu->cpl != 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (d->opsize == 8) {
        /* To 64-bit mode: the selectors 32 and 40 above. */
        require_canonical(cpu, cpu->regs[R_EDX]);
        require_canonical(cpu, cpu->regs[R_ECX]);
        flat_seg(&cpu->seg[R_CS], (cs + 32) | 3, 11, 3, true);
        flat_seg(&cpu->seg[R_SS], (cs + 40) | 3, 3, 3, false);
        cpu->regs[R_ESP] = cpu->regs[R_ECX];
        cpu->next_rip = cpu->regs[R_EDX];
    } else {
        flat_seg(&cpu->seg[R_CS], (cs + 16) | 3, 11, 3, false);
        flat_seg(&cpu->seg[R_SS], (cs + 24) | 3, 3, 3, false);
        reg_write(cpu, R_ESP, 4, cpu->regs[R_ECX]);
        cpu->next_rip = (uint32_t)cpu->regs[R_EDX];
    }
    x86_update_mode(cpu);
}

/* SYSCALL and SYSRET exist where the model has them and EFER.SCE is on;
 * Intel CPUs know them in 64-bit mode only. */
static void syscall_checks(X86Cpu *cpu)
{
    if (!x86_has_feature(cpu, X86_FEAT_SYSCALL) ||
        !(cpu->efer & EFER_SCE) || (!cpu->model->amd && !cpu->code64)) {
        x86_raise(cpu, EXC_UD, -1);
    }
}

HANDLER(op_syscall)
{
    syscall_checks(cpu);
    if (!cpu->pe) {
        /* AMD: #GP in real mode (and the SCE check comes first). */
        x86_raise(cpu, EXC_GP, 0);
    }
    uint16_t cs = (cpu->star >> 32) & 0xfffc;
    if (cpu->lma) {
        uint64_t target = cpu->code64 ? cpu->lstar : cpu->cstar;
        cpu->regs[R_ECX] = cpu->next_rip;
        cpu->regs[R_R11] = x86_get_eflags(cpu) & ~FL_RF;
        x86_set_eflags(cpu, 0, (uint32_t)cpu->fmask | FL_RF);
        cpu->next_rip = target;
    } else {
        reg_write(cpu, R_ECX, 4, cpu->next_rip);
        cpu->eflags &= ~(FL_VM | FL_IF | FL_RF);
        cpu->next_rip = (uint32_t)cpu->star;
    }
    flat_seg(&cpu->seg[R_CS], cs, 11, 0, cpu->lma);
    flat_seg(&cpu->seg[R_SS], cs + 8, 3, 0, false);
    x86_update_mode(cpu);
}

HANDLER(op_sysret)
{
    syscall_checks(cpu);
    if (!cpu->pe || cpu->cpl != 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint16_t cs = (cpu->star >> 48) & 0xfffc;
    if (cpu->lma) {
        bool to64 = d->opsize == 8;
        uint64_t rip = to64 ? cpu->regs[R_ECX] : (uint32_t)cpu->regs[R_ECX];
        require_canonical(cpu, rip);
        flat_seg(&cpu->seg[R_CS], (to64 ? cs + 16 : cs) | 3, 11, 3, to64);
        /* RF and VM come back clear, bit 1 set. */
        x86_set_eflags(cpu, (uint32_t)cpu->regs[R_R11] & 0x3c7fd7u,
                       ~(FL_VM | FL_RF));
        cpu->eflags &= ~(FL_VM | FL_RF);
        cpu->next_rip = rip;
    } else {
        flat_seg(&cpu->seg[R_CS], cs | 3, 11, 3, false);
        cpu->eflags |= FL_IF;
        cpu->next_rip = (uint32_t)cpu->regs[R_ECX];
    }
    flat_seg(&cpu->seg[R_SS], (cs + 8) | 3, 3, 3, false);
    x86_update_mode(cpu);
}

/* 0F 01 F8 (SWAPGS) and 0F 01 F9 (RDTSCP): by ModRM.rm. */
HANDLER(op_grp7_rm7)
{
    switch (d->modrm & 7) {
    case 0:
        if (!cpu->code64) {
            x86_raise(cpu, EXC_UD, -1);
        }
        require_cpl0(cpu);
        {
            uint64_t gs = cpu->seg[R_GS].base;
            cpu->seg[R_GS].base = cpu->kernel_gs_base;
            cpu->kernel_gs_base = gs;
        }
        break;
    case 1:
        op_rdtscp(cpu, d);
        break;
    default:
        x86_raise(cpu, EXC_UD, -1);
    }
}
