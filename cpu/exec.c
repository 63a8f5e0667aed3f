/*
 * The interpreter's run loop: events between instructions (INIT, SIPI,
 * NMI, INTR, the interrupt shadow, single-step), decode and execute, and
 * exception delivery with the double- and triple-fault rules (SDM vol. 3,
 * 6.15, table 6-5).
 */
#include <string.h>

#include "cpu/debug.h"
#include "cpu/disas.h"
#include "cpu/internal.h"
#include "cpu/ops.h"
#include "cpu/seg.h"

/* Exception classes for the double-fault decision. */
static bool contributory(int vec)
{
    return vec == EXC_DE || vec == EXC_TS || vec == EXC_NP ||
           vec == EXC_SS || vec == EXC_GP;
}

/* Exceptions that push an error code (protected mode). */
bool x86_exception_has_error_code(int vec)
{
    return vec == EXC_DF || vec == EXC_TS || vec == EXC_NP ||
           vec == EXC_SS || vec == EXC_GP || vec == EXC_PF ||
           vec == EXC_AC;
}

void x86_raise(X86Cpu *cpu, int vector, int error_code)
{
    /* A fault's handler sees RF set in the pushed EFLAGS, so returning
     * to the instruction does not hit its instruction breakpoint again
     * (SDM vol. 3, 17.3.1.1); delivery then clears RF. */
    cpu->eflags |= FL_RF;
    cpu->exc_vector = vector;
    cpu->exc_error = error_code;
    cpu->exc_trap = false;
    longjmp(cpu->jmp_env, 1);
}

void x86_raise_trap(X86Cpu *cpu, int vector)
{
    cpu->exc_vector = vector;
    cpu->exc_error = -1;
    cpu->exc_trap = true;
    longjmp(cpu->jmp_env, 1);
}

void x86_sync_icount(X86Cpu *cpu)
{
    uint64_t n = cpu->icount - cpu->icount_synced;
    if (n) {
        if (clock_source(cpu->clock) == CLOCK_ICOUNT) {
            clock_icount_add(cpu->clock, n);
        }
        cpu->icount_synced = cpu->icount;
    }
}

void x86_unimplemented(X86Cpu *cpu, const DecodedInsn *d)
{
    log_guest(cpu->log, LOG_UNIMP, &cpu->unimp_count,
              "cpu%d: %s (opcode %s%02x) at %04x:%08llx is not implemented "
              "yet; raising #UD",
              cpu->index, x86_insn_name(d), d->opcode >= 0x100 ? "0f " : "",
              d->opcode & 0xff, cpu->seg[R_CS].sel,
              (unsigned long long)cpu->rip);
    x86_raise(cpu, EXC_UD, -1);
}

HANDLER(op_unimp) { x86_unimplemented(cpu, d); }

HANDLER(op_ud) { x86_raise(cpu, EXC_UD, -1); }

bool x86_irq_pending(const X86Cpu *cpu)
{
    uint32_t req = cpu->interrupt_request;
    if (req & (CPU_REQ_EXIT | CPU_REQ_INIT | CPU_REQ_SMI)) {
        return true;
    }
    if ((req & CPU_REQ_NMI) && !cpu->nmi_blocked) {
        return true;
    }
    return (req & CPU_REQ_INTR) && (cpu->eflags & FL_IF) && !cpu->irq_shadow;
}

/* Deliver an exception raised by x86_raise (from an instruction or from a
 * previous delivery), applying the double-fault rules. */
static void handle_exception(X86Cpu *cpu)
{
    int vec = cpu->exc_vector;
    int err = cpu->exc_error;

    if (cpu->exc_trap) {
        /* Traps report the instruction after the one that trapped. */
        cpu->rip = cpu->next_rip;
    }
    cpu->dr6_pending = 0;
    if (cpu->exception_hook && cpu->exception_hook(cpu, vec, err)) {
        /* Taken by the test hook (cpu.h): nothing is delivered. */
        cpu->exc_depth = 0;
        cpu->last_exc = -1;
        cpu->exit_reason = X86_EXIT_EXCEPTION;
        return;
    }
    if (cpu->exc_depth > 0) {
        int first = cpu->last_exc;
        if (first == EXC_DF) {
            cpu->exit_reason = X86_EXIT_TRIPLE_FAULT;
            cpu->exc_depth = 0;
            return;
        }
        if ((contributory(first) && contributory(vec)) ||
            (first == EXC_PF && (contributory(vec) || vec == EXC_PF))) {
            vec = EXC_DF;
            err = 0;
        }
    }
    if (!x86_exception_has_error_code(vec)) {
        err = -1;
    }
    TRACE(cpu->log, LOG_INT,
          "cpu%d: exception %d err %#x at %04x:%08llx (depth %d)",
          cpu->index, vec, err, cpu->seg[R_CS].sel,
          (unsigned long long)cpu->rip, cpu->exc_depth);
    cpu->exc_depth++;
    cpu->last_exc = vec;
    if (vec == EXC_DB) {
        /* RF stays as the handler's IRET will see it; pending traps are
         * reported through DR6 (set by the raiser). */
    }
    x86_deliver(cpu, vec, err, INT_HW, cpu->rip);
    cpu->exc_depth = 0;
    cpu->last_exc = -1;
}

/* Take one pending asynchronous event if it can be taken now. Returns
 * true if the CPU state changed (an interrupt was delivered, INIT or SIPI
 * happened). */
static bool handle_events(X86Cpu *cpu)
{
    uint32_t req = cpu->interrupt_request;

    if (req & CPU_REQ_INIT) {
        cpu->interrupt_request &= ~CPU_REQ_INIT;
        TRACE(cpu->log, LOG_RESET, "cpu%d: INIT", cpu->index);
        x86_cpu_reset(cpu, true);
        /* Application processors wait for a start-up IPI. */
        cpu->wait_for_sipi = cpu->index != 0;
        cpu->halted = cpu->wait_for_sipi;
        return true;
    }
    if (req & CPU_REQ_SIPI) {
        cpu->interrupt_request &= ~CPU_REQ_SIPI;
        TRACE(cpu->log, LOG_RESET, "cpu%d: SIPI vector %#x%s", cpu->index,
              cpu->sipi_vector, cpu->wait_for_sipi ? "" : " (ignored)");
        if (cpu->wait_for_sipi) {
            cpu->wait_for_sipi = false;
            cpu->halted = false;
            x86_seg_load_real(cpu, R_CS, (uint16_t)(cpu->sipi_vector << 8));
            cpu->rip = 0;
            x86_update_mode(cpu);
            return true;
        }
    }
    if (cpu->wait_for_sipi) {
        return false;
    }
    if (cpu->irq_shadow) {
        return false;
    }
    if ((req & CPU_REQ_NMI) && !cpu->nmi_blocked) {
        cpu->interrupt_request &= ~CPU_REQ_NMI;
        cpu->halted = false;
        cpu->nmi_blocked = true;
        TRACE(cpu->log, LOG_INT, "cpu%d: NMI", cpu->index);
        cpu->exc_depth = 1;
        cpu->last_exc = EXC_NMI;
        x86_deliver(cpu, EXC_NMI, -1, INT_HW, cpu->rip);
        cpu->exc_depth = 0;
        cpu->last_exc = -1;
        return true;
    }
    if ((req & CPU_REQ_INTR) && (cpu->eflags & FL_IF)) {
        int vec = cpu->intc.ack ? cpu->intc.ack(cpu->intc.opaque) : -1;
        if (vec < 0) {
            return false;
        }
        cpu->halted = false;
        TRACE(cpu->log, LOG_INT, "cpu%d: interrupt %#x at %04x:%08llx",
              cpu->index, vec, cpu->seg[R_CS].sel,
              (unsigned long long)cpu->rip);
        /* A fault while delivering an external interrupt is delivered
         * as such: the interrupt counts as benign, whatever its vector. */
        cpu->exc_depth = 1;
        cpu->last_exc = -1;
        x86_deliver(cpu, vec, -1, INT_HW, cpu->rip);
        cpu->exc_depth = 0;
        cpu->last_exc = -1;
        return true;
    }
    return false;
}

static void trace_insn(X86Cpu *cpu)
{
    if (log_enabled(cpu->log, LOG_CPU)) {
        x86_cpu_dump(cpu, log_file(cpu->log));
    }
    if (log_enabled(cpu->log, LOG_IN_ASM) || log_enabled(cpu->log, LOG_EXEC)) {
        char text[128];
        x86_disas_at(cpu, cpu->rip, text, sizeof(text));
        log_trace(cpu->log, LOG_EXEC, "cpu%d: %04x:%08llx  %s", cpu->index,
                  cpu->seg[R_CS].sel, (unsigned long long)cpu->rip, text);
    }
}

/* Everything a step does after decoding: the handler, the REP yield rule,
 * rip, and the single-step and data breakpoint traps (@tf: EFLAGS.TF as
 * the instruction began). */
static inline void exec_decoded(X86Cpu *cpu, const DecodedInsn *d, bool tf)
{
    d->handler(cpu, d);
    if (cpu->next_rip == cpu->rip && d->rep && (d->op->flags & OPF_STRING)) {
        /* A repeated string instruction yielding between iterations: an
         * interrupt taken now returns into it without re-breaking. */
        cpu->eflags |= FL_RF;
    }
    cpu->rip = cpu->next_rip;
    if (__builtin_expect(tf || cpu->dr6_pending, 0)) {
        /* MOV SS and POP SS hold single-step and data breakpoint traps
         * back for one instruction; STI does not. */
        bool held = cpu->irq_shadow && d->opcode != 0xfb;
        if (!held) {
            x86_debug_insn_end(cpu, tf);
        }
    }
}

void x86_exec_decoded(X86Cpu *cpu, const DecodedInsn *d, bool tf)
{
    exec_decoded(cpu, d, tf);
}

/* Execute one instruction at cpu->rip; raises through x86_raise. */
static inline void step(X86Cpu *cpu)
{
    DecodedInsn d;
    bool tf = cpu->eflags & FL_TF;
    cpu->insn_start = cpu->rip;
    if (__builtin_expect(cpu->hflags & X86_HF_DBG, 0)) {
        x86_debug_insn_start(cpu);
    }
    /* RF suppresses instruction breakpoints for one instruction: it is
     * cleared once they have been checked (IRET may set it again). */
    cpu->eflags &= ~FL_RF;
    x86_decode(cpu, &d);
    cpu->next_rip = cpu->rip + d.len;
    if (!cpu->code64) {
        cpu->next_rip &= cpu->code32 ? 0xffffffffULL : 0xffffULL;
    }
    exec_decoded(cpu, &d, tf);
}

X86ExitReason x86_cpu_exec(X86Cpu *cpu, uint64_t max_insns)
{
    /* Everything that retires counts in icount (instructions, exceptions,
     * interrupts taken), here and in tcg-lite's blocks alike. */
    const uint64_t start = cpu->icount;
    volatile bool tracing = log_enabled(cpu->log, LOG_CPU) ||
                   log_enabled(cpu->log, LOG_EXEC) ||
                   log_enabled(cpu->log, LOG_IN_ASM);

    cpu->exit_reason = X86_EXIT_BUDGET;
    if (setjmp(cpu->jmp_env)) {
        /* An exception unwound an instruction or a delivery. */
        handle_exception(cpu);
        cpu->icount++;
        if (cpu->exit_reason != X86_EXIT_BUDGET) {
            x86_sync_icount(cpu);
            return cpu->exit_reason;
        }
    }
    while (cpu->icount - start < max_insns) {
        if (cpu->interrupt_request) {
            if (cpu->interrupt_request & CPU_REQ_EXIT) {
                cpu->interrupt_request &= ~CPU_REQ_EXIT;
                x86_sync_icount(cpu);
                return X86_EXIT_KICKED;
            }
            if (handle_events(cpu)) {
                cpu->icount++;
                continue;
            }
        }
        if (cpu->halted) {
            x86_sync_icount(cpu);
            return X86_EXIT_HALTED;
        }
        cpu->irq_shadow = false;
        if (cpu->block_exec &&
            cpu->block_exec(cpu, max_insns - (cpu->icount - start))) {
            continue;
        }
        if (tracing) {
            trace_insn(cpu);
        }
        step(cpu);
        cpu->icount++;
    }
    x86_sync_icount(cpu);
    return cpu->exit_reason;
}
