/*
 * The x86 decoder and its opcode table.
 *
 * Promise: x86_decode() turns the bytes at CS:RIP into a DecodedInsn - the
 * handler to run, operand and address size, segment, ModRM/SIB form with
 * displacement, immediates and length - without changing any CPU state
 * except by raising #PF/#GP on the fetch or #UD on an undefined encoding.
 * One table (optab.c) drives decoding, the interpreter, tcg-lite's block-end
 * rules and the mnemonic in traces. The interpreter and tcg-lite share it.
 */
#ifndef PCVM_CPU_DECODE_H
#define PCVM_CPU_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"

typedef struct DecodedInsn DecodedInsn;
typedef void X86Handler(X86Cpu *cpu, const DecodedInsn *d);

/* How the operand bytes after the opcode look. */
typedef enum OpForm {
    FORM_NONE,      /* no ModRM, no immediate */
    FORM_M,         /* ModRM */
    FORM_M_IB,      /* ModRM, imm8 */
    FORM_M_IBS,     /* ModRM, imm8 sign-extended to the operand size */
    FORM_M_IZ,      /* ModRM, imm16/32 (32 sign-extended for 64-bit) */
    FORM_IB,        /* imm8 */
    FORM_IBS,       /* imm8 sign-extended */
    FORM_IW,        /* imm16 */
    FORM_IZ,        /* imm16/32 */
    FORM_IV,        /* imm16/32/64 (MOV r, imm) */
    FORM_IW_IB,     /* ENTER */
    FORM_JB,        /* rel8 */
    FORM_JZ,        /* rel16/32 */
    FORM_AP,        /* ptr16:16 / ptr16:32 (far JMP/CALL) */
    FORM_MOFFS,     /* address-size offset (MOV AL, moffs) */
    FORM_GROUP,     /* ModRM, then a sub-table by ModRM.reg */
    FORM_GROUP_MOD, /* ModRM, then sub-table: [0..7] memory by reg,
                       [8..15] register by reg (0F 01 and friends) */
} OpForm;

/* OpInfo.flags */
#define OPF_BYTE (1u << 0)      /* byte operand size */
#define OPF_LOCK (1u << 1)      /* LOCK allowed (with a memory operand) */
#define OPF_D64 (1u << 2)       /* 64-bit operand size by default in 64-bit mode */
#define OPF_F64 (1u << 3)       /* 64-bit operand size always in 64-bit mode */
#define OPF_I64 (1u << 4)       /* invalid in 64-bit mode */
#define OPF_O64 (1u << 5)       /* only in 64-bit mode */
#define OPF_BRANCH (1u << 6)    /* may change RIP: ends a block */
#define OPF_END (1u << 7)       /* ends a block (mode change, HLT, I/O...) */
#define OPF_PRIV (1u << 8)      /* CPL 0 only (#GP otherwise) */
#define OPF_MEM_ONLY (1u << 9)  /* register form is #UD */
#define OPF_REG_ONLY (1u << 10) /* memory form is #UD */
#define OPF_NOREP (1u << 11)    /* F2/F3 select another instruction (SSE) */
#define OPF_SSE (1u << 12)      /* sub-table by mandatory prefix */
#define OPF_STRING (1u << 13)   /* REP applies */
#define OPF_X87 (1u << 14)      /* escape to the x87 decoder */

typedef struct OpInfo {
    const char *name;
    X86Handler *handler;
    uint8_t form;               /* OpForm */
    uint32_t flags;
    const struct OpInfo *sub;   /* FORM_GROUP*: 8 or 16 entries;
                                   OPF_SSE: 4 entries (none, 66, F3, F2) */
    uint16_t min_model;         /* CPU generation that has it (CPU_GEN_*) */
    uint16_t feature;           /* X86_FEAT_* the CPU must advertise, or 0
                                   (so X86_FEAT_FPU cannot be asked for) */
} OpInfo;

/* Address forms of the memory operand. */
#define EA_BASE (1u << 0)
#define EA_INDEX (1u << 1)
#define EA_RIP (1u << 2)

struct DecodedInsn {
    X86Handler *handler;
    const OpInfo *op;
    uint16_t opcode;     /* 0x000-0x0ff, 0x100-0x1ff (0F xx), 0x200 (0F38),
                            0x300 (0F3A) */
    uint8_t len;
    uint8_t opsize;      /* 1, 2, 4 or 8 bytes */
    uint8_t addrsize;    /* 2, 4 or 8 */
    uint8_t seg;         /* segment of the memory operand (R_*) */
    uint8_t seg_override; /* SEG_NONE when none */
    uint8_t rep;         /* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE) */
    uint8_t lock;
    uint8_t opsize_prefix; /* 66 seen */
    uint8_t rex;         /* the REX byte, 0 if none */
    uint8_t modrm;
    uint8_t mod;
    uint8_t reg;         /* ModRM.reg + REX.R; byte regs: see REG8_* */
    uint8_t rm;          /* ModRM.rm + REX.B (register form) */
    uint8_t mem;         /* the E operand is memory */
    uint8_t ea_flags;    /* EA_* */
    uint8_t base;
    uint8_t index;
    uint8_t scale;       /* shift: 0-3 */
    int64_t disp;
    uint64_t imm;
    uint64_t imm2;       /* ENTER's level, a far pointer's selector */
};

/*
 * Byte registers: 0-15 are the low bytes of the registers; without a REX
 * prefix, encodings 4-7 mean AH, CH, DH, BH, which the decoder turns into
 * REG8_AH + 0..3 so handlers need not look at REX.
 */
#define REG8_AH 16

/* Decode at cpu->rip; raises faults through x86_raise(). */
void x86_decode(X86Cpu *cpu, DecodedInsn *d);

/* Mnemonic for traces ("add", "jcc", ...). */
const char *x86_insn_name(const DecodedInsn *d);

/* The tables (optab.c). */
extern const OpInfo x86_optab_1byte[256];
extern const OpInfo x86_optab_0f[256];
extern const OpInfo x86_optab_0f38[256];
extern const OpInfo x86_optab_0f3a[256];

/* CPU generations, for opcodes newer than the 8086. */
enum {
    CPU_GEN_8086 = 0,
    CPU_GEN_186 = 1,
    CPU_GEN_286 = 2,
    CPU_GEN_386 = 3,
    CPU_GEN_486 = 4,
    CPU_GEN_586 = 5,
    CPU_GEN_686 = 6,
    CPU_GEN_X86_64 = 7,
};

#endif
