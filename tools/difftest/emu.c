/*
 * The pcvm runner: an X86Cpu put straight into flat 32-bit protected mode
 * (or 64-bit mode, for 64-bit streams) at CPL 3 (segment caches set by
 * hand, as the host's user segments look), with PAE (or 4-level) paging
 * that maps the code read-only and the sandbox read/write and no-execute
 * at the host's addresses, so page faults come out as on the host.
 * Exceptions stop the run through the CPU's exception hook.
 */
#include "tools/difftest/dt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ioport.h"
#include "core/log.h"
#include "core/memory.h"
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/internal.h"
#include "cpu/models.h"
#include "tcg-lite/tcg.h"

#define EMU_RAM (4u << 20)
#define EMU_DATA 0x100000u  /* physical home of the code and sandbox */
#define EMU_PT 0x300000u    /* PDPT, then a page directory and a table */
#define EMU_PML4 (EMU_PT + 0x3000) /* long mode: PML4, then its PDPT */
#define EMU_PDPT64 (EMU_PT + 0x4000)
/* 64-bit streams: a copy of the user part of the host's GDT, mapped for
 * the supervisor at GDT_LIN in the upper half (the host kernel's). */
#define EMU_KPDPT (EMU_PT + 0x5000)
#define EMU_KPD (EMU_PT + 0x6000)
#define EMU_KPT (EMU_PT + 0x7000)
#define EMU_GDT (EMU_PT + 0x8000)
#define GDT_LIN 0xffffffffffe00000ULL
#define GDT_LIMIT 0x7f          /* Linux: 16 entries */
/* ... and of the host runner's LDT (the 16-bit segments), in the same
 * page: segment loads and far transfers through LDT selectors find what
 * they find on the host. */
#define LDT_OFF 0x800
#define LDT_LIMIT 0xf

#define PTE_P 1ULL
#define PTE_RW 2ULL
#define PTE_US 4ULL
#define PTE_NX (1ULL << 63)

struct DtEmu {
    DtLayout lay;
    CpuModel model;     /* -cpu NAME[,+feature...], parsed */
    Log log;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    X86Cpu *cpu;
    uint8_t *ram;
    TcgLite *tcg;
    int vec;
    int err;
};

static bool emu_hook(X86Cpu *cpu, int vector, int error_code)
{
    DtEmu *e = cpu->exception_hook_opaque;
    e->vec = vector;
    e->err = error_code;
    return true;
}

static uint32_t phys_of(const DtEmu *e, uint32_t lin)
{
    return EMU_DATA + (lin - e->lay.code_base);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void build_page_tables(DtEmu *e)
{
    uint32_t pdpt = EMU_PT, pd = EMU_PT + 0x1000, pt = EMU_PT + 0x2000;
    uint32_t first = e->lay.code_base;
    memset(e->ram + EMU_PT, 0, 0x9000);
    put64(e->ram + pdpt + 8 * (first >> 30), pd | PTE_P);
    /* Long mode: PML4[0] -> a PDPT of its own (user-accessible entries,
     * which legacy PDPTEs may not have) -> the same directory. */
    put64(e->ram + EMU_PML4, EMU_PDPT64 | PTE_P | PTE_RW | PTE_US);
    put64(e->ram + EMU_PDPT64 + 8 * (first >> 30),
          pd | PTE_P | PTE_RW | PTE_US);
    put64(e->ram + EMU_PML4 + 8 * 511, EMU_KPDPT | PTE_P | PTE_RW);
    put64(e->ram + EMU_KPDPT + 8 * 511, EMU_KPD | PTE_P | PTE_RW);
    put64(e->ram + EMU_KPD + 8 * 511, EMU_KPT | PTE_P | PTE_RW);
    put64(e->ram + EMU_KPT, EMU_GDT | PTE_P | PTE_RW | PTE_NX);
    /* The user segments as Linux has them (read with LAR on the host):
     * 23 flat 32-bit code, 2B flat data, 33 64-bit code, all DPL 3 and
     * accessed. */
    put64(e->ram + EMU_GDT + 0x20, 0x00cffb000000ffffULL);
    put64(e->ram + EMU_GDT + 0x28, 0x00cff3000000ffffULL);
    put64(e->ram + EMU_GDT + 0x30, 0x00affb000000ffffULL);
    /* Linux's modify_ldt descriptors: DPL 3, accessed, AVL, 16-bit. */
    uint64_t cb = e->lay.code_base;
    put64(e->ram + EMU_GDT + LDT_OFF + (DT_SEL_CODE16 & ~7),
          0x0010fb000000ffffULL | (cb & 0xffffff) << 16 |
              (cb >> 24) << 56);
    put64(e->ram + EMU_GDT + LDT_OFF + (DT_SEL_DATA16 & ~7),
          0x0010f3000000ffffULL);
    put64(e->ram + pd + 8 * ((first >> 21) & 511),
          pt | PTE_P | PTE_RW | PTE_US);
    for (uint32_t off = 0; off < DT_CODE_SIZE + DT_SBX_SIZE; off += DT_PAGE) {
        uint32_t lin = first + off;
        uint64_t pte = phys_of(e, lin) | PTE_P | PTE_US;
        if (off >= DT_CODE_SIZE) {
            pte |= PTE_RW | PTE_NX;
        }
        put64(e->ram + pt + 8 * ((lin >> 12) & 511), pte);
    }
    uint32_t stub = e->lay.stub_base, scratch = e->lay.scratch_base;
    put64(e->ram + pt + 8 * ((stub >> 12) & 511),
          phys_of(e, stub) | PTE_P | PTE_US);
    put64(e->ram + pt + 8 * ((scratch >> 12) & 511),
          phys_of(e, scratch) | PTE_P | PTE_US | PTE_RW | PTE_NX);
    dt_build_stub(e->ram + phys_of(e, stub), &e->lay);
}

static void set_seg(X86Seg *s, uint16_t sel, uint32_t base, uint32_t limit,
                    uint32_t flags)
{
    s->sel = sel;
    s->base = base;
    s->limit = limit;
    s->flags = flags;
}

DtEmu *dt_emu_new(const DtLayout *lay, const char *cpu_model, char *err,
                  size_t errlen)
{
    CpuModel model;
    if (x86_cpu_model_parse(cpu_model, &model, err, errlen)) {
        return NULL;
    }
    if ((lay->code_base >> 21) != ((lay->scratch_base + DT_PAGE - 1) >> 21)) {
        snprintf(err, errlen, "layout crosses a 2 MiB boundary");
        return NULL;
    }
    DtEmu *e = calloc(1, sizeof(*e));
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->lay = *lay;
    e->model = model;
    e->as = as_new(&e->log, "difftest");
    MemRegion *ram = as_add_ram(e->as, "ram", 0, EMU_RAM, 0);
    e->io = iobus_new(&e->log);
    e->clock = clock_new(CLOCK_MANUAL, 0);
    if (!ram || !e->io || !e->clock) {
        snprintf(err, errlen, "cannot build the machine");
        free(e);
        return NULL;
    }
    e->ram = mr_host(ram);
    e->cpu = x86_cpu_new(&e->model, 0, e->as, e->io, e->clock, &e->log);
    if (!e->cpu) {
        snprintf(err, errlen, "out of memory");
        free(e);
        return NULL;
    }
    e->cpu->exception_hook = emu_hook;
    e->cpu->exception_hook_opaque = e;
    build_page_tables(e);
    return e;
}

int dt_emu_use_tcg(DtEmu *e)
{
    e->tcg = tcg_lite_new(e->as, &e->log, 0);
    return e->tcg && !tcg_lite_attach(e->tcg, e->cpu) ? 0 : -1;
}

bool dt_emu_has_sse(const DtEmu *e)
{
    return x86_has_feature(e->cpu, X86_FEAT_SSSE3) &&
           x86_has_feature(e->cpu, X86_FEAT_SSE3) &&
           x86_has_feature(e->cpu, X86_FEAT_SSE2);
}

void dt_emu_free(DtEmu *e)
{
    if (e) {
        tcg_lite_free(e->tcg);
        x86_cpu_free(e->cpu);
        clock_free(e->clock);
        iobus_free(e->io);
        as_free(e->as);
        free(e);
    }
}

/* The x87/SSE state; XMM8-15 only for 64-bit streams (@nxmm 16). */
static void get_fpu(X86Cpu *cpu, DtFpu *f, unsigned nxmm)
{
    memset(f, 0, sizeof(*f));
    for (unsigned i = 0; i < nxmm; i++) {
        memcpy(f->xmm[i], cpu->xmm[i].b, 16);
    }
    for (int i = 0; i < 8; i++) {
        f->st_mant[i] = cpu->fpr[i].mant;
        f->st_exp[i] = cpu->fpr[i].sexp;
        if (fpu_tag_phys(cpu, (unsigned)i) != FTAG_EMPTY) {
            f->ftw |= (uint8_t)(1u << i);
        }
    }
    f->mxcsr = cpu->mxcsr;
    f->fcw = cpu->fcw;
    f->fsw = fpu_get_fsw(cpu);
}

static void set_fpu(X86Cpu *cpu, const DtFpu *f)
{
    for (int i = 0; i < 16; i++) {
        memcpy(cpu->xmm[i].b, f->xmm[i], 16);
    }
    for (int i = 0; i < 8; i++) {
        cpu->fpr[i].mant = f->st_mant[i];
        cpu->fpr[i].sexp = f->st_exp[i];
    }
    cpu->mxcsr = f->mxcsr;
    cpu->fcw = (f->fcw & FCW_VALID) | FCW_FIXED; /* as FXRSTOR loads it */
    cpu->ftw = 0;
    for (unsigned p = 0; p < 8; p++) {
        if (!((f->ftw >> p) & 1)) {
            fpu_set_tag_phys(cpu, p, FTAG_EMPTY);
        }
    }
    fpu_load_fsw(cpu, f->fsw);
    fpu_retag(cpu);
}

static void get_state(X86Cpu *cpu, DtRegs *r, unsigned bits)
{
    memset(r, 0, sizeof(*r));
    get_fpu(cpu, &r->fpu, bits == 64 ? 16 : 8);
    if (bits == 64) {
        for (int i = 0; i < 16; i++) {
            r->r[i] = cpu->regs[i];
        }
        /* What the host's exception frame shows: in compatibility mode
         * the top half of RSP is not kept (intr_lm.c). */
        if (!cpu->code64) {
            r->r[DT_ESP] = (uint32_t)r->r[DT_ESP];
        }
        r->eip = cpu->rip;
    } else {
        for (int i = 0; i < 8; i++) {
            r->r[i] = (uint32_t)cpu->regs[i];
        }
        r->eip = (uint32_t)cpu->rip;
    }
    r->eflags = x86_get_eflags(cpu);
}

static void set_flags(X86Cpu *cpu, uint64_t fl64)
{
    uint32_t fl = (uint32_t)fl64;
    cpu->eflags = (fl & ~FL_ARITH) | FL_FIXED;
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = fl & FL_ARITH;
    cpu->cc_dst = 0;
    x86_update_mode(cpu);
}

static void reset_cpu(DtEmu *e, const DtStream *s)
{
    X86Cpu *cpu = e->cpu;
    const DtRegs *init = &s->init;
    uint32_t code = SEGF_P | SEGF_S | SEGF_CODE | SEGF_RW | SEGF_A |
                    (3u << SEGF_DPL_SHIFT);
    uint32_t data = SEGF_P | SEGF_S | SEGF_RW | SEGF_A |
                    (3u << SEGF_DPL_SHIFT);
    if (s->bits == 64) {
        /* The host's 64-bit user segments: CS 0x33, SS/DS/ES 0x2b. */
        set_seg(&cpu->seg[R_CS], DT_SEL_CODE64, 0, 0xffffffffu,
                code | SEGF_L | SEGF_G);
        set_seg(&cpu->seg[R_SS], DT_SEL_DATA32, 0, 0xffffffffu,
                data | SEGF_DB | SEGF_G);
    } else if (s->bits == 32) {
        /* The host's user segments: CS 0x23, DS/ES/SS 0x2b. */
        code |= SEGF_DB | SEGF_G;
        data |= SEGF_DB | SEGF_G;
        set_seg(&cpu->seg[R_CS], DT_SEL_CODE32, 0, 0xffffffffu, code);
        set_seg(&cpu->seg[R_SS], DT_SEL_DATA32, 0, 0xffffffffu, data);
    } else {
        /* The host runner's 16-bit LDT segments. */
        set_seg(&cpu->seg[R_CS], DT_SEL_CODE16, e->lay.code_base, 0xffff,
                code);
        set_seg(&cpu->seg[R_SS], DT_SEL_DATA16, 0, 0xffff, data);
    }
    cpu->seg[R_DS] = cpu->seg[R_SS];
    cpu->seg[R_ES] = cpu->seg[R_SS];
    /* FS and GS hold null selectors, as on the host. */
    set_seg(&cpu->seg[R_FS], 0, 0, 0, 0);
    set_seg(&cpu->seg[R_GS], 0, 0, 0, 0);
    /* As Linux sets it up: CR0.AM on, so EFLAGS.AC checks alignment. */
    cpu->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
    cpu->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    cpu->cr2 = 0;
    if (s->bits == 64) {
        cpu->gdt.base = GDT_LIN;
        cpu->gdt.limit = GDT_LIMIT;
        if (e->lay.ldt16) {
            set_seg(&cpu->ldt, 0, 0, 0, 0);
            cpu->ldt.base = GDT_LIN + LDT_OFF;
            cpu->ldt.limit = LDT_LIMIT;
            cpu->ldt.flags = SEGF_P | 2u << SEGF_TYPE_SHIFT; /* LDT */
        } else {
            set_seg(&cpu->ldt, 0, 0, 0, 0);
        }
        /* GS based in the sandbox, as the host runner sets it. */
        cpu->seg[R_GS].base = e->lay.gs_base;
        cpu->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
        cpu->cr3 = EMU_PML4;
    } else {
        cpu->efer = EFER_NXE;
        cpu->cr3 = EMU_PT;
        /* PAE keeps the PDPTEs loaded from CR3 in the CPU. */
        x86_load_pdptes(cpu, EMU_PT);
    }
    memset(cpu->regs, 0, sizeof(cpu->regs));
    for (int i = 0; i < (s->bits == 64 ? 16 : 8); i++) {
        cpu->regs[i] = init->r[i];
    }
    cpu->rip = init->eip;
    cpu->halted = false;
    cpu->irq_shadow = false;
    cpu->interrupt_request = 0;
    cpu->exc_depth = 0;
    cpu->last_exc = -1;
    set_flags(cpu, init->eflags);
    set_fpu(cpu, &init->fpu);
    /* The host's stub FXRSTORs an image with zero pointers. */
    cpu->fop = 0;
    cpu->fip = cpu->fdp = 0;
    cpu->fcs = cpu->fds = 0;
    x86_tlb_flush(cpu, true);
}

void dt_emu_run(DtEmu *e, const DtStream *s, DtReport *rep,
                uint8_t *sbx_out, DtStepFn *step, void *opaque)
{
    X86Cpu *cpu = e->cpu;
    uint8_t *code = e->ram + phys_of(e, e->lay.code_base);
    uint8_t *sbx = e->ram + phys_of(e, e->lay.sbx_base);

    memcpy(code, s->code, s->len);
    memset(code + s->len, 0xf4, DT_CODE_SIZE - s->len);
    /* New code for tcg-lite too, as a device's write would be seen. */
    as_dma_mark_dirty(e->as, phys_of(e, e->lay.code_base), DT_CODE_SIZE);
    dt_fill_sandbox(sbx, s->mem_seed);
    dt_fill_scratch(e->ram + phys_of(e, e->lay.scratch_base), &e->lay,
                    &s->init, s->bits);
    reset_cpu(e, s);

    rep->nsteps = 0;
    memset(&rep->end, 0, sizeof(rep->end));
    for (;;) {
        e->vec = -1;
        X86ExitReason why = x86_cpu_exec(cpu, 1000000);
        DtRegs st;
        get_state(cpu, &st, s->bits);
        if (why != X86_EXIT_EXCEPTION) {
            rep->end.vec = DT_END_TIMEOUT;
            rep->end.regs = st;
            break;
        }
        if (e->vec == EXC_DB) {
            if (rep->nsteps >= DT_MAX_STEPS) {
                rep->end.vec = DT_END_OVERFLOW;
                break;
            }
            rep->steps[rep->nsteps++] = st;
            /* The host's trap and return in compatibility mode leave RSP
             * as the frame held it (get_state). */
            cpu->regs[R_ESP] = st.r[DT_ESP];
            if (step) {
                DtRegs fixed = st;
                uint64_t at = cpu->insn_start;
                step(opaque, rep->nsteps - 1,
                     s->bits == 64 ? at : (uint32_t)at, &fixed);
                if (memcmp(&fixed, &st, sizeof(st))) {
                    for (int i = 0; i < (s->bits == 64 ? 16 : 8); i++) {
                        cpu->regs[i] = fixed.r[i];
                    }
                    set_flags(cpu, fixed.eflags);
                }
                if (memcmp(&fixed.fpu, &st.fpu, sizeof(st.fpu))) {
                    set_fpu(cpu, &fixed.fpu);
                }
            }
            continue;
        }
        rep->end.vec = e->vec;
        rep->end.err = e->err < 0 ? 0 : (uint32_t)e->err;
        rep->end.cr2 = e->vec != EXC_PF ? 0
                       : s->bits == 64 ? cpu->cr2 : (uint32_t)cpu->cr2;
        rep->end.regs = st;
        break;
    }
    memcpy(sbx_out, sbx, DT_SBX_SIZE);
}
