/*
 * String instructions: MOVS CMPS STOS LODS SCAS INS OUTS, with REP, REPE
 * and REPNE. Each iteration commits its pointer and counter updates, so a
 * fault in the middle leaves a state from which the instruction resumes.
 * A repeated instruction runs in batches: between batches (and whenever
 * an interrupt is deliverable) it yields with rip still on itself, so
 * interrupts are taken between iterations as on real CPUs.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

typedef bool StringIter(X86Cpu *cpu, const DecodedInsn *d);

static void advance(X86Cpu *cpu, const DecodedInsn *d, int reg)
{
    int64_t delta = (cpu->eflags & FL_DF) ? -(int64_t)d->opsize : d->opsize;
    reg_write(cpu, reg, d->addrsize,
              (cpu->regs[reg] + (uint64_t)delta) & addr_mask(d));
}

static uint64_t si(const X86Cpu *cpu, const DecodedInsn *d)
{
    return cpu->regs[R_ESI] & addr_mask(d);
}

static uint64_t di(const X86Cpu *cpu, const DecodedInsn *d)
{
    return cpu->regs[R_EDI] & addr_mask(d);
}

static bool iter_movs(X86Cpu *cpu, const DecodedInsn *d)
{
    uint64_t v = x86_read(cpu, d->seg, si(cpu, d), d->opsize);
    x86_write(cpu, R_ES, di(cpu, d), v, d->opsize);
    advance(cpu, d, R_ESI);
    advance(cpu, d, R_EDI);
    return true;
}

static void set_cmp_flags(X86Cpu *cpu, unsigned size, uint64_t a, uint64_t b)
{
    uint64_t r = (a - b) & size_mask(size);
    set_cc(cpu, CC_OP_SUB8, size, r, b & size_mask(size), 0);
}

static bool iter_cmps(X86Cpu *cpu, const DecodedInsn *d)
{
    /* ES:EDI is read first: a fault on both operands reports that one. */
    uint64_t b = x86_read(cpu, R_ES, di(cpu, d), d->opsize);
    uint64_t a = x86_read(cpu, d->seg, si(cpu, d), d->opsize);
    set_cmp_flags(cpu, d->opsize, a, b);
    advance(cpu, d, R_ESI);
    advance(cpu, d, R_EDI);
    return true;
}

static bool iter_stos(X86Cpu *cpu, const DecodedInsn *d)
{
    x86_write(cpu, R_ES, di(cpu, d), reg_read(cpu, R_EAX, d->opsize),
              d->opsize);
    advance(cpu, d, R_EDI);
    return true;
}

static bool iter_lods(X86Cpu *cpu, const DecodedInsn *d)
{
    reg_write(cpu, R_EAX, d->opsize,
              x86_read(cpu, d->seg, si(cpu, d), d->opsize));
    advance(cpu, d, R_ESI);
    return true;
}

static bool iter_scas(X86Cpu *cpu, const DecodedInsn *d)
{
    uint64_t b = x86_read(cpu, R_ES, di(cpu, d), d->opsize);
    set_cmp_flags(cpu, d->opsize, reg_read(cpu, R_EAX, d->opsize), b);
    advance(cpu, d, R_EDI);
    return true;
}

static bool iter_ins(X86Cpu *cpu, const DecodedInsn *d)
{
    uint16_t port = cpu->regs[R_EDX];
    x86_check_io(cpu, port, d->opsize);
    /* The destination must be writable before the port is read: a port
     * read has side effects that a retried instruction would repeat. */
    x86_probe_write(cpu, R_ES, di(cpu, d), d->opsize);
    x86_sync_icount(cpu);
    uint32_t v = iobus_read(cpu->io, port, d->opsize);
    x86_write(cpu, R_ES, di(cpu, d), v, d->opsize);
    advance(cpu, d, R_EDI);
    return true;
}

static bool iter_outs(X86Cpu *cpu, const DecodedInsn *d)
{
    uint16_t port = cpu->regs[R_EDX];
    x86_check_io(cpu, port, d->opsize);
    uint64_t v = x86_read(cpu, d->seg, si(cpu, d), d->opsize);
    x86_sync_icount(cpu);
    iobus_write(cpu->io, port, (uint32_t)v, d->opsize);
    advance(cpu, d, R_ESI);
    return true;
}

/* The pointer registers REP MOVS and REP STOS write before they start. */
#define ZERO_SI 1u
#define ZERO_DI 2u

static void string_run(X86Cpu *cpu, const DecodedInsn *d, StringIter *iter,
                       bool compares, unsigned zero_writes)
{
    if (d->rep && cpu->code64 && d->addrsize == 4) {
        /* 32-bit addressing in 64-bit mode: a REP writes ECX before the
         * first iteration (clearing the top half even when the count is 0
         * or the first access faults), REP MOVS and REP STOS their
         * pointers too; as the host does (tools/difftest). */
        cpu->regs[R_ECX] = (uint32_t)cpu->regs[R_ECX];
        if (zero_writes & ZERO_SI) {
            cpu->regs[R_ESI] = (uint32_t)cpu->regs[R_ESI];
        }
        if (zero_writes & ZERO_DI) {
            cpu->regs[R_EDI] = (uint32_t)cpu->regs[R_EDI];
        }
    }
    if (!d->rep) {
        iter(cpu, d);
        return;
    }
    uint64_t amask = addr_mask(d);
    unsigned batch = (cpu->eflags & FL_TF) ? 1 : X86_REP_BATCH;
    for (unsigned n = 0;; n++) {
        if ((cpu->regs[R_ECX] & amask) == 0) {
            return;
        }
        if (n == batch || x86_irq_pending(cpu)) {
            cpu->next_rip = cpu->insn_start;
            return;
        }
        iter(cpu, d);
        reg_write(cpu, R_ECX, d->addrsize, (cpu->regs[R_ECX] - 1) & amask);
        if (compares) {
            bool zf = x86_cond(cpu, 4);
            if ((d->rep == 0xf3 && !zf) || (d->rep == 0xf2 && zf)) {
                return;
            }
        }
    }
}

HANDLER(op_movs)
{
    string_run(cpu, d, iter_movs, false, ZERO_SI | ZERO_DI);
}
HANDLER(op_cmps) { string_run(cpu, d, iter_cmps, true, 0); }
HANDLER(op_stos) { string_run(cpu, d, iter_stos, false, ZERO_DI); }
HANDLER(op_lods) { string_run(cpu, d, iter_lods, false, 0); }
HANDLER(op_scas) { string_run(cpu, d, iter_scas, true, 0); }
/* Port I/O moves at most 32 bits: REX.W does not widen INS/OUTS. */
static void string_io(X86Cpu *cpu, const DecodedInsn *d, StringIter *iter,
                      unsigned zero_writes)
{
    if (d->opsize == 8) {
        DecodedInsn d4 = *d;
        d4.opsize = 4;
        string_run(cpu, &d4, iter, false, zero_writes);
        return;
    }
    string_run(cpu, d, iter, false, zero_writes);
}

HANDLER(op_ins) { string_io(cpu, d, iter_ins, ZERO_DI); }
HANDLER(op_outs) { string_io(cpu, d, iter_outs, 0); }
