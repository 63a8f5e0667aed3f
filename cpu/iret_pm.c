/*
 * IRET in protected mode (SDM vol. 2, IRET): the nested-task return
 * through the back link, the return to virtual-8086 mode, and returns to
 * the same or an outer privilege level with the EFLAGS rules of each;
 * and IRET in long mode (the IA-32e path). IRET from virtual-8086 mode
 * itself is in seg.c.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/seg.h"

/* NT = 1: return to the task named by the back link of the current TSS. */
static void iret_task(X86Cpu *cpu)
{
    X86Desc d;
    uint16_t link = x86_read_lin(cpu, cpu->tr.base, 2, ACC_READ | ACC_SUPER);
    if ((link & SEL_TI) || !desc_fetch(cpu, link, &d)) {
        pm_raise_sel(cpu, EXC_TS, link, false);
    }
    if (!desc_is_system(&d) || (desc_type(&d) != DESC_TSS16_BUSY &&
                                desc_type(&d) != DESC_TSS32_BUSY)) {
        pm_raise_sel(cpu, EXC_TS, link, false);
    }
    if (!desc_present(&d)) {
        pm_raise_sel(cpu, EXC_NP, link, false);
    }
    x86_task_switch(cpu, link, &d, TS_IRET, false, (uint32_t)cpu->next_rip,
                    -1);
}

/* VM = 1 in the popped EFLAGS at CPL 0: the rest of the frame holds
 * ESP, SS, ES, DS, FS and GS, all as 32-bit slots. */
static void iret_to_v86(X86Cpu *cpu, PmStack *st, uint32_t eip,
                        uint16_t cs, uint32_t fl)
{
    uint32_t esp = pm_stack_read(cpu, st, 12, 4);
    uint16_t sel[5];
    for (int i = 0; i < 5; i++) {
        sel[i] = pm_stack_read(cpu, st, 16 + 4 * i, 4);
    }
    static const int order[5] = {R_SS, R_ES, R_DS, R_FS, R_GS};
    x86_set_eflags(cpu, fl, FL_ARITH | FL_TF | FL_IF | FL_DF | FL_IOPL |
                                FL_NT | FL_RF | FL_VM | FL_AC | FL_VIF |
                                FL_VIP | FL_ID);
    x86_seg_load_real(cpu, R_CS, cs);
    for (int i = 0; i < 5; i++) {
        x86_seg_load_real(cpu, order[i], sel[i]);
    }
    reg_write(cpu, R_ESP, 4, esp);
    cpu->next_rip = eip & 0xffff;
    x86_update_mode(cpu);
}

/* Which EFLAGS bits an IRET may change, from the CPL and IOPL it runs
 * at. */
static uint32_t iret_flag_mask(const X86Cpu *cpu, unsigned opsize)
{
    unsigned iopl = (cpu->eflags & FL_IOPL) >> FL_IOPL_SHIFT;
    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT;
    if (opsize >= 4) {
        mask |= FL_RF | FL_AC | FL_ID;
    }
    if (cpu->cpl <= iopl) {
        mask |= FL_IF;
    }
    if (cpu->cpl == 0) {
        mask |= FL_IOPL;
        if (opsize >= 4) {
            mask |= FL_VIF | FL_VIP;
        }
    }
    return opsize == 2 ? mask & 0xffff : mask;
}

void pm_iret(X86Cpu *cpu, unsigned opsize)
{
    PmStack st;
    X86Desc cd, sd;

    if (cpu->lma) {
        lm_iret(cpu, opsize);
        return;
    }
    if (cpu->eflags & FL_NT) {
        iret_task(cpu);
        return;
    }
    pm_stack_current(cpu, &st, 0);
    uint32_t eip = pm_stack_read(cpu, &st, 0, opsize);
    uint16_t csel = pm_stack_read(cpu, &st, opsize, 2);
    uint32_t fl = pm_stack_read(cpu, &st, 2 * opsize, opsize);
    if (opsize == 4 && (fl & FL_VM) && cpu->cpl == 0) {
        iret_to_v86(cpu, &st, eip, csel, fl);
        return;
    }
    pm_check_return_cs(cpu, csel, &cd);
    uint32_t mask = iret_flag_mask(cpu, opsize);
    if (SEL_RPL(csel) > cpu->cpl) {
        uint32_t esp = pm_stack_read(cpu, &st, 3 * opsize, opsize);
        uint16_t ss = pm_stack_read(cpu, &st, 4 * opsize, 2);
        pm_check_return_ss(cpu, ss, csel, &sd);
        if (eip > desc_limit(&cd)) {
            x86_raise(cpu, EXC_GP, 0);
        }
        pm_return_commit(cpu, csel, &cd, eip, ss, &sd, esp);
    } else {
        if (eip > desc_limit(&cd)) {
            x86_raise(cpu, EXC_GP, 0);
        }
        st.sp = (st.sp + 3 * opsize) & st.mask;
        pm_return_commit(cpu, csel, &cd, eip, 0, NULL, 0);
        pm_stack_commit(cpu, &st);
    }
    x86_set_eflags(cpu, fl, mask);
}

/* Long mode: no task return (NT set is #GP(0)) and no virtual-8086 mode.
 * An IRET in 64-bit mode always pops SS:RSP, at the same privilege too,
 * and may return to 64-bit code at CPL 0-2 with a null SS; one in
 * compatibility mode pops them only for an outer return. */
void lm_iret(X86Cpu *cpu, unsigned opsize)
{
    PmStack st;
    X86Desc cd, sd, *ss_d;

    if (cpu->eflags & FL_NT) {
        x86_raise(cpu, EXC_GP, 0);
    }
    pm_stack_current(cpu, &st, 0);
    uint64_t rip = lm_stack_read(cpu, &st, 0, opsize);
    uint16_t csel = lm_stack_read(cpu, &st, opsize, 2);
    uint32_t fl = lm_stack_read(cpu, &st, 2 * opsize, opsize);
    pm_check_return_cs(cpu, csel, &cd);
    if (desc_l_and_d(&cd)) {
        pm_raise_sel(cpu, EXC_GP, csel, false);
    }
    uint32_t mask = iret_flag_mask(cpu, opsize);
    if (SEL_RPL(csel) > cpu->cpl || cpu->code64) {
        uint64_t rsp = lm_stack_read(cpu, &st, 3 * opsize, opsize);
        uint16_t ss = lm_stack_read(cpu, &st, 4 * opsize, 2);
        lm_check_return_ss(cpu, ss, csel, &cd, &sd, &ss_d);
        rip = lm_check_target(cpu, &cd, rip);
        lm_return_commit(cpu, csel, &cd, rip, ss, ss_d, rsp);
    } else {
        rip = lm_check_target(cpu, &cd, rip);
        st.sp = (st.sp + 3 * opsize) & st.mask;
        pm_return_commit(cpu, csel, &cd, (uint32_t)rip, 0, NULL, 0);
        pm_stack_commit(cpu, &st);
    }
    x86_set_eflags(cpu, fl, mask);
}
