/*
 * The KVM accelerator's AccelOps: the same machine on the host CPU.
 *
 * init opens /dev/kvm, runs the self-test (probe.c), creates the VM with
 * its memory slots (vm.c), the interrupt controllers the options ask for
 * (irq.c) and one vCPU per CPU (vcpu.c), each with a canonical X86Cpu
 * (sync.c); run hands the vCPUs to cpus.c until the deadline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "accel/kvm/kvm_int.h"

static void kvm_map_changed(void *opaque, AddressSpace *as)
{
    KvmState *s = opaque;
    kvm_vm_sync_slots(&s->vm);
}

static const AsListener kvm_as_listener = {
    .map_changed = kvm_map_changed,
};

/* What the self-test means: 0 usable, 1 usable but not for auto, -1 not
 * usable; @why says why. */
static int probe_verdict(const KvmProbe *p, char *why, size_t whylen)
{
    if (p->passed <= KVM_PROBE_REAL) {
        snprintf(why, whylen, "%s%s", p->passed == KVM_PROBE_OPEN ? "" :
                 "the KVM self-test failed: ", p->failure);
        return -1;
    }
    const char *host = p->pvm ? "/dev/kvm is kvm_pvm, a paravirtual KVM "
                                "(no VMX/SVM): guests run slowly or not at "
                                "all"
                       : !p->hw_virt ? "the CPU shows no VMX/SVM" : NULL;
    char both[400];
    const char *test = NULL;
    if (p->passed < KVM_PROBE_STAGES && p->cpuid_failure[0]) {
        snprintf(both, sizeof(both), "%s; cpuid: %s", p->failure,
                 p->cpuid_failure);
        test = both;
    } else if (p->passed < KVM_PROBE_STAGES) {
        test = p->failure;
    } else if (p->cpuid_failure[0]) {
        test = p->cpuid_failure;
    }
    if (host && test) {
        snprintf(why, whylen, "%s; self-test: %s", host, test);
    } else if (host) {
        snprintf(why, whylen, "%s", host);
    } else if (test) {
        snprintf(why, whylen, "the KVM self-test failed: %s", test);
    } else {
        snprintf(why, whylen, "/dev/kvm passed the self-test");
        return 0;
    }
    return 1;
}

static int kvm_probe(const MachineConfig *cfg, char *why, size_t whylen)
{
    KvmProbe p;
    if (cfg && cfg->icount) {
        snprintf(why, whylen, "-icount needs the software CPU");
        return -1;
    }
    kvm_probe_run(&p);
    return probe_verdict(&p, why, whylen);
}

static void kvm_help(FILE *f)
{
    char why[400], summary[160];
    KvmProbe p;
    kvm_probe_run(&p);
    kvm_probe_summary(&p, summary, sizeof(summary));
    int r = probe_verdict(&p, why, sizeof(why));
    fprintf(f, "KVM here: %s: %s\n",
            r == 0 ? "usable, and -accel auto chooses it"
            : r > 0 ? "usable with -accel kvm, but -accel auto prefers tcg"
                    : "not usable",
            why);
    fprintf(f, "KVM self-test: %s\n", summary);
}

static void kvm_destroy(Machine *m)
{
    KvmState *s = m->accel_state;
    if (!s) {
        return;
    }
    kvm_cpus_destroy(s);
    for (int i = 0; i < s->ncpus && log_enabled(&m->log, LOG_INT); i++) {
        const KvmVcpu *v = &s->vcpus[i];
        log_trace(&m->log, LOG_INT, "kvm: cpu%d: %llu exits: %llu port I/O, "
                  "%llu MMIO, %llu HLT, %llu interrupt window, %llu "
                  "interrupted; %llu interrupts injected", i,
                  (unsigned long long)v->exits,
                  (unsigned long long)v->exits_io,
                  (unsigned long long)v->exits_mmio,
                  (unsigned long long)v->exits_hlt,
                  (unsigned long long)v->exits_window,
                  (unsigned long long)v->exits_intr,
                  (unsigned long long)v->injected);
    }
    as_remove_listener(m->as, &kvm_as_listener, s);
    for (int i = 0; i < s->ncpus; i++) {
        kvm_vcpu_destroy(&s->vcpus[i]);
    }
    free(s->vcpus);
    kvm_vm_destroy(&s->vm);
    free(s->host_model);
    free(s);
    m->accel_state = NULL;
}

static int kvm_init(Machine *m, char *err, size_t errlen)
{
    const MachineConfig *cfg = m->cfg;
    char why[400];

    if (cfg->icount) {
        snprintf(err, errlen, "-icount: not available with -accel kvm (the "
                              "guest runs on the host CPU's own clock)");
        return -1;
    }
    KvmProbe p;
    kvm_probe_run(&p);
    if (probe_verdict(&p, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "-accel kvm: %s", why);
        return -1;
    }
    KvmState *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->m = m;
    m->accel_state = s;
    switch (cfg->kernel_irqchip) {
    case KERNEL_IRQCHIP_SPLIT: s->irqchip = KVM_IRQCHIP_SPLIT_MODE; break;
    case KERNEL_IRQCHIP_ON: s->irqchip = KVM_IRQCHIP_FULL; break;
    default: s->irqchip = KVM_IRQCHIP_NONE; break;
    }
    s->threaded = cfg->accel_threads == ACCEL_THREADS_MULTI ||
                  (cfg->accel_threads == ACCEL_THREADS_DEFAULT &&
                   m->ncpus > 1);
    kvm_signals_init(&s->run_sigmask);
    if (kvm_vm_create(&s->vm, &m->log, m->as, why, sizeof(why))) {
        snprintf(err, errlen, "-accel kvm: %s", why);
        kvm_destroy(m);
        return -1;
    }
    if (m->ncpus > s->vm.max_vcpus) {
        snprintf(err, errlen, "-smp %d: this KVM runs at most %d vCPUs",
                 m->ncpus, s->vm.max_vcpus);
        kvm_destroy(m);
        return -1;
    }

    if (kvm_cpuid_choose(s, cfg->cpu_model, err, errlen)) {
        kvm_destroy(m);
        return -1;
    }
    if (kvm_irqchip_create(s, err, errlen)) {
        kvm_destroy(m);
        return -1;
    }
    s->vcpus = calloc((size_t)m->ncpus, sizeof(*s->vcpus));
    if (!s->vcpus) {
        snprintf(err, errlen, "out of memory");
        kvm_destroy(m);
        return -1;
    }
    for (int i = 0; i < m->ncpus; i++) {
        s->ncpus = i + 1;
        if (kvm_vcpu_init(s, &s->vcpus[i], i, &s->model, err, errlen)) {
            kvm_destroy(m);
            return -1;
        }
    }
    as_add_listener(m->as, &kvm_as_listener, s);
    kvm_vm_sync_slots(&s->vm);
    if (kvm_cpus_init(s, err, errlen)) {
        kvm_destroy(m);
        return -1;
    }
    TRACE(&m->log, LOG_RESET, "kvm: %d vCPU(s), kernel-irqchip=%s, "
                              "thread=%s", m->ncpus,
          kvm_irqchip_name(s->irqchip), s->threaded ? "multi" : "single");
    return 0;
}

static AccelRunResult kvm_run(Machine *m, int64_t deadline)
{
    return kvm_cpus_run(m->accel_state, deadline);
}

static void kvm_reset(Machine *m)
{
    KvmState *s = m->accel_state;
    kvm_cpus_pause(s);
    kvm_irqchip_reset(s);
    for (int i = 0; i < s->ncpus; i++) {
        kvm_vcpu_reset(&s->vcpus[i]);
    }
    kvm_cpus_resume(s);
}

static void kvm_pin_handler(void *opaque, int pin, int level)
{
    KvmVcpu *v = opaque;
    x86_cpu_set_pin(v->cpu, pin, level);
    if (pin == VCPU_PIN_A20) {
        kvm_vm_set_a20(&v->s->vm, level != 0);
    } else if (level) {
        kvm_cpus_wake(v->s, v);
    }
}

static IrqLine kvm_cpu_pin(Machine *m, int cpu, VcpuPin pin)
{
    KvmState *s = m->accel_state;
    if (cpu < 0 || cpu >= s->ncpus) {
        return irq_line(NULL, NULL, 0);
    }
    return irq_line(kvm_pin_handler, &s->vcpus[cpu], pin);
}

static void kvm_set_intc(Machine *m, int cpu, VcpuIntc intc)
{
    KvmState *s = m->accel_state;
    if (cpu >= 0 && cpu < s->ncpus) {
        s->vcpus[cpu].cpu->intc = intc;
    }
}

static void kvm_sipi(Machine *m, int cpu, uint8_t vector)
{
    KvmState *s = m->accel_state;
    if (cpu >= 0 && cpu < s->ncpus) {
        x86_cpu_sipi(s->vcpus[cpu].cpu, vector);
        kvm_cpus_wake(s, &s->vcpus[cpu]);
    }
}

static void kvm_kick(Machine *m)
{
    KvmState *s = m->accel_state;
    if (s) {
        kvm_cpus_kick_all(s);
    }
}

static void kvm_dump(Machine *m, FILE *f)
{
    KvmState *s = m->accel_state;
    if (!s) {
        return;
    }
    kvm_cpus_pause(s);
    for (int i = 0; i < s->ncpus; i++) {
        kvm_vcpu_dump(&s->vcpus[i], f);
    }
    kvm_cpus_resume(s);
}

/* The canonical state takes the boot state; KVM gets all of it (MSRs
 * included) before the vCPU runs again, as after a reset. */
static int kvm_set_boot_state(Machine *m, int cpu, const VcpuBootState *st)
{
    KvmState *s = m->accel_state;
    if (cpu < 0 || cpu >= s->ncpus) {
        return -1;
    }
    KvmVcpu *v = &s->vcpus[cpu];
    kvm_cpus_pause(s);
    int rc = x86_cpu_set_boot_state(v->cpu, st);
    v->synced = false;
    v->dirty = true;
    v->dirty_full = true;
    kvm_cpus_resume(s);
    kvm_cpus_wake(s, v);
    return rc;
}

static IrqLine kvm_gsi_line(Machine *m, int gsi)
{
    return kvm_irqchip_gsi_line(m->accel_state, gsi);
}

const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_init,
    .destroy = kvm_destroy,
    .run = kvm_run,
    .reset = kvm_reset,
    .cpu_pin = kvm_cpu_pin,
    .set_intc = kvm_set_intc,
    .sipi = kvm_sipi,
    .kick = kvm_kick,
    .dump = kvm_dump,
    .set_boot_state = kvm_set_boot_state,
    .probe = kvm_probe,
    .help = kvm_help,
    .gsi_line = kvm_gsi_line,
};
