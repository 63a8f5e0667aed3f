/*
 * CPUID under KVM.
 *
 * A pcvm model (-cpu pentium2, the default, ...) reports exactly what it
 * reports under the software CPU - the same x86_cpuid() builds the table -
 * except for feature bits KVM cannot give on this host, which are dropped
 * (the caller says which), so a guest never sees a feature that would
 * #UD. -cpu host hands the guest KVM_GET_SUPPORTED_CPUID as it is, with
 * each vCPU's APIC ID filled in.
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

/* -cpu host: KVM's table. Without KVM's LAPIC (kernel-irqchip=off) the
 * guest talks to pcvm's xAPIC, so what only KVM's LAPIC implements goes:
 * x2APIC, the TSC-deadline timer and KVM's paravirtual leaves (PV EOI and
 * friends live in its LAPIC). */
static struct kvm_cpuid2 *build_host(const KvmVm *vm, int index,
                                     bool lapic_in_kernel)
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
            if (!lapic_in_kernel) {
                e.ecx &= ~(1u << (X86_FEAT_X2APIC & 31) |
                           1u << (X86_FEAT_TSC_DEADLINE & 31));
            }
        } else if (e.function == 0xb || e.function == 0x1f) {
            e.edx = (uint32_t)index;
        }
        c->entries[c->nent++] = e;
    }
    return c;
}

struct kvm_cpuid2 *kvm_cpuid_build(const KvmVm *vm, X86Cpu *cpu, bool host,
                                   bool lapic_in_kernel,
                                   uint32_t dropped[FEAT_WORD_COUNT])
{
    memset(dropped, 0, FEAT_WORD_COUNT * sizeof(dropped[0]));
    if (host) {
        return build_host(vm, cpu->index, lapic_in_kernel);
    }
    const CpuModel *m = cpu->model;
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
    /* What the model has and KVM cannot give goes. */
    for (int w = 0; w < FEAT_WORD_COUNT; w++) {
        uint32_t leaf;
        int reg;
        feature_word_reg(w, &leaf, &reg);
        const struct kvm_cpuid_entry2 *s = find_entry(vm->supported_cpuid,
                                                      leaf, 0);
        uint32_t can = s ? entry_reg(s, reg) : 0;
        for (uint32_t i = 0; i < c->nent; i++) {
            struct kvm_cpuid_entry2 *e = &c->entries[i];
            if (e->function == leaf && e->index == 0) {
                dropped[w] = m->features[w] & ~can;
                *entry_reg_ptr(e, reg) &= ~dropped[w];
            }
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

CpuModel *kvm_cpuid_host_model(const KvmVm *vm, char *err, size_t errlen)
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
        m->features[w] = e ? entry_reg(e, reg) : 0;
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
