/*
 * Model-specific registers and the time-stamp counter.
 *
 * Promise: RDMSR/WRMSR reach only the MSRs the CPU model has; an unknown
 * MSR or a reserved bit returns -1 (the caller raises #GP). The TSC runs
 * from virtual time (1 tick per virtual nanosecond, i.e. 1 GHz), so it is
 * deterministic under -icount.
 */
#ifndef PCVM_CPU_MSR_H
#define PCVM_CPU_MSR_H

#include <stdint.h>

#include "cpu/cpu.h"

#define MSR_P5_MC_ADDR 0x0
#define MSR_P5_MC_TYPE 0x1
#define MSR_TSC 0x10
#define MSR_P5_CESR 0x11
#define MSR_P5_CTR0 0x12
#define MSR_P5_CTR1 0x13
#define MSR_PLATFORM_ID 0x17
#define MSR_APIC_BASE 0x1b
#define MSR_EBL_CR_POWERON 0x2a
#define MSR_BIOS_UPDT_TRIG 0x79
#define MSR_BIOS_SIGN_ID 0x8b
#define MSR_PERFCTR0 0xc1
#define MSR_PERFCTR1 0xc2
#define MSR_EVNTSEL0 0x186
#define MSR_EVNTSEL1 0x187
#define MSR_MTRRCAP 0xfe
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_MCG_CAP 0x179
#define MSR_MCG_STATUS 0x17a
#define MSR_MISC_ENABLE 0x1a0
#define MSR_MTRR_PHYS_BASE0 0x200
#define MSR_MTRR_FIX64K 0x250
#define MSR_MTRR_FIX16K_80000 0x258
#define MSR_MTRR_FIX16K_A0000 0x259
#define MSR_MTRR_FIX4K_C0000 0x268
#define MSR_PAT 0x277
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX 0xc0000103u
#define MSR_AMD64_SYSCFG 0xc0010010u

#define TSC_HZ 1000000000ULL

int x86_msr_read(X86Cpu *cpu, uint32_t msr, uint64_t *value);
/* RDPMC's counters: how many the model has (P5: CTR0/1, P6: PERFCTR0/1). */
unsigned x86_pmc_count(const X86Cpu *cpu);
int x86_msr_write(X86Cpu *cpu, uint32_t msr, uint64_t value);
uint64_t x86_read_tsc(X86Cpu *cpu);

#endif
