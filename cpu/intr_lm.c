/*
 * Interrupt and exception delivery in long mode (SDM vol. 3, 6.14; AMD
 * APM vol. 2, 8.9): 16-byte IDT gates (64-bit interrupt and trap gates
 * only: task gates are gone), handlers in 64-bit code segments, and a
 * 64-bit frame - SS, RSP, RFLAGS, CS, RIP and the error code, eight bytes
 * each - pushed whatever the privilege change, on a stack aligned down to
 * 16 bytes. An inward transfer takes RSPn from the 64-bit TSS and loads a
 * null SS; a gate with an IST index always switches to that stack.
 *
 * Faults raised here reach the run loop like any other, so the double-
 * and triple-fault rules of exec.c apply to long mode unchanged. EXT
 * (bit 0 of the error codes) is set unless the event is a software
 * interrupt.
 */
#include "cpu/desc.h"
#include "cpu/internal.h"
#include "cpu/seg.h"

/* 64-bit TSS: RSP0-2 at 4, 12, 20; IST1-7 at 0x24 .. 0x54. */
uint64_t lm_tss_rsp(X86Cpu *cpu, unsigned index, bool ext)
{
    const X86Seg *tr = &cpu->tr;
    uint32_t off = index < 3 ? 4 + 8 * index : 0x24 + 8 * (index - 3);
    if (off + 7 > tr->limit) {
        pm_raise_sel(cpu, EXC_TS, tr->sel, ext);
    }
    return x86_read_lin(cpu, tr->base + off, 8, ACC_READ | ACC_SUPER);
}

/* Read the 16-byte IDT entry for @vec and check it is a present 64-bit
 * interrupt or trap gate the event may use. */
static void read_gate(X86Cpu *cpu, int vec, int kind, X86Desc16 *g)
{
    bool ext = kind == INT_HW;
    uint32_t entry = (uint32_t)vec * 16;
    if (entry + 15 > cpu->idt.limit) {
        x86_raise(cpu, EXC_GP, IDT_ERR(vec, ext));
    }
    uint64_t lin = cpu->idt.base + entry;
    uint64_t lo = x86_read_lin(cpu, lin, 8, ACC_READ | ACC_SUPER);
    uint64_t hi = x86_read_lin(cpu, lin + 8, 8, ACC_READ | ACC_SUPER);
    g->d.lo = (uint32_t)lo;
    g->d.hi = (uint32_t)(lo >> 32);
    g->hi2 = (uint32_t)hi;
    g->hi3 = (uint32_t)(hi >> 32);
    unsigned type = desc_type(&g->d);
    if (!desc_is_system(&g->d) ||
        (type != DESC_INT32 && type != DESC_TRAP32) ||
        !desc16_upper_ok(g)) {
        x86_raise(cpu, EXC_GP, IDT_ERR(vec, ext));
    }
    if (kind != INT_HW && desc_dpl(&g->d) < cpu->cpl) {
        x86_raise(cpu, EXC_GP, IDT_ERR(vec, false));
    }
    if (!desc_present(&g->d)) {
        x86_raise(cpu, EXC_NP, IDT_ERR(vec, ext));
    }
}

void lm_deliver(X86Cpu *cpu, int vec, int error_code, int kind,
                uint64_t ret)
{
    bool ext = kind == INT_HW;
    X86Desc16 gate;
    X86Desc cd;

    read_gate(cpu, vec, kind, &gate);
    uint16_t csel = gate_selector(&gate.d);
    if (SEL_IS_NULL(csel)) {
        x86_raise(cpu, EXC_GP, ext ? 1 : 0);
    }
    desc_fetch_or_raise(cpu, csel, &cd, EXC_GP, ext);
    if (!desc_is_code(&cd) || desc_dpl(&cd) > cpu->cpl ||
        !desc_is_code64(&cd)) {
        pm_raise_sel(cpu, EXC_GP, csel, ext);
    }
    if (!desc_present(&cd)) {
        pm_raise_sel(cpu, EXC_NP, csel, ext);
    }

    bool inner = !desc_conforming(&cd) && desc_dpl(&cd) < cpu->cpl;
    unsigned ncpl = inner ? desc_dpl(&cd) : cpu->cpl;
    unsigned ist = gate_ist(&gate.d);
    /* Compatibility-mode code has ESP: the frame holds it zero-extended
     * (the top half of RSP is undefined there; the host clears it). */
    uint64_t old_rsp = cpu->code64 ? cpu->regs[R_ESP]
                                   : (uint32_t)cpu->regs[R_ESP];
    uint64_t rsp;
    if (ist || inner) {
        rsp = lm_tss_rsp(cpu, ist ? 2 + ist : ncpl, ext);
        if (!x86_is_canonical(rsp)) {
            x86_raise(cpu, EXC_SS, ext ? 1 : 0);
        }
    } else {
        rsp = old_rsp;
    }
    rsp &= ~15ULL;

    uint64_t frame[6] = {
        cpu->seg[R_SS].sel, old_rsp, x86_get_eflags(cpu),
        cpu->seg[R_CS].sel, ret, (uint64_t)(uint32_t)error_code,
    };
    unsigned n = error_code >= 0 ? 6 : 5;
    uint64_t top = rsp - 8ULL * n;
    int acc = ACC_WRITE | (ncpl < 3 ? ACC_SUPER : 0);
    if (!x86_is_canonical(top) || !x86_is_canonical(rsp - 1)) {
        x86_raise(cpu, EXC_SS, ext ? 1 : 0);
    }
    uint64_t rip = gate16_offset(&gate);
    if (!x86_is_canonical(rip)) {
        x86_raise(cpu, EXC_GP, ext ? 1 : 0);
    }
    x86_probe_lin(cpu, top, 8 * n, acc);
    for (unsigned i = 0; i < n; i++) {
        x86_write_lin(cpu, rsp - 8ULL * (i + 1), frame[i], 8, acc);
    }

    desc_set_accessed(cpu, csel, &cd);
    desc_to_seg(&cpu->seg[R_CS], (uint16_t)((csel & ~3u) | ncpl), &cd);
    if (inner) {
        lm_load_null_ss(cpu, (uint16_t)ncpl);
    }
    cpu->regs[R_ESP] = top;
    cpu->eflags &= ~(FL_TF | FL_VM | FL_RF | FL_NT);
    if (!(desc_type(&gate.d) & 1)) {
        cpu->eflags &= ~FL_IF;
    }
    cpu->rip = cpu->next_rip = rip;
    x86_update_mode(cpu);
}
