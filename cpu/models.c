/* CPU models and CPUID: see models.h. */
#include "cpu/models.h"

#include <string.h>

#include "cpu/decode.h"

#define F1D(x) (1u << ((X86_FEAT_##x) & 31))

#define I486_EDX (F1D(FPU) | F1D(VME))
#define PENTIUM_EDX                                                            \
    (I486_EDX | F1D(DE) | F1D(PSE) | F1D(TSC) | F1D(MSR) | F1D(MCE) |          \
     F1D(CX8) | F1D(MMX) | F1D(APIC))
#define P6_EDX                                                                 \
    (PENTIUM_EDX | F1D(PAE) | F1D(SEP) | F1D(MTRR) | F1D(PGE) | F1D(MCA) |     \
     F1D(CMOV) | F1D(PAT) | F1D(PSE36) | F1D(FXSR))
#define P3_EDX (P6_EDX | F1D(SSE))
#define P4_EDX (P3_EDX | F1D(CLFSH) | F1D(SSE2))
#define F1C(x) (1u << ((X86_FEAT_##x) & 31))
#define F81D(x) (1u << ((X86_FEAT_##x) & 31))

#define QEMU64_EDX                                                             \
    (F1D(FPU) | F1D(VME) | F1D(DE) | F1D(PSE) | F1D(TSC) | F1D(MSR) |          \
     F1D(PAE) | F1D(MCE) | F1D(CX8) | F1D(APIC) | F1D(SEP) | F1D(MTRR) |       \
     F1D(PGE) | F1D(MCA) | F1D(CMOV) | F1D(PAT) | F1D(PSE36) | F1D(CLFSH) |    \
     F1D(MMX) | F1D(FXSR) | F1D(SSE) | F1D(SSE2))
#define QEMU64_ECX (F1C(CX16) | F1C(SSE3))
/* AMD repeats most of leaf 1's EDX in leaf 0x80000001 (QEMU's "AMD
 * aliases"): bits 0-9, 12-17, 23 and 24. */
#define AMD_ALIASES(edx) ((edx) & 0x0183f3ffu)
#define QEMU64_81_EDX                                                          \
    (AMD_ALIASES(QEMU64_EDX) | F81D(SYSCALL) | F81D(NX) | F81D(LM))

static const CpuModel cpu_models[] = {
    {
        .name = "486",
        .description = "Intel 486DX4 (x87, no CPUID leaves beyond 1)",
        .generation = CPU_GEN_486,
        .vendor = "GenuineIntel",
        .family = 4, .model = 8, .stepping = 0,
        .max_leaf = 1,
        .features = {[FEAT_WORD_1_EDX] = I486_EDX},
        .phys_bits = 32, .virt_bits = 32,
    },
    {
        .name = "pentium",
        .description = "Intel Pentium MMX (P55C)",
        .generation = CPU_GEN_586,
        .vendor = "GenuineIntel",
        .family = 5, .model = 4, .stepping = 3,
        .max_leaf = 1,
        .features = {[FEAT_WORD_1_EDX] = PENTIUM_EDX},
        .phys_bits = 32, .virt_bits = 32,
    },
    {
        .name = "pentium2",
        .description = "Intel Pentium II (P6: CMOV, PAE, SYSENTER, FXSR)",
        .generation = CPU_GEN_686,
        .vendor = "GenuineIntel",
        .family = 6, .model = 5, .stepping = 2,
        .max_leaf = 2,
        .features = {[FEAT_WORD_1_EDX] = P6_EDX},
        .phys_bits = 36, .virt_bits = 32,
    },
    {
        .name = "pentium3",
        .description = "Intel Pentium III (P6 with SSE)",
        .generation = CPU_GEN_686,
        .vendor = "GenuineIntel",
        .family = 6, .model = 7, .stepping = 3,
        .max_leaf = 2,
        .features = {[FEAT_WORD_1_EDX] = P3_EDX},
        .phys_bits = 36, .virt_bits = 32,
    },
    {
        .name = "pentium4",
        .description = "Intel Pentium 4 Prescott (SSE2, SSE3; 32-bit)",
        .generation = CPU_GEN_686,
        .vendor = "GenuineIntel",
        .family = 15, .model = 3, .stepping = 4,
        .max_leaf = 2,
        .max_ext_leaf = 0x80000008,
        .features = {[FEAT_WORD_1_EDX] = P4_EDX,
                     [FEAT_WORD_1_ECX] = F1C(SSE3)},
        .phys_bits = 36, .virt_bits = 32,
        .brand = "Intel(R) Pentium(R) 4 CPU 3.00GHz",
    },
    {
        .name = "core2duo",
        .description = "Intel Core 2 Duo (SSE2, SSE3, SSSE3, NX; "
                       "without long mode)",
        .generation = CPU_GEN_686,
        .vendor = "GenuineIntel",
        .family = 6, .model = 15, .stepping = 11,
        .max_leaf = 2,
        .max_ext_leaf = 0x80000008,
        .features = {[FEAT_WORD_1_EDX] = P4_EDX,
                     [FEAT_WORD_1_ECX] = F1C(SSE3) | F1C(SSSE3),
                     [FEAT_WORD_81_EDX] = F81D(NX)},
        .phys_bits = 36, .virt_bits = 32,
        .brand = "Intel(R) Core(TM)2 Duo CPU     E6850  @ 3.00GHz",
    },
    {
        .name = "qemu64",
        .description = "QEMU Virtual CPU, x86-64 (long mode, NX, SYSCALL, "
                       "CMPXCHG16B, SSE3)",
        .generation = CPU_GEN_X86_64,
        .vendor = "AuthenticAMD",
        .amd = true,
        .family = 15, .model = 107, .stepping = 1,
        .max_leaf = 0xd,
        .max_ext_leaf = 0x80000008,
        .features = {
            [FEAT_WORD_1_EDX] = QEMU64_EDX,
            [FEAT_WORD_1_ECX] = QEMU64_ECX,
            [FEAT_WORD_81_EDX] = QEMU64_81_EDX,
            [FEAT_WORD_81_ECX] = F1C(LAHF_LM),
        },
        .phys_bits = 40, .virt_bits = 48,
        .brand = "QEMU Virtual CPU version 2.5+",
    },
};

const CpuModel *x86_cpu_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++) {
        if (!strcmp(cpu_models[i].name, name)) {
            return &cpu_models[i];
        }
    }
    return NULL;
}

const CpuModel *x86_cpu_model_default(void)
{
    return x86_cpu_model_find("qemu64");
}

/* Features -cpu may add or remove: those the CPU checks, so that a model
 * without one behaves as a CPU without it. */
static const struct {
    const char *name;
    unsigned feat;
} feature_names[] = {
    {"vme", X86_FEAT_VME},         {"de", X86_FEAT_DE},
    {"pse", X86_FEAT_PSE},         {"tsc", X86_FEAT_TSC},
    {"msr", X86_FEAT_MSR},         {"pae", X86_FEAT_PAE},
    {"mce", X86_FEAT_MCE},         {"sep", X86_FEAT_SEP},
    {"mtrr", X86_FEAT_MTRR},       {"pge", X86_FEAT_PGE},
    {"pat", X86_FEAT_PAT},         {"pse36", X86_FEAT_PSE36},
    {"cx16", X86_FEAT_CX16},       {"syscall", X86_FEAT_SYSCALL},
    {"nx", X86_FEAT_NX},           {"pdpe1gb", X86_FEAT_PDPE1GB},
    {"rdtscp", X86_FEAT_RDTSCP},   {"lm", X86_FEAT_LM},
    {"lahf_lm", X86_FEAT_LAHF_LM}, {"sse", X86_FEAT_SSE},
    {"sse2", X86_FEAT_SSE2},       {"sse3", X86_FEAT_SSE3},
    {"ssse3", X86_FEAT_SSSE3},
};

void x86_cpu_model_list(FILE *f)
{
    fprintf(f, "Available CPU models (-cpu):\n");
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++) {
        fprintf(f, "  %-10s %s%s\n", cpu_models[i].name,
                cpu_models[i].description,
                &cpu_models[i] == x86_cpu_model_default() ? " (default)" : "");
    }
    fprintf(f, "\nFeatures to add (+name) or remove (-name), as in "
               "-cpu qemu64,+pdpe1gb:\n ");
    for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]);
         i++) {
        fprintf(f, " %s", feature_names[i].name);
    }
    fprintf(f, "\n");
}

static int feature_lookup(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]);
         i++) {
        if (strlen(feature_names[i].name) == len &&
            !strncmp(feature_names[i].name, name, len)) {
            return (int)feature_names[i].feat;
        }
    }
    return -1;
}

int x86_cpu_features_apply(const char *list, CpuModel *out, char *err,
                           size_t errlen)
{
    const char *p = list;
    while (*p == ',') {
        p++;
        size_t len = strcspn(p, ",");
        const char *name = p;
        size_t name_len = len;
        bool on = true;
        if (*p == '+' || *p == '-') {
            on = *p == '+';
            name++;
            name_len--;
        } else {
            const char *eq = memchr(p, '=', len);
            size_t vlen = eq ? len - (size_t)(eq + 1 - p) : 0;
            bool is_on = vlen == 2 && !strncmp(eq + 1, "on", 2);
            bool is_off = vlen == 3 && !strncmp(eq + 1, "off", 3);
            if (!is_on && !is_off) {
                snprintf(err, errlen, "'%.*s': expected +feature, "
                         "-feature or feature=on|off", (int)len, p);
                return -1;
            }
            on = is_on;
            name_len = (size_t)(eq - p);
        }
        int feat = feature_lookup(name, name_len);
        if (feat < 0) {
            snprintf(err, errlen, "unknown or unsupported feature "
                     "'%.*s' (-cpu help lists them)", (int)name_len, name);
            return -1;
        }
        uint32_t bit = 1u << (feat & 31);
        if (on) {
            out->features[feat >> 5] |= bit;
        } else {
            out->features[feat >> 5] &= ~bit;
        }
        p += len;
    }
    if (*p) {
        snprintf(err, errlen, "'%s': expected ,+feature, ,-feature or "
                 ",feature=on|off", p);
        return -1;
    }
    /* Extended features need the extended leaves. */
    if ((out->features[FEAT_WORD_81_EDX] || out->features[FEAT_WORD_81_ECX])
        && out->max_ext_leaf < 0x80000001u) {
        out->max_ext_leaf = 0x80000001u;
    }
    return 0;
}

int x86_cpu_model_parse(const char *spec, CpuModel *out, char *err,
                        size_t errlen)
{
    size_t nlen = strcspn(spec, ",");
    const CpuModel *base = NULL;
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++) {
        if (strlen(cpu_models[i].name) == nlen &&
            !strncmp(cpu_models[i].name, spec, nlen)) {
            base = &cpu_models[i];
        }
    }
    if (!base) {
        snprintf(err, errlen, "unknown CPU model '%.*s' (-cpu help lists "
                 "them)", (int)nlen, spec);
        return -1;
    }
    *out = *base;
    return x86_cpu_features_apply(spec + nlen, out, err, errlen);
}

static uint32_t vendor_word(const char *v, int i)
{
    uint32_t w;
    memcpy(&w, v + 4 * i, 4);
    return w;
}

void x86_cpuid(X86Cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    const CpuModel *m = cpu->model;
    uint32_t *eax = &out[0], *ebx = &out[1], *ecx = &out[2], *edx = &out[3];
    (void)sub;
    out[0] = out[1] = out[2] = out[3] = 0;
    if (leaf >= 0x80000000u) {
        if (m->max_ext_leaf == 0 || leaf > m->max_ext_leaf) {
            /* Intel: out-of-range leaves report the highest basic leaf. */
            leaf = m->max_leaf;
        }
    } else if (leaf > m->max_leaf) {
        leaf = m->max_leaf;
    }
    switch (leaf) {
    case 0:
        *eax = m->max_leaf;
        *ebx = vendor_word(m->vendor, 0);
        *edx = vendor_word(m->vendor, 1);
        *ecx = vendor_word(m->vendor, 2);
        break;
    case 1: {
        uint32_t family = m->family, model = m->model;
        *eax = m->stepping | (model & 0xf) << 4 | (family > 15 ? 15 : family) << 8;
        if (family >= 6) {
            *eax |= (model >> 4) << 16;
        }
        if (family > 15) {
            *eax |= (family - 15) << 20;
        }
        /* APIC id, logical count and CLFLUSH size arrived with the
         * Pentium 4 (and CLFLUSH); older CPUs report EBX = 0. */
        *ebx = x86_model_has(m, X86_FEAT_CLFSH)
                   ? (uint32_t)cpu->index << 24 | 1u << 16 | 8u << 8
                   : 0;
        *ecx = m->features[FEAT_WORD_1_ECX];
        *edx = m->features[FEAT_WORD_1_EDX];
        if (cpu->cr4 & CR4_OSXSAVE) {
            *ecx |= 1u << (X86_FEAT_OSXSAVE & 31);
        }
        if (!(cpu->apic_base & (1u << 11))) {
            *edx &= ~(1u << (X86_FEAT_APIC & 31));
        }
        break;
    }
    case 2:
        /* P6 cache descriptors: 32-entry ITLB, 64-entry DTLB, 16K L1s,
         * 512K L2. (Reserved on AMD.) */
        if (!m->amd) {
            *eax = 0x03020101;
            *edx = 0x0c040843;
        }
        break;
    case 7:
        if (sub == 0) {
            *ebx = m->features[FEAT_WORD_7_EBX];
        }
        break;
    case 0x80000000:
        *eax = m->max_ext_leaf;
        *ebx = vendor_word(m->vendor, 0);
        *edx = vendor_word(m->vendor, 1);
        *ecx = vendor_word(m->vendor, 2);
        break;
    case 0x80000001:
        if (m->amd) {
            /* AMD: the processor signature again. */
            uint32_t sig[4];
            x86_cpuid(cpu, 1, 0, sig);
            *eax = sig[0];
        }
        *ecx = m->features[FEAT_WORD_81_ECX];
        *edx = m->features[FEAT_WORD_81_EDX];
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
        char brand[48] = {0};
        if (m->brand) {
            strncpy(brand, m->brand, sizeof(brand) - 1);
        }
        memcpy(out, brand + 16 * (leaf - 0x80000002), 16);
        break;
    }
    case 0x80000005:
        /* AMD L1 caches and TLBs (reserved on Intel): 64 KiB 2-way data
         * and instruction caches with 64-byte lines, 255-entry TLBs. */
        if (m->amd) {
            *eax = 0x01ff01ff;
            *ebx = 0x01ff01ff;
            *ecx = 0x40020140;
            *edx = 0x40020140;
        }
        break;
    case 0x80000006:
        /* L2: 512 KiB, 16-way, 64-byte lines. */
        *ecx = 0x02008140;
        if (m->amd) {
            *eax = 0x42004200;
            *ebx = 0x22004200;
        }
        break;
    case 0x80000008:
        *eax = m->phys_bits | (uint32_t)m->virt_bits << 8;
        break;
    default:
        break;
    }
}
