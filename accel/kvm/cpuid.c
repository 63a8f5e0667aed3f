/*
 * CPUID under KVM.
 *
 * -cpu takes the same values as under the software CPU (a model and
 * +feature/-feature changes, x86_cpu_model_parse), or "host" with the
 * same changes. The model is then cut down once to what this host's KVM
 * can give (kvm_cpuid_filter: the features it lacks are dropped and named
 * in one warning, so a guest never sees a feature that would #UD), and
 * every vCPU reports that model: the same x86_cpuid() builds the table as
 * under the software CPU. -cpu host hands the guest
 * KVM_GET_SUPPORTED_CPUID as it is, with the changes asked for and each
 * vCPU's APIC ID filled in.
 */
#include "accel/kvm/kvm_int.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"

static const struct kvm_cpuid_entry2 *find_entry(const struct kvm_cpuid2 *c,
                                                 uint32_t fn, uint32_t idx)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &c->entries[i];
        if (e->function == fn &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
             e->index == idx)) {
            return e;
        }
    }
    return NULL;
}

/* Which register of which leaf holds feature word @w. */
static void feature_word_reg(int w, uint32_t *leaf, int *reg)
{
    switch (w) {
    case FEAT_WORD_1_EDX: *leaf = 1; *reg = 3; break;
    case FEAT_WORD_1_ECX: *leaf = 1; *reg = 2; break;
    case FEAT_WORD_81_EDX: *leaf = 0x80000001; *reg = 3; break;
    case FEAT_WORD_81_ECX: *leaf = 0x80000001; *reg = 2; break;
    default: *leaf = 7; *reg = 1; break;   /* FEAT_WORD_7_EBX */
    }
}

static uint32_t entry_reg(const struct kvm_cpuid_entry2 *e, int reg)
{
    switch (reg) {
    case 0: return e->eax;
    case 1: return e->ebx;
    case 2: return e->ecx;
    default: return e->edx;
    }
}

static uint32_t *entry_reg_ptr(struct kvm_cpuid_entry2 *e, int reg)
{
    switch (reg) {
    case 0: return &e->eax;
    case 1: return &e->ebx;
    case 2: return &e->ecx;
    default: return &e->edx;
    }
}

static bool leaf_has_subleaves(uint32_t leaf)
{
    return leaf == 4 || leaf == 7 || leaf == 0xb || leaf == 0xd ||
           leaf == 0xf || leaf == 0x10 || leaf == 0x12 || leaf == 0x14 ||
           leaf == 0x17 || leaf == 0x18 || leaf == 0x1f ||
           leaf == 0x8000001d;
}

static struct kvm_cpuid2 *cpuid_alloc(uint32_t n)
{
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
    return c;
}

static void add_leaf(struct kvm_cpuid2 *c, X86Cpu *cpu, uint32_t leaf)
{
    uint32_t out[4];
    struct kvm_cpuid_entry2 *e = &c->entries[c->nent++];
    x86_cpuid(cpu, leaf, 0, out);
    memset(e, 0, sizeof(*e));
    e->function = leaf;
    e->index = 0;
    e->flags = leaf_has_subleaves(leaf) ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
    e->eax = out[0];
    e->ebx = out[1];
    e->ecx = out[2];
    e->edx = out[3];
}

/* Leaf 1's EDX bits that AMD repeats in leaf 0x80000001's EDX (FPU to
 * APIC, MTRR to PSE36, MMX, FXSR). */
#define AMD_ALIASES 0x0183f3ffu

uint32_t kvm_cpuid_can(const struct kvm_cpuid2 *sup, int w,
                       bool lapic_in_kernel)
{
    uint32_t leaf;
    int reg;
    feature_word_reg(w, &leaf, &reg);
    const struct kvm_cpuid_entry2 *e = find_entry(sup, leaf, 0);
    uint32_t can = e ? entry_reg(e, reg) : 0;
    if (w == FEAT_WORD_81_EDX) {
        /* An Intel host's KVM reports leaf 0x80000001 by Intel's book,
         * where the AMD aliases are reserved; the guest may still be
         * shown them (KVM hands the table over as it is), as an AMD model
         * such as qemu64 has them. */
        const struct kvm_cpuid_entry2 *l1 = find_entry(sup, 1, 0);
        can |= l1 ? l1->edx & AMD_ALIASES : 0;
    } else if (w == FEAT_WORD_1_ECX && !lapic_in_kernel) {
        /* pcvm's own LAPIC is an xAPIC without the deadline timer. */
        can &= ~(1u << (X86_FEAT_X2APIC & 31) |
                 1u << (X86_FEAT_TSC_DEADLINE & 31));
    }
    return can;
}

void kvm_cpuid_filter(const struct kvm_cpuid2 *sup, bool lapic_in_kernel,
                      CpuModel *m, uint32_t dropped[FEAT_WORD_COUNT])
{
    for (int w = 0; w < FEAT_WORD_COUNT; w++) {
        uint32_t can = kvm_cpuid_can(sup, w, lapic_in_kernel);
        dropped[w] = m->features[w] & ~can;
        m->features[w] &= can;
    }
    /* KVM_SET_CPUID2 refuses a virtual-address width other than 48 or 57
     * in leaf 0x80000008 (its canonical-address checks assume one). The
     * 32-bit models report 32 there; without long mode nothing uses it,
     * and 48 is what the CPU running the guest has. */
    if (m->max_ext_leaf >= 0x80000008u && m->virt_bits != 48 &&
        m->virt_bits != 57) {
        m->virt_bits = 48;
    }
}

static const char *const reg_names[4] = {"EAX", "EBX", "ECX", "EDX"};

size_t kvm_cpuid_dropped_names(const uint32_t dropped[FEAT_WORD_COUNT],
                               char *buf, size_t len)
{
    size_t n = 0;
    if (len) {
        buf[0] = 0;
    }
    for (int w = 0; w < FEAT_WORD_COUNT; w++) {
        for (int b = 0; b < 32; b++) {
            if (!(dropped[w] >> b & 1)) {
                continue;
            }
            const char *name = kvm_feature_name((unsigned)FEAT(w, b));
            char tmp[40];
            if (!name) {
                uint32_t leaf;
                int reg;
                feature_word_reg(w, &leaf, &reg);
                snprintf(tmp, sizeof(tmp), "CPUID.%XH:%s[%d]", leaf,
                         reg_names[reg], b);
                name = tmp;
            }
            int k = snprintf(buf + n, len - n, "%s%s", n ? " " : "", name);
            if (k < 0 || (size_t)k >= len - n) {
                buf[n] = 0;   /* whole names only */
                return n;
            }
            n += (size_t)k;
        }
    }
    return n;
}

/* -cpu host: KVM's table with the model's feature words (KVM's, with
 * the -cpu changes). Without KVM's LAPIC (kernel-irqchip=off) the guest
 * talks to pcvm's xAPIC, so KVM's paravirtual leaves go too (PV EOI and
 * friends live in its LAPIC). */
static struct kvm_cpuid2 *build_host(const KvmVm *vm, const CpuModel *m,
                                     int index, bool lapic_in_kernel)
{
    const struct kvm_cpuid2 *sup = vm->supported_cpuid;
    struct kvm_cpuid2 *c = cpuid_alloc(sup->nent);
    if (!c) {
        return NULL;
    }
    for (uint32_t i = 0; i < sup->nent; i++) {
        struct kvm_cpuid_entry2 e = sup->entries[i];
        if (!lapic_in_kernel && e.function >= 0x40000000u &&
            e.function < 0x40000100u) {
            continue;
        }
        if (e.function == 1) {
            e.ebx = (e.ebx & 0x00ffffffu) | (uint32_t)index << 24;
        } else if (e.function == 0xb || e.function == 0x1f) {
            e.edx = (uint32_t)index;
        }
        for (int w = 0; w < FEAT_WORD_COUNT; w++) {
            uint32_t leaf;
            int reg;
            feature_word_reg(w, &leaf, &reg);
            if (e.function == leaf && e.index == 0) {
                *entry_reg_ptr(&e, reg) = m->features[w];
            }
        }
        c->entries[c->nent++] = e;
    }
    return c;
}

struct kvm_cpuid2 *kvm_cpuid_build(const KvmVm *vm, X86Cpu *cpu, bool host,
                                   bool lapic_in_kernel)
{
    const CpuModel *m = cpu->model;
    if (host) {
        return build_host(vm, m, cpu->index, lapic_in_kernel);
    }
    uint32_t nbasic = m->max_leaf + 1;
    uint32_t next = m->max_ext_leaf >= 0x80000000u
                        ? m->max_ext_leaf - 0x80000000u + 1 : 0;
    if (nbasic > 0x100 || next > 0x100) {
        return NULL;
    }
    struct kvm_cpuid2 *c = cpuid_alloc(nbasic + next);
    if (!c) {
        return NULL;
    }
    if (m->max_leaf > 0 || m->max_ext_leaf > 0) {
        for (uint32_t leaf = 0; leaf < nbasic; leaf++) {
            add_leaf(c, cpu, leaf);
        }
        for (uint32_t i = 0; i < next; i++) {
            add_leaf(c, cpu, 0x80000000u + i);
        }
    }
    return c;
}

static const struct {
    unsigned feat;
    const char *name;
} feature_names[] = {
    {X86_FEAT_FPU, "fpu"}, {X86_FEAT_VME, "vme"}, {X86_FEAT_DE, "de"},
    {X86_FEAT_PSE, "pse"}, {X86_FEAT_TSC, "tsc"}, {X86_FEAT_MSR, "msr"},
    {X86_FEAT_PAE, "pae"}, {X86_FEAT_MCE, "mce"}, {X86_FEAT_CX8, "cx8"},
    {X86_FEAT_APIC, "apic"}, {X86_FEAT_SEP, "sep"}, {X86_FEAT_MTRR, "mtrr"},
    {X86_FEAT_PGE, "pge"}, {X86_FEAT_MCA, "mca"}, {X86_FEAT_CMOV, "cmov"},
    {X86_FEAT_PAT, "pat"}, {X86_FEAT_PSE36, "pse36"},
    {X86_FEAT_CLFSH, "clflush"}, {X86_FEAT_MMX, "mmx"},
    {X86_FEAT_FXSR, "fxsr"}, {X86_FEAT_SSE, "sse"}, {X86_FEAT_SSE2, "sse2"},
    {X86_FEAT_SSE3, "sse3"}, {X86_FEAT_PCLMUL, "pclmulqdq"},
    {X86_FEAT_SSSE3, "ssse3"}, {X86_FEAT_CX16, "cx16"},
    {X86_FEAT_SSE41, "sse4.1"}, {X86_FEAT_SSE42, "sse4.2"},
    {X86_FEAT_X2APIC, "x2apic"}, {X86_FEAT_MOVBE, "movbe"},
    {X86_FEAT_POPCNT, "popcnt"}, {X86_FEAT_TSC_DEADLINE, "tsc-deadline"},
    {X86_FEAT_XSAVE, "xsave"}, {X86_FEAT_SYSCALL, "syscall"},
    {X86_FEAT_NX, "nx"}, {X86_FEAT_PDPE1GB, "pdpe1gb"},
    {X86_FEAT_RDTSCP, "rdtscp"}, {X86_FEAT_LM, "lm"},
    {X86_FEAT_LAHF_LM, "lahf_lm"}, {X86_FEAT_ABM, "abm"},
    {X86_FEAT_FSGSBASE, "fsgsbase"}, {X86_FEAT_SMEP, "smep"},
    {X86_FEAT_BMI1, "bmi1"}, {X86_FEAT_BMI2, "bmi2"},
    {X86_FEAT_ERMS, "erms"},
};

const char *kvm_feature_name(unsigned feat)
{
    for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]);
         i++) {
        if (feature_names[i].feat == feat) {
            return feature_names[i].name;
        }
    }
    return NULL;
}

/* -cpu host: a model holding the host's identity, so the rest of pcvm
 * (CPUID for the canonical state, generation checks) can ask it. */
typedef struct HostModel {
    CpuModel model;
    char brand[49];
} HostModel;

static CpuModel *host_model(const KvmVm *vm, bool lapic_in_kernel,
                            char *err, size_t errlen)
{
    const struct kvm_cpuid2 *sup = vm->supported_cpuid;
    const struct kvm_cpuid_entry2 *l0 = find_entry(sup, 0, 0);
    const struct kvm_cpuid_entry2 *l1 = find_entry(sup, 1, 0);
    const struct kvm_cpuid_entry2 *e0 = find_entry(sup, 0x80000000u, 0);
    if (!l0 || !l1) {
        snprintf(err, errlen, "-cpu host: KVM reports no CPUID leaves 0/1");
        return NULL;
    }
    HostModel *h = calloc(1, sizeof(*h));
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    CpuModel *m = &h->model;
    m->name = "host";
    m->description = "the host CPU as KVM offers it (KVM only)";
    memcpy(m->vendor, &l0->ebx, 4);
    memcpy(m->vendor + 4, &l0->edx, 4);
    memcpy(m->vendor + 8, &l0->ecx, 4);
    uint32_t eax = l1->eax;
    uint32_t fam = (eax >> 8) & 0xf, mod = (eax >> 4) & 0xf;
    if (fam == 0xf) {
        fam += (eax >> 20) & 0xff;
    }
    if (fam == 6 || fam >= 0xf) {
        mod |= ((eax >> 16) & 0xf) << 4;
    }
    m->family = fam;
    m->model = mod;
    m->stepping = eax & 0xf;
    m->max_leaf = l0->eax;
    m->max_ext_leaf = e0 ? e0->eax : 0;
    for (int w = 0; w < FEAT_WORD_COUNT; w++) {
        uint32_t leaf;
        int reg;
        feature_word_reg(w, &leaf, &reg);
        const struct kvm_cpuid_entry2 *e = find_entry(sup, leaf, 0);
        m->features[w] = e ? entry_reg(e, reg) & kvm_cpuid_can(
                                 sup, w, lapic_in_kernel) : 0;
    }
    m->generation = x86_model_has(m, X86_FEAT_LM) ? CPU_GEN_X86_64
                                                  : CPU_GEN_686;
    const struct kvm_cpuid_entry2 *a = find_entry(sup, 0x80000008u, 0);
    m->phys_bits = a ? (uint8_t)a->eax : 36;
    m->virt_bits = a ? (uint8_t)(a->eax >> 8) : 32;
    for (uint32_t i = 0; i < 3; i++) {
        const struct kvm_cpuid_entry2 *b = find_entry(sup, 0x80000002u + i,
                                                      0);
        if (b) {
            memcpy(h->brand + 16 * i, &b->eax, 4);
            memcpy(h->brand + 16 * i + 4, &b->ebx, 4);
            memcpy(h->brand + 16 * i + 8, &b->ecx, 4);
            memcpy(h->brand + 16 * i + 12, &b->edx, 4);
        }
    }
    m->brand = h->brand[0] ? h->brand : NULL;
    return m;
}

int kvm_cpuid_choose(KvmState *s, const char *spec, char *err, size_t errlen)
{
    bool lapic_in_kernel = s->irqchip != KVM_IRQCHIP_NONE;
    char why[200];
    if (!spec) {
        s->model = *x86_cpu_model_default();
    } else if (strcspn(spec, ",") == 4 && !strncmp(spec, "host", 4)) {
        s->host_model = host_model(&s->vm, lapic_in_kernel, err, errlen);
        if (!s->host_model) {
            return -1;
        }
        s->cpu_host = true;
        s->model = *s->host_model;
        if (x86_cpu_features_apply(spec + 4, &s->model, why, sizeof(why))) {
            snprintf(err, errlen, "-cpu %s: %s", spec, why);
            return -1;
        }
    } else if (x86_cpu_model_parse(spec, &s->model, why, sizeof(why))) {
        snprintf(err, errlen, "-cpu %s: %s", spec, why);
        return -1;
    }
    uint32_t dropped[FEAT_WORD_COUNT];
    char names[300];
    kvm_cpuid_filter(s->vm.supported_cpuid, lapic_in_kernel, &s->model,
                     dropped);
    if (kvm_cpuid_dropped_names(dropped, names, sizeof(names))) {
        log_warn(&s->m->log, "-cpu %s: this host's KVM cannot give the "
                             "guest %s; left out", spec ? spec :
                             s->model.name, names);
    }
    return 0;
}
