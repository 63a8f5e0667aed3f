/*
 * One KVM vCPU: creation, the run loop's body (kvmtool's shape: KVM_RUN,
 * then a switch on the exit reason) and its pending events.
 *
 * Port and MMIO exits go through the same dispatch the interpreter uses
 * (iobus_read/iobus_write, as_rw). The pins are the software CPU's own
 * (x86_cpu_set_pin records them in the canonical X86Cpu); this file turns
 * them into KVM's terms: INTR with the guest's IF set becomes
 * KVM_INTERRUPT with the vector the board's controller acknowledges (or a
 * request for an interrupt window when KVM cannot take one yet), NMI
 * becomes KVM_NMI, INIT and SIPI rewrite the canonical state and put it.
 */
#include "accel/kvm/kvm_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/seg.h"

int kvm_vcpu_init(KvmState *s, KvmVcpu *v, int index, const CpuModel *model,
                  char *err, size_t errlen)
{
    Machine *m = s->m;
    KvmVm *vm = &s->vm;

    memset(v, 0, sizeof(*v));
    v->fd = -1;
    if (pthread_cond_init(&v->cond, NULL)) {
        snprintf(err, errlen, "pthread_cond_init failed");
        return -1;
    }
    v->s = s;
    v->index = index;
    v->cpu = x86_cpu_new(model, index, m->as, m->io, m->clock, &m->log);
    if (!v->cpu) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)index);
    if (v->fd < 0) {
        snprintf(err, errlen, "KVM_CREATE_VCPU %d: %s", index,
                 strerror(errno));
        return -1;
    }
    v->run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE,
                  MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED) {
        v->run = NULL;
        snprintf(err, errlen, "mapping vCPU %d's kvm_run: %s", index,
                 strerror(errno));
        return -1;
    }

    struct kvm_cpuid2 *cpuid = kvm_cpuid_build(
        vm, v->cpu, s->cpu_host, s->irqchip != KVM_IRQCHIP_NONE);
    if (!cpuid) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int r = ioctl(v->fd, KVM_SET_CPUID2, cpuid);
    free(cpuid);
    if (r < 0) {
        snprintf(err, errlen, "KVM_SET_CPUID2: %s", strerror(errno));
        return -1;
    }

    /* The software CPU's TSC runs at 1 GHz; match it where KVM can. */
    if (vm->cap_tsc_control) {
        ioctl(v->fd, KVM_SET_TSC_KHZ, 1000000UL);
    }

    uint8_t buf[sizeof(struct kvm_signal_mask) + 8];
    struct kvm_signal_mask *sm = (struct kvm_signal_mask *)buf;
    sm->len = 8;   /* the kernel's sigset_t */
    memcpy(sm->sigset, &s->run_sigmask, 8);
    if (ioctl(v->fd, KVM_SET_SIGNAL_MASK, sm) < 0) {
        snprintf(err, errlen, "KVM_SET_SIGNAL_MASK: %s", strerror(errno));
        return -1;
    }

    if (vm->cap_xsave) {
        v->xsave = calloc(1, (size_t)vm->xsave_size);
        if (!v->xsave) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    if (s->irqchip != KVM_IRQCHIP_NONE) {
        v->lapic = calloc(1, sizeof(*v->lapic));
        v->lapic_reset = calloc(1, sizeof(*v->lapic_reset));
        if (!v->lapic || !v->lapic_reset) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (ioctl(v->fd, KVM_GET_LAPIC, v->lapic_reset) < 0) {
            snprintf(err, errlen, "KVM_GET_LAPIC: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

void kvm_vcpu_destroy(KvmVcpu *v)
{
    if (v->run) {
        munmap(v->run, (size_t)v->s->vm.run_size);
    }
    if (v->fd >= 0) {
        close(v->fd);
    }
    if (v->s) {
        pthread_cond_destroy(&v->cond);
    }
    free(v->xsave);
    free(v->lapic);
    free(v->lapic_reset);
    x86_cpu_free(v->cpu);
    memset(v, 0, sizeof(*v));
    v->fd = -1;
}

static void clear_events(KvmVcpu *v)
{
    uint32_t flags = v->events.flags;
    memset(&v->events, 0, sizeof(v->events));
    v->events.flags = flags;
}

void kvm_vcpu_reset(KvmVcpu *v)
{
    X86Cpu *cpu = v->cpu;
    x86_cpu_reset(cpu, false);
    /* Application processors wait for INIT-SIPI-SIPI. */
    if (v->index > 0) {
        cpu->wait_for_sipi = true;
        cpu->halted = true;
    }
    cpu->interrupt_request &= ~(CPU_REQ_NMI | CPU_REQ_SIPI);
    clear_events(v);
    if (v->lapic && v->lapic_reset) {
        memcpy(v->lapic, v->lapic_reset, sizeof(*v->lapic));
    }
    v->errored = false;
    v->synced = false;
    v->dirty = true;
    v->dirty_full = true;
}

/* INIT: the SDM's INIT state, keeping x87/SSE and the MSRs. */
static void take_init(KvmVcpu *v)
{
    X86Cpu *cpu = v->cpu;
    kvm_vcpu_sync_from_kvm(v);
    x86_cpu_reset(cpu, true);
    cpu->wait_for_sipi = v->index != 0;
    cpu->halted = cpu->wait_for_sipi;
    clear_events(v);
    v->synced = false;
    v->dirty = true;
    TRACE(&v->s->m->log, LOG_RESET, "cpu%d: INIT", v->index);
}

static void take_sipi(KvmVcpu *v)
{
    X86Cpu *cpu = v->cpu;
    cpu->wait_for_sipi = false;
    cpu->halted = false;
    x86_seg_load_real(cpu, R_CS, (uint16_t)(cpu->sipi_vector << 8));
    cpu->rip = 0;
    x86_update_mode(cpu);
    v->synced = false;
    v->dirty = true;
    TRACE(&v->s->m->log, LOG_RESET, "cpu%d: SIPI vector %#x", v->index,
          cpu->sipi_vector);
}

bool kvm_vcpu_runnable(KvmVcpu *v)
{
    X86Cpu *cpu = v->cpu;
    if (v->errored) {
        return false;
    }
    if (cpu->interrupt_request & CPU_REQ_INIT) {
        /* A start-up IPI may already wait behind the INIT (firmware sends
         * them back to back): the INIT state must not swallow it. */
        uint32_t sipi = cpu->interrupt_request & CPU_REQ_SIPI;
        cpu->interrupt_request &= ~CPU_REQ_INIT;
        take_init(v);
        cpu->interrupt_request |= sipi;
    }
    if (cpu->interrupt_request & CPU_REQ_SIPI) {
        cpu->interrupt_request &= ~CPU_REQ_SIPI;
        if (cpu->wait_for_sipi) {
            take_sipi(v);
        }
    }
    if (cpu->wait_for_sipi) {
        /* KVM's own LAPIC takes the SIPI in the kernel. */
        return v->s->irqchip != KVM_IRQCHIP_NONE;
    }
    if (cpu->halted && v->s->irqchip == KVM_IRQCHIP_NONE) {
        /* HLT ends with an NMI, or with INTR while IF is set. */
        if ((cpu->interrupt_request & CPU_REQ_NMI) ||
            ((cpu->interrupt_request & CPU_REQ_INTR) && v->if_flag)) {
            cpu->halted = false;
        }
    }
    return !cpu->halted || v->s->irqchip != KVM_IRQCHIP_NONE;
}

void kvm_vcpu_pre_run(KvmVcpu *v)
{
    X86Cpu *cpu = v->cpu;
    struct kvm_run *run = v->run;

    kvm_vcpu_sync_to_kvm(v);
    if (cpu->interrupt_request & CPU_REQ_NMI) {
        cpu->interrupt_request &= ~CPU_REQ_NMI;
        if (ioctl(v->fd, KVM_NMI) < 0) {
            log_guest(&v->s->m->log, LOG_UNIMP, &v->err_count,
                      "kvm: cpu%d: KVM_NMI: %s", v->index, strerror(errno));
        }
        TRACE(&v->s->m->log, LOG_INT, "cpu%d: NMI", v->index);
    }
    if (v->s->irqchip == KVM_IRQCHIP_FULL) {
        run->request_interrupt_window = 0;
        return;
    }
    /* The board's 8259 (alone, or as ExtINT behind KVM's LAPIC). */
    if ((cpu->interrupt_request & CPU_REQ_INTR) && v->if_flag &&
        v->window_open) {
        int vec = cpu->intc.ack ? cpu->intc.ack(cpu->intc.opaque) : -1;
        if (vec >= 0) {
            struct kvm_interrupt irq = {.irq = (uint32_t)vec};
            if (ioctl(v->fd, KVM_INTERRUPT, &irq) < 0) {
                log_guest(&v->s->m->log, LOG_UNIMP, &v->err_count,
                          "kvm: cpu%d: KVM_INTERRUPT %d: %s", v->index, vec,
                          strerror(errno));
            }
            TRACE(&v->s->m->log, LOG_INT, "cpu%d: interrupt vector %#x",
                  v->index, vec);
            v->window_open = false;
            v->injected++;
        }
    }
    /* Still something to take: KVM exits as soon as the guest can. */
    run->request_interrupt_window =
        (cpu->interrupt_request & CPU_REQ_INTR) != 0;
}

int kvm_vcpu_enter(KvmVcpu *v)
{
    v->synced = false;
    v->exits++;
    int r = ioctl(v->fd, KVM_RUN, 0);
    return r < 0 ? -errno : 0;
}

void kvm_vcpu_settle(KvmVcpu *v)
{
    if (!v->io_pending) {
        return;
    }
    v->run->immediate_exit = 1;
    int r = ioctl(v->fd, KVM_RUN, 0);
    v->run->immediate_exit = 0;
    if (r < 0 && errno != EINTR) {
        log_guest(&v->s->m->log, LOG_UNIMP, &v->err_count,
                  "kvm: cpu%d: completing I/O: %s", v->index,
                  strerror(errno));
    }
    v->io_pending = false;
}

void kvm_drain_kick_signal(void)
{
    sigset_t set;
    struct timespec zero = {0, 0};
    sigemptyset(&set);
    sigaddset(&set, KVM_KICK_SIGNAL);
    while (sigtimedwait(&set, NULL, &zero) > 0) {
    }
}

/* --- exits --- */

static void handle_io(KvmVcpu *v)
{
    struct kvm_run *run = v->run;
    IoBus *io = v->s->m->io;
    unsigned size = run->io.size;
    uint64_t bytes = (uint64_t)size * run->io.count;
    if ((size != 1 && size != 2 && size != 4) ||
        run->io.data_offset + bytes > (uint64_t)v->s->vm.run_size) {
        return;   /* KVM never does this; do not trust it blindly */
    }
    uint8_t *p = (uint8_t *)run + run->io.data_offset;
    uint16_t port = run->io.port;
    for (uint32_t i = 0; i < run->io.count; i++, p += size) {
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            uint32_t val = 0;
            for (unsigned b = 0; b < size; b++) {
                val |= (uint32_t)p[b] << (8 * b);
            }
            iobus_write(io, port, val, size);
        } else {
            uint32_t val = iobus_read(io, port, size);
            for (unsigned b = 0; b < size; b++) {
                p[b] = (uint8_t)(val >> (8 * b));
            }
        }
    }
}

static void handle_mmio(KvmVcpu *v)
{
    struct kvm_run *run = v->run;
    uint32_t len = run->mmio.len;
    if (len == 0 || len > sizeof(run->mmio.data)) {
        return;
    }
    uint64_t gpa = kvm_vm_a20_mask(&v->s->vm, run->mmio.phys_addr);
    as_rw(v->s->m->as, gpa, run->mmio.data, len, run->mmio.is_write);
}

static const char *internal_error_name(uint32_t sub)
{
    switch (sub) {
    case KVM_INTERNAL_ERROR_EMULATION: return "emulation failure";
    case KVM_INTERNAL_ERROR_SIMUL_EX: return "exception while delivering one";
    case KVM_INTERNAL_ERROR_DELIVERY_EV:
        return "event delivery hit an MMIO page";
    default: return "unknown";
    }
}

/* KVM gave up on the guest: say why with the registers, and stop. */
static KvmRunResult fatal(KvmVcpu *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static KvmRunResult fatal(KvmVcpu *v, const char *fmt, ...)
{
    Machine *m = v->s->m;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_error(&m->log, "kvm: cpu%d: %s", v->index, msg);
    v->io_pending = false;
    kvm_vcpu_dump(v, log_file(&m->log));
    v->errored = true;
    machine_request_exit(m, KVM_EXIT_STATUS_ERROR);
    return KVM_RUN_EVENT;
}

static KvmRunResult internal_error(KvmVcpu *v)
{
    struct kvm_run *run = v->run;
    char data[160] = "";
    size_t n = 0;
    uint32_t sub = run->internal.suberror;
    if (sub == KVM_INTERNAL_ERROR_EMULATION && run->internal.ndata >= 2 &&
        (run->emulation_failure.flags &
         KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
        /* The instruction KVM's emulator could not handle. */
        unsigned len = run->emulation_failure.insn_size;
        if (len > sizeof(run->emulation_failure.insn_bytes)) {
            len = sizeof(run->emulation_failure.insn_bytes);
        }
        n = (size_t)snprintf(data, sizeof(data), "; instruction bytes:");
        for (unsigned i = 0; i < len && n < sizeof(data) - 4; i++) {
            n += (size_t)snprintf(data + n, sizeof(data) - n, " %02x",
                                  run->emulation_failure.insn_bytes[i]);
        }
    } else {
        uint32_t nd = run->internal.ndata;
        uint32_t max = sizeof(run->internal.data) /
                       sizeof(run->internal.data[0]);
        if (nd > max) {
            nd = max;
        }
        for (uint32_t i = 0; i < nd && n < sizeof(data) - 24; i++) {
            n += (size_t)snprintf(data + n, sizeof(data) - n, "%s %#llx",
                                  i ? "" : "; data:",
                                  (unsigned long long)run->internal.data[i]);
        }
    }
    return fatal(v, "KVM internal error %u (%s)%s", sub,
                 internal_error_name(sub), data);
}

KvmRunResult kvm_vcpu_handle_exit(KvmVcpu *v, int rc)
{
    Machine *m = v->s->m;
    struct kvm_run *run = v->run;
    KvmRunResult res = KVM_RUN_OK;

    if (rc < 0 && rc != -EINTR && rc != -EAGAIN) {
        return fatal(v, "KVM_RUN: %s", strerror(-rc));
    }
    /* KVM fills these on every return, interrupted ones too (a vCPU that
     * halted in the kernel, kernel-irqchip=split, learns here that it
     * could take the 8259's interrupt). */
    v->if_flag = run->if_flag != 0;
    v->window_open = run->ready_for_interrupt_injection != 0;
    if (rc < 0) {
        kvm_drain_kick_signal();
        v->exits_intr++;
        return KVM_RUN_INTR;
    }
    m->current_cpu = v->index;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        v->io_pending = true;
        v->exits_io++;
        handle_io(v);
        break;
    case KVM_EXIT_MMIO:
        v->io_pending = true;
        v->exits_mmio++;
        handle_mmio(v);
        break;
    case KVM_EXIT_HLT:
        v->cpu->halted = true;
        v->exits_hlt++;
        res = KVM_RUN_HALTED;
        break;
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        v->exits_window++;
        break;
    case KVM_EXIT_INTR:
        kvm_drain_kick_signal();
        v->exits_intr++;
        res = KVM_RUN_INTR;
        break;
    case KVM_EXIT_SHUTDOWN:
        /* A triple fault: reset, or exit with -no-reboot. */
        kvm_vcpu_sync_from_kvm(v);
        machine_triple_fault(m, v->index);
        v->errored = true;   /* until the reset */
        return KVM_RUN_EVENT;
    case KVM_EXIT_FAIL_ENTRY:
        return fatal(v, "KVM could not enter the guest (hardware reason "
                        "%#llx)",
                     (unsigned long long)
                         run->fail_entry.hardware_entry_failure_reason);
    case KVM_EXIT_INTERNAL_ERROR:
        return internal_error(v);
    case KVM_EXIT_SYSTEM_EVENT:
        switch (run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
            machine_request_shutdown(m);
            break;
        case KVM_SYSTEM_EVENT_RESET:
            machine_request_reset(m);
            break;
        default:
            return fatal(v, "KVM system event %u",
                         run->system_event.type);
        }
        break;
    case KVM_EXIT_IOAPIC_EOI:
        /* kernel-irqchip=split: the board's IOAPIC would clear remote
         * IRR here; pcvm's board has none wired to KVM yet. */
        break;
    case KVM_EXIT_DEBUG:
    case KVM_EXIT_TPR_ACCESS:
        break;
    default:
        return fatal(v, "unexpected KVM exit reason %u", run->exit_reason);
    }
    if (log_enabled(&m->log, LOG_CPU)) {
        kvm_vcpu_dump(v, log_file(&m->log));
    }
    if (kvm_machine_wants_attention(m)) {
        return KVM_RUN_EVENT;
    }
    return res;
}
