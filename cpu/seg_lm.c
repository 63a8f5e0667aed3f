/*
 * Far JMP, CALL and RET in long mode (64-bit and compatibility mode; SDM
 * vol. 2, JMP/CALL/RET, the IA-32e paths; vol. 3, 5.8.3.1 and 5.8.6):
 * direct transfers to 64-bit or compatibility-mode code segments (a code
 * segment with both L and D set is reserved), 16-byte 64-bit call gates
 * (JMP at the same privilege, CALL also inward with the stack from the
 * 64-bit TSS and a null SS, no parameter copying), and returns that may
 * load a null SS when they go back to 64-bit code at CPL 0-2. Task gates
 * and TSSs do not exist in long mode: naming one raises #GP.
 *
 * As in protected mode, every check comes before the first change; a
 * frame is checked whole (limits, canonical form, paging) before any of
 * it is written.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/seg.h"

static __attribute__((noreturn)) void gp_sel(X86Cpu *cpu, uint16_t sel)
{
    pm_raise_sel(cpu, EXC_GP, sel, false);
}

void lm_load_null_ss(X86Cpu *cpu, uint16_t sel)
{
    X86Seg *s = &cpu->seg[R_SS];
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    /* Unusable (not present) but with the DPL the CPL comes from. */
    s->flags = SEGF_S | SEGF_RW | SEGF_A | (SEL_RPL(sel) << SEGF_DPL_SHIFT);
    x86_update_mode(cpu);
}

/* A code segment a far JMP or CALL names directly. */
static void check_direct_code(X86Cpu *cpu, uint16_t sel, const X86Desc *d)
{
    if (desc_l_and_d(d)) {
        gp_sel(cpu, sel);
    }
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

uint64_t lm_check_target(X86Cpu *cpu, const X86Desc *cd, uint64_t rip)
{
    if (cd->hi & SEGF_L) {
        if (!x86_is_canonical(rip)) {
            x86_raise(cpu, EXC_GP, 0);
        }
        return rip;
    }
    rip = (uint32_t)rip;
    if (rip > desc_limit(cd)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    return rip;
}

static void load_cs(X86Cpu *cpu, uint16_t sel, X86Desc *d, unsigned rpl)
{
    desc_set_accessed(cpu, sel, d);
    desc_to_seg(&cpu->seg[R_CS], (uint16_t)((sel & ~3u) | rpl), d);
}

/* A 64-bit call gate named by a far JMP or CALL: the gate's own checks
 * (16 bytes inside the table, a zero upper type, DPL against CPL and RPL,
 * present), then its target, which must be 64-bit code (JMP: at the same
 * privilege unless conforming; CALL: at the same or a more privileged
 * level). Returns the code segment selector. */
static uint16_t gate_checks(X86Cpu *cpu, uint16_t sel, X86Desc16 *gate,
                            X86Desc *cd, bool is_jmp)
{
    if (!desc_fetch16(cpu, sel, gate) || !desc16_upper_ok(gate)) {
        gp_sel(cpu, sel);
    }
    if (desc_dpl(&gate->d) < cpu->cpl || desc_dpl(&gate->d) < SEL_RPL(sel)) {
        gp_sel(cpu, sel);
    }
    if (!desc_present(&gate->d)) {
        pm_raise_sel(cpu, EXC_NP, sel, false);
    }
    uint16_t csel = gate_selector(&gate->d);
    if (SEL_IS_NULL(csel)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    desc_fetch_or_raise(cpu, csel, cd, EXC_GP, false);
    if (!desc_is_code(cd) || desc_dpl(cd) > cpu->cpl ||
        (is_jmp && !desc_conforming(cd) && desc_dpl(cd) != cpu->cpl)) {
        gp_sel(cpu, csel);
    }
    if (!desc_is_code64(cd)) {
        gp_sel(cpu, csel);
    }
    if (!desc_present(cd)) {
        pm_raise_sel(cpu, EXC_NP, csel, false);
    }
    if (!x86_is_canonical(gate16_offset(gate))) {
        x86_raise(cpu, EXC_GP, 0);
    }
    return csel;
}

/* Fetch the descriptor a far JMP/CALL names: a code segment or a 64-bit
 * call gate; anything else raises #GP(selector). */
static void fetch_far_target(X86Cpu *cpu, uint16_t sel, X86Desc *d)
{
    if (SEL_IS_NULL(sel)) {
        x86_raise(cpu, EXC_GP, 0);
    }
    desc_fetch_or_raise(cpu, sel, d, EXC_GP, false);
    if (!desc_is_code(d) &&
        (!desc_is_system(d) || desc_type(d) != DESC_CALL32)) {
        gp_sel(cpu, sel);
    }
}

void lm_far_jump(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    X86Desc d, cd;
    X86Desc16 gate;

    off &= size_mask(opsize);
    fetch_far_target(cpu, sel, &d);
    if (desc_is_code(&d)) {
        check_direct_code(cpu, sel, &d);
        off = lm_check_target(cpu, &d, off);
        load_cs(cpu, sel, &d, cpu->cpl);
        cpu->next_rip = off;
        x86_update_mode(cpu);
        return;
    }
    uint16_t csel = gate_checks(cpu, sel, &gate, &cd, true);
    load_cs(cpu, csel, &cd, cpu->cpl);
    cpu->next_rip = gate16_offset(&gate);
    x86_update_mode(cpu);
}

/* Write @n values of @size bytes below the current stack pointer, all
 * checked first: SS:RSP in 64-bit mode (canonical, #SS), SS:ESP with the
 * segment's limits in compatibility mode. Returns the new stack pointer,
 * which commit_sp() makes current. */
static uint64_t push_current(X86Cpu *cpu, const uint64_t *v, unsigned n,
                             unsigned size)
{
    if (cpu->code64) {
        uint64_t sp = cpu->regs[R_ESP] - (uint64_t)n * size;
        for (unsigned i = n; i-- > 0;) {
            x86_probe_write(cpu, R_SS, sp + (uint64_t)i * size, size);
        }
        for (unsigned i = 0; i < n; i++) {
            x86_write(cpu, R_SS, sp + (uint64_t)(n - 1 - i) * size, v[i],
                      size);
        }
        return sp;
    }
    PmStack st;
    pm_stack_current(cpu, &st, 0);
    pm_stack_check_room(cpu, &st, n * size, size);
    for (unsigned i = 0; i < n; i++) {
        pm_stack_push(cpu, &st, (uint32_t)v[i], size);
    }
    return st.sp;
}

/* Make @sp (from push_current, in the current mode) the stack pointer. */
static void commit_sp(X86Cpu *cpu, uint64_t sp)
{
    if (cpu->code64) {
        cpu->regs[R_ESP] = sp;
    } else {
        reg_write(cpu, R_ESP, (cpu->seg[R_SS].flags & SEGF_DB) ? 4 : 2, sp);
    }
}

/* Push @n quadwords on the 64-bit stack at @rsp (linear, no segment),
 * checked first: canonical (#SS(0)) and writable at privilege @cpl. */
static uint64_t push_flat64(X86Cpu *cpu, uint64_t rsp, const uint64_t *v,
                            unsigned n, unsigned cpl)
{
    int acc = ACC_WRITE | (cpl < 3 ? ACC_SUPER : 0);
    uint64_t top = rsp - 8ULL * n;
    if (!x86_is_canonical(top) || !x86_is_canonical(rsp - 1)) {
        x86_raise(cpu, EXC_SS, 0);
    }
    x86_probe_lin(cpu, top, 8 * n, acc);
    for (unsigned i = 0; i < n; i++) {
        x86_write_lin(cpu, top + 8ULL * (n - 1 - i), v[i], 8, acc);
    }
    return top;
}

void lm_far_call(X86Cpu *cpu, uint16_t sel, uint64_t off, unsigned opsize)
{
    X86Desc d, cd;
    X86Desc16 gate;
    uint64_t ret[4];

    off &= size_mask(opsize);
    fetch_far_target(cpu, sel, &d);
    if (desc_is_code(&d)) {
        check_direct_code(cpu, sel, &d);
        /* A 64-bit offset into compatibility-mode code is cut to 32 bits
         * (the SDM's CALL pseudo-code). */
        if (!(d.hi & SEGF_L)) {
            off = (uint32_t)off;
        }
        /* The return address is written before the target is checked: a
         * bad target raises #GP(0) with the stack pointer unchanged but
         * the frame below it written, as on the host (tools/difftest). */
        ret[0] = cpu->seg[R_CS].sel;
        ret[1] = cpu->next_rip;
        uint64_t sp = push_current(cpu, ret, 2, opsize);
        lm_check_target(cpu, &d, off);
        commit_sp(cpu, sp);
        load_cs(cpu, sel, &d, cpu->cpl);
        cpu->next_rip = off;
        x86_update_mode(cpu);
        return;
    }

    uint16_t csel = gate_checks(cpu, sel, &gate, &cd, false);
    uint64_t rip = gate16_offset(&gate);
    if (!desc_conforming(&cd) && desc_dpl(&cd) < cpu->cpl) {
        /* Inward: the new stack comes from the TSS, SS becomes null. */
        unsigned ncpl = desc_dpl(&cd);
        uint64_t rsp = lm_tss_rsp(cpu, ncpl, false);
        if (!x86_is_canonical(rsp)) {
            x86_raise(cpu, EXC_SS, 0);
        }
        ret[0] = cpu->seg[R_SS].sel;
        ret[1] = cpu->regs[R_ESP];
        ret[2] = cpu->seg[R_CS].sel;
        ret[3] = cpu->next_rip;
        rsp = push_flat64(cpu, rsp, ret, 4, ncpl);
        load_cs(cpu, csel, &cd, ncpl);
        lm_load_null_ss(cpu, (uint16_t)ncpl);
        cpu->regs[R_ESP] = rsp;
    } else {
        ret[0] = cpu->seg[R_CS].sel;
        ret[1] = cpu->next_rip;
        cpu->regs[R_ESP] = push_flat64(cpu, cpu->regs[R_ESP], ret, 2,
                                       cpu->cpl);
        load_cs(cpu, csel, &cd, cpu->cpl);
    }
    cpu->next_rip = rip;
    x86_update_mode(cpu);
}

uint64_t lm_stack_read(X86Cpu *cpu, const PmStack *st, unsigned offset,
                       unsigned size)
{
    if (cpu->code64) {
        return x86_stack_peek(cpu, offset, size);
    }
    return pm_stack_read(cpu, st, offset, size);
}

void lm_check_return_ss(X86Cpu *cpu, uint16_t ss, uint16_t csel,
                        const X86Desc *cd, X86Desc *sd, X86Desc **ss_d)
{
    if (SEL_IS_NULL(ss) && (cd->hi & SEGF_L) && SEL_RPL(csel) < 3) {
        *ss_d = NULL;
        return;
    }
    pm_check_return_ss(cpu, ss, csel, sd);
    *ss_d = sd;
}

void lm_return_commit(X86Cpu *cpu, uint16_t csel, X86Desc *cd,
                      uint64_t rip, uint16_t ss, X86Desc *ss_d, uint64_t rsp)
{
    unsigned old_cpl = cpu->cpl;
    desc_set_accessed(cpu, csel, cd);
    if (ss_d) {
        desc_set_accessed(cpu, ss, ss_d);
    }
    desc_to_seg(&cpu->seg[R_CS], csel, cd);
    if (ss_d) {
        desc_to_seg(&cpu->seg[R_SS], ss, ss_d);
    } else {
        X86Seg *s = &cpu->seg[R_SS];
        s->sel = ss;
        s->base = 0;
        s->limit = 0;
        s->flags = SEGF_S | SEGF_RW | SEGF_A |
                   (SEL_RPL(csel) << SEGF_DPL_SHIFT);
    }
    if (cd->hi & SEGF_L) {
        cpu->regs[R_ESP] = rsp;
    } else {
        reg_write(cpu, R_ESP, (ss_d->hi & SEGF_DB) ? 4 : 2, rsp);
    }
    cpu->next_rip = rip;
    x86_update_mode(cpu);
    if (cpu->cpl > old_cpl) {
        pm_null_inner_data_segs(cpu);
    }
}

void lm_far_return(X86Cpu *cpu, unsigned opsize, unsigned pop_bytes)
{
    PmStack st;
    X86Desc cd, sd, *ss_d;

    pm_stack_current(cpu, &st, 0);
    uint64_t rip = lm_stack_read(cpu, &st, 0, opsize);
    uint16_t csel = lm_stack_read(cpu, &st, opsize, 2);
    pm_check_return_cs(cpu, csel, &cd);
    if (desc_l_and_d(&cd)) {
        gp_sel(cpu, csel);
    }
    if (SEL_RPL(csel) > cpu->cpl) {
        unsigned at = 2 * opsize + pop_bytes;
        uint64_t rsp = lm_stack_read(cpu, &st, at, opsize);
        uint16_t ss = lm_stack_read(cpu, &st, at + opsize, 2);
        lm_check_return_ss(cpu, ss, csel, &cd, &sd, &ss_d);
        rip = lm_check_target(cpu, &cd, rip);
        lm_return_commit(cpu, csel, &cd, rip, ss, ss_d, rsp + pop_bytes);
        return;
    }
    rip = lm_check_target(cpu, &cd, rip);
    if (cpu->code64) {
        cpu->regs[R_ESP] += 2 * opsize + pop_bytes;
    } else {
        st.sp = (st.sp + 2 * opsize + pop_bytes) & st.mask;
        pm_stack_commit(cpu, &st);
    }
    desc_set_accessed(cpu, csel, &cd);
    desc_to_seg(&cpu->seg[R_CS], csel, &cd);
    cpu->next_rip = rip;
    x86_update_mode(cpu);
}
