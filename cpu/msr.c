/* Model-specific registers: see msr.h. */
#include "cpu/msr.h"

#include "cpu/internal.h"
#include "cpu/models.h"

uint64_t x86_read_tsc(X86Cpu *cpu)
{
    x86_sync_icount(cpu);
    return (uint64_t)clock_now(cpu->clock) + cpu->tsc_offset;
}

static bool has_mtrr(const X86Cpu *cpu)
{
    return x86_has_feature(cpu, X86_FEAT_MTRR);
}

/* Memory types an MTRR or PAT entry may hold: UC WC WT WP WB (0 1 4 5 6),
 * and UC- (7) for PAT only. */
static bool valid_mem_type(unsigned t, bool pat)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6 || (pat && t == 7);
}

static int mtrr_fixed_index(uint32_t msr)
{
    if (msr == MSR_MTRR_FIX64K) {
        return 0;
    }
    if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000) {
        return 1 + (int)(msr - MSR_MTRR_FIX16K_80000);
    }
    if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_C0000 + 7) {
        return 3 + (int)(msr - MSR_MTRR_FIX4K_C0000);
    }
    return -1;
}

int x86_msr_read(X86Cpu *cpu, uint32_t msr, uint64_t *v)
{
    int idx;
    switch (msr) {
    case MSR_TSC: *v = x86_read_tsc(cpu); return 0;
    case MSR_APIC_BASE:
        if (!x86_has_feature(cpu, X86_FEAT_APIC)) {
            return -1;
        }
        *v = cpu->apic_base;
        return 0;
    case MSR_SYSENTER_CS:
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
        if (!x86_has_feature(cpu, X86_FEAT_SEP)) {
            return -1;
        }
        *v = msr == MSR_SYSENTER_CS ? cpu->sysenter_cs
             : msr == MSR_SYSENTER_ESP ? cpu->sysenter_esp
                                       : cpu->sysenter_eip;
        return 0;
    case MSR_MCG_CAP: *v = 0; return 0;
    case MSR_MCG_STATUS: *v = cpu->mcg_status; return 0;
    case MSR_MISC_ENABLE: *v = cpu->misc_enable; return 0;
    case MSR_PAT:
        if (!x86_has_feature(cpu, X86_FEAT_PAT)) {
            return -1;
        }
        *v = cpu->pat;
        return 0;
    case MSR_MTRRCAP:
        if (!has_mtrr(cpu)) {
            return -1;
        }
        *v = 0x500 | 8; /* fixed ranges, WC, 8 variable ranges */
        return 0;
    case MSR_MTRR_DEF_TYPE:
        if (!has_mtrr(cpu)) {
            return -1;
        }
        *v = cpu->mtrr_cap_def;
        return 0;
    case MSR_EFER:
        if (!x86_has_feature(cpu, X86_FEAT_SYSCALL) &&
            !x86_has_feature(cpu, X86_FEAT_NX) &&
            !x86_has_feature(cpu, X86_FEAT_LM)) {
            return -1;
        }
        *v = cpu->efer;
        return 0;
    default:
        break;
    }
    if (has_mtrr(cpu) && msr >= MSR_MTRR_PHYS_BASE0 &&
        msr < MSR_MTRR_PHYS_BASE0 + 16) {
        *v = cpu->mtrr_var[msr - MSR_MTRR_PHYS_BASE0];
        return 0;
    }
    if (has_mtrr(cpu) && (idx = mtrr_fixed_index(msr)) >= 0) {
        *v = cpu->mtrr_fixed[idx];
        return 0;
    }
    if (x86_has_feature(cpu, X86_FEAT_LM)) {
        switch (msr) {
        case MSR_STAR: *v = cpu->star; return 0;
        case MSR_LSTAR: *v = cpu->lstar; return 0;
        case MSR_CSTAR: *v = cpu->cstar; return 0;
        case MSR_FMASK: *v = cpu->fmask; return 0;
        case MSR_FS_BASE: *v = cpu->seg[R_FS].base; return 0;
        case MSR_GS_BASE: *v = cpu->seg[R_GS].base; return 0;
        case MSR_KERNEL_GS_BASE: *v = cpu->kernel_gs_base; return 0;
        default: break;
        }
    }
    if (msr == MSR_TSC_AUX && x86_has_feature(cpu, X86_FEAT_RDTSCP)) {
        *v = cpu->tsc_aux;
        return 0;
    }
    return -1;
}

int x86_msr_write(X86Cpu *cpu, uint32_t msr, uint64_t v)
{
    int idx;
    switch (msr) {
    case MSR_TSC:
        x86_sync_icount(cpu);
        cpu->tsc_offset = v - (uint64_t)clock_now(cpu->clock);
        return 0;
    case MSR_APIC_BASE:
        if (!x86_has_feature(cpu, X86_FEAT_APIC)) {
            return -1;
        }
        /* BSP (bit 8) is read-only; base above the physical width is
         * reserved. */
        if (v & ~((1ULL << x86_phys_bits(cpu)) - 1) & ~0xfffULL) {
            return -1;
        }
        cpu->apic_base = (v & ~0x100ULL) | (cpu->apic_base & 0x100);
        return 0;
    case MSR_SYSENTER_CS:
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
        if (!x86_has_feature(cpu, X86_FEAT_SEP)) {
            return -1;
        }
        if (msr == MSR_SYSENTER_CS) {
            cpu->sysenter_cs = v & 0xffff;
        } else if (msr == MSR_SYSENTER_ESP) {
            cpu->sysenter_esp = v;
        } else {
            cpu->sysenter_eip = v;
        }
        return 0;
    case MSR_MCG_STATUS:
        if (v) {
            return -1;
        }
        cpu->mcg_status = 0;
        return 0;
    case MSR_MISC_ENABLE:
        cpu->misc_enable = v;
        return 0;
    case MSR_PAT:
        if (!x86_has_feature(cpu, X86_FEAT_PAT)) {
            return -1;
        }
        for (int i = 0; i < 8; i++) {
            if (!valid_mem_type((v >> (8 * i)) & 0xff, true)) {
                return -1;
            }
        }
        cpu->pat = v;
        return 0;
    case MSR_MTRR_DEF_TYPE:
        if (!has_mtrr(cpu) || (v & ~0xcffULL) ||
            !valid_mem_type(v & 0xff, false)) {
            return -1;
        }
        cpu->mtrr_cap_def = v;
        return 0;
    case MSR_EFER: {
        uint64_t ok = 0;
        if (x86_has_feature(cpu, X86_FEAT_SYSCALL)) {
            ok |= EFER_SCE;
        }
        if (x86_has_feature(cpu, X86_FEAT_LM)) {
            ok |= EFER_LME;
        }
        if (x86_has_feature(cpu, X86_FEAT_NX)) {
            ok |= EFER_NXE;
        }
        if (!ok || (v & ~(ok | EFER_LMA))) {
            return -1;
        }
        /* LME cannot change while paging is on; LMA is read-only. */
        if (((v ^ cpu->efer) & EFER_LME) && (cpu->cr0 & CR0_PG)) {
            return -1;
        }
        uint64_t old = cpu->efer;
        cpu->efer = (v & ~EFER_LMA) | (cpu->efer & EFER_LMA);
        if ((old ^ cpu->efer) & EFER_NXE) {
            x86_tlb_flush(cpu, true);
        }
        return 0;
    }
    default:
        break;
    }
    if (has_mtrr(cpu) && msr >= MSR_MTRR_PHYS_BASE0 &&
        msr < MSR_MTRR_PHYS_BASE0 + 16) {
        cpu->mtrr_var[msr - MSR_MTRR_PHYS_BASE0] = v;
        return 0;
    }
    if (has_mtrr(cpu) && (idx = mtrr_fixed_index(msr)) >= 0) {
        for (int i = 0; i < 8; i++) {
            if (!valid_mem_type((v >> (8 * i)) & 0xff, false)) {
                return -1;
            }
        }
        cpu->mtrr_fixed[idx] = v;
        return 0;
    }
    if (x86_has_feature(cpu, X86_FEAT_LM)) {
        switch (msr) {
        case MSR_STAR: cpu->star = v; return 0;
        case MSR_LSTAR:
        case MSR_CSTAR:
        case MSR_FS_BASE:
        case MSR_GS_BASE:
        case MSR_KERNEL_GS_BASE:
            if (!x86_is_canonical(v)) {
                return -1;
            }
            if (msr == MSR_LSTAR) {
                cpu->lstar = v;
            } else if (msr == MSR_CSTAR) {
                cpu->cstar = v;
            } else if (msr == MSR_FS_BASE) {
                cpu->seg[R_FS].base = v;
            } else if (msr == MSR_GS_BASE) {
                cpu->seg[R_GS].base = v;
            } else {
                cpu->kernel_gs_base = v;
            }
            return 0;
        case MSR_FMASK: cpu->fmask = (uint32_t)v; return 0;
        default: break;
        }
    }
    if (msr == MSR_TSC_AUX && x86_has_feature(cpu, X86_FEAT_RDTSCP)) {
        if (v >> 32) {
            return -1;
        }
        cpu->tsc_aux = v;
        return 0;
    }
    return -1;
}
