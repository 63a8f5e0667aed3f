/*
 * Protected-mode segment register loads and far transfers: MOV/POP/LxS
 * to a segment register, far JMP and CALL (to code segments, through call
 * gates with parameter copying and the inner stack from the TSS, through
 * task gates and TSS descriptors) and far RET, with the checks, order and
 * error codes of the SDM (vol. 2, JMP/CALL/RET/MOV; vol. 3, 5.8).
 *
 * Every check happens before the first register changes; the frames a
 * call pushes are written through a PmStack, committed at the end.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/seg.h"

static __attribute__((noreturn)) void gp_sel(X86Cpu *cpu, uint16_t sel)
{
    pm_raise_sel(cpu, EXC_GP, sel, false);
}

void pm_load_seg(X86Cpu *cpu, int seg, uint16_t sel)
{
    X86Desc d;
    unsigned cpl = cpu->cpl;

    if (seg == R_SS) {
        if (SEL_IS_NULL(sel)) {
            /* 64-bit mode lets CPL 0-2 load a null SS (RPL = CPL). */
            if (cpu->code64 && cpl < 3 && SEL_RPL(sel) == cpl) {
                lm_load_null_ss(cpu, sel);
                return;
            }
            x86_raise(cpu, EXC_GP, 0);
        }
        desc_fetch_or_raise(cpu, sel, &d, EXC_GP, false);
        if (SEL_RPL(sel) != cpl || !desc_is_writable_data(&d) ||
            desc_dpl(&d) != cpl) {
            gp_sel(cpu, sel);
        }
        if (!desc_present(&d)) {
            pm_raise_sel(cpu, EXC_SS, sel, false);
        }
    } else {
        if (SEL_IS_NULL(sel)) {
            pm_seg_null(cpu, seg, sel);
            return;
        }
        desc_fetch_or_raise(cpu, sel, &d, EXC_GP, false);
        if (!desc_is_readable(&d)) {
            gp_sel(cpu, sel);
        }
        if (!desc_conforming(&d) &&
            (SEL_RPL(sel) > desc_dpl(&d) || cpl > desc_dpl(&d))) {
            gp_sel(cpu, sel);
        }
        if (!desc_present(&d)) {
            pm_raise_sel(cpu, EXC_NP, sel, false);
        }
    }
    desc_set_accessed(cpu, sel, &d);
    desc_to_seg(&cpu->seg[seg], sel, &d);
    if (seg == R_SS) {
        x86_update_mode(cpu);
    }
}

/* A code segment named directly by a far JMP or CALL. */
static void check_direct_code(X86Cpu *cpu, uint16_t sel, const X86Desc *d)
{
    if (desc_conforming(d)) {
        if (desc_dpl(d) > cpu->cpl) {
            gp_sel(cpu, sel);
        }
    } else if (SEL_RPL(sel) > cpu->cpl || desc_dpl(d) != cpu->cpl) {
        gp_sel(cpu, sel);
    }
    if (!desc_present(d)) {
        pm_raise_sel(cpu, EXC_NP, sel, false);
    }
}

/* Load CS from a checked descriptor with RPL @rpl. */
static void load_cs(X86Cpu *cpu, uint16_t sel, X86Desc *d, unsigned rpl)
{
    desc_set_accessed(cpu, sel, d);
    desc_to_seg(&cpu->seg[R_CS], (uint16_t)((sel & ~3u) | rpl), d);
}

/* The gate's own checks (JMP or CALL through a call or task gate, or to a
 * TSS): DPL against CPL and RPL, then present. */
static void check_gate(X86Cpu *cpu, uint16_t sel, const X86Desc *d)
{
    if (desc_dpl(d) < cpu->cpl || desc_dpl(d) < SEL_RPL(sel)) {
        gp_sel(cpu, sel);
    }
    if (!desc_present(d)) {
        pm_raise_sel(cpu, EXC_NP, sel, false);
    }
}

/* The code segment a call gate names. JMP allows only the same privilege
 * (or conforming); CALL may go inward. */
static uint16_t gate_target(X86Cpu *cpu, const X86Desc *gate, X86Desc *cd,
                            bool is_jmp)
{
    uint16_t csel = gate_selector(gate);
    if (SEL_IS_NULL(csel)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    desc_fetch_or_raise(cpu, csel, cd, EXC_GP, false);
    if (!desc_is_code(cd) || desc_dpl(cd) > cpu->cpl ||
        (is_jmp && !desc_conforming(cd) && desc_dpl(cd) != cpu->cpl)) {
        gp_sel(cpu, csel);
    }
    if (!desc_present(cd)) {
        pm_raise_sel(cpu, EXC_NP, csel, false);
    }
    return csel;
}

/* JMP or CALL to a task gate or an available TSS. */
static void far_task(X86Cpu *cpu, uint16_t sel, const X86Desc *d,
                     int source)
{
    X86Desc td = *d;
    uint16_t tss = sel;

    check_gate(cpu, sel, d);
    if (desc_type(d) == DESC_TASK) {
        tss = gate_selector(d);
        if (tss & SEL_TI) {
            gp_sel(cpu, tss);
        }
        desc_fetch_or_raise(cpu, tss, &td, EXC_GP, false);
        if (desc_is_system(&td) == false ||
            (desc_type(&td) != DESC_TSS16 && desc_type(&td) != DESC_TSS32)) {
            gp_sel(cpu, tss);
        }
        if (!desc_present(&td)) {
            pm_raise_sel(cpu, EXC_NP, tss, false);
        }
    }
    x86_task_switch(cpu, tss, &td, source, false, (uint32_t)cpu->next_rip,
                    -1);
}

void pm_far_jump(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    X86Desc d;

    if (cpu->lma) {
        lm_far_jump(cpu, sel, off, opsize);
        return;
    }
    if (SEL_IS_NULL(sel)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    desc_fetch_or_raise(cpu, sel, &d, EXC_GP, false);
    if (desc_is_code(&d)) {
        check_direct_code(cpu, sel, &d);
        off &= size_mask(opsize);
        if (off > desc_limit(&d)) {
            x86_raise(cpu, EXC_GP, 0);
        }
        load_cs(cpu, sel, &d, cpu->cpl);
        cpu->next_rip = off;
        x86_update_mode(cpu);
        return;
    }
    if (!desc_is_system(&d)) {
        gp_sel(cpu, sel);
    }
    switch (desc_type(&d)) {
    case DESC_CALL16:
    case DESC_CALL32: {
        X86Desc cd;
        check_gate(cpu, sel, &d);
        uint16_t csel = gate_target(cpu, &d, &cd, true);
        uint32_t eip = gate_offset(&d);
        if (eip > desc_limit(&cd)) {
            x86_raise(cpu, EXC_GP, 0);
        }
        load_cs(cpu, csel, &cd, cpu->cpl);
        cpu->next_rip = eip;
        x86_update_mode(cpu);
        return;
    }
    case DESC_TASK:
    case DESC_TSS16:
    case DESC_TSS32:
        far_task(cpu, sel, &d, TS_JMP);
        return;
    default:
        gp_sel(cpu, sel);
    }
}

/* CALL through a call gate to a more privileged non-conforming segment:
 * switch to the inner stack from the TSS and copy the parameters. */
static void call_gate_inner(X86Cpu *cpu, const X86Desc *gate, uint16_t csel,
                            X86Desc *cd)
{
    unsigned ncpl = desc_dpl(cd);
    unsigned gsize = gate_is_32(gate) ? 4 : 2;
    unsigned nparams = gate_param_count(gate);
    uint32_t eip = gate_offset(gate);
    uint16_t ss;
    uint32_t esp;
    X86Desc sd;
    PmStack ns;
    uint32_t params[31];

    pm_tss_stack(cpu, ncpl, false, &ss, &esp);
    if (SEL_IS_NULL(ss)) {
        pm_raise_sel(cpu, EXC_TS, ss, false);
    }
    desc_fetch_or_raise(cpu, ss, &sd, EXC_TS, false);
    if (SEL_RPL(ss) != ncpl || desc_dpl(&sd) != ncpl ||
        !desc_is_writable_data(&sd)) {
        pm_raise_sel(cpu, EXC_TS, ss, false);
    }
    if (!desc_present(&sd)) {
        pm_raise_sel(cpu, EXC_SS, ss, false);
    }
    desc_to_seg(&ns.seg, ss, &sd);
    ns.mask = (sd.hi & SEGF_DB) ? 0xffffffffu : 0xffffu;
    ns.sp = esp & ns.mask;
    ns.acc = ncpl < 3 ? ACC_SUPER : 0;
    ns.vec = EXC_SS;
    ns.err = SEL_ERR(ss, false);
    pm_stack_check_room(cpu, &ns, (4 + nparams) * gsize, gsize);
    if (eip > desc_limit(cd)) {
        x86_raise(cpu, EXC_GP, 0);
    }

    /* The parameters come from the caller's stack, at its privilege. */
    PmStack old;
    pm_stack_current(cpu, &old, 0);
    old.acc = 0;
    for (unsigned i = 0; i < nparams; i++) {
        params[i] = pm_stack_read(cpu, &old, i * gsize, gsize);
    }

    desc_set_accessed(cpu, ss, &sd);
    ns.seg.flags = desc_flags(&sd);
    pm_stack_push(cpu, &ns, cpu->seg[R_SS].sel, gsize);
    pm_stack_push(cpu, &ns, (uint32_t)cpu->regs[R_ESP], gsize);
    for (unsigned i = nparams; i-- > 0;) {
        pm_stack_push(cpu, &ns, params[i], gsize);
    }
    pm_stack_push(cpu, &ns, cpu->seg[R_CS].sel, gsize);
    pm_stack_push(cpu, &ns, (uint32_t)cpu->next_rip, gsize);

    load_cs(cpu, csel, cd, ncpl);
    pm_stack_commit(cpu, &ns);
    cpu->next_rip = eip;
    x86_update_mode(cpu);
}

/* Push the return address (@size bytes each) and enter CS:@eip at the
 * current privilege level. */
static void call_same(X86Cpu *cpu, uint16_t csel, X86Desc *cd, uint32_t eip,
                      unsigned size)
{
    PmStack st;
    pm_stack_current(cpu, &st, 0);
    pm_stack_check_room(cpu, &st, 2 * size, size);
    if (eip > desc_limit(cd)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    pm_stack_push(cpu, &st, cpu->seg[R_CS].sel, size);
    pm_stack_push(cpu, &st, (uint32_t)cpu->next_rip, size);
    load_cs(cpu, csel, cd, cpu->cpl);
    pm_stack_commit(cpu, &st);
    cpu->next_rip = eip;
    x86_update_mode(cpu);
}

void pm_far_call(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    X86Desc d;

    if (cpu->lma) {
        lm_far_call(cpu, sel, off, opsize);
        return;
    }
    if (SEL_IS_NULL(sel)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    desc_fetch_or_raise(cpu, sel, &d, EXC_GP, false);
    if (desc_is_code(&d)) {
        check_direct_code(cpu, sel, &d);
        call_same(cpu, sel, &d, (uint32_t)(off & size_mask(opsize)), opsize);
        return;
    }
    if (!desc_is_system(&d)) {
        gp_sel(cpu, sel);
    }
    switch (desc_type(&d)) {
    case DESC_CALL16:
    case DESC_CALL32: {
        X86Desc cd;
        check_gate(cpu, sel, &d);
        uint16_t csel = gate_target(cpu, &d, &cd, false);
        if (!desc_conforming(&cd) && desc_dpl(&cd) < cpu->cpl) {
            call_gate_inner(cpu, &d, csel, &cd);
        } else {
            call_same(cpu, csel, &cd, gate_offset(&d),
                      gate_is_32(&d) ? 4 : 2);
        }
        return;
    }
    case DESC_TASK:
    case DESC_TSS16:
    case DESC_TSS32:
        far_task(cpu, sel, &d, TS_CALL);
        return;
    default:
        gp_sel(cpu, sel);
    }
}

/* The code segment a far RET or IRET returns to: the SDM's checks, in
 * order, on the popped selector @sel. */
void pm_check_return_cs(X86Cpu *cpu, uint16_t sel, X86Desc *d)
{
    if (SEL_IS_NULL(sel)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    desc_fetch_or_raise(cpu, sel, d, EXC_GP, false);
    if (!desc_is_code(d) || SEL_RPL(sel) < cpu->cpl) {
        gp_sel(cpu, sel);
    }
    if (desc_conforming(d) ? desc_dpl(d) > SEL_RPL(sel)
                           : desc_dpl(d) != SEL_RPL(sel)) {
        gp_sel(cpu, sel);
    }
    if (!desc_present(d)) {
        pm_raise_sel(cpu, EXC_NP, sel, false);
    }
}

/* The stack segment a return to an outer level loads, for return CS
 * selector @csel. */
void pm_check_return_ss(X86Cpu *cpu, uint16_t ss, uint16_t csel,
                        X86Desc *d)
{
    if (SEL_IS_NULL(ss)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    desc_fetch_or_raise(cpu, ss, d, EXC_GP, false);
    if (SEL_RPL(ss) != SEL_RPL(csel) || !desc_is_writable_data(d) ||
        desc_dpl(d) != SEL_RPL(csel)) {
        gp_sel(cpu, ss);
    }
    if (!desc_present(d)) {
        pm_raise_sel(cpu, EXC_SS, ss, false);
    }
}

/* Load CS:EIP and, for an outer return, SS:ESP (@ss_d non-NULL), after
 * the checks. ESP is taken whole from a 32-bit pop, and a 16-bit stack
 * segment keeps ESP's upper half. */
void pm_return_commit(X86Cpu *cpu, uint16_t csel, X86Desc *cd, uint32_t eip,
                      uint16_t ss, X86Desc *ss_d, uint32_t esp)
{
    desc_set_accessed(cpu, csel, cd);
    if (ss_d) {
        desc_set_accessed(cpu, ss, ss_d);
    }
    desc_to_seg(&cpu->seg[R_CS], csel, cd);
    if (ss_d) {
        desc_to_seg(&cpu->seg[R_SS], ss, ss_d);
        reg_write(cpu, R_ESP, (ss_d->hi & SEGF_DB) ? 4 : 2, esp);
    }
    cpu->next_rip = eip;
    x86_update_mode(cpu);
    if (ss_d) {
        pm_null_inner_data_segs(cpu);
    }
}

void pm_far_return(X86Cpu *cpu, unsigned opsize, unsigned pop_bytes)
{
    PmStack st;
    X86Desc cd, sd;

    if (cpu->lma) {
        lm_far_return(cpu, opsize, pop_bytes);
        return;
    }
    pm_stack_current(cpu, &st, 0);
    uint32_t eip = pm_stack_read(cpu, &st, 0, opsize);
    uint16_t csel = pm_stack_read(cpu, &st, opsize, 2);
    pm_check_return_cs(cpu, csel, &cd);
    if (SEL_RPL(csel) > cpu->cpl) {
        unsigned at = 2 * opsize + pop_bytes;
        uint32_t esp = pm_stack_read(cpu, &st, at, opsize);
        uint16_t ss = pm_stack_read(cpu, &st, at + opsize, 2);
        pm_check_return_ss(cpu, ss, csel, &sd);
        if (eip > desc_limit(&cd)) {
            x86_raise(cpu, EXC_GP, 0);
        }
        /* RET imm releases parameters on the outer stack too. */
        uint32_t mask = (sd.hi & SEGF_DB) ? 0xffffffffu : 0xffffu;
        pm_return_commit(cpu, csel, &cd, eip, ss, &sd,
                         (esp + pop_bytes) & mask);
        return;
    }
    if (eip > desc_limit(&cd)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    st.sp = (st.sp + 2 * opsize + pop_bytes) & st.mask;
    pm_return_commit(cpu, csel, &cd, eip, 0, NULL, 0);
    pm_stack_commit(cpu, &st);
}
