/*
 * CPU lifecycle and state helpers: creation, RESET/INIT state (SDM vol. 3,
 * table 9-1), EFLAGS assembly, mode derivation, pins, register dumps, and
 * effective-address calculation.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/internal.h"
#include "cpu/models.h"
#include "cpu/msr.h"

X86Cpu *x86_cpu_new(const CpuModel *model, int index, AddressSpace *as,
                    IoBus *io, Clock *clock, Log *log)
{
    X86Cpu *cpu = calloc(1, sizeof(*cpu));
    if (!cpu) {
        return NULL;
    }
    cpu->model = model;
    cpu->index = index;
    cpu->as = as;
    cpu->io = io;
    cpu->clock = clock;
    cpu->log = log;
    cpu->a20_enabled = true;
    cpu->pin_level[VCPU_PIN_A20] = 1;
    x86_tlb_init(cpu);
    x86_cpu_reset(cpu, false);
    return cpu;
}

void x86_cpu_free(X86Cpu *cpu)
{
    if (cpu) {
        x86_tlb_free(cpu);
        free(cpu);
    }
}

static void set_seg(X86Seg *s, uint16_t sel, uint64_t base, uint32_t limit,
                    uint32_t flags)
{
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->flags = flags;
}

void x86_cpu_reset(X86Cpu *cpu, bool init_only)
{
    const CpuModel *m = cpu->model;
    uint32_t data = SEGF_P | SEGF_S | SEGF_RW | SEGF_A;

    memset(cpu->regs, 0, sizeof(cpu->regs));
    /* EDX holds the processor signature after reset (CPUID.1:EAX). */
    cpu->regs[R_EDX] = m->stepping | (m->model & 0xf) << 4 |
                       (m->family > 15 ? 15 : m->family) << 8 |
                       (m->family >= 6 ? (m->model >> 4) << 16 : 0) |
                       (m->family > 15 ? (m->family - 15) << 20 : 0);
    cpu->rip = 0xfff0;
    cpu->eflags = FL_FIXED;
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = 0;
    cpu->cc_dst = 0;
    set_seg(&cpu->seg[R_CS], 0xf000, 0xffff0000ULL, 0xffff, data | SEGF_CODE);
    for (int s = 0; s < SEG_COUNT; s++) {
        if (s != R_CS) {
            set_seg(&cpu->seg[s], 0, 0, 0xffff, data);
        }
    }
    set_seg(&cpu->ldt, 0, 0, 0xffff, SEGF_P | (2u << SEGF_TYPE_SHIFT));
    set_seg(&cpu->tr, 0, 0, 0xffff, SEGF_P | (11u << SEGF_TYPE_SHIFT));
    cpu->gdt.base = cpu->idt.base = 0;
    cpu->gdt.limit = cpu->idt.limit = 0xffff;

    /* INIT keeps CD/NW; RESET sets them. */
    uint64_t keep = init_only ? cpu->cr0 & (CR0_CD | CR0_NW)
                              : (CR0_CD | CR0_NW);
    cpu->cr0 = CR0_ET | keep;
    cpu->cr2 = cpu->cr3 = cpu->cr4 = cpu->cr8 = 0;
    memset(cpu->pdpte, 0, sizeof(cpu->pdpte));
    cpu->efer = 0;
    memset(cpu->dr, 0, sizeof(cpu->dr));
    cpu->dr[6] = 0xffff0ff0u;
    cpu->dr[7] = 0x400;
    cpu->dr6_pending = 0;
    cpu->xcr0 = 1;

    cpu->halted = false;
    cpu->wait_for_sipi = false;
    cpu->nmi_blocked = false;
    cpu->irq_shadow = false;
    /* A start-up IPI that arrived with the INIT (SeaBIOS sends them back
     * to back) is for the CPU coming out of this INIT: keep it. */
    cpu->interrupt_request &= CPU_REQ_INTR | CPU_REQ_EXIT |
                              (init_only ? CPU_REQ_SIPI : 0);
    cpu->exc_depth = 0;
    cpu->last_exc = -1;
    cpu->smm = false;

    if (!init_only) {
        /* x87 after RESET: FCW 0x40, all registers tagged empty as FINIT
         * would leave them apart from the control word. */
        memset(cpu->fpr, 0, sizeof(cpu->fpr));
        cpu->fcw = 0x40;
        cpu->fsw = 0;
        cpu->ftop = 0;
        cpu->ftw = 0x5555;
        cpu->fop = 0;
        cpu->fip = cpu->fdp = 0;
        cpu->fcs = cpu->fds = 0;
        x86_fpu_update_ferr(cpu);
        memset(cpu->xmm, 0, sizeof(cpu->xmm));
        cpu->mxcsr = 0x1f80;
        cpu->tsc_offset = 0;
        cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
        cpu->star = cpu->lstar = cpu->cstar = cpu->fmask = 0;
        cpu->kernel_gs_base = 0;
        cpu->pat = 0x0007040600070406ULL;
        cpu->misc_enable = 1; /* fast strings */
        cpu->tsc_aux = 0;
        cpu->mtrr_cap_def = 0;
        memset(cpu->mtrr_fixed, 0, sizeof(cpu->mtrr_fixed));
        memset(cpu->mtrr_var, 0, sizeof(cpu->mtrr_var));
        cpu->mcg_status = 0;
        memset(cpu->pmc, 0, sizeof(cpu->pmc));
        memset(cpu->pmc_evtsel, 0, sizeof(cpu->pmc_evtsel));
        cpu->bios_sign_id = 0;
        cpu->apic_base = 0xfee00000ULL | (1u << 11) |
                         (cpu->index == 0 ? 1u << 8 : 0);
    }
    x86_tlb_flush(cpu, true);
    x86_update_mode(cpu);
}

static void boot_seg(X86Seg *s, const VcpuSegment *v)
{
    set_seg(s, v->sel, v->base, v->limit, v->flags);
}

int x86_cpu_set_boot_state(X86Cpu *cpu, const VcpuBootState *st)
{
    static const int seg_map[VCPU_SEG_COUNT] = {
        [VCPU_SEG_ES] = R_ES, [VCPU_SEG_CS] = R_CS, [VCPU_SEG_SS] = R_SS,
        [VCPU_SEG_DS] = R_DS, [VCPU_SEG_FS] = R_FS, [VCPU_SEG_GS] = R_GS,
    };
    memcpy(cpu->regs, st->regs, sizeof(cpu->regs));
    cpu->rip = st->rip;
    x86_set_eflags(cpu, (uint32_t)st->rflags | FL_FIXED, ~0u);
    for (int i = 0; i < VCPU_SEG_COUNT; i++) {
        boot_seg(&cpu->seg[seg_map[i]], &st->seg[i]);
    }
    boot_seg(&cpu->tr, &st->tr);
    boot_seg(&cpu->ldt, &st->ldt);
    cpu->gdt.base = st->gdt_base;
    cpu->gdt.limit = st->gdt_limit;
    cpu->idt.base = st->idt_base;
    cpu->idt.limit = st->idt_limit;
    cpu->cr0 = st->cr0 | CR0_ET;
    cpu->cr3 = st->cr3;
    cpu->cr4 = st->cr4;
    cpu->efer = st->efer;
    cpu->halted = false;
    cpu->wait_for_sipi = false;
    cpu->interrupt_request &= ~(CPU_REQ_INIT | CPU_REQ_SIPI);
    int rc = 0;
    if ((cpu->cr0 & CR0_PG) && (cpu->cr4 & CR4_PAE) &&
        !(cpu->efer & EFER_LMA) && !x86_load_pdptes(cpu, cpu->cr3)) {
        rc = -1;
    }
    for (int i = 0; i < st->nmsrs && i < VCPU_BOOT_MAX_MSRS; i++) {
        if (x86_msr_write(cpu, st->msrs[i].index, st->msrs[i].value)) {
            rc = -1;
        }
    }
    x86_tlb_flush(cpu, true);
    x86_update_mode(cpu);
    return rc;
}

uint32_t x86_get_eflags(X86Cpu *cpu)
{
    return (cpu->eflags & ~FL_ARITH) | x86_cc_compute(cpu) | FL_FIXED;
}

void x86_set_eflags(X86Cpu *cpu, uint32_t value, uint32_t mask)
{
    uint32_t old = cpu->eflags;
    if (mask & FL_ARITH) {
        cc_materialize(cpu);
        cpu->cc_src = (cpu->cc_src & ~(mask & FL_ARITH)) |
                      (value & mask & FL_ARITH);
    }
    mask &= ~(FL_ARITH | FL_FIXED);
    /* Bits that do not exist on this CPU stay clear. */
    if (cpu->model->generation < CPU_GEN_486) {
        mask &= ~(FL_AC | FL_ID);
    }
    if (cpu->model->max_leaf == 0) {
        mask &= ~FL_ID;
    }
    cpu->eflags = ((cpu->eflags & ~mask) | (value & mask)) | FL_FIXED;
    cpu->eflags &= ~FL_ARITH;
    if ((old ^ cpu->eflags) & (FL_VM | FL_TF | FL_AC)) {
        x86_update_mode(cpu);
    }
}

void x86_update_mode(X86Cpu *cpu)
{
    const X86Seg *cs = &cpu->seg[R_CS];
    const uint32_t old_hflags = cpu->hflags;
    cpu->pe = (cpu->cr0 & CR0_PE) != 0;
    cpu->lma = (cpu->efer & EFER_LMA) != 0;
    cpu->vm86 = cpu->pe && (cpu->eflags & FL_VM) && !cpu->lma;
    cpu->code64 = cpu->lma && (cs->flags & SEGF_L);
    cpu->code32 = !cpu->code64 && !cpu->vm86 && (cs->flags & SEGF_DB);
    cpu->stack32 = !cpu->vm86 && (cpu->seg[R_SS].flags & SEGF_DB);
    if (!cpu->pe) {
        cpu->cpl = 0;
    } else if (cpu->vm86) {
        cpu->cpl = 3;
    } else {
        cpu->cpl = (cpu->seg[R_SS].flags & SEGF_DPL_MASK) >> SEGF_DPL_SHIFT;
    }
    cpu->hflags = cpu->cpl | (cpu->pe ? X86_HF_PE : 0) |
                  (cpu->vm86 ? X86_HF_VM : 0) |
                  (cpu->code32 ? X86_HF_CS32 : 0) |
                  (cpu->stack32 ? X86_HF_SS32 : 0) |
                  (cpu->lma ? X86_HF_LMA : 0) |
                  (cpu->code64 ? X86_HF_CS64 : 0) |
                  ((cpu->eflags & FL_TF) ? X86_HF_TF : 0) |
                  ((cpu->cr0 & CR0_PG) ? X86_HF_PG : 0) |
                  ((cpu->cr4 & CR4_OSFXSR) ? X86_HF_OSFXSR : 0);
    if ((cpu->cr0 & CR0_AM) && (cpu->eflags & FL_AC) && cpu->cpl == 3) {
        cpu->hflags |= X86_HF_AC;
    }
    if (cpu->dr[7] & 0xff) {
        cpu->hflags |= X86_HF_DBG;
    }
    if (cpu->hflags != old_hflags && cpu->block_exec) {
        /* tcg-lite's running block was built for the old mode. */
        cpu->interrupt_request |= CPU_REQ_TB_EXIT;
    }
}

void x86_cpu_set_pin(void *opaque, int pin, int level)
{
    X86Cpu *cpu = opaque;
    bool rising = level && !cpu->pin_level[pin];
    cpu->pin_level[pin] = level != 0;
    switch (pin) {
    case VCPU_PIN_INTR:
        if (level) {
            cpu->interrupt_request |= CPU_REQ_INTR;
        } else {
            cpu->interrupt_request &= ~CPU_REQ_INTR;
        }
        break;
    case VCPU_PIN_NMI:
        if (rising) {
            cpu->interrupt_request |= CPU_REQ_NMI;
        }
        break;
    case VCPU_PIN_INIT:
        if (rising) {
            cpu->interrupt_request |= CPU_REQ_INIT;
        }
        break;
    case VCPU_PIN_SMI:
        if (rising) {
            log_guest(cpu->log, LOG_UNIMP, &cpu->unimp_count,
                      "cpu%d: SMI ignored (no SMM)", cpu->index);
        }
        break;
    case VCPU_PIN_A20:
        if (cpu->a20_enabled != (level != 0)) {
            cpu->a20_enabled = level != 0;
            x86_tlb_flush(cpu, true);
        }
        break;
    default:
        break;
    }
}

void x86_cpu_connect_ferr(X86Cpu *cpu, IrqLine line)
{
    cpu->ferr = line;
    x86_fpu_update_ferr(cpu);
}

void x86_cpu_sipi(X86Cpu *cpu, uint8_t vector)
{
    cpu->sipi_vector = vector;
    cpu->interrupt_request |= CPU_REQ_SIPI;
}

void x86_cpu_kick(X86Cpu *cpu)
{
    cpu->interrupt_request |= CPU_REQ_EXIT;
}

uint64_t x86_ea(X86Cpu *cpu, const DecodedInsn *d)
{
    return x86_ea_calc(cpu, d);
}

static void dump_seg(FILE *f, const char *name, const X86Seg *s)
{
    fprintf(f, "%s =%04x %016llx %08x %06x\n", name, s->sel,
            (unsigned long long)s->base, s->limit, s->flags);
}

void x86_cpu_dump(X86Cpu *cpu, FILE *f)
{
    static const char *const names[16] = {
        "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
        "R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15"};
    static const char *const segs[SEG_COUNT] = {"ES", "CS", "SS", "DS", "FS",
                                                "GS"};
    uint32_t fl = x86_get_eflags(cpu);
    int nregs = cpu->lma ? 16 : 8;
    fprintf(f, "CPU %d (%s, CPL %d%s%s)\n", cpu->index,
            cpu->code64 ? "64-bit" : cpu->vm86 ? "v86" : cpu->pe ?
            (cpu->code32 ? "prot32" : "prot16") : "real",
            cpu->cpl, cpu->halted ? ", halted" : "",
            cpu->a20_enabled ? "" : ", A20 off");
    for (int i = 0; i < nregs; i++) {
        fprintf(f, "%s=%016llx%s", names[i],
                (unsigned long long)cpu->regs[i], (i % 4 == 3) ? "\n" : " ");
    }
    fprintf(f, "RIP=%016llx RFL=%08x [%c%c%c%c%c%c%c%c%c]\n",
            (unsigned long long)cpu->rip, fl, fl & FL_OF ? 'O' : '-',
            fl & FL_DF ? 'D' : '-', fl & FL_IF ? 'I' : '-',
            fl & FL_TF ? 'T' : '-', fl & FL_SF ? 'S' : '-',
            fl & FL_ZF ? 'Z' : '-', fl & FL_AF ? 'A' : '-',
            fl & FL_PF ? 'P' : '-', fl & FL_CF ? 'C' : '-');
    for (int s = 0; s < SEG_COUNT; s++) {
        dump_seg(f, segs[s], &cpu->seg[s]);
    }
    dump_seg(f, "LDT", &cpu->ldt);
    dump_seg(f, "TR", &cpu->tr);
    fprintf(f, "GDT=     %016llx %08x\nIDT=     %016llx %08x\n",
            (unsigned long long)cpu->gdt.base, cpu->gdt.limit,
            (unsigned long long)cpu->idt.base, cpu->idt.limit);
    fprintf(f, "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx EFER=%llx\n",
            (unsigned long long)cpu->cr0, (unsigned long long)cpu->cr2,
            (unsigned long long)cpu->cr3, (unsigned long long)cpu->cr4,
            (unsigned long long)cpu->efer);
}
