/*
 * The KVM VM: /dev/kvm, capabilities, the VM itself and its memory slots.
 *
 * The slots mirror the address space's flat map of RAM and ROM (the same
 * host memory the software CPU uses), re-synced whenever the map changes
 * (PAM, PCI BARs, A20). ROM and read-only RAM become read-only slots, so a
 * guest write exits as MMIO and reaches as_rw(), which drops it as the
 * interpreter does. Pieces smaller than a page are left out: accesses to
 * them exit as MMIO and still work (only code cannot run from there).
 */
#include "accel/kvm/kvm_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int kvm_sys_open(int *fd, char *err, size_t errlen)
{
    *fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (*fd < 0) {
        int e = errno;
        snprintf(err, errlen, "/dev/kvm: %s%s", strerror(e),
                 e == ENOENT ? " (no KVM on this host)"
                 : e == EACCES || e == EPERM ? " (no permission: the kvm "
                                               "group?)" : "");
        return -1;
    }
    int api = ioctl(*fd, KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION) {
        if (api < 0) {
            snprintf(err, errlen, "/dev/kvm: not a KVM device "
                                  "(KVM_GET_API_VERSION: %s)",
                     strerror(errno));
        } else {
            snprintf(err, errlen, "/dev/kvm: API version %d, pcvm needs %d",
                     api, KVM_API_VERSION);
        }
        close(*fd);
        *fd = -1;
        return -1;
    }
    return 0;
}

static int check_cap(int fd, long cap)
{
    int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);
    return r < 0 ? 0 : r;
}

static int read_msr_index(KvmVm *vm)
{
    struct kvm_msr_list probe = {.nmsrs = 0};
    if (ioctl(vm->sys_fd, KVM_GET_MSR_INDEX_LIST, &probe) < 0 &&
        errno != E2BIG) {
        return -errno;
    }
    struct kvm_msr_list *l = calloc(1, sizeof(*l) + probe.nmsrs *
                                           sizeof(uint32_t));
    if (!l) {
        return -ENOMEM;
    }
    l->nmsrs = probe.nmsrs;
    if (ioctl(vm->sys_fd, KVM_GET_MSR_INDEX_LIST, l) < 0) {
        int e = errno;
        free(l);
        return -e;
    }
    vm->msr_index = malloc(l->nmsrs * sizeof(uint32_t) + 1);
    if (!vm->msr_index) {
        free(l);
        return -ENOMEM;
    }
    memcpy(vm->msr_index, l->indices, l->nmsrs * sizeof(uint32_t));
    vm->nmsr_index = (int)l->nmsrs;
    free(l);
    return 0;
}

static int read_supported_cpuid(KvmVm *vm)
{
    for (int n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
                                             n * sizeof(c->entries[0]));
        if (!c) {
            return -ENOMEM;
        }
        c->nent = (uint32_t)n;
        if (ioctl(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            vm->supported_cpuid = c;
            return 0;
        }
        int e = errno;
        free(c);
        if (e != E2BIG) {
            return -e;
        }
    }
    return -E2BIG;
}

bool kvm_vm_has_msr(const KvmVm *vm, uint32_t msr)
{
    for (int i = 0; i < vm->nmsr_index; i++) {
        if (vm->msr_index[i] == msr) {
            return true;
        }
    }
    return false;
}

int kvm_vm_create(KvmVm *vm, Log *log, AddressSpace *as, char *err,
                  size_t errlen)
{
    memset(vm, 0, sizeof(*vm));
    vm->fd = -1;
    vm->log = log;
    vm->as = as;
    vm->a20_enabled = true;
    if (kvm_sys_open(&vm->sys_fd, err, errlen)) {
        return -1;
    }
    static const struct {
        long cap;
        const char *name;
    } needed[] = {
        {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
        {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
        {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
        {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
        {KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE"},
    };
    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        if (!check_cap(vm->sys_fd, needed[i].cap)) {
            snprintf(err, errlen, "/dev/kvm lacks %s (a KVM older than "
                                  "Linux 4.11?)", needed[i].name);
            return -1;
        }
    }
    do {
        vm->fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
    } while (vm->fd < 0 && errno == EINTR);
    if (vm->fd < 0) {
        snprintf(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
        return -1;
    }
    vm->cap_readonly_mem = check_cap(vm->fd, KVM_CAP_READONLY_MEM);
    vm->cap_vcpu_events = check_cap(vm->fd, KVM_CAP_VCPU_EVENTS);
    vm->cap_debugregs = check_cap(vm->fd, KVM_CAP_DEBUGREGS);
    vm->cap_xsave = check_cap(vm->fd, KVM_CAP_XSAVE);
    vm->cap_xcrs = check_cap(vm->fd, KVM_CAP_XCRS);
    vm->cap_tsc_control = check_cap(vm->fd, KVM_CAP_TSC_CONTROL);
    vm->cap_split_irqchip = check_cap(vm->fd, KVM_CAP_SPLIT_IRQCHIP);
    vm->cap_irqchip = check_cap(vm->fd, KVM_CAP_IRQCHIP);
    vm->cap_pit2 = check_cap(vm->fd, KVM_CAP_PIT2);
    int xsave2 = check_cap(vm->fd, KVM_CAP_XSAVE2);
    vm->xsave_size = xsave2 > (int)sizeof(struct kvm_xsave)
                         ? xsave2 : (int)sizeof(struct kvm_xsave);
    vm->max_slots = check_cap(vm->fd, KVM_CAP_NR_MEMSLOTS);
    if (vm->max_slots <= 0) {
        vm->max_slots = 32;
    }
    vm->max_vcpus = check_cap(vm->fd, KVM_CAP_MAX_VCPUS);
    if (vm->max_vcpus <= 0) {
        vm->max_vcpus = check_cap(vm->fd, KVM_CAP_NR_VCPUS);
    }
    if (vm->max_vcpus <= 0) {
        vm->max_vcpus = 4;
    }
    vm->run_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (vm->run_size < (int)sizeof(struct kvm_run)) {
        snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s",
                 vm->run_size < 0 ? strerror(errno) : "too small");
        return -1;
    }
    if (check_cap(vm->fd, KVM_CAP_SET_IDENTITY_MAP_ADDR)) {
        uint64_t addr = KVM_IDENTITY_MAP_ADDR;
        if (ioctl(vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &addr) < 0) {
            snprintf(err, errlen, "KVM_SET_IDENTITY_MAP_ADDR: %s",
                     strerror(errno));
            return -1;
        }
    }
    if (ioctl(vm->fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0) {
        snprintf(err, errlen, "KVM_SET_TSS_ADDR: %s", strerror(errno));
        return -1;
    }
    int rc = read_msr_index(vm);
    if (rc == 0) {
        rc = read_supported_cpuid(vm);
    }
    if (rc) {
        snprintf(err, errlen, "/dev/kvm: reading MSRs and CPUID: %s",
                 strerror(-rc));
        return -1;
    }
    vm->slot_used = calloc((size_t)vm->max_slots, 1);
    if (!vm->slot_used) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void kvm_vm_destroy(KvmVm *vm)
{
    if (vm->fd >= 0) {
        close(vm->fd);
    }
    if (vm->sys_fd >= 0) {
        close(vm->sys_fd);
    }
    free(vm->msr_index);
    free(vm->supported_cpuid);
    free(vm->slots);
    free(vm->slot_used);
    vm->fd = vm->sys_fd = -1;
    vm->msr_index = NULL;
    vm->supported_cpuid = NULL;
    vm->slots = NULL;
    vm->slot_used = NULL;
}

/* --- the slot layout (pure) --- */

void kvm_range_add(KvmRangeList *l, uint64_t gpa, uint64_t size,
                   uint8_t *host, bool readonly)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        KvmRange *r = realloc(l->r, (size_t)cap * sizeof(*r));
        if (!r) {
            return;
        }
        l->r = r;
        l->cap = cap;
    }
    l->r[l->n++] = (KvmRange){gpa, size, host, readonly};
}

void kvm_range_free(KvmRangeList *l)
{
    free(l->r);
    l->r = NULL;
    l->n = l->cap = 0;
}

static int range_cmp(const void *a, const void *b)
{
    const KvmRange *x = a, *y = b;
    return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

#define MIB (1ULL << 20)

void kvm_layout_ranges(const KvmRangeList *ram, bool a20, KvmRangeList *out)
{
    for (int i = 0; i < ram->n; i++) {
        const KvmRange *r = &ram->r[i];
        uint64_t start = (r->gpa + PAGE_SIZE - 1) & PAGE_MASK;
        uint64_t end = (r->gpa + r->size) & PAGE_MASK;
        if (r->gpa + r->size < r->gpa || start >= end) {
            continue;
        }
        uint8_t *host = r->host + (start - r->gpa);
        if ((uintptr_t)host & (PAGE_SIZE - 1)) {
            continue;   /* host and guest disagree on the page offset */
        }
        if (a20) {
            kvm_range_add(out, start, end - start, host, r->readonly);
            continue;
        }
        /* A20 off: keep the pieces in even megabytes and show each again
         * one megabyte up; pieces in odd megabytes are out of reach. */
        for (uint64_t p = start; p < end;) {
            uint64_t next = (p & ~(MIB - 1)) + MIB;
            uint64_t q = next < end ? next : end;
            if (!(p & MIB)) {
                uint8_t *h = host + (p - start);
                kvm_range_add(out, p, q - p, h, r->readonly);
                kvm_range_add(out, p | MIB, q - p, h, r->readonly);
            }
            p = q;
        }
    }
    qsort(out->r, (size_t)out->n, sizeof(out->r[0]), range_cmp);
}

/* --- slots --- */

static void collect_ram(void *opaque, uint64_t pa, uint64_t len,
                        uint8_t *host, bool readonly)
{
    kvm_range_add(opaque, pa, len, host, readonly);
}

static int set_slot(KvmVm *vm, const KvmSlot *sl, bool remove)
{
    struct kvm_userspace_memory_region r = {
        .slot = sl->id,
        .flags = sl->flags,
        .guest_phys_addr = sl->gpa,
        .memory_size = remove ? 0 : sl->size,
        .userspace_addr = (uintptr_t)sl->host,
    };
    if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        int e = errno;
        log_guest(vm->log, LOG_UNIMP, &vm->slot_err_count,
                  "kvm: %s memory slot %#llx+%#llx: %s",
                  remove ? "removing" : "adding",
                  (unsigned long long)sl->gpa, (unsigned long long)sl->size,
                  strerror(e));
        return -1;
    }
    return 0;
}

static bool slot_matches(const KvmSlot *sl, const KvmRange *r,
                         uint32_t flags)
{
    return sl->gpa == r->gpa && sl->size == r->size && sl->host == r->host &&
           sl->flags == flags;
}

static int slot_cmp(const void *a, const void *b)
{
    const KvmSlot *x = a, *y = b;
    return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

static uint32_t range_flags(const KvmVm *vm, const KvmRange *r)
{
    return r->readonly && vm->cap_readonly_mem ? KVM_MEM_READONLY : 0;
}

void kvm_vm_sync_slots(KvmVm *vm)
{
    KvmRangeList ram = {0}, want = {0};
    as_for_each_ram(vm->as, collect_ram, &ram);
    kvm_layout_ranges(&ram, vm->a20_enabled, &want);
    kvm_range_free(&ram);

    /* Both lists are sorted by address: walk them together, removing the
     * slots that changed first so no two slots ever overlap. */
    KvmSlot *keep = calloc((size_t)vm->nslots + 1, sizeof(*keep));
    bool *wanted_done = calloc((size_t)want.n + 1, sizeof(*wanted_done));
    if (!keep || !wanted_done) {
        free(keep);
        free(wanted_done);
        kvm_range_free(&want);
        return;
    }
    int nkeep = 0;
    int j = 0;
    for (int i = 0; i < vm->nslots; i++) {
        const KvmSlot *sl = &vm->slots[i];
        while (j < want.n && want.r[j].gpa < sl->gpa) {
            j++;
        }
        if (j < want.n &&
            slot_matches(sl, &want.r[j], range_flags(vm, &want.r[j]))) {
            keep[nkeep++] = *sl;
            wanted_done[j] = true;
            j++;
        } else {
            set_slot(vm, sl, true);
            vm->slot_used[sl->id] = 0;
        }
    }
    int total = nkeep;
    for (int k = 0; k < want.n; k++) {
        total += !wanted_done[k];
    }
    KvmSlot *slots = realloc(vm->slots, (size_t)(total + 1) * sizeof(*slots));
    if (!slots) {
        free(keep);
        free(wanted_done);
        kvm_range_free(&want);
        return;
    }
    vm->slots = slots;
    memcpy(slots, keep, (size_t)nkeep * sizeof(*slots));
    int n = nkeep;
    for (int k = 0; k < want.n; k++) {
        if (wanted_done[k]) {
            continue;
        }
        int id = 0;
        while (id < vm->max_slots && vm->slot_used[id]) {
            id++;
        }
        if (id == vm->max_slots) {
            log_guest(vm->log, LOG_UNIMP, &vm->slot_err_count,
                      "kvm: out of memory slots (%d)", vm->max_slots);
            break;
        }
        KvmSlot sl = {
            .id = (uint32_t)id,
            .flags = range_flags(vm, &want.r[k]),
            .gpa = want.r[k].gpa,
            .size = want.r[k].size,
            .host = want.r[k].host,
        };
        if (set_slot(vm, &sl, false) == 0) {
            vm->slot_used[id] = 1;
            slots[n++] = sl;
        }
    }
    vm->nslots = n;
    free(keep);
    free(wanted_done);
    kvm_range_free(&want);
    /* Keep the list sorted for the next walk. */
    qsort(slots, (size_t)n, sizeof(*slots), slot_cmp);
}

void kvm_vm_set_a20(KvmVm *vm, bool enabled)
{
    if (vm->a20_enabled != enabled) {
        TRACE(vm->log, LOG_MMU, "kvm: A20 %s", enabled ? "on" : "off");
        vm->a20_enabled = enabled;
        kvm_vm_sync_slots(vm);
    }
}
