/*
 * Interrupt and exception delivery in protected and virtual-8086 mode
 * (SDM vol. 2, INT n; vol. 3, 6.12 and 20.3): the IDT entry and gate
 * checks, interrupt and trap gates with or without a privilege change,
 * task gates, delivery from virtual-8086 mode to ring 0, and the VME
 * redirection of INT n to the virtual-8086 program's own vector table.
 *
 * EXT (bit 0 of the error codes raised here) is set unless the event is a
 * software interrupt: a fault while delivering an exception or an external
 * interrupt names the event as external.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/seg.h"

/* Is INT @vec in virtual-8086 mode sent to the protected-mode IDT (bit
 * set in the TSS interrupt redirection bitmap) rather than redirected? */
static bool v86_int_goes_to_idt(X86Cpu *cpu, int vec)
{
    const X86Seg *tr = &cpu->tr;
    unsigned type = (tr->flags & SEGF_TYPE_MASK) >> SEGF_TYPE_SHIFT;
    if (!(type & 8) || tr->limit < 0x67) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint32_t iobase = x86_read_lin(cpu, tr->base + 0x66, 2,
                                   ACC_READ | ACC_SUPER);
    /* The 32-byte bitmap sits just below the I/O permission bitmap. */
    uint32_t byte = iobase - 32 + (uint32_t)vec / 8;
    if (iobase < 32 || byte > tr->limit) {
        x86_raise(cpu, EXC_GP, 0);
    }
    uint8_t bits = x86_read_lin(cpu, tr->base + byte, 1,
                                ACC_READ | ACC_SUPER);
    return (bits >> (vec & 7)) & 1;
}

/* INT n redirected to the virtual-8086 program's vector table at linear
 * 0: a real-mode style interrupt; with IOPL < 3 the pushed IF is VIF,
 * IOPL reads as 3 and VIF is cleared instead of IF. */
static void v86_redirect(X86Cpu *cpu, int vec, uint64_t ret)
{
    unsigned iopl = (cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT;
    uint16_t ip = x86_read_lin(cpu, (uint32_t)vec * 4, 2, ACC_READ);
    uint16_t cs = x86_read_lin(cpu, (uint32_t)vec * 4 + 2, 2, ACC_READ);
    uint32_t fl = x86_get_eflags(cpu) & 0xffff;
    if (iopl < 3) {
        fl = (fl & ~FL_IF) | ((cpu->eflags & FL_VIF) ? FL_IF : 0) | FL_IOPL;
    }
    uint16_t sp = cpu->regs[R_ESP];
    for (unsigned i = 1; i <= 3; i++) {
        x86_probe_write(cpu, R_SS, (uint16_t)(sp - 2 * i), 2);
    }
    x86_push(cpu, fl, 2);
    x86_push(cpu, cpu->seg[R_CS].sel, 2);
    x86_push(cpu, ret, 2);
    cpu->eflags &= ~(FL_TF | (iopl < 3 ? FL_VIF : FL_IF));
    x86_seg_load_real(cpu, R_CS, cs);
    cpu->rip = cpu->next_rip = ip;
    x86_update_mode(cpu);
}

/* Through a task gate: switch tasks, then push the error code on the
 * new task's stack. */
static void deliver_task_gate(X86Cpu *cpu, const X86Desc *gate, int err,
                              bool ext, uint64_t ret)
{
    X86Desc td;
    uint16_t tss = gate_selector(gate);
    if ((tss & SEL_TI) || !desc_fetch(cpu, tss, &td)) {
        pm_raise_sel(cpu, EXC_GP, tss, ext);
    }
    if (!desc_is_system(&td) ||
        (desc_type(&td) != DESC_TSS16 && desc_type(&td) != DESC_TSS32)) {
        pm_raise_sel(cpu, EXC_GP, tss, ext);
    }
    if (!desc_present(&td)) {
        pm_raise_sel(cpu, EXC_NP, tss, ext);
    }
    x86_task_switch(cpu, tss, &td, TS_INT, ext, (uint32_t)ret, err);
}

/* The stack an inter-privilege interrupt switches to, checked. */
static void inner_stack(X86Cpu *cpu, unsigned dpl, bool ext, PmStack *ns,
                        uint16_t *ss_sel, X86Desc *sd)
{
    uint16_t ss;
    uint32_t esp;
    pm_tss_stack(cpu, dpl, ext, &ss, &esp);
    if (SEL_IS_NULL(ss)) {
        pm_raise_sel(cpu, EXC_TS, ss, ext);
    }
    if (!desc_fetch(cpu, ss, sd) || SEL_RPL(ss) != dpl) {
        pm_raise_sel(cpu, EXC_TS, ss, ext);
    }
    if (desc_dpl(sd) != dpl || !desc_is_writable_data(sd)) {
        pm_raise_sel(cpu, EXC_TS, ss, ext);
    }
    if (!desc_present(sd)) {
        pm_raise_sel(cpu, EXC_SS, ss, ext);
    }
    desc_to_seg(&ns->seg, ss, sd);
    ns->mask = (sd->hi & SEGF_DB) ? 0xffffffffu : 0xffffu;
    ns->sp = esp & ns->mask;
    ns->acc = dpl < 3 ? ACC_SUPER : 0;
    ns->vec = EXC_SS;
    ns->err = SEL_ERR(ss, ext);
    *ss_sel = ss;
}

void pm_deliver(X86Cpu *cpu, int vec, int error_code, int kind,
                uint64_t ret)
{
    bool ext = kind == INT_HW;
    X86Desc gate, cd, sd;

    if (cpu->lma) {
        lm_deliver(cpu, vec, error_code, kind, ret);
        return;
    }
    if (cpu->vm86 && kind == INT_SOFT) {
        /* INT n is IOPL-sensitive; VME may send it back to the program. */
        if ((cpu->cr4 & CR4_VME) && !v86_int_goes_to_idt(cpu, vec)) {
            v86_redirect(cpu, vec, ret);
            return;
        }
        if ((cpu->eflags & FL_IOPL) != FL_IOPL) {
            x86_raise(cpu, EXC_GP, 0);
        }
    }

    if ((uint32_t)vec * 8 + 7 > cpu->idt.limit) {
        x86_raise(cpu, EXC_GP, IDT_ERR(vec, ext));
    }
    uint64_t v = x86_read_lin(cpu, cpu->idt.base + (uint32_t)vec * 8, 8,
                              ACC_READ | ACC_SUPER);
    gate.lo = (uint32_t)v;
    gate.hi = (uint32_t)(v >> 32);
    unsigned type = desc_type(&gate);
    if (!desc_is_system(&gate) ||
        (type != DESC_TASK && type != DESC_INT16 && type != DESC_TRAP16 &&
         type != DESC_INT32 && type != DESC_TRAP32)) {
        x86_raise(cpu, EXC_GP, IDT_ERR(vec, ext));
    }
    if (kind != INT_HW && desc_dpl(&gate) < cpu->cpl) {
        x86_raise(cpu, EXC_GP, IDT_ERR(vec, false));
    }
    if (!desc_present(&gate)) {
        x86_raise(cpu, EXC_NP, IDT_ERR(vec, ext));
    }
    if (type == DESC_TASK) {
        deliver_task_gate(cpu, &gate, error_code, ext, ret);
        return;
    }

    uint16_t csel = gate_selector(&gate);
    if (SEL_IS_NULL(csel)) {
        x86_raise(cpu, EXC_GP, ext ? 1 : 0);
    }
    desc_fetch_or_raise(cpu, csel, &cd, EXC_GP, ext);
    if (!desc_is_code(&cd) || desc_dpl(&cd) > cpu->cpl) {
        pm_raise_sel(cpu, EXC_GP, csel, ext);
    }
    if (!desc_present(&cd)) {
        pm_raise_sel(cpu, EXC_NP, csel, ext);
    }

    unsigned size = gate_is_32(&gate) ? 4 : 2;
    uint32_t eip = gate_offset(&gate);
    bool from_v86 = cpu->vm86;
    bool inner = !desc_conforming(&cd) && desc_dpl(&cd) < cpu->cpl;
    unsigned ncpl = inner ? desc_dpl(&cd) : cpu->cpl;
    unsigned slots = 3 + (error_code >= 0);
    uint16_t ss = 0;
    PmStack st;

    if (inner) {
        if (from_v86 && desc_dpl(&cd) != 0) {
            pm_raise_sel(cpu, EXC_GP, csel, ext);
        }
        inner_stack(cpu, ncpl, ext, &st, &ss, &sd);
        slots += 2 + (from_v86 ? 4 : 0);
    } else {
        if (from_v86 ||
            (!desc_conforming(&cd) && desc_dpl(&cd) != cpu->cpl)) {
            pm_raise_sel(cpu, EXC_GP, csel, ext);
        }
        pm_stack_current(cpu, &st, ext ? 1 : 0);
    }
    pm_stack_check_room(cpu, &st, slots * size, size);
    if (eip > desc_limit(&cd)) {
        x86_raise(cpu, EXC_GP, ext ? 1 : 0);
    }

    if (inner) {
        desc_set_accessed(cpu, ss, &sd);
        st.seg.flags = desc_flags(&sd);
        if (from_v86) {
            pm_stack_push(cpu, &st, cpu->seg[R_GS].sel, size);
            pm_stack_push(cpu, &st, cpu->seg[R_FS].sel, size);
            pm_stack_push(cpu, &st, cpu->seg[R_DS].sel, size);
            pm_stack_push(cpu, &st, cpu->seg[R_ES].sel, size);
        }
        pm_stack_push(cpu, &st, cpu->seg[R_SS].sel, size);
        pm_stack_push(cpu, &st, (uint32_t)cpu->regs[R_ESP], size);
    }
    pm_stack_push(cpu, &st, x86_get_eflags(cpu), size);
    pm_stack_push(cpu, &st, cpu->seg[R_CS].sel, size);
    pm_stack_push(cpu, &st, (uint32_t)ret, size);
    if (error_code >= 0) {
        pm_stack_push(cpu, &st, (uint32_t)error_code, size);
    }

    desc_set_accessed(cpu, csel, &cd);
    desc_to_seg(&cpu->seg[R_CS], (uint16_t)((csel & ~3u) | ncpl), &cd);
    pm_stack_commit(cpu, &st);
    if (from_v86) {
        pm_seg_null(cpu, R_GS, 0);
        pm_seg_null(cpu, R_FS, 0);
        pm_seg_null(cpu, R_DS, 0);
        pm_seg_null(cpu, R_ES, 0);
    }
    cpu->eflags &= ~(FL_TF | FL_VM | FL_RF | FL_NT);
    if (!(type & 1)) {
        /* Interrupt gates (6, 14) clear IF; trap gates (7, 15) keep it. */
        cpu->eflags &= ~FL_IF;
    }
    cpu->rip = cpu->next_rip = eip;
    x86_update_mode(cpu);
}
