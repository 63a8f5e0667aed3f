/*
 * Breakpoints in DR0-DR3: matching against DR7's enables, R/W types and
 * lengths, and the #DB exceptions they raise. See debug.h.
 */
#include "cpu/debug.h"

#include "cpu/internal.h"

enum { RW_EXEC = 0, RW_WRITE = 1, RW_IO = 2, RW_RW = 3 };

static bool bp_enabled(const X86Cpu *cpu, int n)
{
    return (cpu->dr[7] >> (2 * n)) & 3;
}

static unsigned bp_rw(const X86Cpu *cpu, int n)
{
    return (cpu->dr[7] >> (16 + 4 * n)) & 3;
}

/* LEN: 00 one byte, 01 two, 11 four, 10 eight. */
static unsigned bp_len(const X86Cpu *cpu, int n)
{
    static const unsigned len[4] = {1, 2, 8, 4};
    return len[(cpu->dr[7] >> (18 + 4 * n)) & 3];
}

/* Does [addr, addr+size) overlap breakpoint @n's (aligned) range? */
static bool bp_hits(const X86Cpu *cpu, int n, uint64_t addr, unsigned size,
                    uint64_t wrap)
{
    unsigned len = bp_len(cpu, n);
    uint64_t start = cpu->dr[n] & wrap & ~(uint64_t)(len - 1);
    addr &= wrap;
    return addr < start + len && start < addr + size;
}

/* Raise #DB as a fault (instruction breakpoints, general detect): RF is
 * not set in the pushed EFLAGS, so the handler decides. */
static __attribute__((noreturn)) void raise_db_fault(X86Cpu *cpu)
{
    cpu->dr[7] &= ~(uint64_t)DR7_GD;
    cpu->exc_vector = EXC_DB;
    cpu->exc_error = -1;
    cpu->exc_trap = false;
    longjmp(cpu->jmp_env, 1);
}

void x86_debug_insn_start(X86Cpu *cpu)
{
    cpu->dr6_pending = 0;
    if (cpu->eflags & FL_RF) {
        return;
    }
    uint64_t lin = cpu->code64 ? cpu->rip
                               : (uint32_t)(cpu->seg[R_CS].base + cpu->rip);
    uint32_t hit = 0;
    for (int n = 0; n < 4; n++) {
        if (bp_enabled(cpu, n) && bp_rw(cpu, n) == RW_EXEC &&
            bp_hits(cpu, n, lin, 1, cpu->lma ? ~0ULL : 0xffffffffULL)) {
            hit |= DR6_B(n);
        }
    }
    if (hit) {
        cpu->dr[6] = (cpu->dr[6] & ~0xfULL) | hit;
        raise_db_fault(cpu);
    }
}

void x86_debug_data(X86Cpu *cpu, uint64_t lin, unsigned size, bool write)
{
    for (int n = 0; n < 4; n++) {
        unsigned rw = bp_rw(cpu, n);
        if (!bp_enabled(cpu, n) || rw == RW_EXEC || rw == RW_IO ||
            (rw == RW_WRITE && !write)) {
            continue;
        }
        if (bp_hits(cpu, n, lin, size, cpu->lma ? ~0ULL : 0xffffffffULL)) {
            cpu->dr6_pending |= DR6_B(n);
        }
    }
}

void x86_debug_io(X86Cpu *cpu, uint16_t port, unsigned size)
{
    if (!(cpu->cr4 & CR4_DE)) {
        return;
    }
    for (int n = 0; n < 4; n++) {
        if (bp_enabled(cpu, n) && bp_rw(cpu, n) == RW_IO &&
            bp_hits(cpu, n, port, size, 0xffff)) {
            cpu->dr6_pending |= DR6_B(n);
        }
    }
}

void x86_debug_insn_end(X86Cpu *cpu, bool single_step)
{
    uint32_t hit = cpu->dr6_pending;
    cpu->dr6_pending = 0;
    if (!hit && !single_step) {
        return;
    }
    if (hit) {
        cpu->dr[6] = (cpu->dr[6] & ~0xfULL) | hit;
    }
    if (single_step) {
        cpu->dr[6] |= DR6_BS;
    }
    cpu->dr[7] &= ~(uint64_t)DR7_GD;
    x86_raise_trap(cpu, EXC_DB);
}
