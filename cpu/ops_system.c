/*
 * System instructions: HLT, CPUID, RDTSC, MSRs, control and debug
 * registers, descriptor-table registers, INVLPG and cache control. (The
 * descriptor instructions are in ops_desc.c, SYSENTER/SYSEXIT in
 * ops_sysenter.c.)
 */
#include "cpu/internal.h"
#include "cpu/models.h"
#include "cpu/msr.h"
#include "cpu/ops.h"

HANDLER(op_hlt)
{
    cpu->halted = true;
}

HANDLER(op_cpuid)
{
    uint32_t out[4];
    if (cpu->model->max_leaf == 0) {
        x86_raise(cpu, EXC_UD, -1);
    }
    x86_cpuid(cpu, (uint32_t)cpu->regs[R_EAX], (uint32_t)cpu->regs[R_ECX],
              out);
    reg_write(cpu, R_EAX, 4, out[0]);
    reg_write(cpu, R_EBX, 4, out[1]);
    reg_write(cpu, R_ECX, 4, out[2]);
    reg_write(cpu, R_EDX, 4, out[3]);
}

HANDLER(op_rdtsc)
{
    if (!x86_has_feature(cpu, X86_FEAT_TSC)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if ((cpu->cr4 & CR4_TSD) && cpu->cpl != 0 && cpu->pe) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint64_t tsc = x86_read_tsc(cpu);
    reg_write(cpu, R_EAX, 4, (uint32_t)tsc);
    reg_write(cpu, R_EDX, 4, tsc >> 32);
}

HANDLER(op_rdtscp)
{
    if (!x86_has_feature(cpu, X86_FEAT_RDTSCP)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    op_rdtsc(cpu, d);
    reg_write(cpu, R_ECX, 4, (uint32_t)cpu->tsc_aux);
}

HANDLER(op_rdmsr)
{
    uint64_t v;
    if (!x86_has_feature(cpu, X86_FEAT_MSR)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (x86_msr_read(cpu, (uint32_t)cpu->regs[R_ECX], &v)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    reg_write(cpu, R_EAX, 4, (uint32_t)v);
    reg_write(cpu, R_EDX, 4, v >> 32);
}

HANDLER(op_wrmsr)
{
    if (!x86_has_feature(cpu, X86_FEAT_MSR)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    uint64_t v = (uint32_t)cpu->regs[R_EAX] |
                 (uint64_t)(uint32_t)cpu->regs[R_EDX] << 32;
    if (x86_msr_write(cpu, (uint32_t)cpu->regs[R_ECX], v)) {
        x86_raise(cpu, EXC_GP, 0);
    }
}

/* The counters hold what WRMSR put there (counting is not modelled). */
HANDLER(op_rdpmc)
{
    uint32_t idx = (uint32_t)cpu->regs[R_ECX];
    if ((cpu->pe && cpu->cpl != 0 && !(cpu->cr4 & CR4_PCE)) ||
        idx >= x86_pmc_count(cpu)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint64_t v = cpu->pmc[idx];
    reg_write(cpu, R_EAX, 4, (uint32_t)v);
    reg_write(cpu, R_EDX, 4, (v >> 32) & 0xff);
}

/* CR0 bits this CPU lets software set. */
static uint64_t cr0_writable(const X86Cpu *cpu)
{
    return CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP |
           CR0_AM | CR0_NW | CR0_CD | CR0_PG;
}

static uint64_t cr4_writable(const X86Cpu *cpu)
{
    uint64_t m = 0;
    if (x86_has_feature(cpu, X86_FEAT_VME)) {
        m |= CR4_VME | CR4_PVI;
    }
    if (x86_has_feature(cpu, X86_FEAT_TSC)) {
        m |= CR4_TSD;
    }
    if (x86_has_feature(cpu, X86_FEAT_DE)) {
        m |= CR4_DE;
    }
    if (x86_has_feature(cpu, X86_FEAT_PSE)) {
        m |= CR4_PSE;
    }
    if (x86_has_feature(cpu, X86_FEAT_PAE)) {
        m |= CR4_PAE;
    }
    if (x86_has_feature(cpu, X86_FEAT_MCE)) {
        m |= CR4_MCE;
    }
    if (x86_has_feature(cpu, X86_FEAT_PGE)) {
        m |= CR4_PGE;
    }
    if (cpu->model->generation >= CPU_GEN_686) {
        m |= CR4_PCE;
    }
    if (x86_has_feature(cpu, X86_FEAT_FXSR)) {
        m |= CR4_OSFXSR;
    }
    if (x86_has_feature(cpu, X86_FEAT_SSE)) {
        m |= CR4_OSXMMEXCPT;
    }
    if (x86_has_feature(cpu, X86_FEAT_XSAVE)) {
        m |= CR4_OSXSAVE;
    }
    if (x86_has_feature(cpu, X86_FEAT_FSGSBASE)) {
        m |= CR4_FSGSBASE;
    }
    if (x86_has_feature(cpu, X86_FEAT_SMEP)) {
        m |= CR4_SMEP;
    }
    return m;
}

void x86_write_cr0(X86Cpu *cpu, uint64_t v)
{
    uint64_t old = cpu->cr0;
    if ((v >> 32) != 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    /* Reserved bits of the low half are ignored, not faulted. */
    v &= cr0_writable(cpu);
    if ((v & CR0_PG) && !(v & CR0_PE)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if ((v & CR0_NW) && !(v & CR0_CD)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if ((v & CR0_PG) && (cpu->cr4 & CR4_PAE) && !(cpu->efer & EFER_LME) &&
        ((old ^ v) & (CR0_PG | CR0_CD | CR0_NW)) &&
        !x86_load_pdptes(cpu, cpu->cr3)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    /* Long mode: enabling paging with EFER.LME needs PAE (and a CS
     * without L: AMD APM 14.6.1) and activates long mode; a 64-bit code
     * segment cannot turn paging off. */
    if ((v & CR0_PG) && !(old & CR0_PG) && (cpu->efer & EFER_LME)) {
        if (!(cpu->cr4 & CR4_PAE) || (cpu->seg[R_CS].flags & SEGF_L)) {
            x86_raise(cpu, EXC_GP, 0);
        }
        cpu->efer |= EFER_LMA;
    }
    if (!(v & CR0_PG) && (old & CR0_PG) && (cpu->efer & EFER_LMA)) {
        if (cpu->code64) {
            x86_raise(cpu, EXC_GP, 0);
        }
        cpu->efer &= ~EFER_LMA;
    }
    /* ET is hardwired to 1 on the 486 and later. */
    cpu->cr0 = (v & 0xffffffffULL) | CR0_ET;
    if ((old ^ cpu->cr0) & (CR0_PG | CR0_WP | CR0_PE)) {
        x86_tlb_flush(cpu, true);
    }
    x86_update_mode(cpu);
}

void x86_write_cr4(X86Cpu *cpu, uint64_t v)
{
    uint64_t old = cpu->cr4;
    if (v & ~cr4_writable(cpu)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if ((cpu->efer & EFER_LMA) && !(v & CR4_PAE)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if ((cpu->cr0 & CR0_PG) && (v & CR4_PAE) && !(cpu->efer & EFER_LMA) &&
        ((old ^ v) & (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP)) &&
        !x86_load_pdptes(cpu, cpu->cr3)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    cpu->cr4 = v;
    if ((old ^ v) & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP)) {
        x86_tlb_flush(cpu, true);
    }
    x86_update_mode(cpu);
}

void x86_write_cr3(X86Cpu *cpu, uint64_t v)
{
    if (cpu->lma && (v >> x86_phys_bits(cpu))) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (!cpu->lma && (cpu->cr0 & CR0_PG) && (cpu->cr4 & CR4_PAE) &&
        !x86_load_pdptes(cpu, (uint32_t)v)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    cpu->cr3 = cpu->lma ? v : (uint32_t)v;
    x86_tlb_flush(cpu, false);
}

/* CR8 is the local APIC's task priority (TPR bits 7:4) when the CPU has
 * one; without, a register of its own. */
uint64_t x86_read_cr8(X86Cpu *cpu)
{
    if (cpu->intc.get_tpr) {
        cpu->cr8 = ((unsigned)cpu->intc.get_tpr(cpu->intc.opaque) >> 4) & 15;
    }
    return cpu->cr8;
}

void x86_write_cr8(X86Cpu *cpu, uint64_t v)
{
    cpu->cr8 = v & 15;
    if (cpu->intc.set_tpr) {
        x86_sync_icount(cpu);
        cpu->intc.set_tpr(cpu->intc.opaque, (int)(cpu->cr8 << 4));
    }
}

HANDLER(op_mov_cr)
{
    unsigned cr = d->reg;
    unsigned size = cpu->code64 ? 8 : 4;
    bool to_cr = d->opcode == 0x122;
    if (cpu->vm86) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (cr == 1 || (cr > 4 && cr != 8) || (cr == 8 && !cpu->code64)) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (!to_cr) {
        uint64_t v;
        switch (cr) {
        case 0: v = cpu->cr0; break;
        case 2: v = cpu->cr2; break;
        case 3: v = cpu->cr3; break;
        case 4: v = cpu->cr4; break;
        default: v = x86_read_cr8(cpu); break;
        }
        reg_write(cpu, d->rm, size, v);
        return;
    }
    uint64_t v = reg_read(cpu, d->rm, size);
    switch (cr) {
    case 0: x86_write_cr0(cpu, v); break;
    case 2: cpu->cr2 = v; break;
    case 3: x86_write_cr3(cpu, v); break;
    case 4: x86_write_cr4(cpu, v); break;
    default:
        if (v & ~0xfULL) {
            x86_raise(cpu, EXC_GP, 0);
        }
        x86_write_cr8(cpu, v);
        break;
    }
}

HANDLER(op_mov_dr)
{
    unsigned dr = d->reg;
    unsigned size = cpu->code64 ? 8 : 4;
    bool to_dr = d->opcode == 0x123;
    if (cpu->vm86) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (dr > 7) {
        x86_raise(cpu, EXC_UD, -1);
    }
    if (dr == 4 || dr == 5) {
        if (cpu->cr4 & CR4_DE) {
            x86_raise(cpu, EXC_UD, -1);
        }
        dr += 2; /* aliases of DR6/DR7 */
    }
    if (cpu->dr[7] & (1u << 13)) {
        /* General detect: any debug-register access traps first. */
        cpu->dr[7] &= ~(1u << 13);
        cpu->dr[6] |= 1u << 13;
        x86_raise(cpu, EXC_DB, -1);
    }
    if (!to_dr) {
        uint64_t v = cpu->dr[dr];
        if (dr == 6) {
            v |= 0xffff0ff0u;
        } else if (dr == 7) {
            v |= 0x400;
        }
        reg_write(cpu, d->rm, size, v);
        return;
    }
    uint64_t v = reg_read(cpu, d->rm, size);
    if ((dr == 6 || dr == 7) && (v >> 32)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    cpu->dr[dr] = v;
    if (dr == 7) {
        /* Breakpoint enables change the memory access path. */
        x86_update_mode(cpu);
    }
}

HANDLER(op_clts)
{
    cpu->cr0 &= ~(uint64_t)CR0_TS;
}

HANDLER(op_smsw)
{
    if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    if (d->mem) {
        x86_write(cpu, d->seg, x86_ea(cpu, d), cpu->cr0 & 0xffff, 2);
    } else {
        reg_write(cpu, d->rm, d->opsize, cpu->cr0);
    }
}

HANDLER(op_lmsw)
{
    uint16_t v = load_E(cpu, d, 2);
    /* LMSW changes PE, MP, EM, TS and cannot clear PE. */
    uint64_t cr0 = (cpu->cr0 & ~0xeULL) | (v & 0xf) | (cpu->cr0 & CR0_PE);
    x86_write_cr0(cpu, cr0);
}

HANDLER(op_sgdt_sidt)
{
    if ((cpu->cr4 & CR4_UMIP) && cpu->cpl > 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    const X86DescTable *t = ((d->modrm >> 3) & 7) == 0 ? &cpu->gdt : &cpu->idt;
    uint64_t addr = x86_ea(cpu, d);
    unsigned base_size = cpu->code64 ? 8 : 4;
    uint64_t base = t->base;
    if (d->opsize == 2 && !cpu->code64) {
        /* 16-bit operand size stores a 24-bit base (P6 zeroes byte 5). */
        base &= 0xffffff;
    }
    x86_probe_write(cpu, d->seg, addr, 2 + base_size);
    x86_write(cpu, d->seg, addr, t->limit, 2);
    x86_write(cpu, d->seg, (addr + 2) & addr_mask(d), base, base_size);
}

HANDLER(op_lgdt_lidt)
{
    X86DescTable *t = ((d->modrm >> 3) & 7) == 2 ? &cpu->gdt : &cpu->idt;
    uint64_t addr = x86_ea(cpu, d);
    uint16_t limit = x86_read(cpu, d->seg, addr, 2);
    uint64_t base;
    if (cpu->code64) {
        base = x86_read(cpu, d->seg, (addr + 2) & addr_mask(d), 8);
        if (!x86_is_canonical(base)) {
            x86_raise(cpu, EXC_GP, 0);
        }
    } else {
        base = x86_read(cpu, d->seg, (addr + 2) & addr_mask(d), 4);
        if (d->opsize == 2) {
            base &= 0xffffff;
        }
    }
    t->base = base;
    t->limit = limit;
}

HANDLER(op_invlpg)
{
    if (cpu->code64) {
        /* No segment checks; a non-canonical address is a no-op. */
        uint64_t lin = x86_ea(cpu, d);
        if (d->seg == R_FS || d->seg == R_GS) {
            lin += cpu->seg[d->seg].base;
        }
        if (x86_is_canonical(lin)) {
            x86_tlb_flush_page(cpu, lin);
        }
        return;
    }
    uint64_t lin = x86_seg_linear(cpu, d->seg, x86_ea(cpu, d), 1, ACC_READ);
    x86_tlb_flush_page(cpu, lin);
}

HANDLER(op_invd_wbinvd)
{
    /* No caches are modelled. */
}

HANDLER(op_xgetbv)
{
    if (d->rm == 1) {
        op_xsetbv(cpu, d);
        return;
    }
    if (!(cpu->cr4 & CR4_OSXSAVE) || d->rm != 0) {
        x86_raise(cpu, (cpu->cr4 & CR4_OSXSAVE) ? EXC_GP : EXC_UD,
                  (cpu->cr4 & CR4_OSXSAVE) ? 0 : -1);
    }
    if ((uint32_t)cpu->regs[R_ECX] != 0) {
        x86_raise(cpu, EXC_GP, 0);
    }
    reg_write(cpu, R_EAX, 4, (uint32_t)cpu->xcr0);
    reg_write(cpu, R_EDX, 4, cpu->xcr0 >> 32);
}

HANDLER(op_xsetbv)
{
    /* XSAVE is not advertised by any model yet. */
    x86_raise(cpu, EXC_UD, -1);
}

HANDLER(op_rsm)
{
    /* pcvm has no SMM: RSM outside SMM is #UD. */
    x86_raise(cpu, EXC_UD, -1);
}
