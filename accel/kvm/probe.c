/*
 * The KVM self-test: before pcvm trusts /dev/kvm with a machine, a scratch
 * VM runs a few dozen instructions that climb the modes a PC guest needs -
 * real mode with port I/O (word, byte, IN, and string OUT with a count)
 * and CPUID as pcvm set it, 32-bit protected mode, then 32-bit paging -
 * and report each step on a port. A KVM that cannot get through real mode is refused for
 * -accel kvm; one that fails a later stage, or that runs without VMX/SVM
 * (kvm_pvm, a paravirtual KVM: unmodified guests run slowly, or not at
 * all), is usable with -accel kvm but not chosen by -accel auto.
 *
 * The guest program, loaded at 0x1000 and entered at 0000:1000 (nasm):
 *
 *     mov ax, 0x1234
 *     add ax, 0x1111
 *     mov dx, 0x5a5
 *     out dx, ax            ; 0x2345
 *     in al, dx             ; pcvm answers 0x77
 *     inc al
 *     out dx, al            ; 0x78
 *     mov si, str
 *     mov cx, 4
 *     cld
 *     rep outsb             ; "KVM!": one exit with count 4
 *     mov eax, 1
 *     cpuid                 ; leaf 1 as pcvm set it
 *     mov esi, edx
 *     mov dx, 0x5a5
 *     out dx, eax
 *     mov eax, ecx
 *     out dx, eax
 *     mov eax, esi
 *     out dx, eax
 *     lgdt [gdtr]
 *     mov eax, cr0
 *     or al, 1
 *     mov cr0, eax
 *     jmp 0x08:pm32
 *     bits 32
 * pm32: mov ax, 0x10
 *     mov ds, ax
 *     mov es, ax
 *     mov ss, ax
 *     mov esp, 0x8000
 *     mov eax, 0x600d0001
 *     out dx, eax           ; protected mode reached
 *     mov eax, 0x3000       ; page directory: 0-4 MiB identity,
 *     mov cr3, eax          ; 0x400000 -> 0x5000
 *     mov eax, cr0
 *     or eax, 0x80000000
 *     mov cr0, eax
 *     jmp .flush
 * .flush: mov eax, [0x400000]
 *     out dx, eax           ; the word at physical 0x5000
 *     hlt
 * str:  db "KVM!"
 *     align 8
 * gdt:  dq 0, 0x00cf9b000000ffff, 0x00cf93000000ffff
 * gdtr: dw 23
 *     dd gdt
 */
#include "accel/kvm/kvm_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static const uint8_t probe_code[] = {
    0xb8, 0x34, 0x12, 0x05, 0x11, 0x11, 0xba, 0xa5, 0x05, 0xef, 0xec, 0xfe,
    0xc0, 0xee, 0xbe, 0x74, 0x10, 0xb9, 0x04, 0x00, 0xfc, 0xf3, 0x6e, 0x66,
    0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xa2, 0x66, 0x89, 0xd6, 0xba, 0xa5,
    0x05, 0x66, 0xef, 0x66, 0x89, 0xc8, 0x66, 0xef, 0x66, 0x89, 0xf0, 0x66,
    0xef, 0x0f, 0x01, 0x16, 0x90, 0x10, 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f,
    0x22, 0xc0, 0xea, 0x43, 0x10, 0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e,
    0xd8, 0x8e, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x80, 0x00, 0x00, 0xb8, 0x01,
    0x00, 0x0d, 0x60, 0xef, 0xb8, 0x00, 0x30, 0x00, 0x00, 0x0f, 0x22, 0xd8,
    0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, 0xeb,
    0x00, 0xa1, 0x00, 0x00, 0x40, 0x00, 0xef, 0xf4, 0x4b, 0x56, 0x4d, 0x21,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00,
    0x00, 0x9b, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x93, 0xcf, 0x00,
    0x17, 0x00, 0x78, 0x10, 0x00, 0x00,
};

#define PROBE_PORT 0x5a5
#define PROBE_MEM (64 * 1024)
#define PROBE_MAGIC 0x5aa5c33cu
#define PROBE_TIMEOUT_NS (500 * 1000 * 1000LL)
/* Leaf 1 as the probe sets it: a Pentium II's signature and features,
 * which every x86-64 host has. */
#define PROBE_CPUID_EAX 0x00000652u
#define PROBE_CPUID_ECX 0x00000000u
#define PROBE_CPUID_EDX 0x0183fbffu

/* One expected exit: an OUT of @value (@size bytes, @count times) or an
 * IN answered with @value, or the final HLT. A @cpuid step's value only
 * decides the CPUID check; the modes go on regardless. */
typedef struct ProbeStep {
    KvmProbeStage stage;   /* passed once this step and those before are */
    bool in;
    bool hlt;
    bool cpuid;
    unsigned size;
    unsigned count;
    uint32_t value;
    const char *what;
} ProbeStep;

static const ProbeStep probe_steps[] = {
    {KVM_PROBE_REAL, false, false, false, 2, 1, 0x2345, "OUT of a word"},
    {KVM_PROBE_REAL, true, false, false, 1, 1, 0x77, "IN of a byte"},
    {KVM_PROBE_REAL, false, false, false, 1, 1, 0x78,
     "OUT of the byte read + 1"},
    {KVM_PROBE_REAL, false, false, false, 1, 4, 0x214d564b,
     "REP OUTSB of 4 bytes"},
    {KVM_PROBE_REAL, false, false, true, 4, 1, PROBE_CPUID_EAX,
     "CPUID.1:EAX as set"},
    {KVM_PROBE_REAL, false, false, true, 4, 1, PROBE_CPUID_ECX,
     "CPUID.1:ECX as set"},
    {KVM_PROBE_REAL, false, false, true, 4, 1, PROBE_CPUID_EDX,
     "CPUID.1:EDX as set"},
    {KVM_PROBE_PROTECTED, false, false, false, 4, 1, 0x600d0001,
     "OUT from 32-bit protected mode"},
    {KVM_PROBE_PAGING, false, false, false, 4, 1, PROBE_MAGIC,
     "a load through a page table"},
    {KVM_PROBE_PAGING, false, true, false, 0, 0, 0, "HLT"},
};

static const char *const stage_names[KVM_PROBE_STAGES] = {
    [KVM_PROBE_OPEN] = "open",
    [KVM_PROBE_REAL] = "real-mode",
    [KVM_PROBE_PROTECTED] = "protected-mode",
    [KVM_PROBE_PAGING] = "paging",
};

const char *kvm_probe_stage_name(KvmProbeStage stage)
{
    return stage < KVM_PROBE_STAGES ? stage_names[stage] : "?";
}

static void describe_exit(const struct kvm_run *run, int rc, char *buf,
                          size_t len)
{
    if (rc < 0) {
        snprintf(buf, len, "%s",
                 rc == -EINTR ? "no progress for 500 ms" : strerror(-rc));
        return;
    }
    switch (run->exit_reason) {
    case KVM_EXIT_SHUTDOWN:
        snprintf(buf, len, "a triple fault (KVM_EXIT_SHUTDOWN)");
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        snprintf(buf, len, "KVM internal error %u",
                 run->internal.suberror);
        break;
    case KVM_EXIT_FAIL_ENTRY:
        snprintf(buf, len, "a failed VM entry (reason %#llx)",
                 (unsigned long long)
                     run->fail_entry.hardware_entry_failure_reason);
        break;
    case KVM_EXIT_IO: {
        const uint8_t *p = (const uint8_t *)run + run->io.data_offset;
        uint32_t val = 0;
        for (unsigned b = 0; b < run->io.size && b < 4; b++) {
            val |= (uint32_t)p[b] << (8 * b);
        }
        snprintf(buf, len, "%s port %#x size %u count %u value %#x",
                 run->io.direction == KVM_EXIT_IO_OUT ? "OUT" : "IN",
                 run->io.port, run->io.size, run->io.count, val);
        break;
    }
    case KVM_EXIT_HLT:
        snprintf(buf, len, "an early HLT");
        break;
    case KVM_EXIT_MMIO:
        snprintf(buf, len, "an MMIO access at %#llx",
                 (unsigned long long)run->mmio.phys_addr);
        break;
    default:
        snprintf(buf, len, "exit reason %u", run->exit_reason);
        break;
    }
}

/* Does the exit match @st? Answers INs. A string OUT may come as one
 * exit with a count or as several (KVM's emulator batches; others go one
 * by one): *@got counts the items seen so far, and the step is done when
 * it reaches st->count. */
static bool step_matches(const ProbeStep *st, struct kvm_run *run, int rc,
                         int run_size, unsigned *got)
{
    if (rc < 0) {
        return false;
    }
    if (st->hlt) {
        return run->exit_reason == KVM_EXIT_HLT;
    }
    if (run->exit_reason != KVM_EXIT_IO || run->io.port != PROBE_PORT ||
        run->io.size != st->size || run->io.count == 0 ||
        *got + run->io.count > st->count ||
        (run->io.direction == KVM_EXIT_IO_IN) != st->in ||
        run->io.data_offset + (uint64_t)st->size * run->io.count >
            (uint64_t)run_size) {
        return false;
    }
    uint8_t *p = (uint8_t *)run + run->io.data_offset;
    if (st->in) {
        p[0] = (uint8_t)st->value;
        *got += 1;
        return true;
    }
    if (st->cpuid) {
        *got += run->io.count;
        return true;   /* the value is judged by the caller */
    }
    for (unsigned i = 0; i < st->size * run->io.count; i++) {
        unsigned byte = *got * st->size + i;
        if (p[i] != (uint8_t)(st->value >> (8 * (byte & 3)))) {
            return false;
        }
    }
    *got += run->io.count;
    return true;
}

static void setup_memory(uint8_t *mem)
{
    memcpy(mem + 0x1000, probe_code, sizeof(probe_code));
    uint32_t *pd = (uint32_t *)(mem + 0x3000);
    uint32_t *pt0 = (uint32_t *)(mem + 0x4000);
    uint32_t *pt1 = (uint32_t *)(mem + 0x6000);
    pd[0] = 0x4000 | 3;
    pd[1] = 0x6000 | 3;
    for (int i = 0; i < 16; i++) {
        pt0[i] = (uint32_t)(i << 12) | 3;
    }
    pt1[0] = 0x5000 | 3;
    uint32_t magic = PROBE_MAGIC;
    memcpy(mem + 0x5000, &magic, 4);
}

typedef struct ProbeVm {
    KvmVm vm;
    uint8_t *mem;
    int vcpu;
    struct kvm_run *run;
    timer_t timer;
    bool have_timer;
} ProbeVm;

static int probe_setup(ProbeVm *p, char *err, size_t errlen)
{
    KvmVm *vm = &p->vm;
    if (kvm_vm_create(vm, NULL, NULL, err, errlen)) {
        return -1;
    }
    p->mem = mmap(NULL, PROBE_MEM, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p->mem == MAP_FAILED) {
        p->mem = NULL;
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    setup_memory(p->mem);
    struct kvm_userspace_memory_region r = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = PROBE_MEM,
        .userspace_addr = (uintptr_t)p->mem,
    };
    if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        snprintf(err, errlen, "KVM_SET_USER_MEMORY_REGION: %s",
                 strerror(errno));
        return -1;
    }
    p->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0UL);
    if (p->vcpu < 0) {
        snprintf(err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
        return -1;
    }
    p->run = mmap(NULL, (size_t)vm->run_size, PROT_READ | PROT_WRITE,
                  MAP_SHARED, p->vcpu, 0);
    if (p->run == MAP_FAILED) {
        p->run = NULL;
        snprintf(err, errlen, "mapping kvm_run: %s", strerror(errno));
        return -1;
    }
    /* KVM's own table, with a known leaf 1 the guest must see. */
    for (uint32_t i = 0; i < vm->supported_cpuid->nent; i++) {
        struct kvm_cpuid_entry2 *e = &vm->supported_cpuid->entries[i];
        if (e->function == 1) {
            e->eax = PROBE_CPUID_EAX;
            e->ebx = 0;
            e->ecx = PROBE_CPUID_ECX;
            e->edx = PROBE_CPUID_EDX;
        }
    }
    if (ioctl(p->vcpu, KVM_SET_CPUID2, vm->supported_cpuid) < 0) {
        snprintf(err, errlen, "KVM_SET_CPUID2: %s", strerror(errno));
        return -1;
    }
    sigset_t run_mask;
    kvm_signals_init(&run_mask);
    uint8_t buf[sizeof(struct kvm_signal_mask) + 8];
    struct kvm_signal_mask *sm = (struct kvm_signal_mask *)buf;
    sm->len = 8;
    memcpy(sm->sigset, &run_mask, 8);
    if (ioctl(p->vcpu, KVM_SET_SIGNAL_MASK, sm) < 0) {
        snprintf(err, errlen, "KVM_SET_SIGNAL_MASK: %s", strerror(errno));
        return -1;
    }
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    if (ioctl(p->vcpu, KVM_GET_SREGS, &sregs) < 0) {
        snprintf(err, errlen, "KVM_GET_SREGS: %s", strerror(errno));
        return -1;
    }
    sregs.cs.selector = 0;
    sregs.cs.base = 0;
    memset(&regs, 0, sizeof(regs));
    regs.rip = 0x1000;
    regs.rflags = 2;
    if (ioctl(p->vcpu, KVM_SET_SREGS, &sregs) < 0 ||
        ioctl(p->vcpu, KVM_SET_REGS, &regs) < 0) {
        snprintf(err, errlen, "setting the registers: %s", strerror(errno));
        return -1;
    }
    if (kvm_timer_create(&p->timer)) {
        snprintf(err, errlen, "timer_create: %s", strerror(errno));
        return -1;
    }
    p->have_timer = true;
    return 0;
}

static void probe_teardown(ProbeVm *p)
{
    if (p->have_timer) {
        kvm_timer_arm(p->timer, 0);
        timer_delete(p->timer);
        kvm_drain_kick_signal();
    }
    if (p->run) {
        munmap(p->run, (size_t)p->vm.run_size);
    }
    if (p->vcpu >= 0) {
        close(p->vcpu);
    }
    if (p->mem) {
        munmap(p->mem, PROBE_MEM);
    }
    kvm_vm_destroy(&p->vm);
}

static bool cpu_has_hw_virt(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    bool found = false;
    if (!f) {
        return true;   /* cannot tell: do not accuse the host */
    }
    while (!found && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "flags", 5)) {
            continue;
        }
        found = strstr(line, " vmx") || strstr(line, " svm");
        break;
    }
    fclose(f);
    return found;
}

void kvm_probe_run(KvmProbe *pr)
{
    ProbeVm p;
    memset(pr, 0, sizeof(*pr));
    memset(&p, 0, sizeof(p));
    p.vcpu = -1;
    p.vm.fd = p.vm.sys_fd = -1;
    pr->hw_virt = cpu_has_hw_virt();
    pr->pvm = access("/sys/module/kvm_pvm", F_OK) == 0;

    if (probe_setup(&p, pr->failure, sizeof(pr->failure))) {
        probe_teardown(&p);
        return;
    }
    pr->passed = KVM_PROBE_REAL;    /* open passed */
    kvm_timer_arm(p.timer, PROBE_TIMEOUT_NS);
    size_t n = sizeof(probe_steps) / sizeof(probe_steps[0]);
    unsigned got = 0;
    for (size_t i = 0; i < n;) {
        const ProbeStep *st = &probe_steps[i];
        int rc = ioctl(p.vcpu, KVM_RUN, 0) < 0 ? -errno : 0;
        if (!step_matches(st, p.run, rc, p.vm.run_size, &got)) {
            char seen[120];
            describe_exit(p.run, rc, seen, sizeof(seen));
            snprintf(pr->failure, sizeof(pr->failure),
                     "%s: expected %s, got %s",
                     kvm_probe_stage_name(st->stage), st->what, seen);
            break;
        }
        if (st->cpuid) {
            const uint8_t *d = (const uint8_t *)p.run +
                               p.run->io.data_offset;
            uint32_t val = (uint32_t)d[0] | (uint32_t)d[1] << 8 |
                           (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
            pr->cpuid_tried = true;
            if (val != st->value && !pr->cpuid_failure[0]) {
                snprintf(pr->cpuid_failure, sizeof(pr->cpuid_failure),
                         "the guest reads %.11s = %#x, not the %#x set",
                         st->what, val, st->value);
            }
        }
        if (!st->hlt && got < st->count) {
            continue;
        }
        got = 0;
        i++;
        if (i == n || probe_steps[i].stage != st->stage) {
            pr->passed = (int)st->stage + 1;
        }
    }
    probe_teardown(&p);
}

void kvm_probe_summary(const KvmProbe *p, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (int s = 0; s < KVM_PROBE_STAGES && n < len; s++) {
        const char *res = s < p->passed ? "ok" : s == p->passed ? "fail"
                                                                : "untried";
        int k = snprintf(buf + n, len - n, "%s%s=%s", s ? " " : "",
                         stage_names[s], res);
        if (k < 0) {
            break;
        }
        n += (size_t)k;
    }
    if (n < len) {
        /* native: guest code runs on the CPU (VMX/SVM), not through
         * KVM's instruction emulator. */
        snprintf(buf + n, len - n, " cpuid=%s native=%s",
                 !p->cpuid_tried ? "untried"
                 : p->cpuid_failure[0] ? "fail" : "ok",
                 p->hw_virt && !p->pvm ? "ok" : "no");
    }
}
