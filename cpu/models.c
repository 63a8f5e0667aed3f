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
    return x86_cpu_model_find("pentium2");
}

void x86_cpu_model_list(FILE *f)
{
    fprintf(f, "Available CPU models (-cpu):\n");
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++) {
        fprintf(f, "  %-10s %s%s\n", cpu_models[i].name,
                cpu_models[i].description,
                &cpu_models[i] == x86_cpu_model_default() ? " (default)" : "");
    }
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
         * 512K L2. */
        *eax = 0x03020101;
        *edx = 0x0c040843;
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
    case 0x80000008:
        *eax = m->phys_bits | (uint32_t)m->virt_bits << 8;
        break;
    default:
        break;
    }
}
