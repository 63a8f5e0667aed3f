/*
 * The KVM accelerator's internals, shared by the files of accel/kvm/ and
 * by nothing else (the rest of pcvm sees only kvm_accel_ops).
 *
 * Who owns what:
 *  - vm.c: /dev/kvm, the capabilities, the VM, its memory slots (kept equal
 *    to the address space's RAM/ROM map, A20 included);
 *  - cpuid.c: the CPUID table each vCPU gets (the -cpu model filtered by
 *    what KVM supports, or the host's own for -cpu host);
 *  - vcpu.c: one vCPU: creation, KVM_RUN and the switch on the exit
 *    reason, the pins (INTR, NMI, INIT, SIPI) and interrupt injection;
 *  - sync.c: the canonical X86Cpu filled from KVM and written back;
 *    convert.c: the pure conversions it uses (unit-tested without KVM);
 *  - irq.c: the interrupt controller choice (kernel-irqchip=off|split|on);
 *  - cpus.c: how vCPUs share host threads (one thread, or one each) and
 *    the locking between them and the main loop;
 *  - probe.c: the start-up self-test and the host's description;
 *  - kvm.c: the AccelOps glue.
 *
 * Locking (thread=multi): KvmState.lock is the machine lock. The main
 * thread holds it except while it waits inside run(); a vCPU thread takes
 * it for everything but KVM_RUN itself. Device code, timers, the pins and
 * the canonical CPU state are only touched with it held.
 */
#ifndef PCVM_ACCEL_KVM_INT_H
#define PCVM_ACCEL_KVM_INT_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "accel/kvm/convert.h"
#include "core/accel.h"
#include "core/machine.h"
#include "cpu/cpu.h"
#include "cpu/models.h"

/* Where KVM may put the real-mode TSS (three pages) and the identity map
 * page it needs on VMX without unrestricted guest: just below the
 * largest BIOS pcvm maps (16 MiB under 4 GiB), where nothing else lives. */
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define KVM_TSS_ADDR 0xfeffd000ULL

/* The signal that knocks a vCPU out of KVM_RUN (timer or kick). It is
 * blocked everywhere except inside KVM_RUN (KVM_SET_SIGNAL_MASK). */
#define KVM_KICK_SIGNAL SIGUSR1

/* pcvm's exit status when KVM stops the guest with an error it cannot
 * recover from (internal error, failed entry): distinct from every status
 * a guest can choose through isa-debug-exit (odd numbers). */
#define KVM_EXIT_STATUS_ERROR 2

/* --- vm.c ------------------------------------------------------------ */

typedef struct KvmSlot {
    uint32_t id;
    uint32_t flags;       /* KVM_MEM_READONLY */
    uint64_t gpa;
    uint64_t size;
    uint8_t *host;
} KvmSlot;

/* A stretch of guest-physical RAM/ROM as the slots should map it. */
typedef struct KvmRange {
    uint64_t gpa;
    uint64_t size;
    uint8_t *host;
    bool readonly;
} KvmRange;

typedef struct KvmRangeList {
    KvmRange *r;
    int n;
    int cap;
} KvmRangeList;

typedef struct KvmVm {
    int sys_fd;            /* /dev/kvm */
    int fd;                /* the VM */
    int run_size;          /* KVM_GET_VCPU_MMAP_SIZE */
    Log *log;
    AddressSpace *as;

    /* capabilities */
    bool cap_readonly_mem;
    bool cap_vcpu_events;
    bool cap_debugregs;
    bool cap_xsave;
    bool cap_xcrs;
    bool cap_tsc_control;
    bool cap_split_irqchip;
    bool cap_irqchip;
    bool cap_pit2;
    int xsave_size;        /* bytes of KVM_GET_XSAVE(2) */
    int max_slots;
    int max_vcpus;

    /* MSRs KVM knows (KVM_GET_MSR_INDEX_LIST) */
    uint32_t *msr_index;
    int nmsr_index;
    /* CPUID KVM can give a guest (KVM_GET_SUPPORTED_CPUID) */
    struct kvm_cpuid2 *supported_cpuid;

    /* memory slots, sorted by gpa */
    KvmSlot *slots;
    int nslots;
    int slots_cap;
    uint8_t *slot_used;    /* max_slots flags: id in use */
    bool a20_enabled;
    unsigned slot_err_count;
} KvmVm;

/* Open /dev/kvm and check the API; -1 with @err filled. */
int kvm_sys_open(int *fd, char *err, size_t errlen);
/* Create the VM and read the capabilities pcvm uses; -1 with @err. */
int kvm_vm_create(KvmVm *vm, Log *log, AddressSpace *as, char *err,
                  size_t errlen);
void kvm_vm_destroy(KvmVm *vm);
bool kvm_vm_has_msr(const KvmVm *vm, uint32_t msr);
/* Make the slots equal to the address space's RAM/ROM map. */
void kvm_vm_sync_slots(KvmVm *vm);
/* A20: while off, every address with bit 20 set reaches the address with
 * it clear, RAM through aliasing slots, MMIO through kvm_vm_a20_mask(). */
void kvm_vm_set_a20(KvmVm *vm, bool enabled);
static inline uint64_t kvm_vm_a20_mask(const KvmVm *vm, uint64_t gpa)
{
    return vm->a20_enabled ? gpa : gpa & ~(1ULL << 20);
}
/* The slots' layout for a RAM map and an A20 state (pure; unit tested):
 * page-aligned, sorted, bit 20 folded when @a20 is off. */
void kvm_layout_ranges(const KvmRangeList *ram, bool a20, KvmRangeList *out);
void kvm_range_add(KvmRangeList *l, uint64_t gpa, uint64_t size,
                   uint8_t *host, bool readonly);
void kvm_range_free(KvmRangeList *l);

/* --- cpuid.c --------------------------------------------------------- */

typedef struct KvmState KvmState;

/* What KVM can give in feature word @w (FEAT_WORD_*) by its supported
 * table @sup: the AMD aliases of leaf 1's EDX count as given in leaf
 * 0x80000001's EDX; x2APIC and the TSC-deadline timer only with KVM's
 * LAPIC (@lapic_in_kernel). */
uint32_t kvm_cpuid_can(const struct kvm_cpuid2 *sup, int w,
                       bool lapic_in_kernel);
/* Cut @m down to what KVM can give: @dropped gets, per feature word, the
 * bits taken out; a virtual-address width KVM refuses becomes 48. */
void kvm_cpuid_filter(const struct kvm_cpuid2 *sup, bool lapic_in_kernel,
                      CpuModel *m, uint32_t dropped[FEAT_WORD_COUNT]);
/* The names of the @dropped features, space-separated, in @buf (bits
 * without a name as "CPUID.1H:ECX[5]"); returns the length, 0 if none. */
size_t kvm_cpuid_dropped_names(const uint32_t dropped[FEAT_WORD_COUNT],
                               char *buf, size_t len);
/* -cpu @spec (NULL: the default model) under KVM: s->model becomes the
 * model every vCPU reports, filtered, with one warning naming what was
 * left out; "host[,+f,-f...]" starts from KVM's own table (s->cpu_host).
 * The same values and messages as the software CPU's -cpu. Returns 0, or
 * -1 with @err filled. */
int kvm_cpuid_choose(KvmState *s, const char *spec, char *err,
                     size_t errlen);
/* The CPUID table for @cpu: its (filtered) model's leaves as x86_cpuid()
 * reports them, or (@host) KVM's own table with the model's feature
 * words, without KVM's paravirtual leaves unless @lapic_in_kernel.
 * Returns NULL on allocation failure. */
struct kvm_cpuid2 *kvm_cpuid_build(const KvmVm *vm, X86Cpu *cpu, bool host,
                                   bool lapic_in_kernel);
const char *kvm_feature_name(unsigned feat);

/* --- vcpu.c / sync.c ------------------------------------------------- */

typedef struct KvmVcpu {
    KvmState *s;
    int index;
    int fd;
    struct kvm_run *run;
    X86Cpu *cpu;               /* the canonical state */

    /* State sync: @synced when cpu equals KVM's state (until the next
     * KVM_RUN); @dirty when cpu was changed and KVM must get it before
     * it runs again (@dirty_full: MSRs and TSC too). */
    bool synced;
    bool dirty;
    bool dirty_full;
    bool io_pending;           /* an I/O or MMIO exit awaits completion */
    bool if_flag;              /* the guest's EFLAGS.IF at the last exit */
    bool window_open;          /* KVM said it can take KVM_INTERRUPT */
    bool errored;              /* stopped by an internal error */
    struct kvm_vcpu_events events;  /* as last read (what cpu cannot hold) */
    bool have_events;
    void *xsave;               /* KVM_GET_XSAVE buffer (vm.xsave_size) */
    struct kvm_lapic_state *lapic;  /* in-kernel LAPIC, as last read */
    struct kvm_lapic_state *lapic_reset; /* its power-on image */
    unsigned err_count;        /* rate limit for guest-triggered logs */
    /* statistics (-d int prints them at the end) */
    uint64_t exits, exits_io, exits_mmio, exits_hlt, exits_window;
    uint64_t exits_intr, injected;

    /* thread=multi */
    pthread_t thread;
    pthread_cond_t cond;       /* parked here (halted, paused) */
    bool thread_started;
    bool parked;
    bool in_pause;             /* waiting in kvm_cpus_pause() */
    bool in_kvm_run;
} KvmVcpu;

/* Create vCPU @index with @model as its CPUID source. */
int kvm_vcpu_init(KvmState *s, KvmVcpu *v, int index, const CpuModel *model,
                  char *err, size_t errlen);
void kvm_vcpu_destroy(KvmVcpu *v);
/* Put the canonical power-on (RESET) state into the vCPU. */
void kvm_vcpu_reset(KvmVcpu *v);
/* Can the vCPU run now, after taking its pending events (INIT, SIPI,
 * NMI, a wake-up from HLT)? */
bool kvm_vcpu_runnable(KvmVcpu *v);

typedef enum KvmRunResult {
    KVM_RUN_OK,        /* handled an exit; keep going */
    KVM_RUN_INTR,      /* interrupted (deadline, kick) */
    KVM_RUN_HALTED,    /* the vCPU halted */
    KVM_RUN_EVENT,     /* the machine needs attention (reset, exit) */
} KvmRunResult;

/* Inject what can be injected now and arm the interrupt window; called
 * with the machine lock held, right before kvm_vcpu_enter(). */
void kvm_vcpu_pre_run(KvmVcpu *v);
/* KVM_RUN once (no lock needed); returns 0 or -errno. */
int kvm_vcpu_enter(KvmVcpu *v);
/* Handle what KVM_RUN returned (machine lock held). */
KvmRunResult kvm_vcpu_handle_exit(KvmVcpu *v, int rc);
/* Finish a pending I/O exit without running the guest, so the registers
 * are consistent (KVM_RUN with immediate_exit). */
void kvm_vcpu_settle(KvmVcpu *v);
/* Drain KVM_KICK_SIGNAL if it is pending for this thread. */
void kvm_drain_kick_signal(void);

/* sync.c: cpu <- KVM (settles first); KVM <- cpu. Return 0 or -errno. */
int kvm_vcpu_get_state(KvmVcpu *v);
int kvm_vcpu_put_state(KvmVcpu *v, bool full);
/* Bring cpu up to date (if not synced) / push it back (if dirty). */
void kvm_vcpu_sync_from_kvm(KvmVcpu *v);
void kvm_vcpu_sync_to_kvm(KvmVcpu *v);
/* A register dump straight from KVM, for failures. */
void kvm_vcpu_dump(KvmVcpu *v, FILE *f);

/* --- irq.c ----------------------------------------------------------- */

typedef enum KvmIrqchipMode {
    KVM_IRQCHIP_NONE,       /* pcvm's PIC; KVM_INTERRUPT injection */
    KVM_IRQCHIP_SPLIT_MODE, /* LAPIC in KVM; PIC/IOAPIC ours */
    KVM_IRQCHIP_FULL,       /* PIC, IOAPIC, PIT and LAPICs in KVM */
} KvmIrqchipMode;

/* Create the in-kernel parts for @mode (before the vCPUs). */
int kvm_irqchip_create(KvmState *s, char *err, size_t errlen);
/* Put them back in their power-on state (machine reset). */
void kvm_irqchip_reset(KvmState *s);
const char *kvm_irqchip_name(KvmIrqchipMode mode);
IrqLine kvm_irqchip_gsi_line(KvmState *s, int gsi);

/* --- cpus.c ---------------------------------------------------------- */

/* The kick signal: an empty handler, blocked in this thread; @run_mask
 * gets the mask to use inside KVM_RUN. */
void kvm_signals_init(sigset_t *run_mask);
/* A POSIX timer that sends the kick signal to the calling thread; armed
 * @ns from now (0 disarms). */
int kvm_timer_create(timer_t *t);
void kvm_timer_arm(timer_t t, int64_t ns);

int kvm_cpus_init(KvmState *s, char *err, size_t errlen);
void kvm_cpus_destroy(KvmState *s);
AccelRunResult kvm_cpus_run(KvmState *s, int64_t deadline);
/* Stop every vCPU but the caller's at a point where its state can be
 * read and written; kvm_cpus_resume() lets them go. Lock held. */
void kvm_cpus_pause(KvmState *s);
void kvm_cpus_resume(KvmState *s);
/* Something changed for @v (a pin, SIPI, reset): make it look. */
void kvm_cpus_wake(KvmState *s, KvmVcpu *v);
void kvm_cpus_kick_all(KvmState *s);
/* The vCPU this thread runs, or NULL (the main thread outside run()). */
KvmVcpu *kvm_cpus_self(KvmState *s);

/* --- probe.c --------------------------------------------------------- */

typedef enum KvmProbeStage {
    KVM_PROBE_OPEN,        /* /dev/kvm opened, API and capabilities */
    KVM_PROBE_REAL,        /* real mode with port I/O (string I/O too) */
    KVM_PROBE_PROTECTED,   /* 32-bit protected mode */
    KVM_PROBE_PAGING,      /* 32-bit paging */
    KVM_PROBE_STAGES
} KvmProbeStage;

typedef struct KvmProbe {
    int passed;            /* stages passed (KVM_PROBE_STAGES: all) */
    char failure[200];     /* why the next stage failed */
    bool cpuid_tried;      /* the guest read CPUID leaf 1 ... */
    char cpuid_failure[120]; /* ... and this was wrong with it ("": ok) */
    bool hw_virt;          /* the host CPU shows VMX or SVM */
    bool pvm;              /* the kvm_pvm module runs /dev/kvm */
} KvmProbe;

void kvm_probe_run(KvmProbe *p);
const char *kvm_probe_stage_name(KvmProbeStage stage);
/* One line on what the probe found ("real-mode=ok ... paging=fail"). */
void kvm_probe_summary(const KvmProbe *p, char *buf, size_t len);

/* --- kvm.c ----------------------------------------------------------- */

struct KvmState {
    Machine *m;
    KvmVm vm;
    KvmVcpu *vcpus;
    int ncpus;
    KvmIrqchipMode irqchip;
    struct kvm_irqchip chip_reset[3];  /* kernel-irqchip=on: PICs, IOAPIC */
    struct kvm_pit_state2 pit_reset;
    bool gsi_lines_given;
    bool gsi_warned;
    bool threaded;
    CpuModel model;            /* what every vCPU reports (kvm_cpuid_choose) */
    CpuModel *host_model;      /* -cpu host: KVM's table as a model */
    bool cpu_host;

    /* the machine lock and the vCPU threads (cpus.c) */
    pthread_mutex_t lock;
    pthread_cond_t main_cond;  /* run() waits here */
    bool lock_ready;
    bool locked_by_main;
    int pause_count;
    bool stop;
    bool attention;            /* kick(): run() should return */
    int64_t main_deadline;     /* what run() sleeps towards (multi) */
    int next;                  /* round robin (thread=single) */
    sigset_t run_sigmask;      /* the mask inside KVM_RUN */
    timer_t timer;             /* thread=single: the deadline timer */
    bool have_timer;
};

static inline bool kvm_machine_wants_attention(const Machine *m)
{
    return m->exit_requested || m->reset_requested || m->shutdown_requested;
}

#endif
