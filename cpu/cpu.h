/*
 * The x86 CPU: one canonical state for every accelerator.
 *
 * Promise: struct X86Cpu holds the whole architectural state - registers,
 * segment caches, control/debug registers, MSRs, x87/MMX/SSE state and
 * pending events. The interpreter (and tcg-lite over it) runs on it
 * directly; KVM copies it in and out on sync. The CPU sees the machine only
 * through the address space, the port bus, the clock and a small interrupt
 * interface (pins + the acknowledge callback): it knows no device.
 *
 * Arithmetic flags are lazy: CF/PF/AF/ZF/SF/OF live in cc_op/cc_dst/cc_src/
 * cc_src2 until something reads them; x86_get_eflags() gives the full value.
 * An instruction changes architectural state only when it completes: a fault
 * leaves rip at the faulting instruction with nothing half-done.
 */
#ifndef PCVM_CPU_H
#define PCVM_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/ioport.h"
#include "core/irq.h"
#include "core/log.h"
#include "core/memory.h"
#include "core/vcpu.h"

/* General registers, in encoding order. */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI,
    R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* Segment registers, in encoding order. */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, SEG_COUNT };
#define SEG_NONE 7 /* decoder: no override */

/* EFLAGS bits. */
#define FL_CF   0x00000001u
#define FL_FIXED 0x00000002u /* always 1 */
#define FL_PF   0x00000004u
#define FL_AF   0x00000010u
#define FL_ZF   0x00000040u
#define FL_SF   0x00000080u
#define FL_TF   0x00000100u
#define FL_IF   0x00000200u
#define FL_DF   0x00000400u
#define FL_OF   0x00000800u
#define FL_IOPL 0x00003000u
#define FL_NT   0x00004000u
#define FL_RF   0x00010000u
#define FL_VM   0x00020000u
#define FL_AC   0x00040000u
#define FL_VIF  0x00080000u
#define FL_VIP  0x00100000u
#define FL_ID   0x00200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
#define FL_IOPL_SHIFT 12

/* CR0 / CR4 / EFER bits. */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)

#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_UMIP (1u << 11)
#define CR4_FSGSBASE (1u << 16)
#define CR4_OSXSAVE (1u << 18)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/* Exception vectors. */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
    EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11,
    EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17,
    EXC_MC = 18, EXC_XM = 19,
};

/* Segment cache attribute bits: the descriptor's high dword with the base
 * and limit bits masked out (QEMU and the SDM lay it out the same way). */
#define SEGF_TYPE_SHIFT 8
#define SEGF_TYPE_MASK (0xfu << 8)
#define SEGF_A (1u << 8)     /* accessed */
#define SEGF_RW (1u << 9)    /* data: writable; code: readable */
#define SEGF_DC (1u << 10)   /* data: expand-down; code: conforming */
#define SEGF_CODE (1u << 11)
#define SEGF_S (1u << 12)    /* code/data, not system */
#define SEGF_DPL_SHIFT 13
#define SEGF_DPL_MASK (3u << 13)
#define SEGF_P (1u << 15)
#define SEGF_AVL (1u << 20)
#define SEGF_L (1u << 21)
#define SEGF_DB (1u << 22)
#define SEGF_G (1u << 23)

typedef struct X86Seg {
    uint16_t sel;
    uint64_t base;
    uint32_t limit; /* in bytes, granularity applied */
    uint32_t flags; /* SEGF_* */
} X86Seg;

typedef struct X86DescTable {
    uint64_t base;
    uint32_t limit;
} X86DescTable;

/* An x87 register: 64-bit significand with explicit integer bit, sign and
 * 15-bit exponent, exactly the 80-bit extended format. */
typedef struct Fx80 {
    uint64_t mant;
    uint16_t sexp; /* sign << 15 | biased exponent */
} Fx80;

typedef union X86Xmm {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
} X86Xmm;

/* Lazy-flags operations: what cc_dst/cc_src/cc_src2 hold. Sized ops come
 * in groups of four: byte, word, dword, qword. */
enum {
    CC_OP_EFLAGS,   /* cc_src holds the arithmetic flags themselves */
    CC_OP_ADD8, CC_OP_ADD16, CC_OP_ADD32, CC_OP_ADD64,
    CC_OP_ADC8, CC_OP_ADC16, CC_OP_ADC32, CC_OP_ADC64,
    CC_OP_SUB8, CC_OP_SUB16, CC_OP_SUB32, CC_OP_SUB64,
    CC_OP_SBB8, CC_OP_SBB16, CC_OP_SBB32, CC_OP_SBB64,
    CC_OP_LOGIC8, CC_OP_LOGIC16, CC_OP_LOGIC32, CC_OP_LOGIC64,
    CC_OP_INC8, CC_OP_INC16, CC_OP_INC32, CC_OP_INC64,
    CC_OP_DEC8, CC_OP_DEC16, CC_OP_DEC32, CC_OP_DEC64,
    CC_OP_SHL8, CC_OP_SHL16, CC_OP_SHL32, CC_OP_SHL64,
    CC_OP_SAR8, CC_OP_SAR16, CC_OP_SAR32, CC_OP_SAR64,
    CC_OP_SHR8, CC_OP_SHR16, CC_OP_SHR32, CC_OP_SHR64,
    CC_OP_MUL8, CC_OP_MUL16, CC_OP_MUL32, CC_OP_MUL64,
    CC_OP_COUNT
};

/* interrupt_request bits: asynchronous events checked between
 * instructions (or blocks). */
#define CPU_REQ_INTR (1u << 0)  /* the INTR pin is high */
#define CPU_REQ_NMI (1u << 1)   /* an NMI edge is latched */
#define CPU_REQ_INIT (1u << 2)
#define CPU_REQ_SIPI (1u << 3)
#define CPU_REQ_SMI (1u << 4)
#define CPU_REQ_EXIT (1u << 5)  /* leave the run loop (kick) */
#define CPU_REQ_TB_EXIT (1u << 6) /* tcg-lite: leave the running block (its
                                   * code or the mode changed); no event of
                                   * its own */

/* Why x86_cpu_exec() returned. */
typedef enum X86ExitReason {
    X86_EXIT_BUDGET,      /* ran the instructions it was given */
    X86_EXIT_HALTED,      /* HLT (or wait-for-SIPI) with nothing to do */
    X86_EXIT_KICKED,      /* CPU_REQ_EXIT */
    X86_EXIT_TRIPLE_FAULT,
    X86_EXIT_SHUTDOWN,    /* other shutdown states */
    X86_EXIT_EXCEPTION,   /* exception_hook took an exception */
} X86ExitReason;

typedef struct X86Cpu X86Cpu;
/* Test hook (tools/difftest): called with each exception, software
 * interrupt or debug trap before it is delivered, with rip already at the
 * faulting instruction (faults) or after it (traps, INT n). Returning true
 * drops the event and makes x86_cpu_exec() return X86_EXIT_EXCEPTION;
 * false delivers it as usual. NULL (the default) costs one test per
 * exception. */
typedef bool X86ExceptionHook(X86Cpu *cpu, int vector, int error_code);

typedef struct CpuModel CpuModel;
typedef struct X86Tlb X86Tlb;

struct X86Cpu {
    /* --- architectural state --- */
    uint64_t regs[16];
    uint64_t rip;
    uint32_t eflags;  /* all but the lazy arithmetic flags; bit 1 set */
    uint32_t cc_op;
    uint64_t cc_dst;
    uint64_t cc_src;
    uint64_t cc_src2;

    X86Seg seg[SEG_COUNT];
    X86Seg ldt;
    X86Seg tr;
    X86DescTable gdt;
    X86DescTable idt;

    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t pdpte[4];   /* PAE (not long mode): loaded with CR3 */
    uint64_t efer;
    uint64_t dr[8];
    uint64_t xcr0;

    /* MSRs */
    uint64_t tsc_offset; /* TSC = virtual ns scaled + offset */
    uint64_t apic_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t star, lstar, cstar, fmask, kernel_gs_base;
    uint64_t pat;
    uint64_t misc_enable;
    uint64_t tsc_aux;
    uint64_t mtrr_cap_def; /* MTRRdefType */
    uint64_t mtrr_fixed[11];
    uint64_t mtrr_var[16]; /* base/mask pairs */
    uint64_t mcg_status;
    uint64_t pmc[2];        /* performance counters (not counting) */
    uint64_t pmc_evtsel[2]; /* and their event selects */
    uint64_t bios_sign_id;  /* microcode update signature */

    /* x87 */
    Fx80 fpr[8];       /* physical registers R0-R7 */
    uint16_t fcw;
    uint16_t fsw;      /* TOP bits are kept in ftop */
    uint8_t ftop;
    uint16_t ftw;      /* full tag word, 2 bits per physical register */
    uint16_t fop;
    uint64_t fip, fdp;
    uint16_t fcs, fds;
    /* FERR#: the PC-style x87 error output (CR0.NE clear), level = ES.
     * The board may wire it to IRQ13; unconnected it does nothing. */
    IrqLine ferr;
    bool ferr_level;

    /* SSE */
    X86Xmm xmm[16];
    uint32_t mxcsr;

    /* pending events */
    uint32_t interrupt_request;
    uint8_t sipi_vector;
    bool halted;
    bool wait_for_sipi;   /* application processor after INIT */
    bool nmi_blocked;     /* inside an NMI handler until IRET */
    bool irq_shadow;      /* after MOV SS / POP SS / STI: one instruction */
    bool a20_enabled;
    bool smm;
    uint8_t pin_level[VCPU_PIN_COUNT];

    /* --- derived mode, recomputed by x86_update_mode() --- */
    uint8_t cpl;
    bool pe;          /* CR0.PE */
    bool vm86;        /* EFLAGS.VM in protected mode */
    bool lma;         /* long mode active */
    bool code64;      /* CS.L in long mode */
    bool code32;      /* CS.D (not 64-bit) */
    bool stack32;     /* SS.B */
    uint32_t hflags;  /* decoding/translation key bits (X86_HF_*) */

    /* --- plumbing --- */
    int index;        /* CPU number (APIC id) */
    const CpuModel *model;
    AddressSpace *as;
    IoBus *io;
    Clock *clock;
    Log *log;
    VcpuIntc intc;
    X86Tlb *tlb;

    jmp_buf jmp_env;      /* x86_raise() returns here */
    uint64_t next_rip;    /* where the current instruction continues */
    uint64_t insn_start;  /* rip of the current instruction */
    uint32_t dr6_pending; /* data/I/O breakpoints hit by this instruction */
    int exc_depth;        /* nested exceptions while delivering one */
    int last_exc;         /* the exception being delivered, or -1 */
    int exc_vector;       /* raised by x86_raise, for the run loop */
    int exc_error;
    bool exc_trap;
    X86ExitReason exit_reason;
    uint64_t icount;      /* retired instructions, all time */
    uint64_t icount_synced; /* icount when last given to the clock */
    unsigned unimp_count; /* rate limit for "unimplemented" messages */
    bool yield_on_pause;  /* PAUSE ends the turn (vCPUs share a thread) */
    unsigned guest_err_count;
    X86ExceptionHook *exception_hook; /* NULL: deliver everything */
    void *exception_hook_opaque;
    /* tcg-lite's block executor (tcg-lite/tcg.h), NULL for the bare
     * interpreter. Called where the run loop would take a step: runs
     * translated code from rip, at most @budget instructions, each counted
     * in icount as a step counts it, and returns at an instruction
     * boundary. False: it ran nothing, the interpreter must step. */
    bool (*block_exec)(X86Cpu *cpu, uint64_t budget);
    void *block_opaque;
};

/* hflags: every mode bit that changes how bytes decode or execute. */
#define X86_HF_CPL_MASK 3u
#define X86_HF_PE (1u << 2)
#define X86_HF_VM (1u << 3)
#define X86_HF_CS32 (1u << 4)
#define X86_HF_SS32 (1u << 5)
#define X86_HF_LMA (1u << 6)
#define X86_HF_CS64 (1u << 7)
#define X86_HF_TF (1u << 8)
#define X86_HF_PG (1u << 9)
#define X86_HF_OSFXSR (1u << 10)
#define X86_HF_AC (1u << 11)  /* alignment checks: CR0.AM, EFLAGS.AC, CPL 3 */
#define X86_HF_DBG (1u << 12) /* DR7 enables a breakpoint */

X86Cpu *x86_cpu_new(const CpuModel *model, int index, AddressSpace *as,
                    IoBus *io, Clock *clock, Log *log);
void x86_cpu_free(X86Cpu *cpu);
/* Power-on/RESET state (INIT keeps x87/SSE/MSRs as the SDM says). */
void x86_cpu_reset(X86Cpu *cpu, bool init_only);

/* Load a state set from outside (a direct kernel boot): registers,
 * segment caches, descriptor tables, control registers, EFER and MSRs;
 * the CPU leaves HLT/wait-for-SIPI. Returns -1 (after loading the rest)
 * when an MSR cannot be written. */
int x86_cpu_set_boot_state(X86Cpu *cpu, const VcpuBootState *st);

/* Run until @max_insns retire, the CPU halts, or a request stops it. */
X86ExitReason x86_cpu_exec(X86Cpu *cpu, uint64_t max_insns);

/* Pins (the IrqHandler behind each VcpuPin). */
void x86_cpu_set_pin(void *opaque, int pin, int level);
/* Stop x86_cpu_exec() at the next instruction boundary. */
void x86_cpu_kick(X86Cpu *cpu);
/* Where FERR# goes (the board's IRQ13 logic). */
void x86_cpu_connect_ferr(X86Cpu *cpu, IrqLine line);
/* A start-up IPI (from the local APIC). */
void x86_cpu_sipi(X86Cpu *cpu, uint8_t vector);

uint32_t x86_get_eflags(X86Cpu *cpu);
/* Set the bits of @mask from @value (arith flags included). */
void x86_set_eflags(X86Cpu *cpu, uint32_t value, uint32_t mask);
/* Recompute cpl/mode/hflags after CR0, EFER, CS, SS or EFLAGS change. */
void x86_update_mode(X86Cpu *cpu);

void x86_cpu_dump(X86Cpu *cpu, FILE *f);

/* Exceptions: deliver @vector (with @error_code, or -1 for none) by
 * unwinding to the run loop. Never returns. */
__attribute__((noreturn)) void x86_raise(X86Cpu *cpu, int vector,
                                         int error_code);

#endif
