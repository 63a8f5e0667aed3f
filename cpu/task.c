/*
 * Hardware task switches (SDM vol. 3, 7.3) between 32-bit and 16-bit
 * TSSs, for JMP, CALL, IRET and interrupts through task gates, and the
 * inner-stack pointers a TSS holds.
 *
 * The switch reads the whole incoming TSS and checks that the outgoing
 * one can be written before it changes anything; faults up to there
 * belong to the old task. Then it saves the old state, moves the busy
 * bits and the back link, loads TR and CR0.TS (the commit point) and
 * loads the new state. Faults from here on (the #TS/#NP/#SS checks of
 * the new LDT and segments) are taken in the new task, at its first
 * instruction, as on a real CPU.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/seg.h"

#define DR6_BT (1u << 15)
#define DR7_LOCAL_ENABLES 0x155u  /* L0-L3 and LE */

void pm_tss_stack(X86Cpu *cpu, unsigned dpl, bool ext, uint16_t *ss,
                  uint32_t *esp)
{
    const X86Seg *tr = &cpu->tr;
    unsigned type = (tr->flags & SEGF_TYPE_MASK) >> SEGF_TYPE_SHIFT;
    int acc = ACC_READ | ACC_SUPER;
    if (type & 8) {
        uint32_t off = dpl * 8 + 4;
        if (off + 5 > tr->limit) {
            pm_raise_sel(cpu, EXC_TS, tr->sel, ext);
        }
        *esp = x86_read_lin(cpu, tr->base + off, 4, acc);
        *ss = x86_read_lin(cpu, tr->base + off + 4, 2, acc);
    } else {
        uint32_t off = dpl * 4 + 2;
        if (off + 3 > tr->limit) {
            pm_raise_sel(cpu, EXC_TS, tr->sel, ext);
        }
        *esp = x86_read_lin(cpu, tr->base + off, 2, acc);
        *ss = x86_read_lin(cpu, tr->base + off + 2, 2, acc);
    }
}

/* A task's state as a TSS holds it. */
typedef struct TaskState {
    uint32_t cr3;
    uint32_t eip;
    uint32_t eflags;
    uint32_t regs[8];
    uint16_t seg[SEG_COUNT];
    uint16_t ldt;
    bool trap;             /* the T bit: #DB on entry */
} TaskState;

/* Field offsets of the two TSS formats. */
typedef struct TssLayout {
    unsigned eip, eflags, regs, segs, ldt;
    unsigned size;         /* register slot size */
    unsigned save_end;     /* end of what a switch writes back */
    uint32_t min_limit;
} TssLayout;

static const TssLayout tss32 = {0x20, 0x24, 0x28, 0x48, 0x60, 4, 0x60, 0x67};
static const TssLayout tss16 = {0x0e, 0x10, 0x12, 0x22, 0x2a, 2, 0x2a, 0x2b};

static uint32_t tss_read(X86Cpu *cpu, uint64_t base, unsigned off,
                         unsigned size)
{
    return x86_read_lin(cpu, (uint32_t)(base + off), size,
                        ACC_READ | ACC_SUPER);
}

static void tss_write(X86Cpu *cpu, uint64_t base, unsigned off, uint32_t v,
                      unsigned size)
{
    x86_write_lin(cpu, (uint32_t)(base + off), v, size,
                  ACC_WRITE | ACC_SUPER);
}

static void read_task(X86Cpu *cpu, uint64_t base, const TssLayout *l,
                      TaskState *t)
{
    bool big = l->size == 4;
    t->cr3 = big ? tss_read(cpu, base, 0x1c, 4) : 0;
    t->eip = tss_read(cpu, base, l->eip, l->size);
    t->eflags = tss_read(cpu, base, l->eflags, l->size);
    for (int r = 0; r < 8; r++) {
        uint32_t v = tss_read(cpu, base, l->regs + r * l->size, l->size);
        /* A 16-bit TSS has no upper halves: they read as ones. */
        t->regs[r] = big ? v : v | 0xffff0000u;
    }
    for (int s = 0; s < SEG_COUNT; s++) {
        if (big || s < R_FS) {
            t->seg[s] = tss_read(cpu, base, l->segs + s * l->size, 2);
        } else {
            t->seg[s] = 0;
        }
    }
    t->ldt = tss_read(cpu, base, l->ldt, 2);
    t->trap = big && (tss_read(cpu, base, 0x64, 2) & 1);
}

static void save_task(X86Cpu *cpu, uint64_t base, const TssLayout *l,
                      uint32_t eip, uint32_t eflags)
{
    tss_write(cpu, base, l->eip, eip, l->size);
    tss_write(cpu, base, l->eflags, eflags, l->size);
    for (int r = 0; r < 8; r++) {
        tss_write(cpu, base, l->regs + r * l->size, (uint32_t)cpu->regs[r],
                  l->size);
    }
    for (int s = 0; s < SEG_COUNT; s++) {
        if (l->size == 4 || s < R_FS) {
            tss_write(cpu, base, l->segs + s * l->size, cpu->seg[s].sel,
                      l->size);
        }
    }
}

static __attribute__((noreturn)) void ts_fault(X86Cpu *cpu, int vec,
                                               uint16_t sel, bool ext)
{
    pm_raise_sel(cpu, vec, sel, ext);
}

/* The new task's LDT: null, or an LDT descriptor in the GDT. */
static void load_task_ldt(X86Cpu *cpu, uint16_t sel, bool ext)
{
    X86Desc d;
    if (SEL_IS_NULL(sel)) {
        cpu->ldt.sel = sel;
        cpu->ldt.base = 0;
        cpu->ldt.limit = 0;
        cpu->ldt.flags = 0;
        return;
    }
    if ((sel & SEL_TI) || !desc_fetch(cpu, sel, &d) ||
        !desc_is_system(&d) || desc_type(&d) != DESC_LDT ||
        !desc_present(&d)) {
        ts_fault(cpu, EXC_TS, sel, ext);
    }
    desc_to_seg(&cpu->ldt, sel, &d);
}

/* The new task's CS, SS, DS, ES, FS and GS (protected mode). */
static void load_task_segs(X86Cpu *cpu, const TaskState *t, bool ext)
{
    X86Desc d;
    uint16_t cs = t->seg[R_CS], ss = t->seg[R_SS];
    unsigned cpl = SEL_RPL(cs);

    if (SEL_IS_NULL(cs) || !desc_fetch(cpu, cs, &d) || !desc_is_code(&d)) {
        ts_fault(cpu, EXC_TS, cs, ext);
    }
    if (desc_conforming(&d) ? desc_dpl(&d) > cpl : desc_dpl(&d) != cpl) {
        ts_fault(cpu, EXC_TS, cs, ext);
    }
    if (!desc_present(&d)) {
        ts_fault(cpu, EXC_NP, cs, ext);
    }
    desc_set_accessed(cpu, cs, &d);
    desc_to_seg(&cpu->seg[R_CS], cs, &d);

    if (SEL_IS_NULL(ss) || !desc_fetch(cpu, ss, &d) ||
        !desc_is_writable_data(&d) || SEL_RPL(ss) != cpl ||
        desc_dpl(&d) != cpl) {
        ts_fault(cpu, EXC_TS, ss, ext);
    }
    if (!desc_present(&d)) {
        ts_fault(cpu, EXC_SS, ss, ext);
    }
    desc_set_accessed(cpu, ss, &d);
    desc_to_seg(&cpu->seg[R_SS], ss, &d);
    x86_update_mode(cpu);

    static const int data[] = {R_ES, R_DS, R_FS, R_GS};
    for (unsigned i = 0; i < 4; i++) {
        uint16_t sel = t->seg[data[i]];
        if (SEL_IS_NULL(sel)) {
            pm_seg_null(cpu, data[i], sel);
            continue;
        }
        if (!desc_fetch(cpu, sel, &d) || !desc_is_readable(&d)) {
            ts_fault(cpu, EXC_TS, sel, ext);
        }
        if (!desc_conforming(&d) &&
            (desc_dpl(&d) < cpl || desc_dpl(&d) < SEL_RPL(sel))) {
            ts_fault(cpu, EXC_TS, sel, ext);
        }
        if (!desc_present(&d)) {
            ts_fault(cpu, EXC_NP, sel, ext);
        }
        desc_set_accessed(cpu, sel, &d);
        desc_to_seg(&cpu->seg[data[i]], sel, &d);
    }
}

void x86_task_switch(X86Cpu *cpu, uint16_t sel, const X86Desc *d,
                     int source, bool ext, uint32_t ret, int err_code)
{
    const TssLayout *nl = (desc_type(d) & 8) ? &tss32 : &tss16;
    unsigned old_type = (cpu->tr.flags & SEGF_TYPE_MASK) >> SEGF_TYPE_SHIFT;
    const TssLayout *ol = (old_type & 8) ? &tss32 : &tss16;
    uint64_t nbase = desc_base(d), obase = cpu->tr.base;
    TaskState t;

    TRACE(cpu->log, LOG_INT, "cpu%d: task switch %04x -> %04x (%s)",
          cpu->index, cpu->tr.sel, sel,
          source == TS_JMP ? "jmp" : source == TS_CALL ? "call"
          : source == TS_IRET ? "iret" : "int");
    if (desc_limit(d) < nl->min_limit) {
        ts_fault(cpu, EXC_TS, sel, ext);
    }
    if (cpu->tr.limit < ol->min_limit) {
        ts_fault(cpu, EXC_TS, cpu->tr.sel, ext);
    }
    /* Everything the switch touches, before it changes anything. */
    read_task(cpu, nbase, nl, &t);
    x86_probe_lin(cpu, (uint32_t)(obase + ol->eip), ol->save_end - ol->eip,
                  ACC_WRITE | ACC_SUPER);
    if (source == TS_CALL || source == TS_INT) {
        x86_probe_lin(cpu, (uint32_t)nbase, 2, ACC_WRITE | ACC_SUPER);
    }

    uint32_t old_flags = x86_get_eflags(cpu);
    if (source == TS_JMP || source == TS_IRET) {
        desc_set_busy(cpu, cpu->tr.sel, false);
    }
    if (source == TS_IRET) {
        old_flags &= ~FL_NT;
    }
    save_task(cpu, obase, ol, ret, old_flags);
    if (source == TS_CALL || source == TS_INT) {
        tss_write(cpu, nbase, 0, cpu->tr.sel, 2);
        t.eflags |= FL_NT;
    }
    if (source != TS_IRET) {
        desc_set_busy(cpu, sel, true);
    }

    /* Commit: from here on, faults belong to the new task. */
    desc_to_seg(&cpu->tr, sel, d);
    cpu->tr.flags |= DESC_TSS_BUSY_BIT << SEGF_TYPE_SHIFT;
    cpu->cr0 |= CR0_TS;
    if (nl == &tss32 && (cpu->cr0 & CR0_PG)) {
        x86_write_cr3(cpu, t.cr3);
    }
    for (int r = 0; r < 8; r++) {
        cpu->regs[r] = t.regs[r];
    }
    cpu->rip = cpu->next_rip = t.eip;
    cpu->eflags = FL_FIXED;
    cpu->cc_op = CC_OP_EFLAGS;
    cpu->cc_src = 0;
    x86_set_eflags(cpu, t.eflags,
                   (nl == &tss32 ? 0xffffffffu : 0xffffu) & 0x3f7fd5u);
    /* The selectors are loaded first, unusable; the checks below fill in
     * the descriptors. Until then the CPL is the new CS's RPL. */
    for (int s = 0; s < SEG_COUNT; s++) {
        pm_seg_null(cpu, s, t.seg[s]);
    }
    cpu->seg[R_SS].flags = SEL_RPL(t.seg[R_CS]) << SEGF_DPL_SHIFT;
    cpu->dr[7] &= ~(uint64_t)DR7_LOCAL_ENABLES;
    x86_update_mode(cpu);

    load_task_ldt(cpu, t.ldt, ext);
    if (cpu->vm86) {
        for (int s = 0; s < SEG_COUNT; s++) {
            x86_seg_load_real(cpu, s, t.seg[s]);
        }
    } else {
        load_task_segs(cpu, &t, ext);
    }
    x86_update_mode(cpu);

    if (source == TS_INT && err_code >= 0) {
        PmStack st;
        pm_stack_current(cpu, &st, ext ? 1 : 0);
        pm_stack_push(cpu, &st, (uint32_t)err_code, nl->size);
        pm_stack_commit(cpu, &st);
    }
    if (t.eip > cpu->seg[R_CS].limit) {
        x86_raise(cpu, EXC_GP, ext ? 1 : 0);
    }
    if (t.trap) {
        cpu->dr[6] |= DR6_BT;
        x86_raise_trap(cpu, EXC_DB);
    }
}
