/*
 * The software accelerator ("tcg"): runs the vCPUs through tcg-lite's
 * translation cache (tcg-lite/tcg.h), or on the bare interpreter with
 * -accel tcg,interp=on, taking turns in one thread with a fair slice each.
 * Under -icount every slice ends exactly at the next timer deadline,
 * counted in instructions, so runs are deterministic - and the same under
 * both engines.
 */
#include <stdlib.h>
#include <string.h>

#include "core/accel.h"
#include "core/machine.h"
#include "cpu/cpu.h"
#include "cpu/models.h"
#include "tcg-lite/tcg.h"

/* Instructions per vCPU turn on the host clock (the clock is read between
 * turns, so this bounds how late a timer can fire: ~100 us). */
#define TCG_SLICE_INSNS 10000

typedef struct TcgState {
    CpuModel model;  /* -cpu, with its feature changes */
    X86Cpu **cpus;
    int ncpus;
    int next;      /* round-robin start */
    int running;   /* the vCPU in x86_cpu_exec, or -1 */
    TcgLite *tcg;  /* NULL: the bare interpreter */
} TcgState;

/* A device armed a timer earlier than the slice's deadline (clock.h):
 * the running vCPU stops after the current instruction, and tcg_run
 * cuts the slice to the new deadline. */
static void tcg_deadline_moved(void *opaque)
{
    TcgState *s = opaque;
    if (s->running >= 0) {
        x86_cpu_kick(s->cpus[s->running]);
    }
}

static int tcg_init(Machine *m, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    TcgState *s = calloc(1, sizeof(*s));
    if (!s || !(s->cpus = calloc(m->ncpus, sizeof(*s->cpus)))) {
        snprintf(err, errlen, "out of memory");
        free(s);
        return -1;
    }
    if (cfg->cpu_model) {
        char why[200];
        if (x86_cpu_model_parse(cfg->cpu_model, &s->model, why,
                                sizeof(why))) {
            snprintf(err, errlen, "-cpu %s: %s", cfg->cpu_model, why);
            free(s->cpus);
            free(s);
            return -1;
        }
    } else {
        s->model = *x86_cpu_model_default();
    }
    const CpuModel *model = &s->model;
    for (int i = 0; i < m->ncpus; i++) {
        s->cpus[i] = x86_cpu_new(model, i, m->as, m->io, m->clock, &m->log);
        if (!s->cpus[i]) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        s->cpus[i]->yield_on_pause = m->ncpus > 1;
        s->ncpus++;
    }
    m->accel_state = s;
    s->running = -1;
    clock_set_deadline_hook(m->clock, tcg_deadline_moved, s);
    if (!cfg->accel_interp) {
        s->tcg = tcg_lite_new(m->as, &m->log, (size_t)cfg->accel_tb_size);
        if (!s->tcg) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        for (int i = 0; i < s->ncpus; i++) {
            if (tcg_lite_attach(s->tcg, s->cpus[i])) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        }
    }
    return 0;
}

static void tcg_destroy(Machine *m)
{
    TcgState *s = m->accel_state;
    if (!s) {
        return;
    }
    clock_set_deadline_hook(m->clock, NULL, NULL);
    tcg_lite_free(s->tcg);
    for (int i = 0; i < s->ncpus; i++) {
        x86_cpu_free(s->cpus[i]);
    }
    free(s->cpus);
    free(s);
    m->accel_state = NULL;
}

static void tcg_reset(Machine *m)
{
    TcgState *s = m->accel_state;
    if (s->tcg) {
        /* Loaders may have rewritten memory behind the address space. */
        tcg_lite_flush(s->tcg);
    }
    for (int i = 0; i < s->ncpus; i++) {
        x86_cpu_reset(s->cpus[i], false);
        /* Application processors wait for INIT-SIPI-SIPI. */
        if (i > 0) {
            s->cpus[i]->wait_for_sipi = true;
            s->cpus[i]->halted = true;
        }
    }
}

static bool machine_wants_attention(const Machine *m)
{
    return m->exit_requested || m->reset_requested || m->shutdown_requested;
}

static AccelRunResult tcg_run(Machine *m, int64_t deadline)
{
    TcgState *s = m->accel_state;
    bool icount = clock_source(m->clock) == CLOCK_ICOUNT;
    int shift = clock_icount_shift(m->clock);

    /* Turns go round the vCPUs; `next` survives between calls, so under
     * -icount, where a turn may end at the deadline, no vCPU starves. */
    int idle_turns = 0;
    for (;;) {
        int i = s->next;
        X86Cpu *cpu = s->cpus[i];
        uint64_t budget = TCG_SLICE_INSNS;
        /* The last turn may have armed an earlier timer. */
        int64_t first = clock_next_deadline(m->clock);
        if (first < deadline) {
            deadline = first;
        }
        if (icount) {
            int64_t now = clock_now(m->clock);
            if (now >= deadline) {
                return ACCEL_RAN;
            }
            uint64_t left = ((uint64_t)(deadline - now) +
                             (1ULL << shift) - 1) >> shift;
            if (left < budget) {
                budget = left;
            }
        }
        s->next = (i + 1) % s->ncpus;
        m->current_cpu = i;
        s->running = i;
        X86ExitReason r = x86_cpu_exec(cpu, budget);
        s->running = -1;
        if (r == X86_EXIT_TRIPLE_FAULT) {
            machine_triple_fault(m, i);
            return ACCEL_EVENT;
        }
        idle_turns = r == X86_EXIT_HALTED ? idle_turns + 1 : 0;
        if (machine_wants_attention(m)) {
            return ACCEL_EVENT;
        }
        if (idle_turns >= s->ncpus) {
            return ACCEL_IDLE;
        }
        if (!icount && clock_now(m->clock) >= deadline) {
            return ACCEL_RAN;
        }
    }
}

static void tcg_pin_handler(void *opaque, int pin, int level)
{
    x86_cpu_set_pin(opaque, pin, level);
}

static IrqLine tcg_cpu_pin(Machine *m, int cpu, VcpuPin pin)
{
    TcgState *s = m->accel_state;
    return irq_line(tcg_pin_handler, s->cpus[cpu], pin);
}

static void tcg_set_intc(Machine *m, int cpu, VcpuIntc intc)
{
    TcgState *s = m->accel_state;
    s->cpus[cpu]->intc = intc;
}

static void tcg_sipi(Machine *m, int cpu, uint8_t vector)
{
    TcgState *s = m->accel_state;
    if (cpu >= 0 && cpu < s->ncpus) {
        x86_cpu_sipi(s->cpus[cpu], vector);
    }
}

static void tcg_cpu_output(Machine *m, int cpu, VcpuOutput out, IrqLine line)
{
    TcgState *s = m->accel_state;
    if (out == VCPU_OUT_FERR) {
        x86_cpu_connect_ferr(s->cpus[cpu], line);
    }
}

static void tcg_kick(Machine *m)
{
    TcgState *s = m->accel_state;
    for (int i = 0; s && i < s->ncpus; i++) {
        x86_cpu_kick(s->cpus[i]);
    }
}

static int tcg_set_boot_state(Machine *m, int cpu, const VcpuBootState *st)
{
    TcgState *s = m->accel_state;
    if (cpu < 0 || cpu >= s->ncpus) {
        return -1;
    }
    return x86_cpu_set_boot_state(s->cpus[cpu], st);
}

static void tcg_dump(Machine *m, FILE *f)
{
    TcgState *s = m->accel_state;
    for (int i = 0; s && i < s->ncpus; i++) {
        x86_cpu_dump(s->cpus[i], f);
    }
}

const AccelOps tcg_accel_ops = {
    .name = "tcg",
    .init = tcg_init,
    .destroy = tcg_destroy,
    .run = tcg_run,
    .reset = tcg_reset,
    .cpu_pin = tcg_cpu_pin,
    .set_intc = tcg_set_intc,
    .cpu_output = tcg_cpu_output,
    .sipi = tcg_sipi,
    .kick = tcg_kick,
    .dump = tcg_dump,
    .set_boot_state = tcg_set_boot_state,
};
