/*
 * The stream generator's internals, shared by the files that generate
 * instruction groups (gen.c: integer, gen_sse.c: SSE). Not an interface
 * for anything else: see dt.h.
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
    uint8_t reg_mask;
    uint8_t fpu_tol;
    unsigned depth;      /* items nested in branch items */
    uint32_t stack_lo, stack_hi; /* where ESP starts */
    uint8_t avoid;       /* registers set up for this item: an address
                            must not be built in them */
    bool def32;          /* 32-bit code (else 16-bit) */
    uint32_t cs_base;    /* linear address of CS:0 */
    uint32_t data_limit; /* limit of DS, ES and SS */
    bool sse3;           /* the model has SSE3 (DT_GEN_SSE) */
    int x87_depth;       /* x87 group: registers thought in use, -1 if
                            unknown */
};

typedef struct Ea {
    bool mem;
    uint8_t reg;       /* register form */
    bool a16;          /* 16-bit addressing (67 prefix) */
    uint8_t mod, rm;
    bool has_sib;
    uint8_t sib;
    uint32_t disp;
    uint8_t disp_size;
    uint8_t seg;       /* segment override prefix, or 0 */
    bool wild;         /* not aimed: whatever the registers point at */
} Ea;

#define E_REG 1u
#define E_MEM 2u
#define E_DST 4u       /* written: rarely ESP */
#define E_NOSEG 8u     /* no segment override */
#define E_NOA16 16u    /* 32-bit addressing only */

uint64_t rnd(DtGen *g);
uint32_t rn(DtGen *g, uint32_t n);
bool chance(DtGen *g, unsigned percent);
uint32_t interesting(DtGen *g, unsigned size);
void byte(DtGen *g, uint8_t b);
void imm(DtGen *g, uint32_t v, unsigned size);
void ins_begin(DtGen *g);
void ins_end(DtGen *g);
void setup_end(DtGen *g);
void prefixes(DtGen *g, bool lock, uint8_t seg, unsigned os,
              unsigned as, uint8_t rep);
void set_reg32(DtGen *g, unsigned r, uint32_t v);
void set_mem(DtGen *g, uint32_t addr, unsigned size, uint32_t v);
void maybe_flags(DtGen *g, unsigned percent);
uint32_t pick_addr(DtGen *g, unsigned size);
Ea mem_at(DtGen *g, uint32_t addr, unsigned flags);
Ea pick_mem(DtGen *g, unsigned size, unsigned flags);
Ea pick_E(DtGen *g, unsigned size, unsigned flags);
void ea_prefixes(DtGen *g, const Ea *e, bool lock, unsigned os);
void modrm(DtGen *g, const Ea *e, unsigned regf);
unsigned pick_reg(DtGen *g, unsigned size, bool dst);

/* The SSE groups (gen_sse.c). */
void gen_sse_init(DtGen *g);
void gen_ssefp(DtGen *g);
void gen_ssecvt(DtGen *g);
void gen_ssemov(DtGen *g);
void gen_sseint(DtGen *g);

/* The x87 group (gen_x87.c). */
void gen_x87_init(DtGen *g);
void gen_x87(DtGen *g);

#endif
