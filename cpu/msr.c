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

static bool is_p5(const X86Cpu *cpu)
{
    return cpu->model->generation == CPU_GEN_586;
}

static bool is_p6(const X86Cpu *cpu)
{
    return cpu->model->generation >= CPU_GEN_686;
}

unsigned x86_pmc_count(const X86Cpu *cpu)
{
    return is_p5(cpu) || is_p6(cpu) ? 2 : 0;
}

/* Model-specific MSRs of the P5 and P6 families: machine-check address
 * and type (P5), the performance counters and their controls (counting
 * is not modelled: they hold what software writes), platform id, power-on
 * configuration and the microcode update interface (no update is ever
 * loaded: the signature reads as written, 0 after reset). Returns 1 when
 * @msr is not one of them. */
static int family_msr_read(X86Cpu *cpu, uint32_t msr, uint64_t *v)
{
    if (is_p5(cpu)) {
        switch (msr) {
        case MSR_P5_MC_ADDR:
        case MSR_P5_MC_TYPE:
        case MSR_P5_CESR:
            *v = msr == MSR_P5_CESR ? cpu->pmc_evtsel[0] : 0;
            return 0;
        case MSR_P5_CTR0:
        case MSR_P5_CTR1:
            *v = cpu->pmc[msr - MSR_P5_CTR0];
            return 0;
        default:
            return 1;
        }
    }
    if (is_p6(cpu)) {
        switch (msr) {
        case MSR_PLATFORM_ID:
        case MSR_EBL_CR_POWERON:
            *v = 0;
            return 0;
        case MSR_BIOS_SIGN_ID:
            *v = cpu->bios_sign_id;
            return 0;
        case MSR_PERFCTR0:
        case MSR_PERFCTR1:
            *v = cpu->pmc[msr - MSR_PERFCTR0];
            return 0;
        case MSR_EVNTSEL0:
        case MSR_EVNTSEL1:
            *v = cpu->pmc_evtsel[msr - MSR_EVNTSEL0];
            return 0;
        default:
            return 1;
        }
    }
    return 1;
}

static int family_msr_write(X86Cpu *cpu, uint32_t msr, uint64_t v)
{
    if (is_p5(cpu)) {
        switch (msr) {
        case MSR_P5_MC_ADDR:
        case MSR_P5_MC_TYPE:
            return 0;
        case MSR_P5_CESR:
            cpu->pmc_evtsel[0] = v & 0x03ff03ffULL;
            return 0;
        case MSR_P5_CTR0:
        case MSR_P5_CTR1:
            cpu->pmc[msr - MSR_P5_CTR0] = v & 0xffffffffffULL;
            return 0;
        default:
            return 1;
        }
    }
    if (is_p6(cpu)) {
        switch (msr) {
        case MSR_EBL_CR_POWERON:
        case MSR_BIOS_UPDT_TRIG:
            return 0;
        case MSR_BIOS_SIGN_ID:
            cpu->bios_sign_id = v;
            return 0;
        case MSR_PERFCTR0:
        case MSR_PERFCTR1:
            /* 40-bit counters; a write sets the low 32 bits and
             * sign-extends them (P6 family). */
            cpu->pmc[msr - MSR_PERFCTR0] =
                (uint64_t)(int64_t)(int32_t)v & 0xffffffffffULL;
            return 0;
        case MSR_EVNTSEL0:
        case MSR_EVNTSEL1:
            cpu->pmc_evtsel[msr - MSR_EVNTSEL0] = (uint32_t)v;
            return 0;
        default:
            return 1;
        }
    }
    return 1;
}

int x86_msr_read(X86Cpu *cpu, uint32_t msr, uint64_t *v)
{
    int idx;
    if (family_msr_read(cpu, msr, v) == 0) {
        return 0;
    }
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
    if (msr == MSR_AMD64_SYSCFG && cpu->model->amd) {
        /* No DRAM attributes in the fixed MTRRs, no TOM2 (as KVM shows
         * it; Linux reads it on every AMD CPU of family 15 and later). */
        *v = 0;
        return 0;
    }
    return -1;
}

int x86_msr_write(X86Cpu *cpu, uint32_t msr, uint64_t v)
{
    int idx;
    if (family_msr_write(cpu, msr, v) == 0) {
        return 0;
    }
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
    if (msr == MSR_AMD64_SYSCFG && cpu->model->amd) {
        return 0; /* nothing it controls is modelled */
    }
    return -1;
}
