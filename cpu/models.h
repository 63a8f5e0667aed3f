/*
 * CPU models: what -cpu chooses, and what CPUID reports.
 *
 * Promise: a model names its generation (which opcodes exist), its CPUID
 * leaves and its feature bits; the decoder and handlers ask
 * x86_has_feature() rather than comparing model names, so a feature that is
 * not advertised behaves as on a CPU without it (#UD, reserved bits).
 */
#ifndef PCVM_CPU_MODELS_H
#define PCVM_CPU_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"

/* Feature bits: word index in the high bits, bit number in the low five. */
#define FEAT(word, bit) (((word) << 5) | (bit))
enum {
    FEAT_WORD_1_EDX,      /* CPUID.1:EDX */
    FEAT_WORD_1_ECX,      /* CPUID.1:ECX */
    FEAT_WORD_81_EDX,     /* CPUID.80000001:EDX */
    FEAT_WORD_81_ECX,     /* CPUID.80000001:ECX */
    FEAT_WORD_7_EBX,      /* CPUID.(7,0):EBX */
    FEAT_WORD_COUNT
};

enum {
    X86_FEAT_FPU = FEAT(FEAT_WORD_1_EDX, 0),
    X86_FEAT_VME = FEAT(FEAT_WORD_1_EDX, 1),
    X86_FEAT_DE = FEAT(FEAT_WORD_1_EDX, 2),
    X86_FEAT_PSE = FEAT(FEAT_WORD_1_EDX, 3),
    X86_FEAT_TSC = FEAT(FEAT_WORD_1_EDX, 4),
    X86_FEAT_MSR = FEAT(FEAT_WORD_1_EDX, 5),
    X86_FEAT_PAE = FEAT(FEAT_WORD_1_EDX, 6),
    X86_FEAT_MCE = FEAT(FEAT_WORD_1_EDX, 7),
    X86_FEAT_CX8 = FEAT(FEAT_WORD_1_EDX, 8),
    X86_FEAT_APIC = FEAT(FEAT_WORD_1_EDX, 9),
    X86_FEAT_SEP = FEAT(FEAT_WORD_1_EDX, 11),
    X86_FEAT_MTRR = FEAT(FEAT_WORD_1_EDX, 12),
    X86_FEAT_PGE = FEAT(FEAT_WORD_1_EDX, 13),
    X86_FEAT_MCA = FEAT(FEAT_WORD_1_EDX, 14),
    X86_FEAT_CMOV = FEAT(FEAT_WORD_1_EDX, 15),
    X86_FEAT_PAT = FEAT(FEAT_WORD_1_EDX, 16),
    X86_FEAT_PSE36 = FEAT(FEAT_WORD_1_EDX, 17),
    X86_FEAT_CLFSH = FEAT(FEAT_WORD_1_EDX, 19),
    X86_FEAT_MMX = FEAT(FEAT_WORD_1_EDX, 23),
    X86_FEAT_FXSR = FEAT(FEAT_WORD_1_EDX, 24),
    X86_FEAT_SSE = FEAT(FEAT_WORD_1_EDX, 25),
    X86_FEAT_SSE2 = FEAT(FEAT_WORD_1_EDX, 26),
    X86_FEAT_SSE3 = FEAT(FEAT_WORD_1_ECX, 0),
    X86_FEAT_PCLMUL = FEAT(FEAT_WORD_1_ECX, 1),
    X86_FEAT_SSSE3 = FEAT(FEAT_WORD_1_ECX, 9),
    X86_FEAT_CX16 = FEAT(FEAT_WORD_1_ECX, 13),
    X86_FEAT_SSE41 = FEAT(FEAT_WORD_1_ECX, 19),
    X86_FEAT_SSE42 = FEAT(FEAT_WORD_1_ECX, 20),
    X86_FEAT_X2APIC = FEAT(FEAT_WORD_1_ECX, 21),
    X86_FEAT_MOVBE = FEAT(FEAT_WORD_1_ECX, 22),
    X86_FEAT_POPCNT = FEAT(FEAT_WORD_1_ECX, 23),
    X86_FEAT_TSC_DEADLINE = FEAT(FEAT_WORD_1_ECX, 24),
    X86_FEAT_XSAVE = FEAT(FEAT_WORD_1_ECX, 26),
    X86_FEAT_OSXSAVE = FEAT(FEAT_WORD_1_ECX, 27),
    X86_FEAT_HYPERVISOR = FEAT(FEAT_WORD_1_ECX, 31),
    X86_FEAT_SYSCALL = FEAT(FEAT_WORD_81_EDX, 11),
    X86_FEAT_NX = FEAT(FEAT_WORD_81_EDX, 20),
    X86_FEAT_PDPE1GB = FEAT(FEAT_WORD_81_EDX, 26),
    X86_FEAT_RDTSCP = FEAT(FEAT_WORD_81_EDX, 27),
    X86_FEAT_LM = FEAT(FEAT_WORD_81_EDX, 29),
    X86_FEAT_LAHF_LM = FEAT(FEAT_WORD_81_ECX, 0),
    X86_FEAT_ABM = FEAT(FEAT_WORD_81_ECX, 5),
    X86_FEAT_FSGSBASE = FEAT(FEAT_WORD_7_EBX, 0),
    X86_FEAT_SMEP = FEAT(FEAT_WORD_7_EBX, 7),
    X86_FEAT_BMI1 = FEAT(FEAT_WORD_7_EBX, 3),
    X86_FEAT_BMI2 = FEAT(FEAT_WORD_7_EBX, 8),
    X86_FEAT_ERMS = FEAT(FEAT_WORD_7_EBX, 9),
};

struct CpuModel {
    const char *name;
    const char *description;
    uint8_t generation;         /* CPU_GEN_* (decode.h) */
    char vendor[13];            /* "GenuineIntel" */
    bool amd;                   /* AMD behaviour where the vendors differ
                                   (SYSCALL outside 64-bit mode, SYSENTER
                                   in long mode, CPUID leaves 2 and 4) */
    uint32_t family, model, stepping;
    uint32_t max_leaf;          /* highest basic CPUID leaf (0: no CPUID) */
    uint32_t max_ext_leaf;      /* highest extended leaf, or 0 */
    uint32_t features[FEAT_WORD_COUNT];
    uint8_t phys_bits;
    uint8_t virt_bits;
    const char *brand;          /* leaves 0x80000002-4, or NULL */
};

/* The model named @name, or NULL. */
const CpuModel *x86_cpu_model_find(const char *name);
/* Parse a -cpu value, "NAME[,+FEATURE|,-FEATURE|,FEATURE=on|off]...",
 * into @out: a copy of model NAME with those CPUID features added or
 * removed. Only features whose presence and absence pcvm honours are
 * accepted (x86_cpu_model_list names them). Returns 0, or -1 with a
 * message in @err. */
int x86_cpu_model_parse(const char *spec, CpuModel *out, char *err,
                        size_t errlen);
/* The feature part of a -cpu value (",+sse3,-nx", after the model's
 * name; "" changes nothing) applied to @out, with the same rules and
 * messages as x86_cpu_model_parse; for models built elsewhere (KVM's
 * -cpu host). Returns 0, or -1 with a message in @err. */
int x86_cpu_features_apply(const char *list, CpuModel *out, char *err,
                           size_t errlen);
/* The model used without -cpu. */
const CpuModel *x86_cpu_model_default(void);
void x86_cpu_model_list(FILE *f);

static inline bool x86_model_has(const CpuModel *m, unsigned feat)
{
    return (m->features[feat >> 5] >> (feat & 31)) & 1;
}

static inline bool x86_has_feature(const X86Cpu *cpu, unsigned feat)
{
    return x86_model_has(cpu->model, feat);
}

static inline unsigned x86_phys_bits(const X86Cpu *cpu)
{
    return cpu->model->phys_bits;
}

/* CPUID for leaf @leaf, subleaf @sub, as this CPU reports it. */
void x86_cpuid(X86Cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4]);

#endif
