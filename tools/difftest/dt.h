/*
 * difftest: pcvm's interpreter against the host CPU on random instruction
 * streams (tools/difftest.c is the driver).
 *
 * Promise: a stream is a block of 16-, 32- or 64-bit user-mode code plus
 * an initial register file and sandbox contents, all derived from one
 * seed. Both
 * runners execute it single-stepped (EFLAGS.TF set from the first
 * instruction on) in the same flat address layout and report the state
 * after every instruction, the event that ended the stream (every stream
 * ends with an exception: at worst the HLT placed after the last
 * instruction, a #GP at CPL 3) and the sandbox afterwards. The driver
 * compares the two reports.
 */
#ifndef PCVM_TOOLS_DIFFTEST_DT_H
#define PCVM_TOOLS_DIFFTEST_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- layout --- */

#define DT_CODE_SIZE 0x4000u  /* code pages (read/execute) */
#define DT_SBX_SIZE 0x10000u  /* sandbox pages (read/write, no execute) */
#define DT_PAGE 0x1000u

/* Where things live in the 32-bit address space, the same for both
 * runners. The sandbox follows the code directly. */
typedef struct DtLayout {
    uint32_t code_base;
    uint32_t sbx_base;
    uint32_t stack_lo, stack_hi; /* initial ESP range, in the sandbox */
    uint32_t stub_base;          /* the host's entry stub (read/execute) */
    uint32_t scratch_base;       /* its data page (read/write) */
    uint32_t gs_base;            /* GS base of 64-bit streams (mid-sandbox) */
    bool ldt16;                  /* the host's LDT holds the 16-bit
                                    segments (DT_SEL_CODE16/DATA16) */
} DtLayout;

/* The layout for a code base (0x1000 where the host lets us map page 1,
 * so 16-bit addresses and 16-bit branch targets land in real memory).
 * Everything lies within one 2 MiB-aligned region. */
void dt_layout_init(DtLayout *lay, uint32_t code_base);


/* --- state --- */

enum { DT_EAX, DT_ECX, DT_EDX, DT_EBX, DT_ESP, DT_EBP, DT_ESI, DT_EDI,
       DT_R8, DT_R9, DT_R10, DT_R11, DT_R12, DT_R13, DT_R14, DT_R15 };

#define DT_FL_CF 0x0001u
#define DT_FL_PF 0x0004u
#define DT_FL_AF 0x0010u
#define DT_FL_ZF 0x0040u
#define DT_FL_SF 0x0080u
#define DT_FL_TF 0x0100u
#define DT_FL_IF 0x0200u
#define DT_FL_DF 0x0400u
#define DT_FL_OF 0x0800u
#define DT_FL_NT 0x4000u
#define DT_FL_AC 0x40000u
#define DT_FL_ID 0x200000u
#define DT_FL_ARITH 0x08d5u
/* The EFLAGS bits compared after every step. */
#define DT_FL_COMPARE (DT_FL_ARITH | DT_FL_TF | DT_FL_DF | DT_FL_NT | \
                       DT_FL_AC | DT_FL_ID)

/* The x87/MMX/SSE state: what FXSAVE shows of it. The x87 registers are
 * in physical order (R0-R7, MMi = Ri's significand), not stack order.
 * 16/32-bit streams hold XMM0-7 (the rest zero), 64-bit ones XMM0-15. */
typedef struct DtFpu {
    uint8_t xmm[16][16];
    uint64_t st_mant[8];
    uint16_t st_exp[8];
    uint32_t mxcsr;
    uint16_t fcw;
    uint16_t fsw;        /* with TOP */
    uint8_t ftw;         /* abridged: bit i set = Ri not empty */
    uint8_t pad[7];
} DtFpu;

/* The register file: 8 registers (zero-extended) for 16/32-bit streams,
 * 16 for 64-bit ones; eip holds RIP. */
typedef struct DtRegs {
    uint64_t r[16];
    uint64_t eflags;
    uint64_t eip;
    DtFpu fpu;
} DtRegs;

/* The FXSAVE image of a DtFpu (512 bytes, FCW FSW FTW MXCSR ST0-7 and
 * the first @nxmm XMM registers, 8 or 16; the rest zero), and back. */
void dt_fpu_to_fxsave(const DtFpu *f, uint8_t *img, unsigned nxmm);
/* The state after FNINIT with MXCSR at its reset value. */
void dt_fpu_default(DtFpu *f);
void dt_fpu_from_fxsave(DtFpu *f, const uint8_t *img, unsigned nxmm);


/* What ended a stream. */
typedef struct DtEvent {
    int vec;          /* exception vector, or a DT_END_* below */
    uint32_t err;     /* error code (#GP, #PF, #AC; else 0) */
    uint64_t cr2;     /* faulting address (#PF) */
    DtRegs regs;      /* at the fault (or after a trap) */
} DtEvent;

#define DT_END_TIMEOUT (-1)   /* host: ran too long */
#define DT_END_OVERFLOW (-2)  /* more steps than a report holds */
#define DT_END_CRASH (-3)     /* host runner died */

#define DT_MAX_STEPS 8192

/* One runner's account of a stream. */
typedef struct DtReport {
    uint32_t nsteps;
    DtRegs steps[DT_MAX_STEPS]; /* state after each single step */
    DtEvent end;
} DtReport;

/* --- streams --- */

#define DT_MAX_INSNS 1024

/* Flags and registers an instruction leaves undefined in a way where the
 * host may differ from the emulated model on purpose (docs/cpu-flags.md):
 * the driver ignores them after that instruction and carries the host's
 * values over to pcvm. */
typedef struct DtInsn {
    uint16_t off;       /* offset in the code */
    uint8_t len;
    uint8_t group;      /* index in dt_groups, or DT_GROUP_SETUP */
    uint32_t flag_mask; /* EFLAGS bits not compared after it */
    uint16_t reg_mask;  /* registers not compared after it (bit per reg) */
    uint8_t fpu_tol;    /* DT_FPU_*: how the x87 state may differ */
} DtInsn;

/* DtInsn.fpu_tol: the x87 transcendentals, whose last bit is not
 * specified: each register may be one unit in the last place off, and
 * FSW.C1 (rounded up) anything. The driver carries the host's whole x87
 * state over afterwards. */
#define DT_FPU_ULP 1u

#define DT_GROUP_SETUP 0xff

typedef struct DtStream {
    uint8_t code[DT_CODE_SIZE];
    unsigned len;           /* bytes of code (the rest is HLT) */
    uint8_t bits;           /* 32: flat 32-bit segments; 16: 16-bit code
                               based at code_base, 64 KiB data segments
                               based at 0 (LDT descriptors on the host);
                               64: 64-bit code, GS based at gs_base */
    DtInsn insn[DT_MAX_INSNS];
    unsigned ninsn;
    DtRegs init;            /* eip at the first byte, TF set */
    uint64_t mem_seed;      /* sandbox contents */
} DtStream;

/* Selectors: the host's flat user segments (x86-64 Linux), and the two
 * LDT descriptors the host runner installs for 16-bit streams. */
#define DT_SEL_CODE32 0x23
#define DT_SEL_DATA32 0x2b
#define DT_SEL_CODE16 0x07
#define DT_SEL_DATA16 0x0f
#define DT_SEL_CODE64 0x33

/* The host enters a stream through a stub that loads the initial state
 * from the scratch page (32-bit code at stub_base, 64-bit code at
 * stub_base + DT_STUB64). pcvm maps both pages too, with the same
 * contents, so a stray access finds the same memory on both sides. */
#define DT_STUB64 0x800u
void dt_build_stub(uint8_t *page, const DtLayout *lay);
void dt_fill_scratch(uint8_t *page, const DtLayout *lay, const DtRegs *init,
                     unsigned bits);

/* --- the generator (gen.c and the group files) --- */

typedef struct DtGen DtGen;
typedef void DtGenFn(DtGen *g);

/* An instruction group: one table entry in dt_groups (gen.c). A group's
 * function emits one item - an instruction, maybe with setup instructions
 * before it (operands pointed into the sandbox, interesting values). */
typedef struct DtGroup {
    const char *name;
    const char *what;
    DtGenFn *gen;           /* 16/32-bit code (NULL: none) */
    DtGenFn *gen64;         /* 64-bit code (NULL: none) */
    unsigned weight;        /* share when all groups are on */
    bool sse;               /* needs SSE up to SSSE3 (and its initial
                               x87/SSE state) */
} DtGroup;

extern const DtGroup dt_groups[];
extern const unsigned dt_group_count;

/* In dt_gen_stream's group mask: the model has everything the SSE groups
 * use (SSE up to SSSE3), so other groups may use it too (FISTTP). */
#define DT_GEN_SSE (1ULL << 63)

/* Generate stream @index of @seed with about @ninsn instructions of
 * @bits-bit code (16, 32 or 64) from the groups whose bit is set in
 * @group_mask (and DT_GEN_SSE) that have a generator for that code. */
void dt_gen_stream(DtStream *s, const DtLayout *lay, uint64_t seed,
                   uint64_t index, uint64_t group_mask, unsigned ninsn,
                   unsigned bits);
/* The sandbox contents of a stream. */
void dt_fill_sandbox(uint8_t *buf, uint64_t mem_seed);
/* A copy of @s cut after its first @n instructions. */
void dt_truncate(DtStream *dst, const DtStream *s, unsigned n);

/* --- runners --- */

/* pcvm (emu.c). */
typedef struct DtEmu DtEmu;
DtEmu *dt_emu_new(const DtLayout *lay, const char *cpu_model, char *err,
                  size_t errlen);
/* Does the model have everything the SSE groups use (up to SSSE3)? */
bool dt_emu_has_sse(const DtEmu *e);
void dt_emu_free(DtEmu *e);
/* Run through tcg-lite's translation cache instead of the bare
 * interpreter; -1 when out of memory. */
int dt_emu_use_tcg(DtEmu *e);
/* Run @s; fills @rep and the sandbox after the run (@sbx_out). After
 * each step, @step (if not NULL) sees the state and the address of the
 * instruction that ran, and may change the state (the driver carries
 * undefined flags over from the host); @rep keeps the unchanged state. */
typedef void DtStepFn(void *opaque, unsigned step, uint64_t insn_eip,
                      DtRegs *state);
void dt_emu_run(DtEmu *e, const DtStream *s, DtReport *rep,
                uint8_t *sbx_out, DtStepFn *step, void *opaque);

/* The host CPU (host.c): a child process that runs streams natively. */
typedef struct DtHost DtHost;
/* NULL with a reason in @err when this host cannot run 32-bit user code
 * (not x86-64 Linux, no compatibility segment, low memory unavailable).
 * *@has16 tells whether it can run 16-bit streams too; 64-bit streams
 * run wherever 32-bit ones do. */
DtHost *dt_host_new(DtLayout *lay, bool *has16, char *err, size_t errlen);
void dt_host_free(DtHost *h);
void dt_host_run(DtHost *h, const DtStream *s, DtReport *rep,
                 uint8_t *sbx_out);

#endif
