/*
 * The stream generator's internals, shared by the files that generate
 * instruction groups (gen_int.c: integer, gen_fault.c: faults and
 * prefixes, gen_far.c: far transfers in 64-bit code, gen_sse.c: SSE,
 * gen_x87.c: x87). Not an interface for anything else: see dt.h.
 *
 * One generator serves 16-, 32- and 64-bit code. A group emits its
 * instructions through the helpers below, which know the mode: the
 * default operand and address sizes (66 and 67 are emitted where a size
 * differs from them), the registers (8, or 16 in 64-bit code), REX,
 * where memory operands can point and how they are addressed (gen_addr.c).
 * An instruction is ins_begin(), its bytes, then ins_end() (setup_end()
 * for a setup instruction); setup for its operands comes before.
 */
#ifndef PCVM_TOOLS_DIFFTEST_GEN_H
#define PCVM_TOOLS_DIFFTEST_GEN_H

#include "tools/difftest/dt.h"
#include "tools/difftest/vals.h"

struct DtGen {
    uint64_t rng;
    const DtLayout *lay;
    DtStream *s;
    uint64_t group_mask;
    unsigned group;      /* the group generating now */
    unsigned limit;      /* code bytes an item may start below */
    unsigned start;      /* the instruction being built */
    uint32_t flag_mask;
    uint16_t reg_mask;
    uint8_t fpu_tol;
    unsigned depth;      /* items nested in branch items */
    uint16_t avoid;      /* registers set up for this item: an address
                            must not be built in them */
    unsigned bits;       /* 16, 32 or 64 */
    uint32_t cs_base;    /* linear address of CS:0 */
    uint32_t data_limit; /* limit of DS, ES and SS (16/32-bit code) */
    uint64_t stack_lo, stack_hi; /* where (E/R)SP starts */
    bool sse3;           /* the model has SSE3 (DT_GEN_SSE) */
    int x87_depth;       /* x87 group: registers thought in use, -1 if
                            unknown */
    /* 64-bit code */
    bool norex;          /* a byte item using AH-BH: no REX anywhere */
    int rip_at;          /* a RIP-relative disp32 to resolve, or -1 */
    uint64_t rip_target;
};

/* A ModRM operand. */
typedef struct Ea {
    bool mem;
    uint8_t reg;       /* register form: 0-15 */
    bool byte;         /* register form: a byte register (AH-BH, or
                          with REX SPL-DIL) */
    uint8_t as;        /* memory: address size (2, 4 or 8 bytes) */
    uint8_t mod, rm;   /* rm: the low three bits */
    bool has_sib;
    uint8_t sib;
    uint8_t rex;       /* the REX.X and REX.B it needs */
    uint32_t disp;
    uint8_t disp_size;
    uint8_t seg;       /* segment override prefix, or 0 */
    bool riprel;       /* RIP-relative: disp reaches @target */
    uint64_t target;
    bool wild;         /* not aimed: whatever the registers point at */
} Ea;

#define E_REG 1u
#define E_MEM 2u
#define E_DST 4u       /* written: rarely (E/R)SP */
#define E_NOSEG 8u     /* no segment override */
#define E_EXACT 16u    /* surely at the address: no wild forms */

/* REX bits, and REX_ON for a REX with none of them (byte registers
 * SPL-DIL). */
#define REX_W 8u
#define REX_R 4u
#define REX_X 2u
#define REX_B 1u
#define REX_ON 0x40u

/* --- random numbers and values --- */

uint64_t rnd(DtGen *g);
uint32_t rn(DtGen *g, uint32_t n);
bool chance(DtGen *g, unsigned percent);
/* A value of @size bytes (1, 2, 4 or 8) likely to find edge cases. */
uint64_t interesting(DtGen *g, unsigned size);

/* --- the mode --- */

/* General registers an operand may name: 16 in 64-bit code, but 8 for
 * an item that uses AH-BH. Also the number of XMM registers. */
unsigned nregs(const DtGen *g);
/* The default operand size (2 or 4) and address size (2, 4 or 8). */
unsigned def_os(const DtGen *g);
unsigned def_as(const DtGen *g);
/* The default operand size, or with @pct percent the other one (66). */
unsigned pick_os(DtGen *g, unsigned pct);
/* The default address size, or with @pct percent the other one (67). */
unsigned pick_as(DtGen *g, unsigned pct);
/* An operand size of the mode: 1, 2, 4 (and 8 in 64-bit code). */
unsigned pick_size(DtGen *g);
/* The widest operand size of the mode: 4, or 8 in 64-bit code. */
unsigned wide_size(const DtGen *g);
/* For an item with operands of @size: in 64-bit code, byte items use
 * AH-BH now and then (no REX anywhere), else SPL-DIL and R8B-R15B. */
void pick_byte_regs(DtGen *g, unsigned size);
/* REX.W with @pct percent in 64-bit code (never elsewhere). */
bool rex_w(DtGen *g, unsigned pct);
/* The REX.B and REX.R a register number needs (r >= 8). */
unsigned rex_b(unsigned r);
unsigned rex_r(unsigned r);

/* --- emitting --- */

void byte(DtGen *g, uint8_t b);
void imm(DtGen *g, uint64_t v, unsigned size);
/* Rewrite an emitted byte (bytes cut off at the end are gone). */
void patch8(DtGen *g, unsigned at, uint8_t b);
/* @size bytes of @v at @at (a displacement or an address known late). */
void patch(DtGen *g, unsigned at, uint64_t v, unsigned size);
/* The offset in CS (the address in 64-bit code) of the next byte. */
uint64_t here(const DtGen *g);
void ins_begin(DtGen *g);
void ins_end(DtGen *g);
void setup_end(DtGen *g);
/* Legacy prefixes in random order - LOCK, @seg, 66 if @os (2 or 4;
 * others do not count) is not the default operand size, 67 if @as is
 * not the default address size, @rep (F2, F3 or a mandatory 66) - and in
 * 64-bit code a REX with the bits @rex (REX_ON: even with none), now and
 * then one that changes nothing. */
void prefixes(DtGen *g, bool lock, uint8_t seg, unsigned os, unsigned as,
              uint8_t rep, unsigned rex);

/* --- setup instructions --- */

/* MOV r, imm of @size (1: AL-BH, or SPL-DIL with REX). */
void set_reg(DtGen *g, unsigned r, unsigned size, uint64_t v);
/* The same in the B0+r/B8+r form, returning the offset of the immediate
 * (for a value known later). */
unsigned set_reg_at(DtGen *g, unsigned r, unsigned size, uint64_t v);
/* MOV [abs], imm of @size (8: two stores): inside the sandbox only, where
 * the setup cannot fault. set_mem_at() returns the offset of the
 * immediate (of the first store), or -1 when nothing was stored. */
void set_mem(DtGen *g, uint64_t addr, unsigned size, uint64_t v);
int set_mem_at(DtGen *g, uint64_t addr, unsigned size, uint64_t v);
/* MOV r, [abs] of @size: inside the sandbox only. */
void load_reg(DtGen *g, unsigned r, uint64_t addr, unsigned size);
/* EFLAGS for a POPF: TF (the runners single-step) and IF kept, AC DF
 * NT ID now and then. */
uint32_t random_flags(DtGen *g);
void maybe_flags(DtGen *g, unsigned percent);
void maybe_value(DtGen *g, unsigned r, unsigned size, unsigned pct);

/* --- operands --- */

/* The full register that register @r of an operand of @size is part of
 * (AH-BH: RAX-RBX). */
unsigned phys_reg(const DtGen *g, unsigned r, unsigned size);
/* A general register for an operand of @size; @dst avoids (E/R)SP. */
unsigned pick_reg(DtGen *g, unsigned size, bool dst);
/* Where the sandbox ends for data accesses (the 16-bit segment limit). */
uint64_t sbx_end(const DtGen *g);
bool in_sandbox(const DtGen *g, uint64_t addr, unsigned size);
/* A target address for an access of @size bytes: mostly the sandbox,
 * now and then somewhere that faults (gen_addr.c). */
uint64_t pick_addr(DtGen *g, unsigned size);
/* A segment override for an operand at *@addr now and then (gen_addr.c):
 * in 16/32-bit code ES SS DS CS (CS rarely with E_DST: writes raise
 * #GP), in 64-bit code GS (*@addr becomes the offset from its base) or
 * one of those it ignores. */
uint8_t pick_seg(DtGen *g, unsigned flags, uint64_t *addr);
/* A memory operand aimed at @addr (gen_addr.c): setup instructions
 * load the base and index registers. */
Ea mem_at(DtGen *g, uint64_t addr, unsigned flags);
/* Any address form at all (LEA): no access. */
Ea any_mem(DtGen *g);
Ea reg_E(unsigned r);
Ea pick_E(DtGen *g, unsigned size, unsigned flags);
/* ModRM (with ModRM.reg @regf), SIB and displacement of @e. */
void modrm(DtGen *g, const Ea *e, unsigned regf);
/* An instruction with the ModRM operand @e, but for its immediate:
 * prefixes (LOCK with @lock) and REX, opcode @op (0F xx when above 0xff),
 * ModRM with @regf (a register 0-15 or a /digit), for operand size @os
 * (1, 2, 4 or 8; 1: byte registers). */
void op_E(DtGen *g, const Ea *e, unsigned regf, unsigned os, bool lock,
          unsigned op);

/* --- items --- */

/* Another item, nested in a branch item (no branch, no fault). */
void gen_nested_item(DtGen *g);

/* The groups (gen_int.c, gen64.c, gen_sse.c, gen_x87.c). */
void gen_alu(DtGen *g);
void gen_muldiv(DtGen *g);
void gen_shift(DtGen *g);
void gen_bcd(DtGen *g);
void gen_bit(DtGen *g);
void gen_move(DtGen *g);
void gen_stack(DtGen *g);
void gen_string(DtGen *g);
void gen_atomic(DtGen *g);
void gen_branch(DtGen *g);
void gen_prefix(DtGen *g);
void gen_prefix64(DtGen *g);
void gen_fault(DtGen *g);
void gen_fault64(DtGen *g);
void gen_far(DtGen *g);
void gen_sse_init(DtGen *g);
void gen_ssefp(DtGen *g);
void gen_ssecvt(DtGen *g);
void gen_ssemov(DtGen *g);
void gen_sseint(DtGen *g);
void gen_x87_init(DtGen *g);
void gen_x87(DtGen *g);

#endif
